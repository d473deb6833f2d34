import { createHash } from 'node:crypto'
import { z } from 'zod'
import { contentHash } from './canonical-json.js'
import { evidenceKinds } from './evidence.js'

/**
 * The push wire format, shared by the remote collector (app/push-client.ts) and the server
 * (server/push.ts checks a batch and turns it into ledger records). Pure: types, schema, key, digest.
 * The format (also in the README and the OpenAPI description):
 *
 *   POST /api/push, Content-Type: application/json,
 *   Idempotency-Key: <sha256 hex of the canonical batch>, Content-Digest: sha-256=:<base64 of the body's SHA-256>:
 *   {format: 1, collector: {name, version}, collectedAt, inputs: [{file, collector, sha256, bytes, items}],
 *    errors: [{file, line?, message, hint?}], items: [{hash, evidence}]}
 *
 * where `hash` is the SHA-256 of the canonical JSON of `evidence` (what the ledger names it by).
 */

export const pushFormat = 1

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lowercase hex (64 characters)')
const text = (max: number) => z.string().min(1).max(max)

const pushInputSchema = z.strictObject({
  file: text(4096),
  collector: text(200),
  sha256: hex64,
  bytes: z.number().int().nonnegative(),
  items: z.number().int().nonnegative(),
  reused: z.boolean().optional(),
})

const pushErrorSchema = z.strictObject({
  file: z.string().max(4096),
  line: z.number().int().nonnegative().optional(),
  message: z.string().max(10_000),
  hint: z.string().max(10_000).optional(),
  kinds: z.array(z.enum(evidenceKinds)).max(200).optional(),
})

export const pushItemSchema = z.strictObject({
  hash: hex64,
  evidence: z.record(z.string(), z.unknown()),
})

export const pushBatchSchema = z.strictObject({
  format: z.literal(pushFormat),
  collector: z.strictObject({
    /** Must equal the collector token's name: a collector pushes under its own name only. */
    name: text(200),
    version: text(100),
  }),
  collectedAt: z.iso.datetime({ offset: true }),
  inputs: z.array(pushInputSchema),
  errors: z.array(pushErrorSchema),
  items: z.array(pushItemSchema),
})
export type PushBatch = z.infer<typeof pushBatchSchema>

/** The idempotency key of a batch: SHA-256 of its canonical JSON, so the same batch always has the same key. */
export function pushBatchKey(batch: PushBatch): string {
  return contentHash(batch)
}

/** Base64 of the SHA-256 of a body, as `Content-Digest` carries it. */
export const sha256Base64 = (body: Uint8Array | string): string =>
  createHash('sha256').update(body).digest('base64')

/** The `Content-Digest` header value (RFC 9530) of a body. */
export function contentDigest(body: Uint8Array | string): string {
  return `sha-256=:${sha256Base64(body)}:`
}

/** The SHA-256 a `Content-Digest` header claims (base64), or undefined when it names none. */
export function claimedSha256(header: string): string | undefined {
  for (const member of header.split(',')) {
    const match = /^\s*sha-256\s*=\s*:([A-Za-z0-9+/=]+):\s*$/.exec(member)
    if (match?.[1] !== undefined) return match[1]
  }
  return undefined
}
