import os from 'node:os'
import { StoreError } from '../core/errors.js'
import {
  canonicalBytes,
  chainRecords,
  genesisHash,
  type LedgerEntry,
  type LedgerRecord,
  type RecordKind,
  recordKinds,
} from '../core/ledger.js'
import { composeManifest, runStartEntry, signingKeyEntry } from '../core/ledger-entries.js'
import { type SignedManifest, type Signer, signManifest } from '../core/ledger-manifest.js'
import type { AssessmentStore, RecordQuery, RunInfo, ScannedRecord } from '../core/store.js'
import { kindsByRun, processIsGone, type RecordRow, recordFromRow } from './record-row.js'
import { attempt, placeholders, type SqlDriver, type SqlRunner, type SqlValue } from './sql/driver.js'

const pageSize = 5000
/** Blobs up to this size come with their page of records; larger ones are fetched in groups. */
const inlineBlobBytes = 64 * 1024
/** Keys per cache lookup statement. */
const keysPerLookup = 1000

const recordColumns = [
  'seq',
  'id',
  'run_id',
  'kind',
  'source',
  'collector',
  'collector_version',
  'collected_at',
  'effective_at',
  'content_hash',
  'blob_ref',
  'prev_hash',
  'hash',
] as const

function recordValues(r: LedgerRecord): SqlValue[] {
  return [
    r.seq,
    r.id,
    r.runId,
    r.kind,
    r.source,
    r.collector,
    r.collectorVersion,
    r.collectedAt,
    r.effectiveAt,
    r.contentHash,
    r.blobRef,
    r.prevHash,
    r.hash,
  ]
}

type Head = { seq: number; hash: string }

async function headOf(db: Pick<SqlRunner, 'query'>): Promise<Head> {
  const [row] = await db.query<{ seq: number | string; hash: string }>(
    'SELECT seq, hash FROM ledger_record ORDER BY seq DESC LIMIT 1',
  )
  return row === undefined ? { seq: 0, hash: genesisHash } : { seq: Number(row.seq), hash: row.hash }
}

/** Chains the entries after the head and writes them; the caller's transaction holds the write lock. */
async function appendChained(
  tx: SqlRunner,
  runId: number,
  build: (head: Head) => LedgerEntry[],
): Promise<LedgerRecord[]> {
  const head = await headOf(tx)
  const { records, blobs } = chainRecords(head, runId, build(head))
  const unique = new Map(blobs.map((b) => [b.ref, b.bytes]))
  await tx.insertRows('ledger_blob', ['ref', 'bytes'], [...unique], { skip: true })
  await tx.insertRows('ledger_record', recordColumns, records.map(recordValues))
  return records
}

/** Runs left open by a process on this machine that no longer exists were interrupted. */
async function markInterruptedRuns(tx: SqlRunner): Promise<void> {
  const open = await tx.query<{ id: number | string; host: string; pid: number }>(
    "SELECT id, host, pid FROM ledger_run WHERE status = 'open'",
  )
  for (const run of open)
    if (processIsGone(run.host, run.pid))
      await tx.exec("UPDATE ledger_run SET status = 'incomplete' WHERE id = ? AND status = 'open'", [
        Number(run.id),
      ])
}

/**
 * The evidence ledger over a SQL driver, written once for SQLite and PostgreSQL. Every write is one
 * transaction of the driver, which serializes writers (SQLite: IMMEDIATE; PostgreSQL: one connection
 * and an advisory lock), so the chain never forks.
 */
export class SqlLedgerStore implements AssessmentStore {
  constructor(protected readonly db: SqlDriver) {}

  private async openRun(tx: SqlRunner, runId: number): Promise<{ started_at: string }> {
    const [run] = await tx.query<{ started_at: string; status: string }>(
      'SELECT started_at, status FROM ledger_run WHERE id = ?',
      [runId],
    )
    if (run === undefined) throw new StoreError(`${this.db.where}: run ${runId} does not exist`)
    if (run.status !== 'open')
      throw new StoreError(`${this.db.where}: run ${runId} is ${run.status}, not open`)
    return run
  }

  private write<T>(what: string, fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    return attempt(this.db, what, () => this.db.transaction(fn))
  }

