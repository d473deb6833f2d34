import type { LoadedConfig } from '../app/load-config.js'
import type { Library } from '../app/run-assessment.js'
import type { Signer } from '../core/ledger-manifest.js'
import type { AssessmentStore, StoredRun } from '../core/store.js'
import type { TeamStore } from '../core/team.js'
import type { Actor } from './route.js'

/** A change made through the server, as the ledger's `change` record keeps it. */
export interface Change {
  /** What was done, as `<thing>.<verb>`: `gap.update`, `gap.comment`, `vendor.update`, `user.create`. */
  action: string
  /** The id of what changed (a gap id, a vendor name, a user email). */
  target: string
  before?: unknown
  after: unknown
}

export type JobKind = 'assess' | 'package'
export type JobStatus = 'queued' | 'running' | 'done' | 'failed'

/** A long operation started from the dashboard or the API; polled for progress. */
export interface Job {
  id: string
  kind: JobKind
  status: JobStatus
  startedBy: string
  createdAt: string
  finishedAt?: string
  /** Steps done out of total, and what is being done now. */
  progress: { done: number; total: number; step: string }
  /** What a finished job produced (a run id, a package id and its files). */
  result?: Record<string, unknown>
  /** Problem detail of a failed job. */
  error?: string
}

export interface JobRunner {
  start(kind: JobKind, actor: Actor, parameters: Record<string, unknown>): Job
  job(id: string): Job | undefined
  jobs(): Job[]
}

/** Everything a route handler may use. Built once by `createServer`; tests build their own. */
export interface ServerContext {
  loaded: LoadedConfig
  library: Library
  ledger: AssessmentStore
  team: TeamStore
  /** The server's ledger key: signs the runs of pushes and changes. */
  signer: Signer
  /** The environment the server started with: what its own collection authenticates with. */
  env: NodeJS.ProcessEnv
  now(): Date
  /** The latest run that recorded an assessment, cached until a newer run is stored. */
  latestRun(): Promise<StoredRun | undefined>
  /** A run that recorded an assessment, by id (NotFoundError otherwise). */
  run(id: number): Promise<StoredRun>
  /** Appends the change as its own signed run in the ledger: who changed what, when. */
  recordChange(actor: Actor, change: Change): Promise<void>
  jobs: JobRunner
  /** Folder where exported packages are written (one sub-folder per package id). */
  packagesDir: string
  /** The report folder (report.out), where `trustctl package` writes `soc2-type1-<date>` folders. */
  cliPackagesDir?: string
}
