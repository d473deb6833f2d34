import { existsSync } from 'node:fs'
import { z } from 'zod'
import type { AssessmentModel, Gap, GapTracking } from '../core/assessment.js'
import { StoreError } from '../core/errors.js'
import { withMembers } from '../core/findings-columns.js'
import { sha256 } from '../core/ledger.js'
import type { AssessmentStore } from '../core/store.js'
import { remediationStatuses } from '../core/team.js'
import type { LoadedConfig } from './load-config.js'
import { openStore, storeLocation } from './open-store.js'

/**
 * Remediation edited on the team server (a gap's owner, due date, status, comments) reaches the CLI,
 * the reports and the package through the ledger: each edit is a signed `change` record
 * (`gap.update`, `gap.comment`). Reading them back here, rather than the team tables, means what the
 * package says about remediation is as tamper-evident as the evidence, and needs no server running.
 */

/** One gap's edits, folded in ledger order: the latest owner, due date and status, every comment. */
export interface RemediationEdits {
  owner?: string
  dueDate?: string
  tracking: GapTracking
}

const actorSchema = z.object({ name: z.string() })
const updateSchema = z.object({
  actor: actorSchema,
  action: z.literal('gap.update'),
  target: z.string(),
  at: z.string(),
  after: z.object({
    owner: z.string().optional(),
    dueDate: z.string().optional(),
    status: z.enum(remediationStatuses),
  }),
})
const commentSchema = z.object({
  actor: actorSchema,
  action: z.literal('gap.comment'),
  target: z.string(),
  at: z.string(),
  after: z.object({ body: z.string() }),
})
const changeSchema = z.discriminatedUnion('action', [updateSchema, commentSchema])
export type RemediationChange = z.output<typeof changeSchema>

/** Record ids of gap changes start with their action (`gap.update:<gap id>`); others are skipped unread. */
const isGapChange = (id: string): boolean => id.startsWith('gap.update:') || id.startsWith('gap.comment:')

/**
 * Folds gap changes, oldest first, into each gap's current remediation: later edits win field by
 * field (an edit that set only the status keeps the owner set before it); comments accumulate.
 */
export function foldRemediationChanges(changes: readonly RemediationChange[]): Map<string, RemediationEdits> {
  const byGap = new Map<string, RemediationEdits>()
  for (const change of changes) {
    const edits = byGap.get(change.target) ?? { tracking: { status: 'open', comments: [] } }
    if (change.action === 'gap.update') {
      const { owner, dueDate, status } = change.after
      if (owner !== undefined) edits.owner = owner
      if (dueDate !== undefined) edits.dueDate = dueDate
      edits.tracking = { ...edits.tracking, status, updatedAt: change.at, updatedBy: change.actor.name }
    } else {
      edits.tracking.comments.push({ author: change.actor.name, body: change.after.body, at: change.at })
    }
    byGap.set(change.target, edits)
  }
  return byGap
}

/** The gaps with their recorded remediation applied; gaps nobody edited are returned as they were. */
export function applyRemediationEdits(
  gaps: readonly Gap[],
  edits: ReadonlyMap<string, RemediationEdits>,
): Gap[] {
  return gaps.map((gap) => {
    const found = edits.get(gap.id)
    if (found === undefined) return gap
    return {
      ...gap,
      owner: found.owner ?? gap.owner,
      dueDate: found.dueDate ?? gap.dueDate,
      tracking: { ...found.tracking, comments: [...found.tracking.comments] },
    }
  })
}

/**
 * The gap changes the ledger holds, oldest first. Only changes in complete runs count (a run sealed
 * by its signed manifest); a blob that no longer hashes to its record is an altered store, reported
 * as such rather than silently skipped.
 */
export async function recordedRemediationChanges(store: AssessmentStore): Promise<RemediationChange[]> {
  const complete = new Set((await store.runs()).filter((r) => r.status === 'complete').map((r) => r.id))
  const changes: RemediationChange[] = []
  for await (const { record, blob } of store.scan({ kinds: ['change'] })) {
    if (!complete.has(record.runId) || !isGapChange(record.id)) continue
    if (blob === undefined || sha256(blob) !== record.contentHash)
      throw new StoreError(`change record ${record.seq} (${record.id}): its content is missing or altered`, {
        hint: 'run `trustctl verify` for the full picture',
      })
    const parsed = changeSchema.safeParse(JSON.parse(Buffer.from(blob).toString('utf8')))
    // A change of another layout (a future action under the same prefix) is not ours to interpret.
    if (parsed.success) changes.push(parsed.data)
  }
  return changes
}

/** The model with the remediation recorded in its store applied to its gaps. */
export async function withRecordedRemediation(
  store: AssessmentStore,
  model: AssessmentModel,
): Promise<AssessmentModel> {
  const edits = foldRemediationChanges(await recordedRemediationChanges(store))
  // Not a spread: it would read the findings, making every one of them an object (withMembers).
  return edits.size === 0 ? model : withMembers(model, { gaps: applyRemediationEdits(model.gaps, edits) })
}

/**
 * Opens the configured store, applies its recorded remediation to the model's gaps and closes it.
 * With no store yet (nothing recorded, nothing edited) the model is returned as it is.
 */
export async function applyRecordedRemediation(
  loaded: LoadedConfig,
  env: NodeJS.ProcessEnv,
  model: AssessmentModel,
): Promise<AssessmentModel> {
  if (loaded.config.store.backend !== 'postgres' && !existsSync(storeLocation(loaded, env))) return model
  const store = await openStore(loaded, env)
  try {
    return await withRecordedRemediation(store, model)
  } finally {
    await store.close()
  }
}
