import os from 'node:os'
import pg from 'pg'
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

/** Versioned migrations, applied in order inside the store's schema; never edited once released. */
const migrations: readonly string[] = [
  `CREATE TABLE ledger_blob (ref TEXT PRIMARY KEY, bytes BYTEA NOT NULL);
   CREATE TABLE ledger_record (
     seq BIGINT PRIMARY KEY,
     id TEXT NOT NULL,
     run_id BIGINT NOT NULL,
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
     id BIGSERIAL PRIMARY KEY,
     started_at TEXT NOT NULL,
     finished_at TEXT,
     status TEXT NOT NULL,
     host TEXT NOT NULL,
     pid INTEGER NOT NULL
   );
   CREATE TABLE ledger_cache (key TEXT PRIMARY KEY, blob_ref TEXT NOT NULL);`,
]

const pageSize = 5000
const blobBatchBytes = 32 * 1024 * 1024
const rowsPerInsert = 1000
const recordColumns =
  'seq, id, run_id, kind, source, collector, collector_version, collected_at, effective_at, content_hash, blob_ref, prev_hash, hash'

/**
 * The team store: the same ledger in a PostgreSQL schema, so many collectors can write to one place.
 * Writes go through one connection, one transaction after another (below). Reads take a connection of
 * a small pool: the server reads for many requests at once, and a query sent on a connection that is
 * busy with another would wait behind it (and pg refuses it in later versions).
 */
export class PostgresStore implements AssessmentStore {
  private constructor(
    private readonly client: pg.Client,
    private readonly reads: pg.Pool,
    private readonly schema: string,
    private readonly where: string,
  ) {}

