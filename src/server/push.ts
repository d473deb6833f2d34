import pg from 'pg'
import { IntegrityError, PermissionError, ValidationError, type ValidationIssue } from '../core/errors.js'
import { type EvidenceItem, evidenceIssues } from '../core/evidence.js'
import { canonicalBytes, contentSlices, type LedgerEntry, sha256 } from '../core/ledger.js'
import { evidenceEntries } from '../core/ledger-entries.js'
import type { Signer } from '../core/ledger-manifest.js'
import { claimedSha256, type PushBatch, pushBatchKey, pushFormat, sha256Base64 } from '../core/push-format.js'
import { collectionRedactor } from '../core/redact-evidence.js'
import type { AssessmentStore, WholeRun } from '../core/store.js'
import type { PushReceipt, TeamStore } from '../core/team.js'

/** The server's side of a push: checks a batch (wire format in core/push-format.ts) and records it. */

/** How many bad items a problem lists: enough to fix a collector, few enough to read. */
const listedIssues = 10

const firstIssues = (issues: ValidationIssue[]): ValidationIssue[] => issues.slice(0, listedIssues)

/**
 * Checks the raw body against its Content-Digest before anything is parsed. `actual` is the body's
 * SHA-256 (base64) when it was hashed as it arrived.
 */
export function checkContentDigest(
  body: Uint8Array,
  header: string | undefined,
  actual: string = sha256Base64(body),
): void {
  if (header === undefined)
    throw new ValidationError('Content-Digest header required', [
      { path: 'headers.content-digest', message: 'required: sha-256=:<base64 of the SHA-256 of the body>:' },
    ])
  const claimed = claimedSha256(header)
  if (claimed === undefined)
    throw new ValidationError('Content-Digest names no sha-256 digest', [
      { path: 'headers.content-digest', message: 'expected sha-256=:<base64>:' },
    ])
  if (claimed !== actual)
    throw new IntegrityError('the body does not match its Content-Digest: it was altered or truncated', [
      { path: 'headers.content-digest', message: `the body's sha-256 is :${actual}:` },
    ])
}

/** Only a collector token pushes, and only under its own name. */
export function checkCollector(batch: PushBatch, actor: { kind: string; role: string; name: string }): void {
  if (actor.kind !== 'token' || actor.role !== 'collector')
    throw new PermissionError('only a collector token can push evidence')
  if (batch.collector.name !== actor.name)
    throw new PermissionError(
      `this token pushes as collector "${actor.name}", not "${batch.collector.name}": a collector cannot push as another`,
    )
}

/**
 * Checks the key, every item's hash and every item's shape. Any problem rejects the whole batch, so
 * a collector never half-stores a collection: it fixes the batch and pushes it again.
 */
export function checkBatchContent(batch: PushBatch, idempotencyKey: string | undefined): string {
  const key = pushBatchKey(batch)
  if (idempotencyKey === undefined)
    throw new ValidationError('Idempotency-Key header required', [
      { path: 'headers.idempotency-key', message: 'required: the SHA-256 hex of the canonical batch' },
    ])
  if (idempotencyKey !== key)
    throw new IntegrityError('Idempotency-Key is not the SHA-256 of the canonical batch', [
      { path: 'headers.idempotency-key', message: `the canonical batch hashes to ${key}` },
    ])
  const hashIssues: ValidationIssue[] = []
  for (const [i, item] of batch.items.entries()) {
    const actual = sha256(canonicalBytes(item.evidence))
    if (actual !== item.hash)
      hashIssues.push({
        path: `body.items[${i}].hash`,
        message: `does not match the evidence: its canonical JSON hashes to ${actual}`,
      })
  }
  if (hashIssues.length > 0)
    throw new IntegrityError(
      `${hashIssues.length} of ${batch.items.length} items do not match their hash; nothing was stored`,
      firstIssues(hashIssues),
    )
  // Every item against the schema of its kind (the evidence registry), not only its envelope: what
  // the server stores, the checks read without looking again.
  const shapeIssues = batch.items.flatMap((item, i) =>
    evidenceIssues(item.evidence, `body.items[${i}].evidence`),
  )
  if (shapeIssues.length > 0)
    throw new IntegrityError(
      `${new Set(shapeIssues.map((s) => s.path.split('.evidence')[0])).size} items are not valid evidence; nothing was stored`,
      firstIssues(shapeIssues),
    )
  return key
}

