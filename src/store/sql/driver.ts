import { StoreError, TrustctlError } from '../../core/errors.js'

/** A value a statement binds: drivers map booleans and bytes to what their database takes. */
export type SqlValue = string | number | boolean | null | Uint8Array

/** What a driver error means to the code above it; everything else is `other`. */
export type DriverErrorKind = 'unique-violation' | 'already-exists' | 'busy' | 'other'

/** How a bulk insert treats a row whose key exists: fail (default), skip it, or update some columns. */
export type OnConflict = { skip: true } | { key: readonly string[]; update: readonly string[] }

/**
 * Statements over one connection or transaction. SQL is written once with `?` placeholders; the
 * PostgreSQL driver numbers them. Rows come back with the column names of the statement.
 */
export interface SqlRunner {
  /** The rows a statement returns (SELECT, or a write with RETURNING). */
  query<R>(sql: string, params?: readonly SqlValue[]): Promise<R[]>
  /**
   * The rows of a read as arrays of their values, in the order the statement selects them: no object
   * with the column names is built per row. For reads of many rows (a run's 11k records, read for its
   * seal on every re-run): objects of 13 named columns cost a third more than arrays. Values are what
   * `query` gives for the same columns.
   */
  queryArrays(sql: string, params?: readonly SqlValue[]): Promise<unknown[][]>
  /** Runs a write; returns how many rows it changed. */
  exec(sql: string, params?: readonly SqlValue[]): Promise<number>
  /** Runs several statements without parameters (DDL). */
  script(sql: string): Promise<void>
  /** Inserts many rows of the same columns, in as few round trips as the database allows. */
  insertRows(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly SqlValue[])[],
    onConflict?: OnConflict,
  ): Promise<void>
  /**
   * Serializes this transaction with every other one that takes the same lock, across processes
   * (a PostgreSQL advisory transaction lock). SQLite's write transactions exclude each other already.
   */
  lock(name: string, key?: number): Promise<void>
}

/** The small surface a SQL store needs from its database (locks are taken inside a transaction). */
export interface SqlDriver extends Omit<SqlRunner, 'lock'> {
  readonly dialect: SqlDialect
  /** Where the store is, for messages: the file, or the server and schema (password masked). */
  readonly where: string
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>
  /** What a driver error means: the one place that knows each database's error codes. */
  classify(error: unknown): DriverErrorKind
  close(): Promise<void>
}

/** The few things the same SQL cannot say on both databases. */
export interface SqlDialect {
  readonly name: 'sqlite' | 'postgres'
  /** Appended to text in ORDER BY so both databases sort bytewise (and page identically). */
  readonly bytewise: string
  /** Largest number of bound values in one statement, with room to spare. */
  readonly maxParams: number
  /**
   * Bytes of large blobs a scan fetches per statement: one blob at a time on SQLite (no round trips
   * to save, and each copy out of the file is garbage soon), a group on PostgreSQL.
   */
  readonly blobBatchBytes: number
}

/** True when the error is a unique-key violation. */
export function isUniqueViolation(driver: SqlDriver, error: unknown): boolean {
  return driver.classify(error) === 'unique-violation'
}

/** A store error naming the store and what it could not do; our own errors pass through unchanged. */
export function storeFailure(driver: Pick<SqlDriver, 'where'>, what: string, error: unknown): TrustctlError {
  if (error instanceof TrustctlError) return error
  return new StoreError(
    `${driver.where}: ${what}: ${error instanceof Error ? error.message : String(error)}`,
    {
      cause: error,
    },
  )
}

/** Runs `fn`, turning a driver error into a store error that says what failed. */
export async function attempt<T>(
  driver: Pick<SqlDriver, 'where'>,
  what: string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    throw storeFailure(driver, what, error)
  }
}

/** `?, ?, ?` for a list of values (an IN list). */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ')
}

/** The INSERT statement for `rowCount` rows, with its conflict clause. */
export function insertSql(
  table: string,
  columns: readonly string[],
  rowCount: number,
  onConflict: OnConflict | undefined,
): string {
  const row = `(${placeholders(columns.length)})`
  const values = Array.from({ length: rowCount }, () => row).join(', ')
  const conflict =
    onConflict === undefined
      ? ''
      : 'skip' in onConflict
        ? ' ON CONFLICT DO NOTHING'
        : ` ON CONFLICT (${onConflict.key.join(', ')}) DO UPDATE SET ${onConflict.update.map((c) => `${c} = excluded.${c}`).join(', ')}`
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}${conflict}`
}

/** Migrations: steps applied in order, and where a store counts how many it has run. */
export interface Migrations {
  /** What the steps prepare, for the error about a store newer than this trustctl. */
  readonly what: string
  readonly steps: readonly string[]
}

/** Refuses a store migrated by a newer trustctl; returns the steps still to run. */
export function pendingSteps(migrations: Migrations, current: number): readonly string[] {
  if (current > migrations.steps.length)
    throw new Error(
      `${migrations.what} version ${current} is newer than this trustctl knows (${migrations.steps.length})`,
    )
  return migrations.steps.slice(current)
}