  /** Connects, creates the schema if needed and runs pending migrations. */
  static async open(url: string, schema = 'trustctl'): Promise<PostgresStore> {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema))
      throw new StoreError(`store schema '${schema}': use lowercase letters, digits and _`)
    const where = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')
    const client = new pg.Client({ connectionString: url })
    try {
      await client.connect()
    } catch (error) {
      throw new StoreError(`cannot connect to the store at ${where}: ${(error as Error).message}`, {
        cause: error,
        hint: 'check store.url / TRUSTCTL_DATABASE_URL and that the server is running',
      })
    }
    const reads = new pg.Pool({ connectionString: url, max: 4, options: `-c search_path=${schema}` })
    // An idle connection dropped by the server must not crash the process; the next read reconnects.
    reads.on('error', () => undefined)
    const store = new PostgresStore(client, reads, schema, where)
    try {
      await store.migrate()
    } catch (error) {
      await client.end().catch(() => undefined)
      await reads.end().catch(() => undefined)
      throw store.fail('cannot prepare the store', error)
    }
    return store
  }

  private fail(what: string, error: unknown): StoreError {
    if (error instanceof StoreError) return error
    return new StoreError(`${this.where} (schema ${this.schema}): ${what}: ${(error as Error).message}`, {
      cause: error,
    })
  }

  private async migrate(): Promise<void> {
    await this.transaction(async () => {
      await this.client.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`)
      await this.client.query(`SET LOCAL search_path TO ${this.schema}`)
      await this.client.query('CREATE TABLE IF NOT EXISTS trustctl_schema (version INTEGER NOT NULL)')
      const { rows } = await this.client.query<{ version: number }>(
        'SELECT MAX(version) AS version FROM trustctl_schema',
      )
      const current = rows[0]?.version ?? 0
      if (current > migrations.length)
        throw new Error(`schema version ${current} is newer than this trustctl knows (${migrations.length})`)
      for (const [i, sql] of migrations.slice(current).entries()) {
        await this.client.query(sql)
        await this.client.query('INSERT INTO trustctl_schema (version) VALUES ($1)', [current + i + 1])
      }
    })
    await this.client.query(`SET search_path TO ${this.schema}`)
  }

  /**
   * Transactions of this store, one after another. They share one connection, and two transactions
   * interleaved on one connection are one: the second BEGIN is ignored, and the first ROLLBACK undoes
   * both (the server appends pushes, changes and assessments concurrently through one store).
   */
  private queue: Promise<unknown> = Promise.resolve()

  /** One transaction holding the store's write lock, so concurrent writers never fork the chain. */
  private transaction<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(
      () => this.transactionNow(fn),
      () => this.transactionNow(fn),
    )
    this.queue = run.catch(() => undefined)
    return run
  }

  private async transactionNow<T>(fn: () => Promise<T>): Promise<T> {
    await this.client.query('BEGIN')
    try {
      await this.client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`trustctl:${this.schema}`])
      const result = await fn()
      await this.client.query('COMMIT')
      return result
    } catch (error) {
      await this.client.query('ROLLBACK').catch(() => undefined)
      throw error
    }
  }

  private async headTx(): Promise<{ seq: number; hash: string }> {
    const { rows } = await this.client.query<{ seq: string; hash: string }>(
      'SELECT seq, hash FROM ledger_record ORDER BY seq DESC LIMIT 1',
    )
    const row = rows[0]
    return row === undefined ? { seq: 0, hash: genesisHash } : { seq: Number(row.seq), hash: row.hash }
  }

  private async appendTx(
    runId: number,
    build: (head: { seq: number; hash: string }) => LedgerEntry[],
  ): Promise<LedgerRecord[]> {
    const head = await this.headTx()
    const { records, blobs } = chainRecords(head, runId, build(head))
    const unique = [...new Map(blobs.map((b) => [b.ref, b])).values()]
    for (let i = 0; i < unique.length; i += rowsPerInsert) {
      const slice = unique.slice(i, i + rowsPerInsert)
      await this.client.query(
        `INSERT INTO ledger_blob (ref, bytes) VALUES ${slice.map((_, j) => `($${2 * j + 1}, $${2 * j + 2})`).join(',')} ON CONFLICT (ref) DO NOTHING`,
        slice.flatMap((b) => [b.ref, Buffer.from(b.bytes)]),
      )
    }
    for (let i = 0; i < records.length; i += rowsPerInsert) {
      const slice = records.slice(i, i + rowsPerInsert)
      await this.client.query(
        `INSERT INTO ledger_record (${recordColumns}) VALUES ${slice
          .map((_, j) => `(${Array.from({ length: 13 }, (_, k) => `$${13 * j + k + 1}`).join(',')})`)
          .join(',')}`,
        slice.flatMap((r) => [
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
        ]),
      )
    }
    return records
  }

  private async openRun(runId: number): Promise<{ started_at: string }> {
    const { rows } = await this.client.query<{ started_at: string; status: string }>(
      'SELECT started_at, status FROM ledger_run WHERE id = $1',
      [runId],
    )
    const run = rows[0]
    if (run === undefined) throw new StoreError(`${this.where}: run ${runId} does not exist`)
    if (run.status !== 'open') throw new StoreError(`${this.where}: run ${runId} is ${run.status}, not open`)
    return run
  }

  async beginRun(start: { startedAt: string; toolVersion: string; signer: Signer }): Promise<number> {
    try {
      return await this.transaction(async () => {
        const { rows: open } = await this.client.query<{ id: string; host: string; pid: number }>(
          "SELECT id, host, pid FROM ledger_run WHERE status = 'open'",
        )
        for (const run of open) {
          if (processIsGone(run.host, run.pid))
            await this.client.query("UPDATE ledger_run SET status = 'incomplete' WHERE id = $1", [run.id])
        }
        const { rows } = await this.client.query<{ id: string }>(
          "INSERT INTO ledger_run (started_at, status, host, pid) VALUES ($1, 'open', $2, $3) RETURNING id",
          [start.startedAt, os.hostname(), process.pid],
        )
        const runId = Number(rows[0]?.id)
        const context = { collectedAt: start.startedAt, toolVersion: start.toolVersion }
        const known = await this.client.query(
          "SELECT 1 FROM ledger_record WHERE kind = 'signing-key' AND id = $1 LIMIT 1",
          [start.signer.fingerprint],
        )
        await this.appendTx(runId, () => [
          ...(known.rowCount === 0 ? [signingKeyEntry(start.signer, context)] : []),
          runStartEntry(runId, context),
        ])
        return runId
      })
    } catch (error) {
      throw this.fail('cannot start a run', error)
    }
  }

  async append(runId: number, entries: readonly LedgerEntry[]): Promise<LedgerRecord[]> {
    try {
      return await this.transaction(async () => {
        await this.openRun(runId)
        return this.appendTx(runId, () => [...entries])
      })
    } catch (error) {
      throw this.fail(`cannot append to run ${runId}`, error)
    }
  }

  async finishRun(runId: number, finishedAt: string, signer: Signer): Promise<SignedManifest> {
    try {
      return await this.transaction(async () => {
        const run = await this.openRun(runId)
        const { rows } = await this.client.query<{ hash: string }>(
          "SELECT hash FROM ledger_record WHERE run_id = $1 AND kind <> 'manifest' ORDER BY seq",
          [runId],
        )
        let signed: SignedManifest | undefined
        await this.appendTx(runId, (head) => {
          signed = signManifest(
            composeManifest({
              runId,
              startedAt: run.started_at,
              finishedAt,
              recordHashes: rows.map((r) => r.hash),
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
        await this.client.query("UPDATE ledger_run SET status = 'complete', finished_at = $1 WHERE id = $2", [
          finishedAt,
          runId,
        ])
        if (signed === undefined) throw new Error('manifest was not signed')
        return signed
      })
    } catch (error) {
      throw this.fail(`cannot finish run ${runId}`, error)
    }
  }

  async runs(): Promise<RunInfo[]> {
    try {
      const { rows } = await this.reads.query<{
        id: string
        started_at: string
        finished_at: string | null
        status: RunInfo['status']
        host: string
        pid: number
        records: string
      }>(
        `SELECT r.id, r.started_at, r.finished_at, r.status, r.host, r.pid,
                (SELECT COUNT(*) FROM ledger_record l WHERE l.run_id = r.id) AS records
         FROM ledger_run r ORDER BY r.id`,
      )
      return rows.map((row) => ({
        id: Number(row.id),
        startedAt: row.started_at,
        ...(row.finished_at === null ? {} : { finishedAt: row.finished_at }),
        // A run left open by a process that no longer exists was interrupted.
        status: row.status === 'open' && processIsGone(row.host, row.pid) ? 'incomplete' : row.status,
        records: Number(row.records),
      }))
    } catch (error) {
      throw this.fail('cannot list runs', error)
    }
  }

  async completeRunKinds(): Promise<Map<number, RecordKind[]>> {
    // One index probe per run and kind on (run_id, kind): cheap however many records a run holds.
    try {
      const { rows } = await this.reads.query<{ id: string; kind: RecordKind }>(
        `SELECT r.id, k.kind FROM ledger_run r, unnest($1::text[]) WITH ORDINALITY AS k(kind, n)
         WHERE r.status = 'complete'
           AND EXISTS (SELECT 1 FROM ledger_record l WHERE l.run_id = r.id AND l.kind = k.kind)
         ORDER BY r.id, k.n`,
        [[...recordKinds]],
      )
      return kindsByRun(rows)
    } catch (error) {
      throw this.fail('cannot list the kinds of runs', error)
    }
  }

  async *scan(query: RecordQuery = {}): AsyncIterable<ScannedRecord> {
    const where: string[] = ['r.seq > $1']
    const params: (string | number | string[])[] = []
    const add = (sql: string, value: string | number | string[]): void => {
      params.push(value)
      where.push(sql.replace('?', `$${params.length + 1}`))
    }
    if (query.toSeq !== undefined) add('r.seq <= ?', query.toSeq)
    if (query.runId !== undefined) add('r.run_id = ?', query.runId)
    if (query.kinds !== undefined && query.kinds.length > 0) add('r.kind = ANY(?)', [...query.kinds])
    const sql = `SELECT r.*, octet_length(b.bytes) AS size FROM ledger_record r LEFT JOIN ledger_blob b ON b.ref = r.blob_ref
       WHERE ${where.join(' AND ')} ORDER BY r.seq LIMIT ${pageSize}`
    let after = (query.fromSeq ?? 1) - 1
    for (;;) {
      let rows: (RecordRow & { size: number | null })[]
      try {
        rows = (await this.reads.query<RecordRow & { size: number | null }>(sql, [after, ...params])).rows
      } catch (error) {
        throw this.fail('cannot read the ledger', error)
      }
      // Blobs are fetched in groups of at most blobBatchBytes, so large blobs never fill memory.
      for (let i = 0; i < rows.length; ) {
        let bytes = 0
        let j = i
        while (j < rows.length && (j === i || bytes + (rows[j]?.size ?? 0) <= blobBatchBytes)) {
          bytes += rows[j]?.size ?? 0
          j += 1
        }
        const group = rows.slice(i, j)
        const refs = [...new Set(group.map((r) => r.blob_ref))]
        let blobs: Map<string, Buffer>
        try {
          const found = await this.reads.query<{ ref: string; bytes: Buffer }>(
            'SELECT ref, bytes FROM ledger_blob WHERE ref = ANY($1)',
            [refs],
          )
          blobs = new Map(found.rows.map((b) => [b.ref, b.bytes]))
        } catch (error) {
          throw this.fail('cannot read blobs', error)
        }
        for (const row of group) yield { record: recordFromRow(row), blob: blobs.get(row.blob_ref) }
        i = j
      }
      const last = rows.at(-1)
      if (last === undefined || rows.length < pageSize) return
      after = Number(last.seq)
    }
  }

  async blob(ref: string): Promise<Uint8Array | undefined> {
    const { rows } = await this.reads.query<{ bytes: Buffer }>(
      'SELECT bytes FROM ledger_blob WHERE ref = $1',
      [ref],
    )
    return rows[0]?.bytes
  }

  async head(): Promise<{ seq: number; hash: string }> {
    const { rows } = await this.reads.query<{ seq: string; hash: string }>(
      'SELECT seq, hash FROM ledger_record ORDER BY seq DESC LIMIT 1',
    )
    const row = rows[0]
    return row === undefined ? { seq: 0, hash: genesisHash } : { seq: Number(row.seq), hash: row.hash }
  }

  async cached(key: string): Promise<string | undefined> {
    const { rows } = await this.reads.query<{ blob_ref: string }>(
      'SELECT blob_ref FROM ledger_cache WHERE key = $1',
      [key],
    )
    return rows[0]?.blob_ref
  }

  async cachedBlobs(keys: readonly string[]): Promise<Map<string, { blobRef: string; bytes: Uint8Array }>> {
    const { rows } = await this.reads.query<{ key: string; blob_ref: string; bytes: Buffer }>(
      `SELECT c.key, c.blob_ref, b.bytes FROM ledger_cache c JOIN ledger_blob b ON b.ref = c.blob_ref
       WHERE c.key = ANY($1::text[])`,
      [keys],
    )
    return new Map(rows.map((r) => [r.key, { blobRef: r.blob_ref, bytes: r.bytes }]))
  }

  async remember(entries: readonly { key: string; blobRef: string }[]): Promise<void> {
    if (entries.length === 0) return
    const latest = [...new Map(entries.map((e) => [e.key, e.blobRef])).entries()]
    await this.reads.query(
      `INSERT INTO ledger_cache (key, blob_ref) SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (key) DO UPDATE SET blob_ref = EXCLUDED.blob_ref`,
      [latest.map(([k]) => k), latest.map(([, v]) => v)],
    )
  }

  /** Drops the store's schema: for tests that made a throw-away one. */
  async dropSchema(): Promise<void> {
    await this.client.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`)
  }

  async close(): Promise<void> {
    await this.reads.end()
    await this.client.end()
  }
}
