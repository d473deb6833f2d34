import { existsSync } from 'node:fs'
import path from 'node:path'
import { parseBlobLocation } from '../core/blob-location.js'
import { ConfigError, NotFoundError } from '../core/errors.js'
import type { AssessmentStore } from '../core/store.js'
import type { TeamStore } from '../core/team.js'
import type { LoadedConfig } from './load-config.js'

/** Where the store is, for messages: the SQLite file or the PostgreSQL URL without its password. */
export function storeLocation(loaded: LoadedConfig, env: NodeJS.ProcessEnv): string {
  if (loaded.config.store.backend === 'postgres') {
    const url = env.TRUSTCTL_DATABASE_URL ?? loaded.config.store.url
    if (url === undefined)
      throw new ConfigError('store.url: required when store.backend is postgres', {
        hint: 'set store.url in trustctl.yaml or TRUSTCTL_DATABASE_URL',
      })
    return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')
  }
  return path.resolve(loaded.root, loaded.config.store.path, 'trustctl.db')
}

/**
 * Where the store is, for a summary: the SQLite file, or the PostgreSQL database, host and schema
 * (never the user or password, wherever the URL carries them).
 */
export function storeDescription(loaded: LoadedConfig, env: NodeJS.ProcessEnv): string {
  if (loaded.config.store.backend !== 'postgres') return storeLocation(loaded, env)
  const url = env.TRUSTCTL_DATABASE_URL ?? loaded.config.store.url ?? ''
  try {
    const parsed = new URL(url)
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '(default)'
    return `PostgreSQL database ${database} on ${parsed.host || 'localhost'}, schema ${postgresSchema}`
  } catch {
    return `PostgreSQL (schema ${postgresSchema})`
  }
}

/** The schema the ledger lives in on PostgreSQL. */
const postgresSchema = 'trustctl'

/**
 * The object storage blobs go to when store.blobs is set (the AWS SDK, loaded only then), with the
 * standard credential chain and AWS_ENDPOINT_URL(_S3) from the environment.
 */
async function objectBlobs(loaded: LoadedConfig, env: NodeJS.ProcessEnv) {
  const text = loaded.config.store.blobs
  if (text === undefined) return undefined
  const parsed = parseBlobLocation(text)
  // The config was validated on load; a config built in memory is checked here.
  if ('error' in parsed) throw new ConfigError(`store.blobs: ${parsed.error}`)
  const { S3Blobs } = await import('../store/object/s3-blobs.js')
  return new S3Blobs(parsed.location, env)
}

/** Opens the configured store; migrations run on open. Reading commands pass `mustExist`. */
export async function openStore(
  loaded: LoadedConfig,
  env: NodeJS.ProcessEnv,
  options: { mustExist?: boolean } = {},
): Promise<AssessmentStore> {
  if (loaded.config.store.backend === 'postgres') {
    const url = env.TRUSTCTL_DATABASE_URL ?? loaded.config.store.url
    storeLocation(loaded, env)
    // Each driver is loaded only when its backend is configured.
    const { PostgresStore } = await import('../store/postgres/postgres-store.js')
    const objects = await objectBlobs(loaded, env)
    try {
      return await PostgresStore.open(url ?? '', undefined, objects)
    } catch (error) {
      objects?.close()
      throw error
    }
  }
  const file = storeLocation(loaded, env)
  if (options.mustExist === true && !existsSync(file))
    throw new NotFoundError(`no store at ${file}`, { hint: 'run `trustctl assess` first, or set store.path' })
  const { SqliteStore } = await import('../store/sqlite/sqlite-store.js')
  const objects = await objectBlobs(loaded, env)
  try {
    return new SqliteStore(file, objects)
  } catch (error) {
    objects?.close()
    throw error
  }
}

/**
 * Opens the team server's store beside the configured ledger: the same SQLite file (tables prefixed
 * team_) or the same PostgreSQL schema. Migrations run on open.
 */
export async function openTeamStore(loaded: LoadedConfig, env: NodeJS.ProcessEnv): Promise<TeamStore> {
  const location = storeLocation(loaded, env)
  if (loaded.config.store.backend === 'postgres') {
    const { PostgresTeamStore } = await import('../store/postgres/team-store.js')
    return PostgresTeamStore.open(env.TRUSTCTL_DATABASE_URL ?? loaded.config.store.url ?? location)
  }
  const { SqliteTeamStore } = await import('../store/sqlite/team-store.js')
  return new SqliteTeamStore(location)
}

/** Runs `fn` with the configured (existing) store open, and closes it whatever happens. */
export async function withStore<T>(
  loaded: LoadedConfig,
  env: NodeJS.ProcessEnv,
  fn: (store: AssessmentStore) => Promise<T>,
): Promise<T> {
  const store = await openStore(loaded, env, { mustExist: true })
  try {
    return await fn(store)
  } finally {
    await store.close()
  }
}
