import { existsSync } from 'node:fs'
import type { LoadedConfig } from './load-config.js'
import { storeFile } from './run-assessment.js'

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
 * its catalog: the worker threads of a large secrets scan, which took 100-200 ms of wall time to start
 * when the collector started them, most of it while the calling thread scanned alone. Returns what
 * stops the workers no collector took: call it once the run has ended, whatever the outcome.
 */
export async function startEarlyWork(loaded: LoadedConfig): Promise<() => Promise<void>> {
  if (!wantsEarlyWork(loaded)) return async () => undefined
  // The collector's own module, which the collection would load anyway: loaded a little sooner.
  const { prestartSecretsScans } = await import('../collectors/secrets/index.js')
  return prestartSecretsScans(loaded.config.sources, loaded.root)
}
