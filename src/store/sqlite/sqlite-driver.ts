import { mkdirSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import {
  type DriverErrorKind,
  insertSql,
  type Migrations,
  type OnConflict,
  pendingSteps,
  type SqlDialect,
  type SqlDriver,
  type SqlRunner,
  type SqlValue,
} from '../sql/driver.js'

/** Prepared statements kept per connection. */
const maxStatements = 500

const sqliteDialect: SqlDialect = { name: 'sqlite', bytewise: '', maxParams: 30_000, blobBatchBytes: 0 }

/** better-sqlite3 binds numbers, strings, null and Buffers: booleans become 0/1. */
function bindable(params: readonly SqlValue[]): unknown[] {
  return params.map((p) =>
    typeof p === 'boolean'
      ? p
        ? 1
        : 0
      : p instanceof Uint8Array && !Buffer.isBuffer(p)
        ? Buffer.from(p)
        : p,
  )
}

/** True when a row holds a value better-sqlite3 cannot bind as it is (see bindable). */
function needsConversion(params: readonly SqlValue[]): boolean {
  for (const p of params)
    if (typeof p === 'boolean' || (p instanceof Uint8Array && !Buffer.isBuffer(p))) return true
  return false
}

/** SQLite's page cache per connection, in KiB (see tune). */
export const sqliteCacheKiB = 16 * 1024

/** How the file is tuned: shared by the ledger and the team store, which open it side by side. */
function tune(db: Database.Database): void {
  // Takes effect only when the file is created: 64 KiB pages make a large blob a short chain of
  // overflow pages (verify reads it at close to hashing speed) and cut the pages an ingest writes.
  db.pragma('page_size = 65536')
  db.pragma('journal_mode = WAL')
  // FULL: a commit is on disk before it returns. With NORMAL in WAL mode a killed process loses
  // nothing and the file is never corrupted, but a power cut (or OS crash) may lose the last commits,
  // e.g. a run already signed and written to trustctl.anchor, which verify would then report as a
  // truncation. Measured (README, Security guarantees): no difference on bulk ingest (few commits),
  // about 6 ms more per commit, a few commits per run.
  db.pragma('synchronous = FULL')
  // The ledger writer and the server share the file: wait for a lock instead of failing at once.
  db.pragma('busy_timeout = 10000')
  // The blob hash index takes inserts all over its B-tree: a 16 MiB page cache (instead of 2 MiB)
  // keeps a large ingest from going to disk for every page. Not more: the cache fills while a run is
  // recorded, at the run's peak of memory; 64 MiB put 100k Kubernetes objects ~60 MiB higher, and the
  // 200k-record ingest and a 10k-object assess measured no slower with 16.
  db.pragma(`cache_size = -${sqliteCacheKiB}`)
  // No memory map: mapped pages of the file count in the process's resident memory, and a 100k-object
  // run's seal and checkpoint added ~100 MiB of them on top of its peak. Reads go through read() of
  // 64 KiB pages instead; verify of a 10k-object ledger measured the same CPU time.
  db.pragma('mmap_size = 0')
}

/** Where a migrated step is counted: PRAGMA user_version (the ledger) or a table of versions. */
export type SqliteVersionLog = { pragma: 'user_version' } | { table: string }

/**
 * The turn of each file in this process. better-sqlite3 is synchronous, so before this driver no
 * statement could run while a transaction was open; a transaction body is now async, so everything
 * on a file takes turns instead. Shared by every connection to the file (the ledger and the team
 * store open one each): a statement on the second connection while the first holds the write lock
 * would block the only thread until busy_timeout, then fail.
 */
const turns = new Map<string, Promise<unknown>>()

/**
 * Writes another thread of this process is making to a file, by file (the server's ledger writer,
 * app/ledger-writer-thread.ts, which holds its own connection). That thread's transaction holds the
 * file's write lock, and a write here would wait for it inside better-sqlite3, blocking this thread
 * until busy_timeout: writes here wait for it asynchronously instead, while reads go on (WAL: they
 * see the last commit).
 */
const writesElsewhere = new Map<string, Promise<unknown>>()

/**
 * Runs `write` (a write to `file` made by another thread) while this thread's writes to the file wait
 * for it. Writes elsewhere run one after another, in the order they were asked for.
 */
export function whileWrittenElsewhere<T>(file: string, write: () => Promise<T>): Promise<T> {
  const key = path.resolve(file)
  const run = (writesElsewhere.get(key) ?? Promise.resolve()).then(write, write)
  const done = run.catch(() => undefined)
  writesElsewhere.set(key, done)
  void done.then(() => {
    if (writesElsewhere.get(key) === done) writesElsewhere.delete(key)
  })
  return run
}

/**
 * One better-sqlite3 connection. Transactions, and statements outside them, take turns with every
 * other use of the same file in this process (above); other processes wait on SQLite's own locks.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = sqliteDialect
  private readonly db: Database.Database
  private readonly statements = new Map<string, Database.Statement>()
  private readonly turnKey: string
  private readonly runner: SqlRunner

  /** Opens (creating folders and file as needed) and tunes the file; throws what better-sqlite3 throws. */
  constructor(readonly where: string) {
    mkdirSync(path.dirname(where), { recursive: true })
    this.turnKey = path.resolve(where)
    this.db = new Database(where)
    tune(this.db)
    this.runner = {
      query: async (sql, params = []) => this.rows(sql, params),
      queryArrays: async (sql, params = []) => this.arrays(sql, params),
      exec: async (sql, params = []) => this.run(sql, params),
      script: async (sql) => {
        this.db.exec(sql)
      },
      insertRows: async (table, columns, rows, onConflict) => this.insert(table, columns, rows, onConflict),
      lock: async () => undefined,
    }
  }

  /**
   * Runs pending migrations now (the constructors of the SQLite stores are synchronous), all in one
   * transaction: a new store is created with one commit (one sync to disk) instead of one per step,
   * which every first run on a fresh store waits for; and a failed step leaves the file as it was.
   */
  migrate(migrations: Migrations, log: SqliteVersionLog): void {
    const read = (): number =>
      'pragma' in log
        ? Number(this.db.pragma('user_version', { simple: true }))
        : Number(this.db.prepare(`SELECT COALESCE(MAX(version), 0) FROM ${log.table}`).pluck().get())
    if ('table' in log) this.db.exec(`CREATE TABLE IF NOT EXISTS ${log.table} (version INTEGER NOT NULL)`)
    // Nothing to do (every open of an existing store): no write lock taken.
    if (pendingSteps(migrations, read()).length === 0) return
    this.db
      .transaction(() => {
        // Read again under the write lock: two processes creating the store at once never both apply a step.
        const current = read()
        pendingSteps(migrations, current).forEach((sql, i) => {
          this.db.exec(sql)
          if ('pragma' in log) this.db.pragma(`user_version = ${current + i + 1}`)
          else this.db.prepare(`INSERT INTO ${log.table} (version) VALUES (?)`).run(current + i + 1)
        })
      })
      .immediate()
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql)
    if (statement === undefined) {
      statement = this.db.prepare(sql)
      // IN lists make statements of every length: keep the most recent few hundred, not all.
      if (this.statements.size >= maxStatements) {
        const oldest = this.statements.keys().next().value
        if (oldest !== undefined) this.statements.delete(oldest)
      }
      this.statements.set(sql, statement)
    }
    return statement
  }

  private rows<R>(sql: string, params: readonly SqlValue[]): R[] {
    return this.statement(sql).all(...bindable(params)) as R[]
  }

  /** Rows as arrays: the cached statement in raw mode for this call only (the call is synchronous). */
  private arrays(sql: string, params: readonly SqlValue[]): unknown[][] {
    const statement = this.statement(sql)
    statement.raw(true)
    try {
      return statement.all(...bindable(params)) as unknown[][]
    } finally {
      statement.raw(false)
    }
  }

  private run(sql: string, params: readonly SqlValue[]): number {
    return this.statement(sql).run(...bindable(params)).changes
  }

  private insert(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly SqlValue[])[],
    onConflict: OnConflict | undefined,
  ): void {
    // One prepared single-row statement run per row: SQLite has no round trips to save. Measured again
    // on the ledger's row (14 columns, its four indexes, 200k rows in one transaction, CPU time):
    // statements of 10 or 50 rows cost 2.1-2.3x the CPU of single-row runs (better-sqlite3 binds an
    // array of parameters slower than arguments), and one INSERT ... SELECT FROM json_each(?) per 1000
    // rows 2.4x. Rows that need no conversion are bound as they are: a copy of each would be most of
    // the driver's cost.
    const statement = this.statement(insertSql(table, columns, 1, onConflict))
    for (const row of rows) statement.run(...(needsConversion(row) ? bindable(row) : row))
  }

  /**
   * Like inTurn, for a statement that writes: after the writes another thread is making to the file
   * (whileWrittenElsewhere), so it never waits for their lock inside SQLite, on this thread.
   */
  private inWriteTurn<T>(fn: () => Promise<T> | T): Promise<T> {
    const elsewhere = writesElsewhere.get(this.turnKey)
    if (elsewhere === undefined) return this.inTurn(fn)
    return elsewhere.then(() => this.inWriteTurn(fn))
  }

  /** Waits for the transaction in progress, then runs `fn` alone. */
  private inTurn<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = (turns.get(this.turnKey) ?? Promise.resolve()).then(fn, fn)
    const done = run.catch(() => undefined)
    turns.set(this.turnKey, done)
    // Forget an idle file, so the map does not keep every file ever opened.
    void done.then(() => {
      if (turns.get(this.turnKey) === done) turns.delete(this.turnKey)
    })
    return run
  }

  query<R>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    // A read goes on while another thread writes the file; a write with RETURNING waits for it.
    const turn =
      writesElsewhere.has(this.turnKey) && this.writes(sql)
        ? this.inWriteTurn.bind(this)
        : this.inTurn.bind(this)
    return turn(() => this.rows<R>(sql, params))
  }

  queryArrays(sql: string, params: readonly SqlValue[] = []): Promise<unknown[][]> {
    // Reads only (raw mode is for statements that return data): they go on while another thread writes.
    return this.inTurn(() => this.arrays(sql, params))
  }

  /** Whether a statement writes; one that does not prepare is left to fail in its turn, as before. */
  private writes(sql: string): boolean {
    try {
      return !this.statement(sql).readonly
    } catch {
      return false
    }
  }

  exec(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.inWriteTurn(() => this.run(sql, params))
  }

  script(sql: string): Promise<void> {
    return this.inWriteTurn(() => {
      this.db.exec(sql)
    })
  }

  insertRows(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly SqlValue[])[],
    onConflict?: OnConflict,
  ): Promise<void> {
    return this.inWriteTurn(() => this.db.transaction(() => this.insert(table, columns, rows, onConflict))())
  }

  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    return this.inWriteTurn(async () => {
      // IMMEDIATE takes the write lock at once: two writers never both read the chain head first.
      this.db.exec('BEGIN IMMEDIATE')
      try {
        const result = await fn(this.runner)
        this.db.exec('COMMIT')
        return result
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK')
        throw error
      }
    })
  }

  classify(error: unknown): DriverErrorKind {
    const code = error instanceof Error && 'code' in error ? String(error.code) : ''
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
      return 'unique-violation'
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy'
    return 'other'
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close()
  }
}