  async beginRun(start: { startedAt: string; toolVersion: string; signer: Signer }): Promise<number> {
    return this.write('cannot start a run', async (tx) => {
      await markInterruptedRuns(tx)
      const [row] = await tx.query<{ id: number | string }>(
        "INSERT INTO ledger_run (started_at, status, host, pid) VALUES (?, 'open', ?, ?) RETURNING id",
        [start.startedAt, os.hostname(), process.pid],
      )
      const runId = Number(row?.id)
      const context = { collectedAt: start.startedAt, toolVersion: start.toolVersion }
      const known = await tx.query(
        "SELECT 1 FROM ledger_record WHERE kind = 'signing-key' AND id = ? LIMIT 1",
        [start.signer.fingerprint],
      )
      await appendChained(tx, runId, () => [
        ...(known.length === 0 ? [signingKeyEntry(start.signer, context)] : []),
        runStartEntry(runId, context),
      ])
      return runId
    })
  }

  async append(runId: number, entries: readonly LedgerEntry[]): Promise<LedgerRecord[]> {
    return this.write(`cannot append to run ${runId}`, async (tx) => {
      await this.openRun(tx, runId)
      return appendChained(tx, runId, () => [...entries])
    })
  }

  async finishRun(runId: number, finishedAt: string, signer: Signer): Promise<SignedManifest> {
    return this.write(`cannot finish run ${runId}`, async (tx) => {
      const run = await this.openRun(tx, runId)
      const hashes = await tx.query<{ hash: string }>(
        "SELECT hash FROM ledger_record WHERE run_id = ? AND kind <> 'manifest' ORDER BY seq",
        [runId],
      )
      let signed: SignedManifest | undefined
      await appendChained(tx, runId, (head) => {
        signed = signManifest(
          composeManifest({
            runId,
            startedAt: run.started_at,
            finishedAt,
            recordHashes: hashes.map((r) => r.hash),
            head,
            keyFingerprint: signer.fingerprint,
          }),
          signer,
        )
        return [
          {
            kind: 'manifest',
            id: `run-${runId}`,
            source: 'trustctl',
            collector: 'trustctl',
            collectorVersion: '1',
            collectedAt: finishedAt,
            effectiveAt: finishedAt,
            content: canonicalBytes(signed),
          },
        ]
      })
      await tx.exec("UPDATE ledger_run SET status = 'complete', finished_at = ? WHERE id = ?", [
        finishedAt,
        runId,
      ])
      if (signed === undefined) throw new Error('manifest was not signed')
      return signed
    })
  }

  async runs(): Promise<RunInfo[]> {
    const rows = await attempt(this.db, 'cannot list runs', () =>
      this.db.query<{
        id: number | string
        started_at: string
        finished_at: string | null
        status: RunInfo['status']
        host: string
        pid: number
        records: number | string
      }>(
        `SELECT r.id, r.started_at, r.finished_at, r.status, r.host, r.pid,
                (SELECT COUNT(*) FROM ledger_record l WHERE l.run_id = r.id) AS records
         FROM ledger_run r ORDER BY r.id`,
      ),
    )
    return rows.map((row) => ({
      id: Number(row.id),
      startedAt: row.started_at,
      ...(row.finished_at === null ? {} : { finishedAt: row.finished_at }),
      // A run left open by a process that no longer exists was interrupted.
      status: row.status === 'open' && processIsGone(row.host, row.pid) ? 'incomplete' : row.status,
      records: Number(row.records),
    }))
  }

  async completeRunKinds(): Promise<Map<number, RecordKind[]>> {
    // One index probe per run and kind on (run_id, kind): cheap however many records a run holds.
    // The kinds are a VALUES list (column1 the kind, column2 its order), which both databases read.
    const kinds = recordKinds.map((_, i) => `(?, ${i})`).join(', ')
    const rows = await attempt(this.db, 'cannot list the kinds of runs', () =>
      this.db.query<{ id: number | string; kind: RecordKind }>(
        `SELECT r.id, k.column1 AS kind FROM ledger_run r, (VALUES ${kinds}) AS k
         WHERE r.status = 'complete'
           AND EXISTS (SELECT 1 FROM ledger_record l WHERE l.run_id = r.id AND l.kind = k.column1)
         ORDER BY r.id, k.column2`,
        [...recordKinds],
      ),
    )
    return kindsByRun(rows)
  }

