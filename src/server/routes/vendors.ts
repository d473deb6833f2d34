import { editConfig, vendorIndex } from '../../app/edit-config.js'
import { loadConfig } from '../../app/load-config.js'
import { ConflictError, NotFoundError } from '../../core/errors.js'
import type { ServerContext } from '../context.js'
import * as vendors from '../contract/vendors.js'
import { chooseRun } from '../read-model.js'
import { defineRoute, type RouteDefinition } from '../route.js'

/** trustctl.yaml is edited one request at a time: two reviews at once must not lose one. */
let configEdits: Promise<unknown> = Promise.resolve()
function serialized<T>(work: () => Promise<T>): Promise<T> {
  const next = configEdits.then(work, work)
  configEdits = next.catch(() => undefined)
  return next
}

export const routes: RouteDefinition<ServerContext>[] = [
  defineRoute({
    ...vendors.listVendors,
    async handler({ query, actor }, context: ServerContext) {
      const { model } = await chooseRun(context, actor, query.run)
      return { items: model.thirdParties?.vendors ?? [] }
    },
  }),
  defineRoute({
    ...vendors.reviewVendor,
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
