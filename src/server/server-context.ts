import path from 'node:path'
import { recordChange as appendChange, latestRun, runById } from '../app/ledger.js'
import { type HeldRun, holdRunKey, runHolder, threadedLedger } from '../app/ledger-writer-thread.js'
import type { LoadedConfig } from '../app/load-config.js'
import { openStore, openTeamStore } from '../app/open-store.js'
import { type Library, loadLibrary } from '../app/run-assessment.js'
import { loadOrCreateSigner, signingKeyPath } from '../app/signing-key.js'
import { toolVersion } from '../app/version.js'
import type { Signer } from '../core/ledger-manifest.js'
import type { AssessmentStore, StoredRun } from '../core/store.js'
import type { TeamStore } from '../core/team.js'
import type { Change, ServerContext } from './context.js'
import { InProcessJobRunner } from './jobs.js'
import type { Actor } from './route.js'

/** How a change is appended to the ledger (src/store/ledger-change.ts in a real server). */
export type ChangeRecorder = (
  ledger: AssessmentStore,
  change: Change & { actor: Pick<Actor, 'kind' | 'id' | 'name' | 'role'>; at: string },
  signer: Signer,
  toolVersion: string,
) => Promise<unknown>

export interface ServerContextParts {
  loaded: LoadedConfig
  library: Library
  ledger: AssessmentStore
  team: TeamStore
  signer: Signer
  recordChange: ChangeRecorder
  now?: () => Date
  /** Default: the process's (the server is started at the edge). */
  env?: NodeJS.ProcessEnv
}

/** Stored runs kept in memory by id: models are large, and a dashboard asks for the same few. */
const cachedRuns = 4

/**
 * How long the latest run is trusted before the ledger's head is read again. Every write through this
 * server forgets it at once; a run finished by another process shows at most this long after.
 */
const headRecheckMs = 1000

/** The ledger's holdRun (runHolder), its runs telling `written` once recorded; undefined without one. */
function watchedHolder(ledger: AssessmentStore, written: () => void): (() => HeldRun) | undefined {
  const hold = runHolder(ledger)
  if (hold === undefined) return undefined
  return () => {
    const held = hold()
    return {
      ...held,
      record: async (run) => {
        try {
          return await held.record(run)
        } finally {
          written()
        }
      },
    }
  }
}

/** The ledger, telling `written` after each write it makes (so caches of what it holds can be dropped). */
function watchedLedger(ledger: AssessmentStore, written: () => void): AssessmentStore {
  const writes = new Set<PropertyKey>(['beginRun', 'append', 'finishRun', 'recordRun'])
  return new Proxy(ledger, {
    get(target, property) {
      // A push's run written by the writer thread from records it already holds is a write too.
      if (property === holdRunKey) return watchedHolder(target, written)
      const value: unknown = Reflect.get(target, property, target)
      if (typeof value !== 'function') return value
      const method = value as (...args: unknown[]) => unknown
      if (!writes.has(property)) return method.bind(target)
      return async (...args: unknown[]) => {
        try {
          return await method.apply(target, args)
        } finally {
          written()
        }
      }
    },
  })
}

/** Builds the context handlers get from open stores; `openServerContext` opens them from the config. */
export function buildServerContext(
  parts: ServerContextParts,
): ServerContext & { jobRunner: InProcessJobRunner } {
  const now = parts.now ?? (() => new Date())
  let latest: { head: string; run: StoredRun | undefined; checkedAt: number } | undefined
  let checking: Promise<StoredRun | undefined> | undefined
  const byId = new Map<number, StoredRun>()
  // Counts this server's writes: a look at the head that a write overtook is not trusted afterwards.
  let writes = 0
  const ledger = watchedLedger(parts.ledger, () => {
    writes += 1
    if (latest !== undefined) latest.checkedAt = Number.NEGATIVE_INFINITY
  })

  /** Reads the head; only when it moved, the latest run (the head moves with every append). */
  async function checkLatest(): Promise<StoredRun | undefined> {
    const writesBefore = writes
    const started = performance.now()
    const head = (await ledger.head()).hash
    if (latest?.head !== head) latest = { head, run: await latestRun(ledger), checkedAt: started }
    latest.checkedAt = writes === writesBefore ? started : Number.NEGATIVE_INFINITY
    return latest.run
  }

  // Writes from concurrent requests are recorded one after another, so each change is its own run.
  let changeQueue: Promise<unknown> = Promise.resolve()

  const context: ServerContext & { jobRunner: InProcessJobRunner } = {
    loaded: parts.loaded,
    library: parts.library,
    ledger,
    team: parts.team,
    signer: parts.signer,
    env: parts.env ?? process.env,
    now,
    async latestRun() {
      if (latest !== undefined && performance.now() - latest.checkedAt < headRecheckMs) return latest.run
      // Concurrent requests share one look at the head.
      checking ??= checkLatest().finally(() => {
        checking = undefined
      })
      return checking
    },
    async run(id) {
      const cached = byId.get(id)
      if (cached !== undefined) return cached
      const run = await runById(ledger, id)
      byId.set(id, run)
      for (const key of byId.keys()) if (byId.size > cachedRuns) byId.delete(key)
      return run
    },
    async recordChange(actor, change) {
      const record = {
        ...change,
        actor: { kind: actor.kind, id: actor.id, name: actor.name, role: actor.role },
        at: now().toISOString(),
      }
      const recorded = changeQueue.then(() => parts.recordChange(ledger, record, parts.signer, toolVersion()))
      changeQueue = recorded.catch(() => undefined)
      await recorded
    },
    jobs: undefined as unknown as InProcessJobRunner,
    jobRunner: undefined as unknown as InProcessJobRunner,
    packagesDir: path.resolve(parts.loaded.root, parts.loaded.config.server.packagesDir),
    cliPackagesDir: path.resolve(parts.loaded.root, parts.loaded.config.report.out),
  }
  const runner = new InProcessJobRunner({ context: () => context, now })
  context.jobs = runner
  context.jobRunner = runner
  return context
}

/** What `trustctl serve` runs on: both stores opened from trustctl.yaml, the library and the key. */
export async function openServerContext(
  loaded: LoadedConfig,
  options: {
    env?: NodeJS.ProcessEnv
    notify?: (text: string) => void
    recordChange?: ChangeRecorder
  } = {},
): Promise<{ context: ServerContext & { jobRunner: InProcessJobRunner }; close: () => Promise<void> }> {
  const env = options.env ?? process.env
  const signer = loadOrCreateSigner(
    signingKeyPath(env, { key: loaded.config.store.key, root: loaded.root }),
    options.notify ?? ((text) => void process.stderr.write(text)),
  )
  const library = await loadLibrary()
  const opened = await openStore(loaded, env)
  let ledger: AssessmentStore
  let team: TeamStore
  try {
    // Pushes are written on a thread of their own (SQLite, from dist): their COMMIT never holds the loop.
    ledger = await threadedLedger(opened, loaded, env)
  } catch (error) {
    await opened.close()
    throw error
  }
  try {
    team = await openTeamStore(loaded, env)
  } catch (error) {
    await ledger.close()
    throw error
  }
  const context = buildServerContext({
    loaded,
    library,
    ledger,
    team,
    signer,
    env,
    recordChange: options.recordChange ?? appendChange,
  })
  return {
    context,
    close: async () => {
      await context.jobRunner.idle()
      await team.close()
      await ledger.close()
    },
  }
}
