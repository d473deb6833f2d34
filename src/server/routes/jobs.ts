import { NotFoundError } from '../../core/errors.js'
import type { ServerContext } from '../context.js'
import * as jobs from '../contract/jobs.js'
import { defineRoute, type RouteDefinition } from '../route.js'

export const routes: RouteDefinition<ServerContext>[] = [
  defineRoute({
    ...jobs.startJob,
    handler: async ({ body, actor, reply }, context: ServerContext) => {
      const { kind, ...parameters } = body
      const job = context.jobs.start(kind, actor, parameters)
      return reply.code(202).header('Location', `/api/jobs/${job.id}`).send(job)
    },
  }),
  defineRoute({
    ...jobs.listJobs,
    handler: async (_input, context: ServerContext) => ({ items: context.jobs.jobs() }),
  }),
  defineRoute({
    ...jobs.getJob,
    handler: async ({ params }, context: ServerContext) => {
      const job = context.jobs.job(params.id)
      if (job === undefined) throw new NotFoundError(`no job ${params.id}`)
      return job
    },
  }),
]
