import type { MessagePort } from 'node:worker_threads'
import {
  IntegrityError,
  JsonDepthError,
  PermissionError,
  TrustctlError,
  ValidationError,
  type ValidationIssue,
} from '../core/errors.js'
import { jsonDepth, maxJsonDepth } from '../core/json-depth.js'
import type { LedgerEntry } from '../core/ledger.js'
import { pushBatchSchema } from '../core/push-format.js'
import { checkBatchContent, checkCollector, checkContentDigest, pushEntries } from './push.js'

/**
 * Everything a push costs in CPU before it is stored: the Content-Digest over the raw bytes, JSON
 * parsing, the depth limit, the batch schema, the collector's name, the idempotency key, every
 * item's hash and shape, and the canonical bytes of the records. Pure and synchronous, so it runs in
 * a worker thread (push-worker.ts) while the event loop keeps answering other requests.
 */

export interface PushCheckInput {
  raw: Uint8Array
  /** The SHA-256 (base64) of `raw` when it was hashed as it arrived; else it is hashed here. */
  rawSha256?: string
  contentDigest: string | undefined
  idempotencyKey: string | undefined
  actor: { kind: string; role: string; name: string }
}

/** A refusal as it crosses the thread boundary: the error's class by code, and what it said. */
export interface PushCheckFailure {
  ok: false
  code: string
  message: string
  issues: ValidationIssue[]
  hint?: string
}

/** A checked push: its key, and its records, or (`held`) where they went instead (a HeldRun's port). */
export interface PushChecked {
  ok: true
  key: string
  /** The records to store; empty when `held`: they were sent to the ledger writer thread. */
  entries: LedgerEntry[]
  held: boolean
  items: number
  /** How many of the records are evidence (the rest: the push's evidence set). */
  stored: number
  kinds: string[]
}

export type PushCheckResult = PushChecked | PushCheckFailure

/** What the main thread sends a push thread (push-worker.ts) for one push, in this order. */
export type ToPushWorker =
  | ({ type: 'begin'; records?: MessagePort } & Omit<PushCheckInput, 'raw' | 'rawSha256'>)
  | { type: 'chunk'; bytes: Uint8Array }
  | { type: 'end' }
  | { type: 'abort' }

/** A key JSON.parse keeps as an own property but that a later merge would turn into a prototype. */
const prototypeKey = /"__proto__"\s*:/

function parseBody(raw: Uint8Array): unknown {
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8')
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new ValidationError(
      `the body is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
  if (prototypeKey.test(text)) throw new ValidationError('the body holds a "__proto__" key')
  // V8 parses deep JSON without recursion; canonical JSON and schema walks do not: measure first.
  const depth = jsonDepth(value, maxJsonDepth)
  if (depth > maxJsonDepth)
    throw new JsonDepthError(
      `the batch nests deeper than ${maxJsonDepth} levels (the limit for any JSON trustctl reads); nothing was stored`,
      { hint: 'no real evidence nests this deep: check what the collector sends' },
    )
  return value
}

/** Checks a push and builds its records; a refusal is returned, never thrown across the thread. */
export function checkPush(input: PushCheckInput): PushCheckResult {
  try {
    checkContentDigest(input.raw, input.contentDigest, input.rawSha256)
    const parsed = pushBatchSchema.safeParse(parseBody(input.raw))
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 10).map((issue) => ({
        path: ['body', ...issue.path.map(String)].join('.'),
        message: issue.message,
      }))
      throw new ValidationError(`${issues[0]?.path ?? 'body'}: ${issues[0]?.message ?? 'invalid'}`, issues)
    }
    const batch = parsed.data
    checkCollector(batch, input.actor)
    const key = checkBatchContent(batch, input.idempotencyKey)
    const kinds = [...new Set(batch.items.map((item) => String(item.evidence.kind)))]
    const entries = pushEntries(batch, input.actor.name, key)
    return {
      ok: true,
      key,
      entries,
      held: false,
      items: batch.items.length,
      stored: entries.filter((entry) => entry.kind === 'evidence').length,
      kinds,
    }
  } catch (error) {
    if (!(error instanceof TrustctlError)) throw error
    const issues =
      error instanceof ValidationError || error instanceof IntegrityError ? [...error.issues] : []
    return {
      ok: false,
      code: error.code,
      message: error.message,
      issues,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
    }
  }
}

/** The error a refusal was, rebuilt on the main thread so the route answers it as usual. */
export function failureError(failure: PushCheckFailure): TrustctlError {
  const options = failure.hint === undefined ? {} : { hint: failure.hint }
  switch (failure.code) {
    case 'integrity':
      return new IntegrityError(failure.message, failure.issues, options)
    case 'forbidden':
      return new PermissionError(failure.message, options)
    case 'too-deep':
      return new JsonDepthError(failure.message, options)
    default:
      return new ValidationError(failure.message, failure.issues, options)
  }
}

/**
 * The entries with every content copied into one ArrayBuffer (each content a view of it), so the
 * worker can transfer a single buffer instead of the main thread deserialising thousands of copies.
 */
export function packEntries(entries: readonly LedgerEntry[]): {
  entries: LedgerEntry[]
  buffer: ArrayBuffer
} {
  const total = entries.reduce((sum, entry) => sum + entry.content.byteLength, 0)
  const buffer = new ArrayBuffer(total)
  const all = new Uint8Array(buffer)
  let offset = 0
  const packed = entries.map((entry) => {
    all.set(entry.content, offset)
    const content = new Uint8Array(buffer, offset, entry.content.byteLength)
    offset += entry.content.byteLength
    return { ...entry, content }
  })
  return { entries: packed, buffer }
}
