import pg from 'pg'
import { StoreError } from '../../core/errors.js'
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

const postgresDialect: SqlDialect = {
  name: 'postgres',
  bytewise: ' COLLATE "C"',
  maxParams: 30_000,
  blobBatchBytes: 32 * 1024 * 1024,
}

/** Rows per multi-row INSERT: larger statements cost more to parse than the round trips they save. */
const rowsPerInsert = 1000

/** `?` placeholders numbered `$1, $2, …` (our SQL has no `?` inside literals or operators). */
function numbered(sql: string): string {
  let n = 0
  return sql.replace(/\?/g, () => `$${++n}`)
}

function bindable(params: readonly SqlValue[]): unknown[] {
  return params.map((p) => (p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p) : p))
}

/** The URL with its password masked, for messages. */
export function maskedUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')
}

/** A schema name we put into SQL unquoted: lowercase letters, digits and _. */
export function checkSchemaName(schema: string): void {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema))
    throw new StoreError(`store schema '${schema}': use lowercase letters, digits and _`)
}

type Queryable = Pick<pg.Client, 'query'>

/** Statements over one connection; advisory lock names are scoped to the store's schema. */
function runnerOf(connection: Queryable, schema: string): SqlRunner {
  const query = async <R>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> =>
    (await connection.query(numbered(sql), bindable(params))).rows
  return {
    query,
    queryArrays: async (sql, params = []) =>
      (await connection.query({ text: numbered(sql), values: bindable(params), rowMode: 'array' })).rows,
    exec: async (sql, params = []) => (await connection.query(numbered(sql), bindable(params))).rowCount ?? 0,
    script: async (sql) => {
      await connection.query(sql)
    },
    insertRows: async (table, columns, rows, onConflict) => {
      // Multi-row VALUES: one round trip per thousand-odd rows instead of one per row.
      const perStatement = Math.max(
        1,
        Math.min(rowsPerInsert, Math.floor(postgresDialect.maxParams / columns.length)),
      )
      for (let i = 0; i < rows.length; i += perStatement) {
        const slice = rows.slice(i, i + perStatement)
        await connection.query(
          numbered(insertSql(table, columns, slice.length, onConflict)),
          bindable(slice.flat()),
        )
      }
    },
    lock: async (name, key) => {
      const scoped = `${name}:${schema}`
      if (key === undefined) await connection.query('SELECT pg_advisory_xact_lock(hashtext($1))', [scoped])
      else await connection.query('SELECT pg_advisory_xact_lock(hashtext($1), $2)', [scoped, key])
    },
  }
}

/**
 * A schema of a PostgreSQL database. Statements outside a transaction take any connection of a
 * small pool (the server reads for many requests at once). Transactions either take a pool
 * connection each, or, with `writer`, go one after another over that one connection, each holding
 * the advisory lock `writeLock` (the ledger: concurrent writers never fork the chain, in this
 * process or any other).
 */
export class PostgresDriver implements SqlDriver {
  readonly dialect = postgresDialect
  readonly where: string
  private readonly pooled: SqlRunner
  private turn: Promise<unknown> = Promise.resolve()

  private constructor(
    private readonly pool: pg.Pool,
    readonly schema: string,
    url: string,
    private readonly writer: { client: pg.Client; lock: string } | undefined,
  ) {
    this.where = `${maskedUrl(url)} (schema ${schema})`
    this.pooled = runnerOf(pool, schema)
  }

  /**
   * Connects and runs pending migrations in the schema (created if needed), holding `migrationLock`
   * so several processes starting at once migrate once. Connection failures name the server.
   */
  static async open(options: {
    url: string
    schema: string
    maxConnections: number
    serializeWrites?: string
    migrations: Migrations
    versionTable: string
    migrationLock: string
  }): Promise<PostgresDriver> {
    const { url, schema } = options
    checkSchemaName(schema)
    // Every connection starts in the store's schema.
    const config = { connectionString: url, options: `-c search_path=${schema}` }
    const pool = new pg.Pool({ ...config, max: options.maxConnections })
    // An idle connection dropped by the server must not crash the process; the next query reconnects.
    pool.on('error', () => undefined)
    let client: pg.Client | undefined
    try {
      if (options.serializeWrites !== undefined) {
        client = new pg.Client(config)
        await client.connect()
      }
    } catch (error) {
      await pool.end().catch(() => undefined)
      throw connectionFailure(url, error)
    }
    const driver = new PostgresDriver(
      pool,
      schema,
      url,
      client === undefined || options.serializeWrites === undefined
        ? undefined
        : { client, lock: options.serializeWrites },
    )
    try {
      await driver.migrate(options.migrations, options.versionTable, options.migrationLock)
    } catch (error) {
      await driver.close().catch(() => undefined)
      if (
        error instanceof Error &&
        /ECONNREFUSED|ENOTFOUND|timeout|password|does not exist/.test(error.message)
      )
        throw connectionFailure(url, error)
      throw error
    }
    return driver
  }

