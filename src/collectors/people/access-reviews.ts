import { z } from 'zod'
import { campaignEvidence, campaignsFileSchema } from '../../core/access-review.js'
import type { FileCollection, SourceContext } from '../source-collector.js'
import { exportDate, observedAt, readInput } from './read-input.js'

/**
 * Access-review campaigns from a JSON file: what `trustctl access-review list --format json` writes,
 * or what a team that reviews access in another tool exports in the same shape. Campaigns recorded
 * with `trustctl access-review` need no source: the assessment reads them from the ledger.
 */
export const accessReviewOptions = z.strictObject({
  type: z.literal('access-reviews'),
  /** The campaigns JSON, relative to trustctl.yaml. */
  path: z.string().min(1),
  /** When the file was exported: "overdue" is judged as of it. Without it, the collection time. */
  exportedAt: exportDate.optional(),
})
export type AccessReviewOptions = z.output<typeof accessReviewOptions>

/** Reads a campaigns JSON; a file that is not one is an error naming the file and the place. */
export async function collectAccessReviews(
  options: AccessReviewOptions,
  context: SourceContext,
): Promise<FileCollection> {
  const read = await readInput(context.root, options.path, 'access-reviews')
  if (read === undefined) throw new Error(`${context.where}.path: no such file: ${options.path}`)
  const file = read.shownAs
  let value: unknown
  try {
    value = JSON.parse(read.text.replace(/^\uFEFF/, ''))
  } catch (error) {
    return {
      evidence: [],
      errors: [{ file, message: `not valid JSON: ${(error as Error).message}` }],
      inputs: [read.input],
    }
  }
  const parsed = campaignsFileSchema.safeParse(value)
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({
      file,
      message: `${issue.path.length === 0 ? '(top level)' : issue.path.join('.')}: ${issue.message}`,
    }))
    return { evidence: [], errors, inputs: [read.input] }
  }
  const asOf = observedAt(options.exportedAt, context, context.where)
  const evidence = parsed.data.map((campaign) => campaignEvidence(campaign, file, asOf))
  read.input.items = evidence.length
  return { evidence, errors: [], inputs: [read.input] }
}