  async *scan(query: RecordQuery = {}): AsyncIterable<ScannedRecord> {
    const where: string[] = ['r.seq > ?']
    const params: SqlValue[] = []
    if (query.toSeq !== undefined) where.push('r.seq <= ?') && params.push(query.toSeq)
    if (query.runId !== undefined) where.push('r.run_id = ?') && params.push(query.runId)
    if (query.kinds !== undefined && query.kinds.length > 0) {
      where.push(`r.kind IN (${placeholders(query.kinds.length)})`)
      params.push(...query.kinds)
    }
    // Small blobs come with their page; large ones are fetched in groups of at most the dialect's batch,
    // so a page of large blobs never sits in memory at once.
    const sql = `SELECT r.*, length(b.bytes) AS size, CASE WHEN length(b.bytes) <= ${inlineBlobBytes} THEN b.bytes END AS bytes
       FROM ledger_record r LEFT JOIN ledger_blob b ON b.ref = r.blob_ref
       WHERE ${where.join(' AND ')} ORDER BY r.seq LIMIT ${pageSize}`
    let after = (query.fromSeq ?? 1) - 1
    for (;;) {
      const rows = await attempt(this.db, 'cannot read the ledger', () =>
        this.db.query<RecordRow & { size: number | string | null; bytes: Uint8Array | null }>(sql, [
          after,
          ...params,
        ]),
      )
      for (let i = 0; i < rows.length; ) {
        // Rows up to the next group of large blobs that fits the dialect's batch (at least one row).
        let bytes = 0
        let j = i
        for (; j < rows.length; j++) {
          const row = rows[j]
          const large = row === undefined || row.bytes !== null ? 0 : Number(row.size ?? 0)
          if (j > i && bytes + large > this.db.dialect.blobBatchBytes) break
          bytes += large
        }
        const group = rows.slice(i, j)
        const blobs = await this.blobsByRef([
          ...new Set(group.filter((r) => r.size !== null && r.bytes === null).map((r) => r.blob_ref)),
        ])
        for (const row of group)
          yield {
            record: recordFromRow(row),
            blob: row.size === null ? undefined : (row.bytes ?? blobs.get(row.blob_ref)),
          }
        i = j
      }
      const last = rows.at(-1)
      if (last === undefined || rows.length < pageSize) return
      after = Number(last.seq)
    }
  }

  private async blobsByRef(refs: readonly string[]): Promise<Map<string, Uint8Array>> {
    if (refs.length === 0) return new Map()
    const rows = await attempt(this.db, 'cannot read blobs', () =>
      this.db.query<{ ref: string; bytes: Uint8Array }>(
        `SELECT ref, bytes FROM ledger_blob WHERE ref IN (${placeholders(refs.length)})`,
        refs,
      ),
    )
    return new Map(rows.map((b) => [b.ref, b.bytes]))
  }

  async blob(ref: string): Promise<Uint8Array | undefined> {
    const [row] = await attempt(this.db, 'cannot read a blob', () =>
      this.db.query<{ bytes: Uint8Array }>('SELECT bytes FROM ledger_blob WHERE ref = ?', [ref]),
    )
    return row?.bytes
  }

  async head(): Promise<{ seq: number; hash: string }> {
    return attempt(this.db, 'cannot read the chain head', () => headOf(this.db))
  }

  async cached(key: string): Promise<string | undefined> {
    const [row] = await attempt(this.db, 'cannot read the cache', () =>
      this.db.query<{ blob_ref: string }>('SELECT blob_ref FROM ledger_cache WHERE key = ?', [key]),
    )
    return row?.blob_ref
  }

  async cachedBlobs(keys: readonly string[]): Promise<Map<string, { blobRef: string; bytes: Uint8Array }>> {
    const found = new Map<string, { blobRef: string; bytes: Uint8Array }>()
    for (let i = 0; i < keys.length; i += keysPerLookup) {
      const slice = keys.slice(i, i + keysPerLookup)
      const rows = await attempt(this.db, 'cannot read the cache', () =>
        this.db.query<{ key: string; blob_ref: string; bytes: Uint8Array }>(
          `SELECT c.key, c.blob_ref, b.bytes FROM ledger_cache c JOIN ledger_blob b ON b.ref = c.blob_ref
           WHERE c.key IN (${placeholders(slice.length)})`,
          slice,
        ),
      )
      for (const r of rows) found.set(r.key, { blobRef: r.blob_ref, bytes: r.bytes })
    }
    return found
  }

  async remember(entries: readonly { key: string; blobRef: string }[]): Promise<void> {
    if (entries.length === 0) return
    // The last result for a key wins (and one statement may not update a row twice).
    const latest = [...new Map(entries.map((e) => [e.key, e.blobRef])).entries()]
    await attempt(this.db, 'cannot write the cache', () =>
      this.db.insertRows('ledger_cache', ['key', 'blob_ref'], latest, { key: ['key'], update: ['blob_ref'] }),
    )
  }

  async close(): Promise<void> {
    await this.db.close()
  }
}
