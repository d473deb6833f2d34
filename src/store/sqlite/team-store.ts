import { StoreError } from '../../core/errors.js'
import { SqlTeamStore } from '../team-store.js'
import { sqliteFindingsWriter } from './findings-writer.js'
import { sqliteTeamMigrations } from './schema.js'
import { SqliteDriver } from './sqlite-driver.js'

function openTeamTables(file: string): SqliteDriver {
  let driver: SqliteDriver | undefined
  try {
    driver = new SqliteDriver(file)
    // Counted in team_migration: the ledger in the same file counts its own with PRAGMA user_version.
    driver.migrate(sqliteTeamMigrations, { table: 'team_migration' })
    return driver
  } catch (error) {
    void driver?.close()
    throw new StoreError(
      `cannot open the team store at ${file}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error, hint: 'nothing was changed; check the file and its permissions' },
    )
  }
}

/**
 * The team server's state in the same SQLite file as the ledger (trustctl.db), in tables of its own,
 * over a connection of its own.
 */
export class SqliteTeamStore extends SqlTeamStore {
  constructor(readonly file: string) {
    super(openTeamTables(file), sqliteFindingsWriter)
  }
}
