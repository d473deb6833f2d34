import { StoreError } from '../../core/errors.js'
import { SqlLedgerStore } from '../ledger-store.js'
import type { ObjectBlobs } from '../object/s3-blobs.js'
import { oneRowRecordLayout } from './record-layout.js'
import { sqliteLedgerMigrations } from './schema.js'
import { SqliteDriver } from './sqlite-driver.js'

/** Opens the file and migrates it; a file that cannot be opened is left exactly as it was. */
function openLedger(file: string): SqliteDriver {
  let driver: SqliteDriver | undefined
  try {
    driver = new SqliteDriver(file)
    // The ledger counts its migrations in PRAGMA user_version (the team tables count their own).
    driver.migrate(sqliteLedgerMigrations, { pragma: 'user_version' })
    return driver
  } catch (error) {
    void driver?.close()
    throw new StoreError(
      `cannot open the store at ${file}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
        hint: 'nothing was changed; restore the file from a backup or point store.path elsewhere',
      },
    )
  }
}

/**
 * The embedded default store: one SQLite file, no server, one row per record (record-layout.ts).
 * Blobs live in the same file, or in object storage when `objects` is given (store.blobs).
 */
export class SqliteStore extends SqlLedgerStore {
  constructor(
    readonly file: string,
    objects?: ObjectBlobs,
  ) {
    super(openLedger(file), objects, oneRowRecordLayout)
  }
}
