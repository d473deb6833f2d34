import { z } from 'zod'
import { calendarDate, listOf } from './common.js'
import { endpoint, json } from './endpoint.js'

const tag = 'jobs'

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
export type Job = z.output<typeof jobSchema>
export type JobStatus = Job['status']

export const startJob = endpoint({
  method: 'POST',
  url: '/api/jobs',
  operationId: 'startJob',
  summary: 'Start an assessment or a package export; poll the job for progress',
  tag,
  permission: 'jobs:run',
  body: jobBody,
  response: json(jobSchema, 202),
})

export const listJobs = endpoint({
  method: 'GET',
  url: '/api/jobs',
  operationId: 'listJobs',
  summary: 'Recent jobs, newest first',
  tag,
  permission: 'jobs:run',
  response: json(listOf(jobSchema)),
})

export const getJob = endpoint({
  method: 'GET',
  url: '/api/jobs/:id',
  operationId: 'getJob',
  summary: 'A job with its progress, result or problem',
  tag,
  permission: 'jobs:run',
  params: jobParams,
  response: json(jobSchema),
})
