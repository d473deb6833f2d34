import { mkdirSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { StoreError } from '../../core/errors.js'
import {
  canonicalBytes,
  chainRecords,
  genesisHash,
  type LedgerEntry,
  type LedgerRecord,
  type RecordKind,
  recordKinds,
} from '../../core/ledger.js'
import { composeManifest, runStartEntry, signingKeyEntry } from '../../core/ledger-entries.js'
import { type SignedManifest, type Signer, signManifest } from '../../core/ledger-manifest.js'
import type { AssessmentStore, RecordQuery, RunInfo, ScannedRecord } from '../../core/store.js'
import { kindsByRun, processIsGone, type RecordRow, recordFromRow } from '../record-row.js'

/** Versioned migrations, applied in order; a store records the highest it has run (user_version). */
const migrations: readonly string[] = [
  // 1: the first store (runs and evidence, no ledger). Kept so old stores upgrade; never edited.
  `CREATE TABLE run (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     generated_at TEXT NOT NULL,
     as_of TEXT NOT NULL,
     model_hash TEXT NOT NULL,
     model_json TEXT NOT NULL
   );
   CREATE TABLE evidence (
     hash TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     json TEXT NOT NULL
   );
   CREATE TABLE run_evidence (
     run_id INTEGER NOT NULL REFERENCES run(id),
     hash TEXT NOT NULL REFERENCES evidence(hash),
     PRIMARY KEY (run_id, hash)
   );`,
  // 2: the hash-chained evidence ledger with content-addressed blobs.
  `CREATE TABLE ledger_blob (ref TEXT PRIMARY KEY, bytes BLOB NOT NULL) WITHOUT ROWID;
   CREATE TABLE ledger_record (
     seq INTEGER PRIMARY KEY,
     id TEXT NOT NULL,
     run_id INTEGER NOT NULL,
     kind TEXT NOT NULL,
     source TEXT NOT NULL,
     collector TEXT NOT NULL,
     collector_version TEXT NOT NULL,
     collected_at TEXT NOT NULL,
     effective_at TEXT NOT NULL,
     content_hash TEXT NOT NULL,
     blob_ref TEXT NOT NULL,
     prev_hash TEXT NOT NULL,
     hash TEXT NOT NULL
   );
   CREATE INDEX ledger_record_run ON ledger_record (run_id, kind);
   CREATE INDEX ledger_record_kind ON ledger_record (kind, id);
   CREATE TABLE ledger_run (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     started_at TEXT NOT NULL,
     finished_at TEXT,
     status TEXT NOT NULL,
     host TEXT NOT NULL,
     pid INTEGER NOT NULL
   );
   CREATE TABLE ledger_cache (key TEXT PRIMARY KEY, blob_ref TEXT NOT NULL) WITHOUT ROWID;`,
  // 3: blobs in append order (integer key, the hash a UNIQUE column), so an ingest appends to the end
  // of the table instead of splitting pages all over a hash-keyed B-tree; the (kind, id) index, only
  // ever used to find a signing key, becomes a partial index over signing keys.
  `CREATE TABLE ledger_blob_v3 (id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE, bytes BLOB NOT NULL);
   INSERT INTO ledger_blob_v3 (ref, bytes) SELECT ref, bytes FROM ledger_blob;
   DROP TABLE ledger_blob;
   ALTER TABLE ledger_blob_v3 RENAME TO ledger_blob;
   DROP INDEX ledger_record_kind;
   CREATE INDEX ledger_record_signing_key ON ledger_record (id) WHERE kind = 'signing-key';`,
]

const pageSize = 5000
const inlineBlobBytes = 64 * 1024

/** The embedded default store: one SQLite file, no server. Blobs live in the same file. */
export class SqliteStore implements AssessmentStore {
  private readonly db: Database.Database
  private readBlob: Database.Statement | undefined
  private readCache: Database.Statement | undefined
  private insertBlob: Database.Statement | undefined
  private insertRecord: Database.Statement | undefined

  constructor(readonly file: string) {
    try {
      mkdirSync(path.dirname(file), { recursive: true })
      this.db = new Database(file)
      // Takes effect only when the file is created: 64 KiB pages make a large blob a short chain of
      // overflow pages (verify reads it at close to hashing speed) and cut the pages an ingest writes.
      this.db.pragma('page_size = 65536')
      this.db.pragma('journal_mode = WAL')
      // NORMAL in WAL mode: a committed transaction survives a killed process (kill -9 trials) and the
      // file is never corrupted; only the last commits before a power cut may be lost. FULL would
      // add an fsync per commit, ~2.5× slower ingest here.
      this.db.pragma('synchronous = NORMAL')
      this.db.pragma('busy_timeout = 10000')
      // The blob hash index takes inserts all over its B-tree: a 64 MiB page cache (instead of 2 MiB)
      // keeps a million-record ingest from going to disk for every page.
      this.db.pragma('cache_size = -65536')
      // Reads of large blobs (verify, export) go through the OS page cache instead of a read call per
      // 4 KiB page: verify re-hashes blobs at close to the speed of the hash itself.
      this.db.pragma('mmap_size = 268435456')
      this.migrate()
    } catch (error) {
      throw new StoreError(
        `cannot open the store at ${file}: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
          hint: 'nothing was changed; restore the file from a backup or point store.path elsewhere',
        },
      )
    }
  }

  private migrate(): void {
    const current = Number(this.db.pragma('user_version', { simple: true }))
    if (current > migrations.length) {
      throw new Error(`schema version ${current} is newer than this trustctl knows (${migrations.length})`)
    }
    migrations.slice(current).forEach((sql, i) => {
      this.db
        .transaction(() => {
          this.db.exec(sql)
          this.db.pragma(`user_version = ${current + i + 1}`)
        })
        .immediate()
    })
  }

  private wrap<T>(what: string, fn: () => T): T {
    try {
      return fn()
    } catch (error) {
      if (error instanceof StoreError) throw error
      throw new StoreError(
        `${this.file}: ${what}: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      )
    }
  }

  private headSync(): { seq: number; hash: string } {
    const row = this.db.prepare('SELECT seq, hash FROM ledger_record ORDER BY seq DESC LIMIT 1').get() as
      | { seq: number; hash: string }
      | undefined
    return row ?? { seq: 0, hash: genesisHash }
  }

  /** Chains and writes records inside one write transaction, so concurrent writers never fork the chain. */
  private appendSync(
    runId: number,
    build: (head: { seq: number; hash: string }) => LedgerEntry[],
  ): LedgerRecord[] {
    // Prepared once per store, not per slice: an ingest appends thousands of slices.
    this.insertBlob ??= this.db.prepare('INSERT OR IGNORE INTO ledger_blob (ref, bytes) VALUES (?, ?)')
    this.insertRecord ??= this.db.prepare(
      `INSERT INTO ledger_record (seq, id, run_id, kind, source, collector, collector_version, collected_at,
         effective_at, content_hash, blob_ref, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    )
    const { insertBlob, insertRecord } = this
    return this.db
      .transaction(() => {
        const head = this.headSync()
        const { records, blobs } = chainRecords(head, runId, build(head))
        for (const blob of blobs) insertBlob.run(blob.ref, blob.bytes)
        for (const r of records) {
          insertRecord.run(
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
          )
        }
        return records
      })
      .immediate()
  }

  private openRun(runId: number): { started_at: string } {
    const run = this.db.prepare('SELECT started_at, status FROM ledger_run WHERE id = ?').get(runId) as
      | { started_at: string; status: string }
      | undefined
    if (run === undefined) throw new StoreError(`${this.file}: run ${runId} does not exist`)
    if (run.status !== 'open') throw new StoreError(`${this.file}: run ${runId} is ${run.status}, not open`)
    return run
  }

  async beginRun(start: { startedAt: string; toolVersion: string; signer: Signer }): Promise<number> {
    return this.wrap('cannot start a run', () => {
      this.markInterruptedRuns()
      return this.db
        .transaction(() => {
          const runId = Number(
            this.db
              .prepare("INSERT INTO ledger_run (started_at, status, host, pid) VALUES (?, 'open', ?, ?)")
              .run(start.startedAt, os.hostname(), process.pid).lastInsertRowid,
          )
          const context = { collectedAt: start.startedAt, toolVersion: start.toolVersion }
          const known = this.db
            .prepare("SELECT 1 FROM ledger_record WHERE kind = 'signing-key' AND id = ? LIMIT 1")
            .get(start.signer.fingerprint)
          this.appendSync(runId, () => [
            ...(known === undefined ? [signingKeyEntry(start.signer, context)] : []),
            runStartEntry(runId, context),
          ])
          return runId
        })
        .immediate()
    })
  }

  /** Runs left open by a process on this machine that no longer exists were interrupted. */
  private markInterruptedRuns(): void {
    const open = this.db.prepare("SELECT id, host, pid FROM ledger_run WHERE status = 'open'").all() as {
      id: number
      host: string
      pid: number
    }[]
    const mark = this.db.prepare(
      "UPDATE ledger_run SET status = 'incomplete' WHERE id = ? AND status = 'open'",
    )
    for (const run of open) if (processIsGone(run.host, run.pid)) mark.run(run.id)
  }

  async append(runId: number, entries: readonly LedgerEntry[]): Promise<LedgerRecord[]> {
    return this.wrap(`cannot append to run ${runId}`, () =>
      this.db
        .transaction(() => {
          this.openRun(runId)
          return this.appendSync(runId, () => [...entries])
        })
        .immediate(),
    )
  }

  async finishRun(runId: number, finishedAt: string, signer: Signer): Promise<SignedManifest> {
    return this.wrap(`cannot finish run ${runId}`, () =>
      this.db
        .transaction(() => {
          const run = this.openRun(runId)
          const hashes = this.db
            .prepare("SELECT hash FROM ledger_record WHERE run_id = ? AND kind <> 'manifest' ORDER BY seq")
            .pluck()
            .iterate(runId) as IterableIterator<string>
          let signed: SignedManifest | undefined
          const recordHashes = [...hashes]
          this.appendSync(runId, (head) => {
            signed = signManifest(
              composeManifest({
                runId,
                startedAt: run.started_at,
                finishedAt,
                recordHashes,
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
          this.db
            .prepare("UPDATE ledger_run SET status = 'complete', finished_at = ? WHERE id = ?")
            .run(finishedAt, runId)
          if (signed === undefined) throw new Error('manifest was not signed')
          return signed
        })
        .immediate(),
    )
  }

  async runs(): Promise<RunInfo[]> {
    return this.wrap('cannot list runs', () => {
      const rows = this.db
        .prepare(
          `SELECT r.id, r.started_at, r.finished_at, r.status, r.host, r.pid,
                  (SELECT COUNT(*) FROM ledger_record l WHERE l.run_id = r.id) AS records
           FROM ledger_run r ORDER BY r.id`,
        )
        .all() as {
        id: number
        started_at: string
        finished_at: string | null
        status: RunInfo['status']
        host: string
        pid: number
        records: number
      }[]
      return rows.map((row) => ({
        id: row.id,
        startedAt: row.started_at,
        ...(row.finished_at === null ? {} : { finishedAt: row.finished_at }),
        // A run left open by a process that no longer exists was interrupted.
        status: row.status === 'open' && processIsGone(row.host, row.pid) ? 'incomplete' : row.status,
        records: row.records,
      }))
    })
  }

  async completeRunKinds(): Promise<Map<number, RecordKind[]>> {
    // One index probe per run and kind on (run_id, kind): cheap however many records a run holds.
    const rows = this.wrap('cannot list the kinds of runs', () =>
      this.db
        .prepare(
          `SELECT r.id, k.value AS kind FROM ledger_run r, json_each(?) k
           WHERE r.status = 'complete'
             AND EXISTS (SELECT 1 FROM ledger_record l WHERE l.run_id = r.id AND l.kind = k.value)
           ORDER BY r.id, k.key`,
        )
        .all(JSON.stringify(recordKinds)),
    ) as { id: number; kind: RecordKind }[]
    return kindsByRun(rows)
  }

  async *scan(query: RecordQuery = {}): AsyncIterable<ScannedRecord> {
    const where: string[] = ['r.seq > ?']
    const params: (string | number)[] = []
    if (query.toSeq !== undefined) {
      where.push('r.seq <= ?')
      params.push(query.toSeq)
    }
    if (query.runId !== undefined) {
      where.push('r.run_id = ?')
      params.push(query.runId)
    }
    if (query.kinds !== undefined && query.kinds.length > 0) {
      where.push(`r.kind IN (${query.kinds.map(() => '?').join(',')})`)
      params.push(...query.kinds)
    }
    // Small blobs come with their page; large ones are read one at a time, so a page of large blobs
    // never sits in memory at once.
    const statement = this.db.prepare(
      `SELECT r.*, length(b.bytes) AS size, CASE WHEN length(b.bytes) <= ${inlineBlobBytes} THEN b.bytes END AS bytes
       FROM ledger_record r LEFT JOIN ledger_blob b ON b.ref = r.blob_ref
       WHERE ${where.join(' AND ')} ORDER BY r.seq LIMIT ${pageSize}`,
    )
    const readBlob = this.db.prepare('SELECT bytes FROM ledger_blob WHERE ref = ?').pluck()
    let after = (query.fromSeq ?? 1) - 1
    for (;;) {
      const rows = this.wrap('cannot read the ledger', () =>
        statement.all(after, ...params),
      ) as (RecordRow & {
        size: number | null
        bytes: Buffer | null
      })[]
      for (const row of rows) {
        const bytes =
          row.size === null
            ? undefined
            : (row.bytes ??
              (this.wrap('cannot read a blob', () => readBlob.get(row.blob_ref)) as Buffer | undefined))
        yield { record: recordFromRow(row), blob: bytes }
      }
      const last = rows.at(-1)
      if (last === undefined || rows.length < pageSize) return
      after = Number(last.seq)
    }
  }

  async blob(ref: string): Promise<Uint8Array | undefined> {
    this.readBlob ??= this.db.prepare('SELECT bytes FROM ledger_blob WHERE ref = ?')
    const statement = this.readBlob
    const row = this.wrap('cannot read a blob', () => statement.get(ref)) as { bytes: Buffer } | undefined
    return row?.bytes
  }

  async head(): Promise<{ seq: number; hash: string }> {
    return this.wrap('cannot read the chain head', () => this.headSync())
  }

  async cached(key: string): Promise<string | undefined> {
    this.readCache ??= this.db.prepare('SELECT blob_ref FROM ledger_cache WHERE key = ?')
    const row = this.readCache.get(key) as { blob_ref: string } | undefined
    return row?.blob_ref
  }

  async remember(entries: readonly { key: string; blobRef: string }[]): Promise<void> {
    const insert = this.db.prepare('INSERT OR REPLACE INTO ledger_cache (key, blob_ref) VALUES (?, ?)')
    this.wrap('cannot write the cache', () =>
      this.db.transaction(() => {
        for (const e of entries) insert.run(e.key, e.blobRef)
      })(),
    )
  }

  async close(): Promise<void> {
    this.db.close()
  }
}