  private async migrate(migrations: Migrations, versionTable: string, lock: string): Promise<void> {
    await this.transaction(async (tx) => {
      await tx.lock(lock)
      await this.createSchema(tx)
      await tx.script(`CREATE TABLE IF NOT EXISTS ${versionTable} (version INTEGER NOT NULL)`)
      const [row] = await tx.query<{ version: number | null }>(
        `SELECT MAX(version) AS version FROM ${versionTable}`,
      )
      const current = row?.version ?? 0
      for (const [i, sql] of pendingSteps(migrations, current).entries()) {
        await tx.script(sql)
        await tx.exec(`INSERT INTO ${versionTable} (version) VALUES (?)`, [current + i + 1])
      }
    })
  }

  /**
   * CREATE SCHEMA IF NOT EXISTS can still fail when the other store creates the same schema at the
   * same moment (it holds a different lock); a savepoint lets the loser carry on.
   */
  private async createSchema(tx: SqlRunner): Promise<void> {
    await tx.script('SAVEPOINT create_schema')
    try {
      await tx.script(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`)
    } catch (error) {
      const kind = this.classify(error)
      if (kind !== 'unique-violation' && kind !== 'already-exists') throw error
      await tx.script('ROLLBACK TO SAVEPOINT create_schema')
    }
  }

  query<R>(sql: string, params?: readonly SqlValue[]): Promise<R[]> {
    return this.pooled.query<R>(sql, params)
  }

  queryArrays(sql: string, params?: readonly SqlValue[]): Promise<unknown[][]> {
    return this.pooled.queryArrays(sql, params)
  }

  exec(sql: string, params?: readonly SqlValue[]): Promise<number> {
    return this.pooled.exec(sql, params)
  }

  script(sql: string): Promise<void> {
    return this.pooled.script(sql)
  }

  insertRows(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly SqlValue[])[],
    onConflict?: OnConflict,
  ): Promise<void> {
    return this.transaction((tx) => tx.insertRows(table, columns, rows, onConflict))
  }

  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const writer = this.writer
    if (writer === undefined) return this.pooledTransaction(fn)
    // One connection: two transactions interleaved on it would be one (the second BEGIN is ignored,
    // the first ROLLBACK undoes both), so they take turns.
    const run = this.turn.then(
      () => this.transactionOn(writer.client, fn, writer.lock),
      () => this.transactionOn(writer.client, fn, writer.lock),
    )
    this.turn = run.catch(() => undefined)
    return run
  }

  private async pooledTransaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const client = await this.pool.connect()
    try {
      return await this.transactionOn(client, fn, undefined)
    } finally {
      client.release()
    }
  }

  private async transactionOn<T>(
    connection: Queryable,
    fn: (tx: SqlRunner) => Promise<T>,
    lock: string | undefined,
  ): Promise<T> {
    const tx = runnerOf(connection, this.schema)
    await connection.query('BEGIN')
    try {
      if (lock !== undefined) await tx.lock(lock)
      const result = await fn(tx)
      await connection.query('COMMIT')
      return result
    } catch (error) {
      await connection.query('ROLLBACK').catch(() => undefined)
      throw error
    }
  }

  classify(error: unknown): DriverErrorKind {
    const code = error instanceof Error && 'code' in error ? String(error.code) : ''
    if (code === '23505') return 'unique-violation'
    // duplicate_schema, duplicate_table, duplicate_object
    if (code === '42P06' || code === '42P07' || code === '42710') return 'already-exists'
    // serialization_failure, deadlock_detected, lock_not_available
    if (code === '40001' || code === '40P01' || code === '55P03') return 'busy'
    return 'other'
  }

  /** Drops the store's schema: for tests that made a throw-away one. */
  async dropSchema(): Promise<void> {
    await this.pooled.script(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`)
  }

  async close(): Promise<void> {
    await this.pool.end()
    await this.writer?.client.end()
  }
}

function connectionFailure(url: string, error: unknown): StoreError {
  return new StoreError(
    `cannot connect to the store at ${maskedUrl(url)}: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error, hint: 'check store.url / TRUSTCTL_DATABASE_URL and that the server is running' },
  )
}
