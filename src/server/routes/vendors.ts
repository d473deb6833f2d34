import { z } from 'zod'
import { editConfig, vendorIndex } from '../../app/edit-config.js'
import { loadConfig } from '../../app/load-config.js'
import { ConflictError, NotFoundError } from '../../core/errors.js'
import type { ServerContext } from '../context.js'
import { chooseRun } from '../read-model.js'
import { defineRoute, type RouteDefinition } from '../route.js'
import { calendarDate } from '../schemas.js'
import { runQuery } from './assessment.js'

const tag = 'Vendors'

/** trustctl.yaml is edited one request at a time: two reviews at once must not lose one. */
let configEdits: Promise<unknown> = Promise.resolve()
function serialized<T>(work: () => Promise<T>): Promise<T> {
  const next = configEdits.then(work, work)
  configEdits = next.catch(() => undefined)
  return next
}

/** A review date: a calendar date, or an ISO timestamp whose date part is kept. */
const reviewDate = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2}))?$/,
    'must be a date YYYY-MM-DD or an ISO timestamp',
  )
  .refine((s) => calendarDate.safeParse(s.slice(0, 10)).success, 'is not a real calendar date')

export const routes: RouteDefinition<ServerContext>[] = [
  defineRoute({
    method: 'GET',
    url: '/api/vendors',
    operationId: 'listVendors',
    summary: 'The vendor register of a run: each report, its coverage, CUECs and gaps',
    tag,
    permission: 'assessment:read',
    query: runQuery,
    async handler({ query, actor }, context: ServerContext) {
      const { model } = await chooseRun(context, actor, query.run)
      return { items: model.thirdParties?.vendors ?? [] }
    },
  }),
  defineRoute({
    method: 'PATCH',
    url: '/api/vendors/:name/review',
    operationId: 'reviewVendor',
    summary: "Records the review of a vendor's report in trustctl.yaml (comments kept; vendor.review change)",
    tag,
    permission: 'vendors:write',
    params: z.object({ name: z.string().min(1).max(200) }),
    body: z.strictObject({
      reviewedBy: z.string().trim().min(1).max(200),
      reviewedAt: reviewDate,
      exceptionsReviewed: z.boolean().optional(),
      notes: z.string().trim().max(4000).optional(),
    }),
    async handler({ params, body, actor }, context: ServerContext) {
      const file = context.loaded.file
      const { before, after } = await serialized(async () => {
        // Read the file as it is now: the CLI may have changed it since the server started.
        const current = await loadConfig(file, context.loaded.root)
        const vendor = current.config.vendors.find((v) => v.name.toLowerCase() === params.name.toLowerCase())
        if (vendor === undefined) throw new NotFoundError(`no vendor '${params.name}' in the register`)
        if (vendor.report === undefined)
          throw new ConflictError(`${vendor.name} has no report in the register to review`, {
            hint: `record it first: trustctl vendors import <report> --vendor "${vendor.name}"`,
          })
        const reviewedOn = body.reviewedAt.slice(0, 10)
        await editConfig(file, (doc) => {
          const index = vendorIndex(doc, vendor.name, file)
          doc.setIn(['vendors', index, 'report', 'reviewedBy'], body.reviewedBy)
          doc.setIn(['vendors', index, 'report', 'reviewedOn'], reviewedOn)
        })
        // Later jobs (assess, package) read the configuration the server holds: keep it current.
        context.loaded.config = (await loadConfig(file, context.loaded.root)).config
        return {
          before: {
            vendor: vendor.name,
            ...(vendor.report.reviewedBy === undefined ? {} : { reviewedBy: vendor.report.reviewedBy }),
            ...(vendor.report.reviewedOn === undefined ? {} : { reviewedOn: vendor.report.reviewedOn }),
          },
          after: {
            vendor: vendor.name,
            reviewedBy: body.reviewedBy,
            reviewedOn,
            ...(body.exceptionsReviewed === undefined ? {} : { exceptionsReviewed: body.exceptionsReviewed }),
            ...(body.notes === undefined ? {} : { notes: body.notes }),
            exceptions: vendor.report.exceptions,
          },
        }
      })
      // The file keeps what its schema has room for; the ledger's change record keeps the whole review.
      await context.recordChange(actor, { action: 'vendor.review', target: after.vendor, before, after })
      return { review: after }
    },
  }),
]
