import { existsSync } from 'node:fs'
import path from 'node:path'
import type { LoadedConfig } from './load-config.js'
import { storeFile } from './run-assessment.js'
import { signingKeyPath } from './signing-key.js'

/**
 * Whether a run of this configuration has work worth starting before it loads its checks, opens its
 * store and loads its catalog (startEarlyWork): a secrets source, on a fresh store (no SQLite file
 * yet). A re-run reads most of a tree's findings back from the cache, and its collector starts
 * workers only if the tree turns out not to be cached; a PostgreSQL store is not looked up for this.
 */
export function wantsEarlyWork(loaded: LoadedConfig): boolean {
  const { sources, store } = loaded.config
  return (
    sources.some((s) => s.type === 'secrets') &&
    store.backend !== 'postgres' &&
    !existsSync(storeFile(loaded))
  )
}

/**
 * Starts what a first run of `assess` will need before it loads its checks, opens its store and loads
 * its catalog: the secrets scan of a large tree, on worker threads, with the salt the run's store
 * will be given (a worker took 100-200 ms of wall time to start, and the calling thread is busy
 * loading meanwhile). What the run writes before it collects (the store folder, the signing key) is
 * named so that a tree that would list it is left to its collector. Returns what stops the workers
 * and scans no collector took: call it once the run has ended, whatever the outcome.
 */
export async function startEarlyWork(
  loaded: LoadedConfig,
  env: NodeJS.ProcessEnv,
): Promise<() => Promise<void>> {
  if (!wantsEarlyWork(loaded)) return async () => undefined
  // The collector's own modules, which the collection would load anyway: loaded a little sooner.
  const [{ prestartSecretsScans }, { upcomingFingerprintSalt }] = await Promise.all([
    import('../collectors/secrets/index.js'),
    import('../collectors/secrets/salt.js'),
  ])
  // The folder collectConfiguredSources loads the salt from: the store's.
  const storeDir = path.resolve(loaded.root, loaded.config.store.path)
  const salt = upcomingFingerprintSalt(storeDir)
  const key = signingKeyPath(env, { key: loaded.config.store.key, root: loaded.root })
  return prestartSecretsScans(
    loaded.config.sources,
    loaded.root,
    // `assess` collects through its store's parse cache, keyed by each file's hash.
    salt === undefined ? undefined : { salt, hash: true, writes: { folders: [storeDir], files: [key] } },
  )
}
