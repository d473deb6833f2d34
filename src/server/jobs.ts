import { randomUUID } from 'node:crypto'
import { ConflictError, NotFoundError, TrustctlError } from '../core/errors.js'
import type { Job, JobKind, JobRunner, ServerContext } from './context.js'
import type { Actor } from './route.js'

/** Reports progress of a job: steps done out of total, and what is being done now. */
export type JobProgress = (done: number, total: number, step: string) => void

/** Runs one kind of job; resolves to what it produced (a run id, a package id and its files). */
export type JobHandler = (
  parameters: Record<string, unknown>,
  progress: JobProgress,
  context: ServerContext,
  actor: Actor,
) => Promise<Record<string, unknown>>

/**
 * The handler of each job kind. Modules that implement a kind register into it when imported
 * (jobs/package-job.ts, jobs/assess-job.ts); a kind nobody registered cannot be started.
 */
export const jobHandlers: Partial<Record<JobKind, JobHandler>> = {}

/** Finished jobs kept for polling; older ones are forgotten. */
const keptJobs = 50

/**
 * Runs jobs in this process, one at a time per kind (two package exports at once would only compete
 * for the same CPU and write the same folder). The dashboard polls `job(id)` for progress.
 */
export class InProcessJobRunner implements JobRunner {
  readonly #jobs = new Map<string, Job>()
  readonly #running = new Map<string, Promise<void>>()
  readonly #context: () => ServerContext
  readonly #handlers: Partial<Record<JobKind, JobHandler>>
  readonly #now: () => Date

  constructor(options: {
    context: () => ServerContext
    now?: () => Date
    handlers?: Partial<Record<JobKind, JobHandler>>
  }) {
    this.#context = options.context
    this.#now = options.now ?? (() => new Date())
    this.#handlers = options.handlers ?? jobHandlers
  }

  start(kind: JobKind, actor: Actor, parameters: Record<string, unknown>): Job {
    const handler = this.#handlers[kind]
    if (handler === undefined) throw new NotFoundError(`no handler for jobs of kind ${kind} in this server`)
    const busy = [...this.#jobs.values()].find(
      (job) => job.kind === kind && (job.status === 'queued' || job.status === 'running'),
    )
    if (busy !== undefined)
      throw new ConflictError(`a ${kind} job is already running (${busy.id})`, {
        hint: `poll /api/jobs/${busy.id} and start another when it is done`,
      })
    const job: Job = {
      id: randomUUID(),
      kind,
      status: 'queued',
      startedBy: actor.name,
      createdAt: this.#now().toISOString(),
      progress: { done: 0, total: 0, step: 'queued' },
    }
    this.#jobs.set(job.id, job)
    this.#forgetOldJobs()
    const running = this.#run(job, handler, actor, parameters).finally(() => this.#running.delete(job.id))
    this.#running.set(job.id, running)
    return { ...job, progress: { ...job.progress } }
  }

  job(id: string): Job | undefined {
    const job = this.#jobs.get(id)
    return job === undefined ? undefined : { ...job, progress: { ...job.progress } }
  }

  /** Newest first. */
  jobs(): Job[] {
    return [...this.#jobs.values()].reverse().map((job) => ({ ...job, progress: { ...job.progress } }))
  }

  /** Resolves when every started job has finished (tests, and a clean shutdown). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running.values()])
  }

  async #run(
    job: Job,
    handler: JobHandler,
    actor: Actor,
    parameters: Record<string, unknown>,
  ): Promise<void> {
    // Let start() return the queued job before any work begins.
    await Promise.resolve()
    job.status = 'running'
    job.progress = { done: 0, total: 0, step: 'starting' }
    const progress: JobProgress = (done, total, step) => {
      job.progress = { done, total, step }
    }
    try {
      job.result = await handler(parameters, progress, this.#context(), actor)
      job.status = 'done'
      job.progress = { ...job.progress, done: job.progress.total, step: 'done' }
    } catch (error) {
      job.status = 'failed'
      // A TrustctlError is written for the user; anything else stays in the server's log only.
      job.error = error instanceof TrustctlError ? error.message : 'the job failed with an internal error'
      if (!(error instanceof TrustctlError))
        process.stderr.write(`trustctl serve: job ${job.id} failed: ${String(error)}\n`)
    } finally {
      job.finishedAt = this.#now().toISOString()
    }
  }

  #forgetOldJobs(): void {
    const finished = [...this.#jobs.values()].filter(
      (job) => job.status === 'done' || job.status === 'failed',
    )
    for (const job of finished.slice(0, Math.max(0, this.#jobs.size - keptJobs))) this.#jobs.delete(job.id)
  }
}
