import { SqlLedgerStore } from '../ledger-store.js'
import type { ObjectBlobs } from '../object/s3-blobs.js'
import { storeFailure } from '../sql/driver.js'
import { maskedUrl, PostgresDriver } from './postgres-driver.js'
import { postgresLedgerMigrations } from './schema.js'

/**
 * The team store's ledger: the same ledger in a PostgreSQL schema, so many collectors can write to one
 * place. Writes go through one connection, one transaction after another, each holding the schema's
 * advisory lock. Reads take a connection of a small pool: the server reads for many requests at once.
 */
export class PostgresStore extends SqlLedgerStore {
  private constructor(
    private readonly driver: PostgresDriver,
    objects?: ObjectBlobs,
  ) {
    super(driver, objects)
  }

  /**
   * Connects, creates the schema if needed and runs pending migrations. `objects`: blob bytes go to
   * object storage (store.blobs), the schema keeps their references.
   */
  static async open(url: string, schema = 'trustctl', objects?: ObjectBlobs): Promise<PostgresStore> {
    const driver = await PostgresDriver.open({
      url,
      schema,
      maxConnections: 4,
      serializeWrites: 'trustctl',
      migrations: postgresLedgerMigrations,
      versionTable: 'trustctl_schema',
      migrationLock: 'trustctl',
    }).catch((error: unknown) => {
      throw storeFailure({ where: `${maskedUrl(url)} (schema ${schema})` }, 'cannot prepare the store', error)
    })
    return new PostgresStore(driver, objects)
  }

  /** Drops the store's schema: for tests that made a throw-away one. */
  async dropSchema(): Promise<void> {
    await this.driver.dropSchema()
  }
}
