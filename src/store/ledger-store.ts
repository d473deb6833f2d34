import os from 'node:os'
import { StoreError } from '../core/errors.js'
import {
  canonicalBytes,
  chainRecords,
  contentSlices,
  genesisHash,
  type LedgerEntry,
  type LedgerRecord,
  type RecordKind,
  recordKinds,
  sha256,
} from '../core/ledger.js'
import { composeManifest, runStartEntry, signingKeyEntry } from '../core/ledger-entries.js'
import {
  anchoredRecordIds,
  type ManifestAnchor,
  manifestAnchors,
  type SignedManifest,
  type Signer,
  signManifest,
} from '../core/ledger-manifest.js'
import type {
  AssessmentStore,
  CachedResults,
  CacheLookup,
  RecordQuery,
  RunInfo,
  RunStart,
  ScannedRecord,
  WholeRun,
} from '../core/store.js'
import type { ObjectBlobs } from './object/s3-blobs.js'
import { kindsByRun, processIsGone, recordFromArray } from './record-row.js'
import { attempt, placeholders, type SqlDriver, type SqlRunner, type SqlValue } from './sql/driver.js'

const pageSize = 5000
/** Blobs up to this size come with their page of records; larger ones are fetched in groups. */
const inlineBlobBytes = 64 * 1024
/** Keys per cache lookup statement. */
const keysPerLookup = 1000
/** Objects a scan fetches from object storage per group: enough to keep the parallel requests busy. */
const objectsPerGroup = 256
/** Refs per statement when asking which blobs the store already has. */
const refsPerLookup = 5000
/**
 * Bytes of content a whole-run write (recordRun) inserts before it lets the event loop run. Measured
 * on a 31 MB push to SQLite (test/server-push-write-health.test.ts, 2 cores at load 8-10): 1 MB
 * slices took up to 54 ms each; at 256 KB the slices no longer stand out, and the longest stall left
 * is the one COMMIT (55-160 ms: the run's pages written to the WAL and synced, on this thread).
 */
const writeSliceBytes = 256 * 1024

