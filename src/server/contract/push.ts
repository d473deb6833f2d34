import { z } from 'zod'
import { endpoint, json } from './endpoint.js'
import { jobSchema } from './jobs.js'

/**
 * Remote collectors push what they collected as batches (src/server/push.ts checks and stores them).
 * The wire format (also in the README and the OpenAPI description):
 *
 *   POST /api/push, Content-Type: application/json,
 *   Idempotency-Key: <sha256 hex of the canonical batch>, Content-Digest: sha-256=:<base64 of the body's SHA-256>:
 *   {format: 1, collector: {name, version}, collectedAt, inputs: [{file, collector, sha256, bytes, items}],
 *    errors: [{file, line?, message, hint?}], items: [{hash, evidence}]}
 *
 * where `hash` is the SHA-256 of the canonical JSON of `evidence` (what the ledger names it by).
 */
// The wire format is shared by the collector's client (app) and the server, so it lives in core.
export { type PushBatch, pushBatchSchema, pushFormat, pushItemSchema } from '../../core/push-format.js'

import { pushBatchSchema } from '../../core/push-format.js'

export const receiptSchema = z.object({
  key: z.string(),
  collector: z.string(),
  runId: z.number(),
  items: z.number(),
  receivedAt: z.string(),
})

export const pushResultSchema = z.object({
  receipt: receiptSchema,
  stored: z.number(),
  duplicate: z.boolean().optional(),
})
export type PushResult = z.output<typeof pushResultSchema>

export const scheduleSchema = z.object({
  cron: z.string().optional(),
  nextRunAt: z.string().optional(),
  mode: z.enum(['pg-boss', 'in-process', 'off']),
  recent: z.array(jobSchema),
})
export type Schedule = z.output<typeof scheduleSchema>

export const pushEvidence = endpoint({
  method: 'POST',
  url: '/api/push',
  operationId: 'pushEvidence',
  summary:
    'Push a batch of collected evidence (collector tokens only). Headers: Idempotency-Key (SHA-256 hex of the ' +
    'canonical JSON of the batch) and Content-Digest (sha-256=:<base64>: of the exact body). Each item hash is ' +
    'the SHA-256 of the canonical JSON of its evidence. Any mismatch is a 422 and nothing is stored; a retry ' +
    'of a stored batch answers 200 with duplicate: true. Over server.push.maxBytes: 413; over ' +
    'server.push.perMinute pushes a minute: 429 with Retry-After.',
  tag: 'push',
  permission: 'evidence:push',
  // The shape is checked by the server (400 naming the field); the digest, the key and the item
  // hashes over the exact bytes by the handler.
  body: pushBatchSchema,
  response: json(pushResultSchema),
})

export const getSchedule = endpoint({
  method: 'GET',
  url: '/api/schedule',
  operationId: 'getSchedule',
  summary: 'The assessment schedule (cron, UTC), when it next runs, and its recent jobs',
  tag: 'admin',
  permission: 'admin',
  response: json(scheduleSchema),
})
