import type { FileCollection } from '../collectors/source-collector.js'
import { contentHash } from '../core/canonical-json.js'
import {
  AuthenticationError,
  ConfigError,
  IntegrityError,
  PayloadTooLargeError,
  PermissionError,
  StoreError,
  type TrustctlError,
  ValidationError,
} from '../core/errors.js'
import { canonicalBytes, sha256 } from '../core/ledger.js'
import { contentDigest, type PushBatch, pushFormat } from '../core/push-format.js'
import { redactEvidence } from '../core/redact-evidence.js'

/**
 * The remote collector's side of a push: splits a collection into batches under a size limit, names
 * each by its idempotency key, and delivers it with retries. A retry sends the same bytes under the
 * same key, so however often a batch is delivered the server stores it once.
 */

export interface PreparedBatch {
  batch: PushBatch
  /** The exact bytes sent: the Content-Digest is over these. */
  body: string
  key: string
}

/** Hosts a plain-HTTP push may go to: the token then never crosses a network. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

/** The push endpoint of a server URL; plain HTTP only to this machine unless explicitly allowed. */
export function pushEndpoint(serverUrl: string, allowInsecureHttp = false): URL {
  let base: URL
  try {
    base = new URL(serverUrl)
  } catch {
    throw new ConfigError(`--push: not a URL: ${serverUrl}`, { hint: 'e.g. https://trustctl.example.com' })
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:')
    throw new ConfigError(`--push: use an https:// URL, not ${base.protocol}`)
  if (base.protocol === 'http:' && !isLoopback(base.hostname) && !allowInsecureHttp)
    throw new ConfigError(
      `--push: refusing plain http:// to ${base.hostname}: the token would cross the network in clear`,
      {
        hint: 'use https://, or pass --allow-insecure-http if a trusted network makes this acceptable',
      },
    )
  if (base.username !== '' || base.password !== '')
    throw new ConfigError('--push: put the token in the environment (--token-env), not in the URL')
  return new URL(`${base.pathname.replace(/\/+$/, '')}/api/push`, base)
}

/**
 * Splits a collection into batches whose JSON stays within `maxBytes`. Errors, inputs and items are
 * packed in that order; every batch carries the same collector and collection time, which is how
 * the server knows the batches of one collection belong together.
 */
export function prepareBatches(
  collection: FileCollection,
  collector: PushBatch['collector'],
  collectedAt: string,
  maxBytes: number,
): PreparedBatch[] {
  const empty = (): PushBatch => ({
    format: pushFormat,
    collector,
    collectedAt,
    inputs: [],
    errors: [],
    items: [],
  })
  const baseBytes = Buffer.byteLength(JSON.stringify(empty()))
  type Piece = { field: 'errors' | 'inputs' | 'items'; value: unknown; bytes: number; what: string }
  const piece = (field: Piece['field'], value: unknown, what: string): Piece => ({
    field,
    value,
    what,
    bytes: Buffer.byteLength(JSON.stringify(value)),
  })
  // A collection from collectConfiguredSources is masked already (file secrets included); credential
  // shapes are masked again here so that no other caller can push one in clear.
  const pieces: Piece[] = [
    ...collection.errors.map((e) => piece('errors', redactEvidence(e), `the error about ${e.file}`)),
    ...collection.inputs.map((i) => piece('inputs', i, `the input ${i.file}`)),
    ...collection.evidence.map((evidence) => {
      // Round-tripped through JSON: what is hashed is exactly what the server will parse.
      const plain = JSON.parse(JSON.stringify(redactEvidence(evidence))) as Record<string, unknown>
      return piece(
        'items',
        { hash: sha256(canonicalBytes(plain)), evidence: plain },
        `evidence ${evidence.kind} ${evidence.name}`,
      )
    }),
  ]
  const batches: PushBatch[] = []
  let current = empty()
  let size = baseBytes
  let count = 0
  for (const p of pieces) {
    // A comma before every element but the first of its array.
    const cost = p.bytes + (current[p.field].length > 0 ? 1 : 0)
    if (count > 0 && size + cost > maxBytes) {
      batches.push(current)
      current = empty()
      size = baseBytes
      count = 0
    }
    const alone = baseBytes + p.bytes
    if (alone > maxBytes)
      throw new ConfigError(
        `${p.what} is ${alone} bytes as a batch, more than --max-batch-bytes ${maxBytes}`,
        {
          hint: 'raise --max-batch-bytes (and server.push.maxBytes on the server)',
        },
      )
    ;(current[p.field] as unknown[]).push(p.value)
    size += p.bytes + (current[p.field].length > 1 ? 1 : 0)
    count += 1
  }
  if (count > 0 || batches.length === 0) batches.push(current)
  return batches.map((batch) => {
    const body = JSON.stringify(batch)
    return { batch, body, key: contentHash(JSON.parse(body)) }
  })
}

/** What the server answered for one batch. */
export interface PushAnswer {
  receipt: { key: string; collector: string; runId: number; items: number; receivedAt: string }
  stored: number
  duplicate?: boolean
}

export interface DeliveryOptions {
  endpoint: URL
  token: string
  fetch?: typeof fetch
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  /** Attempts per batch, the first included (default 6). */
  attempts?: number
  /** First backoff step in ms (default 500); doubles every attempt, up to 30 s. */
  backoffMs?: number
  /** Told about each retry, for the user: never the token. */
  notify?: (message: string) => void
}

const maxBackoffMs = 30_000

/** Seconds or an HTTP date, as Retry-After carries them; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs)
}

/** "Full jitter" backoff: a random wait up to the doubled step, so many collectors do not retry in step. */
export function backoffMs(attempt: number, baseMs: number, random: () => number): number {
  return Math.floor(random() * Math.min(maxBackoffMs, baseMs * 2 ** attempt))
}

interface ProblemBody {
  detail?: string
  errors?: { path: string; message: string }[]
}

/** A refusal the collector must fix: retrying the same bytes would be refused again. */
function refusal(status: number, problem: ProblemBody | undefined, endpoint: URL): TrustctlError {
  const issues = (problem?.errors ?? []).slice(0, 5).map((e) => `${e.path}: ${e.message}`)
  const message = `${endpoint.host} refused the push (${status}): ${problem?.detail ?? 'no detail'}${issues.length > 0 ? `\n  ${issues.join('\n  ')}` : ''}`
  if (status === 401) return new AuthenticationError(message, { hint: 'check the token in --token-env' })
  if (status === 403)
    return new PermissionError(message, { hint: 'a collector token pushes under its own name' })
  if (status === 413) return new PayloadTooLargeError(message, { hint: 'lower --max-batch-bytes' })
  if (status === 422) return new IntegrityError(message)
  return new ValidationError(message)
}

async function problemOf(response: Response): Promise<ProblemBody | undefined> {
  try {
    return (await response.json()) as ProblemBody
  } catch {
    return undefined
  }
}

const retryable = (status: number): boolean => status === 429 || status >= 500

/**
 * Delivers one batch: network errors, 5xx and 429 are retried with backoff (honouring Retry-After),
 * always with the same body and key; any other answer is final.
 */
export async function deliverBatch(prepared: PreparedBatch, options: DeliveryOptions): Promise<PushAnswer> {
  const doFetch = options.fetch ?? fetch
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const random = options.random ?? Math.random
  const attempts = options.attempts ?? 6
  const base = options.backoffMs ?? 500
  let last = ''
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    let waitMs: number | undefined
    let response: Response | undefined
    try {
      response = await doFetch(options.endpoint, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${options.token}`,
          'content-type': 'application/json',
          'idempotency-key': prepared.key,
          'content-digest': contentDigest(prepared.body),
        },
        body: prepared.body,
      })
    } catch (error) {
      last = `cannot reach ${options.endpoint.host}: ${(error as Error).message}`
    }
    if (response !== undefined) {
      if (response.status === 200 || response.status === 201) return (await response.json()) as PushAnswer
      if (!retryable(response.status))
        throw refusal(response.status, await problemOf(response), options.endpoint)
      await response.body?.cancel().catch(() => undefined)
      last = `the server answered ${response.status}`
      waitMs = retryAfterMs(response.headers.get('retry-after'), Date.now())
    }
    if (attempt + 1 >= attempts) break
    const delay = Math.max(waitMs ?? 0, backoffMs(attempt, base, random))
    options.notify?.(
      `${last}; retrying in ${(delay / 1000).toFixed(1)} s (attempt ${attempt + 2} of ${attempts})`,
    )
    await sleep(delay)
  }
  throw new StoreError(`could not push to ${options.endpoint.host} after ${attempts} attempts: ${last}`, {
    hint: 'run the same command again: batches already stored are recognised and not stored twice',
  })
}

export interface PushSummary {
  batches: number
  items: number
  stored: number
  duplicates: number
  errors: number
  inputs: number
}

/** Delivers every batch in order and adds up what the server stored. */
export async function pushBatches(
  batches: readonly PreparedBatch[],
  options: DeliveryOptions,
): Promise<PushSummary> {
  const summary: PushSummary = { batches: 0, items: 0, stored: 0, duplicates: 0, errors: 0, inputs: 0 }
  for (const prepared of batches) {
    const answer = await deliverBatch(prepared, options)
    summary.batches += 1
    summary.items += prepared.batch.items.length
    summary.inputs += prepared.batch.inputs.length
    summary.errors += prepared.batch.errors.length
    summary.stored += answer.stored
    if (answer.duplicate === true) summary.duplicates += 1
  }
  return summary
}
