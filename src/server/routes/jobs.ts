import { z } from 'zod'
import { NotFoundError } from '../../core/errors.js'
import type { ServerContext } from '../context.js'
import { defineRoute, type RouteDefinition } from '../route.js'
import { calendarDate } from '../schemas.js'

const jobBody = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('assess') }),
  z.strictObject({
    kind: z.literal('package'),
    type: z.union([z.literal(1), z.literal(2)]),
    asOf: calendarDate.optional(),
    from: calendarDate.optional(),
    to: calendarDate.optional(),
  }),
])

const jobParams = z.strictObject({ id: z.string().uuid() })

export const jobSchema = z.object({
  id: z.string(),
  kind: z.enum(['assess', 'package']),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  startedBy: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().optional(),
  progress: z.object({ done: z.number(), total: z.number(), step: z.string() }),
  result: z.record(z.string(), z.unknown()).optional(),
  error: z.string().optional(),
})

export const routes: RouteDefinition<ServerContext>[] = [
  defineRoute<ServerContext, unknown, unknown, z.infer<typeof jobBody>>({
    method: 'POST',
    url: '/api/jobs',
    operationId: 'startJob',
    summary: 'Start an assessment or a package export; poll the job for progress',
    tag: 'jobs',
    permission: 'jobs:run',
    body: jobBody,
    response: jobSchema,
    handler: async ({ body, actor, reply }, context) => {
      const { kind, ...parameters } = body
      const job = context.jobs.start(kind, actor, parameters)
      return reply.code(202).header('Location', `/api/jobs/${job.id}`).send(job)
    },
  }),
  defineRoute<ServerContext>({
    method: 'GET',
    url: '/api/jobs',
    operationId: 'listJobs',
    summary: 'Recent jobs, newest first',
    tag: 'jobs',
    permission: 'jobs:run',
    response: z.object({ items: z.array(jobSchema) }),
    handler: async (_input, context) => ({ items: context.jobs.jobs() }),
  }),
  defineRoute<ServerContext, z.infer<typeof jobParams>>({
    method: 'GET',
    url: '/api/jobs/:id',
    operationId: 'getJob',
    summary: 'A job with its progress, result or problem',
    tag: 'jobs',
    permission: 'jobs:run',
    params: jobParams,
    response: jobSchema,
    handler: async ({ params }, context) => {
      const job = context.jobs.job(params.id)
      if (job === undefined) throw new NotFoundError(`no job ${params.id}`)
      return job
    },
  }),
]