/** The source every record of a collector's push names. */
export const pushSource = (collector: string): string => `push:${collector}`

/**
 * The records of one push: each evidence item (collector = the token's name, source `push:<name>`),
 * then one evidence set naming the batch: its key, inputs, errors and item hashes, so the server's
 * assessment can find a collector's latest collection and report its inputs and errors.
 *
 * Every string is redacted here, whatever the client did: a collector that is not trustctl (or an
 * old one) must not be able to store a credential in clear. The items' hashes were checked against
 * what was sent; the records (and the set's item hashes) are of what is stored, after masking.
 */
export function pushEntries(batch: PushBatch, collector: string, key: string): LedgerEntry[] {
  const context = { collectedAt: batch.collectedAt, toolVersion: batch.collector.version }
  const redact = collectionRedactor()
  const stored = batch.items.map((item) => redact(item.evidence as unknown as EvidenceItem))
  const evidence = evidenceEntries(stored, () => collector, context).map((entry) => ({
    ...entry,
    source: pushSource(collector),
  }))
  const set: LedgerEntry = {
    kind: 'evidence-set',
    id: pushSource(collector),
    source: pushSource(collector),
    collector,
    collectorVersion: batch.collector.version,
    collectedAt: batch.collectedAt,
    effectiveAt: batch.collectedAt,
    content: canonicalBytes(
      redact(
        pushSetContent(
          batch,
          key,
          stored.map((item) => sha256(canonicalBytes(item))),
        ),
      ),
    ),
  }
  return [...evidence, set]
}

/** What a push's evidence-set record holds. */
export interface PushSetContent {
  format: 1
  push: string
  collector: PushBatch['collector']
  collectedAt: string
  inputs: PushBatch['inputs']
  errors: PushBatch['errors']
  /** The hashes of the items as stored (after the server's redaction). */
  items: string[]
}

const pushSetContent = (batch: PushBatch, key: string, items: string[]): PushSetContent => ({
  format: pushFormat,
  push: key,
  collector: batch.collector,
  collectedAt: batch.collectedAt,
  inputs: batch.inputs,
  errors: batch.errors,
  items,
})

/**
 * Runs `fn` while holding the lock of an idempotency key, so two deliveries of one batch (a retry
 * racing the original) never both store it.
 */
export type PushLock = <T>(key: string, fn: () => Promise<T>) => Promise<T>

/**
 * A lock per idempotency key within this process: "check the receipt, append the run, save the
 * receipt" is one step for each key, while pushes of different batches go on side by side (the store
 * chains their appends one transaction at a time).
 */
export function keyedLock(): PushLock {
  const tails = new Map<string, Promise<unknown>>()
  return <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const run = (tails.get(key) ?? Promise.resolve()).then(fn, fn)
    const tail = run.catch(() => undefined)
    tails.set(key, tail)
    // Forget the key once nobody waits behind this run, so the map does not grow with every push.
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key)
    })
    return run
  }
}

/**
 * The keyed lock of this process plus a PostgreSQL advisory lock per idempotency key, so several
 * server processes sharing one database never store one batch twice. Session-level advisory locks
 * belong to a connection, so each holder takes a pooled connection for the time it holds the lock.
 */