/** The columns of a ledger record row, in the order `recordValues` gives them. */
export const recordColumns = [
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

/** A record as the values of one ledger_record row. */
export function recordValues(r: LedgerRecord): SqlValue[] {
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

/** One row of a scan's page: the record, and where its blob is (see RecordLayout.scanSql). */
interface Row {
  record: LedgerRecord
  size: number | string | null
  bytes: Uint8Array | null
  in_object: number | string
}

/** A chained record and the content it names, as appendChained hands them to a layout. */
export interface ChainedBlob {
  ref: string
  bytes: Uint8Array
}

/**
 * How records and their blobs sit in tables: the one thing the SQL stores lay out differently.
 * PostgreSQL keeps a record row and a content-addressed blob row (`wideRecordLayout`); SQLite keeps
 * one row per record with small blobs inline (sqlite/record-layout.ts). Every statement that reads a
 * record's hashes or blob goes through here; the rest of the store's SQL is shared.
 */
export interface RecordLayout {
  /** Writes records with their blobs in the store's own tables (no object storage). */
  writeRecords(tx: SqlRunner, records: readonly LedgerRecord[], blobs: readonly ChainedBlob[]): Promise<void>
  /** Writes records whose blobs are kept in object storage (ledger_object), so none inline. */
  writeRecordsOnly(tx: SqlRunner, records: readonly LedgerRecord[]): Promise<void>
  /**
   * The page statement of a scan: the record columns in the order of `recordColumns` (read as arrays,
   * recordFromArray), then `size` (NULL: no blob), `bytes` (the blob when it is at most `inlineBytes`,
   * else NULL) and `in_object` (1: in object storage).
   * Its first parameter is the seq to read after, then those of `where`.
   */
  scanSql(where: string, withBlobs: boolean, inlineBytes: number, limit: number): string
  /**
   * The rows of a blob lookup by address: `bytes` from a table, or one NULL row per object in object
   * storage; none when the store has no such blob.
   */
  blobRows(db: Pick<SqlRunner, 'query'>, ref: string): Promise<{ bytes: Uint8Array | null }[]>
  /**
   * The cache statement for `count` (key, id) pairs: key, blob_ref, vouch_seq, run_id, bytes,
   * in_object (see chainedCache), and its parameters.
   */
  cacheSql(lookups: readonly CacheLookup[]): { sql: string; params: SqlValue[] }
}

/** The record columns a scan selects, in the order recordFromArray reads them. */
const wideSelect = recordColumns.map((c) => `r.${c}`).join(', ')

/** The record and blob rows PostgreSQL keeps (and SQLite kept up to its migration 6). */
export const wideRecordLayout: RecordLayout = {
  async writeRecords(tx, records, blobs) {
    const unique = new Map(blobs.map((b) => [b.ref, b.bytes]))
    await tx.insertRows('ledger_blob', ['ref', 'bytes'], [...unique], { skip: true })
    await tx.insertRows('ledger_record', recordColumns, records.map(recordValues))
  },
  async writeRecordsOnly(tx, records) {
    await tx.insertRows('ledger_record', recordColumns, records.map(recordValues))
  },
  scanSql(where, withBlobs, inlineBytes, limit) {
    return withBlobs
      ? `SELECT ${wideSelect}, COALESCE(length(b.bytes), o.size) AS size,
                  CASE WHEN length(b.bytes) <= ${inlineBytes} THEN b.bytes END AS bytes,
                  CASE WHEN b.ref IS NULL AND o.ref IS NOT NULL THEN 1 ELSE 0 END AS in_object
       FROM ledger_record r LEFT JOIN ledger_blob b ON b.ref = r.blob_ref
            LEFT JOIN ledger_object o ON o.ref = r.blob_ref
       WHERE ${where} ORDER BY r.seq LIMIT ${limit}`
      : `SELECT ${wideSelect}, NULL AS size, NULL AS bytes, 0 AS in_object FROM ledger_record r
       WHERE ${where} ORDER BY r.seq LIMIT ${limit}`
  },
  blobRows(db, ref) {
    return db.query<{ bytes: Uint8Array | null }>(
      `SELECT bytes FROM ledger_blob WHERE ref = ?
         UNION ALL SELECT NULL AS bytes FROM ledger_object WHERE ref = ?`,
      [ref, ref],
    )
  },
  cacheSql(lookups) {
    return {
      sql: `SELECT v.key, v.blob_ref, v.vouch_seq, r.run_id,
                  CASE WHEN v.vouch_seq IS NOT NULL THEN b.bytes END AS bytes,
                  CASE WHEN v.vouch_seq IS NOT NULL AND b.ref IS NULL AND o.ref IS NOT NULL THEN 1 ELSE 0 END AS in_object
           FROM (SELECT c.key, c.blob_ref,
                        (SELECT r.seq FROM ledger_record r
                         WHERE r.kind = 'evidence-set' AND r.blob_ref = c.blob_ref AND r.id = q.column2
                           AND EXISTS (SELECT 1 FROM ledger_record m
                                       WHERE m.run_id = r.run_id AND m.kind = 'manifest' AND m.seq > r.seq)
                         ORDER BY r.seq DESC LIMIT 1) AS vouch_seq
                 FROM (VALUES ${lookups.map(() => '(?, ?)').join(', ')}) AS q
                 JOIN ledger_cache c ON c.key = q.column1) v
           LEFT JOIN ledger_record r ON r.seq = v.vouch_seq
           LEFT JOIN ledger_blob b ON b.ref = v.blob_ref
           LEFT JOIN ledger_object o ON o.ref = v.blob_ref`,
      params: lookups.flatMap((l) => [l.key, l.id]),
    }
  },
}

type Head = { seq: number; hash: string }

async function headOf(db: Pick<SqlRunner, 'query'>): Promise<Head> {
  const [row] = await db.query<{ seq: number | string; hash: string }>(
    'SELECT seq, hash FROM ledger_record ORDER BY seq DESC LIMIT 1',
  )
  return row === undefined ? { seq: 0, hash: genesisHash } : { seq: Number(row.seq), hash: row.hash }
}

/** The refs among `refs` the store has no blob for, in its own table or in object storage. */
async function unknownRefs(db: Pick<SqlRunner, 'query'>, refs: readonly string[]): Promise<Set<string>> {
  const unknown = new Set(refs)
  for (let i = 0; i < refs.length; i += refsPerLookup) {
    const slice = refs.slice(i, i + refsPerLookup)
    const list = placeholders(slice.length)
    const known = await db.query<{ ref: string }>(
      `SELECT ref FROM ledger_blob WHERE ref IN (${list}) UNION ALL SELECT ref FROM ledger_object WHERE ref IN (${list})`,
      [...slice, ...slice],
    )
    for (const row of known) unknown.delete(row.ref)
  }
  return unknown
}

/** Blobs go to object storage: which ones it already holds (uploaded before the transaction). */
interface ObjectWrite {
  objects: ObjectBlobs
  uploaded: ReadonlySet<string>
}

/**
 * Chains the entries after the head and writes them; the caller's transaction holds the write lock.
 * With object storage, a blob the store does not know yet is uploaded before its row is written, so
 * a committed record never points at an object that was not stored (a crash leaves at most an
 * unreferenced object, which is harmless).
 */
async function appendChained(
  tx: SqlRunner,
  layout: RecordLayout,
  runId: number,
  build: (head: Head) => readonly LedgerEntry[],
  objectWrite?: ObjectWrite,
  contentHashes?: readonly string[],
): Promise<LedgerRecord[]> {
  const head = await headOf(tx)
  const { records, blobs } = chainRecords(head, runId, build(head), contentHashes)
  if (objectWrite === undefined) {
    await layout.writeRecords(tx, records, blobs)
  } else {
    const unique = new Map(blobs.map((b) => [b.ref, b.bytes]))
    const fresh = [...(await unknownRefs(tx, [...unique.keys()]))]
    await objectWrite.objects.put(
      fresh
        .filter((ref) => !objectWrite.uploaded.has(ref))
        .map((ref) => ({ ref, bytes: unique.get(ref) ?? new Uint8Array() })),
    )
    await tx.insertRows(
      'ledger_object',
      ['ref', 'size'],
      fresh.map((ref) => [ref, unique.get(ref)?.byteLength ?? 0]),
      { skip: true },
    )
    await layout.writeRecordsOnly(tx, records)
  }
  return records
}

/**
 * The hashes of a run's records (its manifest aside) as this store committed them, in order: what
 * sealing the run signs, kept so the seal need not read them back (reading and sorting 200k hashes
 * was about 8% of a 200k-record ingest). Used only when the table holds exactly these records.
 */
interface WrittenRun {
  hashes: string[]
  first: number
  last: number
}

/**
 * Adds committed records to what this store wrote of their run. Undefined (the run is then read back
 * at its seal) when the run was not followed from its start or the records do not come after it.
 */
export function followRun(
  run: WrittenRun | undefined,
  records: readonly LedgerRecord[],
): WrittenRun | undefined {
  const mine = records.filter((r) => r.kind !== 'manifest')
  if (run === undefined || mine.length === 0) return run
  if ((mine[0] as LedgerRecord).seq <= run.last) return undefined
  for (const record of mine) run.hashes.push(record.hash)
  run.last = (mine[mine.length - 1] as LedgerRecord).seq
  return run
}

/**
 * The hashes of a run's records (its manifest aside) in order. Those this store wrote when the table
 * holds just as many records of the run from the same first to the same last (a count on the run
 * index); else, as when another connection appended to the run, read back. A record altered in the
 * table since it was written is then signed as written, and verify reports the change.
 */
async function runRecordHashes(
  tx: SqlRunner,
  runId: number,
  written: WrittenRun | undefined,
): Promise<readonly string[]> {
  if (written !== undefined) {
    const [span] = await tx.query<{ n: number | string; first: number | string; last: number | string }>(
      "SELECT count(*) AS n, min(seq) AS first, max(seq) AS last FROM ledger_record WHERE run_id = ? AND kind <> 'manifest'",
      [runId],
    )
    if (
      span !== undefined &&
      Number(span.n) === written.hashes.length &&
      Number(span.first) === written.first &&
      Number(span.last) === written.last
    )
      return written.hashes
  }
  const rows = await tx.query<{ hash: string }>(
    "SELECT hash FROM ledger_record WHERE run_id = ? AND kind <> 'manifest' ORDER BY seq",
    [runId],
  )
  return rows.map((r) => r.hash)
}

/**
 * The statement that reads the records of a run its manifest anchors (manifestAnchors): one probe of
 * the (run_id, kind) index per anchored kind. The kinds are listed apart from the pairs: with the pairs
 * alone, SQLite probed on run_id only and read every record of the run (200k rows at the seal of a
 * 200k-record ingest) to compare kind and id.
 */
export function runAnchorsQuery(runId: number): { sql: string; params: SqlValue[] } {
  const pairs = Object.entries(anchoredRecordIds).flatMap(([kind, ids]) =>
    (ids ?? []).map((id) => [kind, id]),
  )
  const kinds = Object.keys(anchoredRecordIds)
  return {
    sql: `SELECT seq, kind, id, hash FROM ledger_record
     WHERE run_id = ? AND kind IN (${placeholders(kinds.length)})
       AND (${pairs.map(() => '(kind = ? AND id = ?)').join(' OR ')})`,
    params: [runId, ...kinds, ...pairs.flat()],
  }
}

/** The records of a run its manifest anchors, read from the table as committed (runAnchorsQuery). */
async function runAnchors(tx: SqlRunner, runId: number): Promise<ManifestAnchor[]> {
  const { sql, params } = runAnchorsQuery(runId)
  const rows = await tx.query<{ seq: number | string; kind: LedgerRecord['kind']; id: string; hash: string }>(
    sql,
    params,
  )
  return manifestAnchors(rows.map((row) => ({ ...row, seq: Number(row.seq) })))
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
  /** Runs begun here and not yet finished: the hashes of their records as written (see followRun). */
  private readonly written = new Map<number, WrittenRun>()

  /** `objects`: blob bytes go to object storage (store.blobs); the tables keep each ref and size. */
  constructor(
    protected readonly db: SqlDriver,
    private readonly objects?: ObjectBlobs,
    private readonly layout: RecordLayout = wideRecordLayout,
  ) {}

  /** Object-storage writes for a transaction, with what was uploaded before it began. */
  private objectWrite(uploaded: ReadonlySet<string> = new Set()): ObjectWrite | undefined {
    return this.objects === undefined ? undefined : { objects: this.objects, uploaded }
  }

  /**
   * Uploads the blobs of entries the store does not know yet, before the write transaction: the
   * transaction (and the lock every other writer waits on) then holds no network round trips.
   * Blobs the store already has are never uploaded again.
   */
  private async upload(entries: readonly LedgerEntry[]): Promise<Set<string>> {
    if (this.objects === undefined || entries.length === 0) return new Set()
    const unique = new Map(entries.map((e) => [`sha256:${e.contentHash ?? sha256(e.content)}`, e.content]))
    const fresh = await attempt(this.db, 'cannot look up blobs', () =>
      unknownRefs(this.db, [...unique.keys()]),
    )
    await this.objects.put([...fresh].map((ref) => ({ ref, bytes: unique.get(ref) ?? new Uint8Array() })))
    return fresh
  }

  /** The error for a blob in object storage when this store was opened without store.blobs. */
  private noObjectStorage(ref: string): StoreError {
    return new StoreError(
      `${this.db.where}: blob ${ref} is kept in object storage, but store.blobs is not set`,
      {
        hint: 'set store.blobs in trustctl.yaml to the s3:// location the ledger was written with',
      },
    )
  }

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

  /** Opens a run inside `tx`: the run row, the signing key record (once per key), the run-start record. */
  private async startRun(
    tx: SqlRunner,
    start: RunStart,
  ): Promise<{ runId: number; records: LedgerRecord[] }> {
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
    const records = await appendChained(
      tx,
      this.layout,
      runId,
      () => [
        ...(known.length === 0 ? [signingKeyEntry(start.signer, context)] : []),
        runStartEntry(runId, context),
      ],
      this.objectWrite(),
    )
    return { runId, records }
  }

  /** Seals an open run inside `tx` with its signed manifest record and marks it complete. */
  private async sealRun(
    tx: SqlRunner,
    runId: number,
    finishedAt: string,
    signer: Signer,
    written?: WrittenRun,
  ): Promise<SignedManifest> {
    await this.openRun(tx, runId)
    // The start time signed is the run-start record's, not the (editable) run table's.
    const [start] = await tx.query<{ collected_at: string }>(
      "SELECT collected_at FROM ledger_record WHERE run_id = ? AND kind = 'run-start' ORDER BY seq LIMIT 1",
      [runId],
    )
    if (start === undefined) throw new StoreError(`${this.db.where}: run ${runId} has no run-start record`)
    const hashes = await runRecordHashes(tx, runId, written)
    const anchors = await runAnchors(tx, runId)
    let signed: SignedManifest | undefined
    await appendChained(
      tx,
      this.layout,
      runId,
      (head) => {
        signed = signManifest(
          composeManifest({
            runId,
            startedAt: start.collected_at,
            finishedAt,
            recordHashes: hashes,
            head,
            keyFingerprint: signer.fingerprint,
            anchors,
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
      },
      this.objectWrite(),
    )
    await tx.exec("UPDATE ledger_run SET status = 'complete', finished_at = ? WHERE id = ?", [
      finishedAt,
      runId,
    ])
    if (signed === undefined) throw new Error('manifest was not signed')
    return signed
  }

  async beginRun(start: RunStart): Promise<number> {
    const { runId, records } = await this.write('cannot start a run', (tx) => this.startRun(tx, start))
    // Followed from its first record, once committed.
    const run = followRun({ hashes: [], first: records[0]?.seq ?? 0, last: 0 }, records)
    if (run !== undefined) this.written.set(runId, run)
    return runId
  }

  async append(
    runId: number,
    entries: readonly LedgerEntry[],
    contentHashes?: readonly string[],
  ): Promise<LedgerRecord[]> {
    const uploaded = await this.upload(entries)
    let records: LedgerRecord[]
    try {
      records = await this.write(`cannot append to run ${runId}`, async (tx) => {
        await this.openRun(tx, runId)
        return appendChained(tx, this.layout, runId, () => entries, this.objectWrite(uploaded), contentHashes)
      })
    } catch (error) {
      // Whether anything was committed is not known here: the seal reads the run back.
      this.written.delete(runId)
      throw error
    }
    const run = followRun(this.written.get(runId), records)
    if (run === undefined) this.written.delete(runId)
    return records
  }

  async finishRun(runId: number, finishedAt: string, signer: Signer): Promise<SignedManifest> {
    const written = this.written.get(runId)
    this.written.delete(runId)
    return this.write(`cannot finish run ${runId}`, (tx) =>
      this.sealRun(tx, runId, finishedAt, signer, written),
    )
  }

  async recordRun(run: WholeRun): Promise<{ runId: number; manifest: SignedManifest }> {
    const uploaded = await this.upload(run.entries)
    return this.write('cannot record a run', async (tx) => {
      const { runId } = await this.startRun(tx, run)
      for (const slice of contentSlices(run.entries, writeSliceBytes)) {
        await appendChained(tx, this.layout, runId, () => slice, this.objectWrite(uploaded))
        // SQLite writes synchronously: between slices, the event loop answers other requests. The
        // transaction stays open (the driver's turn keeps other statements on this file waiting), so
        // the run is still written whole or not at all.
        await new Promise((resolve) => setImmediate(resolve))
      }
      const manifest = await this.sealRun(tx, runId, run.finishedAt(), run.signer)
      const remembered = latestPerKey(run.remember ?? [])
      if (remembered.length > 0)
        await tx.insertRows('ledger_cache', ['key', 'blob_ref'], remembered, {
          key: ['key'],
          update: ['blob_ref'],
        })
      return { runId, manifest }
    })
  }

  async runs(): Promise<RunInfo[]> {
    // Listed from the records, not the run table (anyone with database access can edit it): a run
    // exists when its run-start record does, starts when that record says, and is complete only when
    // a manifest record closes it. The table adds only what records cannot tell: an open run's owner.
    const rows = await attempt(this.db, 'cannot list runs', () =>
      this.db.query<{
        id: number | string
        started_at: string
        finished_at: string | null
        manifest_seq: number | string | null
        status: string | null
        host: string | null
        pid: number | null
        records: number | string
      }>(
        `SELECT s.run_id AS id, s.collected_at AS started_at,
                (SELECT m.collected_at FROM ledger_record m
                 WHERE m.run_id = s.run_id AND m.kind = 'manifest' ORDER BY m.seq LIMIT 1) AS finished_at,
                (SELECT MIN(m.seq) FROM ledger_record m
                 WHERE m.run_id = s.run_id AND m.kind = 'manifest') AS manifest_seq,
                t.status, t.host, t.pid,
                (SELECT COUNT(*) FROM ledger_record l WHERE l.run_id = s.run_id) AS records
         FROM ledger_record s LEFT JOIN ledger_run t ON t.id = s.run_id
         WHERE s.kind = 'run-start' ORDER BY s.run_id, s.seq`,
      ),
    )
    const seen = new Set<number>()
    const runs: RunInfo[] = []
    for (const row of rows) {
      const id = Number(row.id)
      if (seen.has(id)) continue
      seen.add(id)
      const open =
        row.finished_at === null &&
        row.status === 'open' &&
        row.host !== null &&
        row.pid !== null &&
        !processIsGone(row.host, row.pid)
      runs.push({
        id,
        startedAt: row.started_at,
        ...(row.finished_at === null ? {} : { finishedAt: row.finished_at }),
        status: row.finished_at !== null ? 'complete' : open ? 'open' : 'incomplete',
        records: Number(row.records),
        ...(row.manifest_seq === null ? {} : { manifestSeq: Number(row.manifest_seq) }),
      })
    }
    return runs
  }

  async runTable(): Promise<RunInfo[]> {
    const rows = await attempt(this.db, 'cannot list runs', () =>
      this.db.query<{
        id: number | string
        started_at: string
        finished_at: string | null
        status: RunInfo['status']
        host: string
        pid: number
      }>('SELECT id, started_at, finished_at, status, host, pid FROM ledger_run ORDER BY id'),
    )
    return rows.map((row) => ({
      id: Number(row.id),
      startedAt: row.started_at,
      ...(row.finished_at === null ? {} : { finishedAt: row.finished_at }),
      status: row.status === 'open' && processIsGone(row.host, row.pid) ? 'incomplete' : row.status,
      records: 0,
    }))
  }

  async completeRunKinds(): Promise<Map<number, RecordKind[]>> {
    // One index probe per run and kind on (run_id, kind): cheap however many records a run holds.
    // The kinds are a VALUES list (column1 the kind, column2 its order), which both databases read.
    // Complete means closed by a manifest record, whatever the (unprotected) run table says.
    // CROSS JOIN keeps the runs' starts as the outer loop (SQLite does not reorder it; PostgreSQL
    // plans it as the comma join): SQLite otherwise put the VALUES list first and built an automatic
    // index on kind for each run of the query, reading every record (~10 ms on an 11k-record ledger,
    // on every assessment) where the run-start index gives the few runs.
    const kinds = recordKinds.map((_, i) => `(?, ${i})`).join(', ')
    const rows = await attempt(this.db, 'cannot list the kinds of runs', () =>
      this.db.query<{ id: number | string; kind: RecordKind }>(
        `SELECT DISTINCT s.run_id AS id, k.column1 AS kind, k.column2 AS ord
         FROM ledger_record s CROSS JOIN (VALUES ${kinds}) AS k
         WHERE s.kind = 'run-start'
           AND EXISTS (SELECT 1 FROM ledger_record m WHERE m.run_id = s.run_id AND m.kind = 'manifest')
           AND EXISTS (SELECT 1 FROM ledger_record l WHERE l.run_id = s.run_id AND l.kind = k.column1)
         ORDER BY s.run_id, k.column2`,
        [...recordKinds],
      ),
    )
    return kindsByRun(rows)
  }

  /**
   * Where the records of a scan by kind alone lie: the first and last seq of a record of those kinds,
   * {} for a scan that names a run or no kinds, undefined when the ledger holds no such record. Every
   * assessment looks for the rare kinds (access reviews, policy acceptances, signing keys) this way: the
   * SQLite ledger has no index by kind, and its scan by seq read every record (some 11k rows with their
   * inline evidence after one run on 10k objects, ~5 ms each time) to find none; this reads the small
   * (run_id, kind) index instead. Records appended after the scan starts are not part of it.
   */
  private async kindsSpan(query: RecordQuery): Promise<{ from?: number; to?: number } | undefined> {
    const kinds = query.kinds ?? []
    if (kinds.length === 0 || query.runId !== undefined) return {}
    const [row] = await attempt(this.db, 'cannot read the ledger', () =>
      this.db.queryArrays(
        `SELECT MIN(r.seq), MAX(r.seq) FROM ledger_record r WHERE r.kind IN (${placeholders(kinds.length)})`,
        [...kinds],
      ),
    )
    const [first, last] = row ?? []
    if (first === null || first === undefined || last === null || last === undefined) return undefined
    return { from: Number(first), to: Number(last) }
  }

  async *scan(query: RecordQuery = {}): AsyncIterable<ScannedRecord> {
    const span = await this.kindsSpan(query)
    if (span === undefined) return
    const where: string[] = ['r.seq > ?']
    const params: SqlValue[] = []
    const toSeq = span.to === undefined ? query.toSeq : Math.min(span.to, query.toSeq ?? span.to)
    if (toSeq !== undefined) where.push('r.seq <= ?') && params.push(toSeq)
    if (query.runId !== undefined) where.push('r.run_id = ?') && params.push(query.runId)
    if (query.kinds !== undefined && query.kinds.length > 0) {
      where.push(`r.kind IN (${placeholders(query.kinds.length)})`)
      params.push(...query.kinds)
    }
    // Small blobs come with their page; large ones are fetched in groups of at most the dialect's batch,
    // so a page of large blobs never sits in memory at once. A blob in object storage (no row in
    // ledger_blob, one in ledger_object) is fetched in groups of parallel requests.
    const sql = this.layout.scanSql(where.join(' AND '), query.withBlobs !== false, inlineBlobBytes, pageSize)
    // Rows as arrays (see queryArrays): the record's columns, then size, bytes and in_object.
    const rowOf = (values: unknown[]): Row => ({
      record: recordFromArray(values),
      size: values[13] as number | string | null,
      bytes: values[14] as Uint8Array | null,
      in_object: values[15] as number | string,
    })
    const inObject = (row: Row): boolean => Number(row.in_object) === 1
    let after = Math.max(query.fromSeq ?? 1, span.from ?? 1) - 1
    for (;;) {
      const rows = (
        await attempt(this.db, 'cannot read the ledger', () => this.db.queryArrays(sql, [after, ...params]))
      ).map(rowOf)
      for (let i = 0; i < rows.length; ) {
        // Rows up to the next group of large blobs that fits the dialect's batch, or of objects that
        // fits one round of parallel requests (at least one row).
        let bytes = 0
        let objects = 0
        let j = i
        for (; j < rows.length; j++) {
          const row = rows[j]
          if (row === undefined) break
          const object = inObject(row) ? 1 : 0
          const large = object === 1 || row.bytes !== null ? 0 : Number(row.size ?? 0)
          if (j > i && (bytes + large > this.db.dialect.blobBatchBytes || objects + object > objectsPerGroup))
            break
          bytes += large
          objects += object
        }
        const group = rows.slice(i, j)
        const records = group.map((row) => row.record)
        const refsWhere = (keep: (row: Row) => boolean): string[] =>
          records.filter((_, k) => keep(group[k] as Row)).map((r) => r.blobRef)
        const [blobs, fetched] = await Promise.all([
          this.blobsByRef([
            ...new Set(refsWhere((r) => r.size !== null && r.bytes === null && !inObject(r))),
          ]),
          this.objectBlobs(refsWhere(inObject)),
        ])
        for (const [k, row] of group.entries()) {
          const record = records[k] as LedgerRecord
          yield {
            record,
            blob:
              row.size === null
                ? undefined
                : inObject(row)
                  ? fetched.get(record.blobRef)
                  : (row.bytes ?? blobs.get(record.blobRef)),
          }
        }
        i = j
      }
      const last = rows.at(-1)
      if (last === undefined || rows.length < pageSize) return
      after = last.record.seq
    }
  }

  /**
   * Blobs from object storage, as stored: the reader re-hashes them (verify must be able to say an
   * object was altered, not merely missing). A deleted object is absent from the map.
   */
  private async objectBlobs(refs: readonly string[]): Promise<Map<string, Uint8Array>> {
    if (refs.length === 0) return new Map()
    const [first] = refs
    if (this.objects === undefined) throw this.noObjectStorage(first ?? '')
    return this.objects.get(refs)
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
    const rows = await attempt(this.db, 'cannot read a blob', () => this.layout.blobRows(this.db, ref))
    // Bytes in the table win (a blob written before store.blobs was set); no row at all: no blob.
    const inTable = rows.find((r) => r.bytes !== null)?.bytes
    if (inTable !== undefined && inTable !== null) return inTable
    if (rows.length === 0) return undefined
    const bytes = (await this.objectBlobs([ref])).get(ref)
    // Never trusted as stored: an object that does not hash to its address was altered in the bucket.
    if (bytes !== undefined && `sha256:${sha256(bytes)}` !== ref)
      throw new StoreError(
        `${this.objects?.objectUrl(ref) ?? ref}: the object does not hash to ${ref}; it was altered in the bucket`,
        { hint: 'run `trustctl verify` for the full picture' },
      )
    return bytes
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

  async anyCached(): Promise<boolean> {
    const rows = await attempt(this.db, 'cannot read the cache', () =>
      this.db.query<{ one: number }>('SELECT 1 AS one FROM ledger_cache LIMIT 1'),
    )
    return rows.length > 0
  }

  async chainedCache(lookups: readonly CacheLookup[]): Promise<CachedResults> {
    const found: CachedResults['found'] = new Map()
    let ignored = 0
    for (let i = 0; i < lookups.length; i += keysPerLookup) {
      const slice = lookups.slice(i, i + keysPerLookup)
      // A cache row is only a pointer anyone with database access can write: its blob is reused only
      // when an evidence-set record with that id and that content sits in a run sealed by a manifest
      // written after it (the run table is not read). The newest such record is returned with its run,
      // so the caller can check that run's manifest signature against the pinned key (parse-cache.ts).
      // One statement per batch, on the partial index over evidence sets and (run_id, kind).
      const statement = this.layout.cacheSql(slice)
      const rows = await attempt(this.db, 'cannot read the cache', () =>
        this.db.query<{
          key: string
          blob_ref: string
          vouch_seq: number | string | null
          run_id: number | string | null
          bytes: Uint8Array | null
          in_object: number | string | null
        }>(statement.sql, statement.params),
      )
      // Results kept in object storage are fetched (in parallel) and re-hashed below like any other.
      const fetched = await this.objectBlobs(
        rows.filter((r) => Number(r.in_object) === 1).map((r) => r.blob_ref),
      )
      for (const row of rows) {
        const r = { ...row, bytes: row.bytes ?? fetched.get(row.blob_ref) ?? null }
        if (r.bytes === null || r.vouch_seq === null || r.run_id === null) ignored += 1
        else if (`sha256:${sha256(r.bytes)}` !== r.blob_ref) ignored += 1
        else
          found.set(r.key, {
            blobRef: r.blob_ref,
            bytes: r.bytes,
            runId: Number(r.run_id),
            seq: Number(r.vouch_seq),
          })
      }
    }
    return { found, ignored }
  }

  async remember(entries: readonly { key: string; blobRef: string }[]): Promise<void> {
    if (entries.length === 0) return
    const latest = latestPerKey(entries)
    await attempt(this.db, 'cannot write the cache', () =>
      this.db.insertRows('ledger_cache', ['key', 'blob_ref'], latest, { key: ['key'], update: ['blob_ref'] }),
    )
  }

  async close(): Promise<void> {
    this.objects?.close()
    await this.db.close()
  }
}

/** Cache rows to write, the last entry for a key winning (one statement may not update a row twice). */
function latestPerKey(entries: readonly { key: string; blobRef: string }[]): [string, string][] {
  return [...new Map(entries.map((e) => [e.key, e.blobRef])).entries()]
}
