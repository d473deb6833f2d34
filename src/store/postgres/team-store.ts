import { storeFailure } from '../sql/driver.js'
import { SqlTeamStore } from '../team-store.js'
import { postgresFindingsWriter } from './findings-partitions.js'
import { maskedUrl, PostgresDriver } from './postgres-driver.js'
import { postgresTeamMigrations } from './schema.js'

/**
 * The team server's state in the PostgreSQL schema of the ledger, in tables of its own. A pool of
 * connections: the server answers many requests at once, and each query takes any free connection.
 */
export class PostgresTeamStore extends SqlTeamStore {
  private constructor(private readonly driver: PostgresDriver) {
    super(driver, postgresFindingsWriter)
  }

  /** Connects, creates the schema if needed and runs pending migrations (one process at a time). */
  static async open(
    url: string,
    schema = 'trustctl',
    options: { maxConnections?: number } = {},
  ): Promise<PostgresTeamStore> {
    const driver = await PostgresDriver.open({
      url,
      schema,
      maxConnections: options.maxConnections ?? 10,
      migrations: postgresTeamMigrations,
      versionTable: 'team_migration',
      migrationLock: 'trustctl-team',
    }).catch((error: unknown) => {
      throw storeFailure(
        { where: `${maskedUrl(url)} (schema ${schema})` },
        'cannot prepare the team tables',
        error,
      )
    })
    return new PostgresTeamStore(driver)
  }

  /** Drops the store's schema: for tests that made a throw-away one. */
  async dropSchema(): Promise<void> {
    await this.driver.dropSchema()
  }
}