export function postgresPushLock(url: string, schema: string): PushLock & { close(): Promise<void> } {
  const local = keyedLock()
  // Few connections: a lock is held only while one push is appended.
  const pool = new pg.Pool({ connectionString: url, max: 4, allowExitOnIdle: true })
  const lock = <T>(key: string, fn: () => Promise<T>): Promise<T> =>
    local(key, async () => {
      const client = await pool.connect()
      const name = `trustctl-push:${schema}:${key}`
      try {
        await client.query('SELECT pg_advisory_lock(hashtext($1))', [name])
        try {
          return await fn()
        } finally {
          await client.query('SELECT pg_advisory_unlock(hashtext($1))', [name])
        }
      } finally {
        client.release()
      }
    })
  return Object.assign(lock, { close: () => pool.end() })
}

/** Bytes of content per append when a store cannot write a whole run at once (no recordRun). */
const appendSliceBytes = 1024 * 1024

/** What storing a push needs. */
export interface PushTarget {
  ledger: AssessmentStore
  team: TeamStore
  signer: Signer
  now(): Date
  toolVersion: string
  lock: PushLock
}

export interface PushOutcome {
  receipt: PushReceipt
  stored: number
  duplicate: boolean
}

/**
 * The records of a checked push: here (`entries`), or already with the ledger writer thread, which
 * `write` asks to write them as one run (ledger-writer-thread.ts, HeldRun).
 */
export type PushRecords = { stored: number } & (
  | { entries: readonly LedgerEntry[] }
  | { write(run: Omit<WholeRun, 'entries'>): Promise<{ runId: number }> }
)

/** Records built on this thread, to store as they are. */
export const recordsHere = (entries: readonly LedgerEntry[]): PushRecords => ({
  entries,
  stored: entries.filter((entry) => entry.kind === 'evidence').length,
})

/**
 * Writes a push as its own signed run. One transaction when the store can (recordRun): a push that
 * fails half way leaves nothing, not an interrupted run holding part of the batch.
 */
async function writeRun(target: PushTarget, startedAt: string, records: PushRecords): Promise<number> {
  const start = { startedAt, toolVersion: target.toolVersion, signer: target.signer }
  const finishedAt = () => target.now().toISOString()
  if ('write' in records) return (await records.write({ ...start, finishedAt })).runId
  const { entries } = records
  if (target.ledger.recordRun !== undefined) {
    const { runId } = await target.ledger.recordRun({ ...start, entries, finishedAt })
    return runId
  }
  const runId = await target.ledger.beginRun(start)
  for (const slice of contentSlices(entries, appendSliceBytes)) {
    await target.ledger.append(runId, slice)
    // Each slice is one synchronous write on SQLite: let other requests in between.
    await new Promise((resolve) => setImmediate(resolve))
  }
  await target.ledger.finishRun(runId, target.now().toISOString(), target.signer)
  return runId
}

/**
 * Stores a checked batch (its records, built by pushEntries off the event loop) as its own signed
 * run, once. A receipt with the key means the batch is stored already: nothing is appended. The lock
 * makes the receipt check and the append one step.
 */
export async function storePush(
  target: PushTarget,
  collector: string,
  records: PushRecords,
  key: string,
): Promise<PushOutcome> {
  const earlier = await target.team.pushReceipt(key)
  if (earlier !== undefined) return { receipt: earlier, stored: 0, duplicate: true }
  return target.lock(key, async () => {
    const raced = await target.team.pushReceipt(key)
    if (raced !== undefined) return { receipt: raced, stored: 0, duplicate: true }
    const startedAt = target.now().toISOString()
    const runId = await writeRun(target, startedAt, records)
    const { stored } = records
    const receipt: PushReceipt = { key, collector, runId, items: stored, receivedAt: startedAt }
    if (await target.team.savePushReceipt(receipt)) return { receipt, stored, duplicate: false }
    // Only reachable when another writer bypassed the lock (a process of an older version, or an
    // SQLite file shared by two servers). That writer's run and this one hold the same evidence as
    // complete, signed runs: nothing is lost, the evidence is merely recorded twice, and the receipt
    // that won names the run the collector is told about.
    const winner = await target.team.pushReceipt(key)
    return { receipt: winner ?? receipt, stored: 0, duplicate: true }
  })
}
