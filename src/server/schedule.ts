import { hostname } from 'node:os'
import { Cron } from 'croner'
import PgBoss from 'pg-boss'
import { ConfigError, ConflictError } from '../core/errors.js'
import type { Job, ServerContext } from './context.js'
import type { Actor } from './route.js'

/**
 * Scheduled collection and assessment. Team mode (PostgreSQL store): a pg-boss queue in the same
 * database, so several server processes share the work and each tick's job is worked by exactly one
 * of them. Laptop mode (SQLite store): croner in this process. Both start the same 'assess' job.
 */

export type ScheduleMode = 'pg-boss' | 'in-process' | 'off'

export interface RunningSchedule {
  mode: ScheduleMode
  /** The cron expression (UTC), when there is a schedule. */
  cron?: string
  /** When the next tick is due (UTC), or undefined without a schedule. */
  nextRunAt(): Date | undefined
  stop(): Promise<void>
}

/** The name scheduled jobs are started by, as the job list and the ledger's changes show it. */
export const scheduleActor: Actor = { kind: 'token', id: 0, name: 'schedule', role: 'admin' }

/** The pg-boss queue the assessment ticks go through. */
export const assessQueue = 'assess'

const running = new WeakMap<ServerContext, RunningSchedule>()

/** The schedule `startSchedule` started for this server, if any (GET /api/schedule reads it). */
export function scheduleOf(context: ServerContext): RunningSchedule | undefined {
  return running.get(context)
}

/** Checks a cron expression (5 fields, or 6 with seconds first) and says what is wrong with it. */
export function parseCron(cron: string, where = 'server.schedule'): string {
  try {
    new Cron(cron, { paused: true, timezone: 'UTC' }).stop()
    return cron
  } catch (error) {
    throw new ConfigError(`${where}: invalid cron expression "${cron}": ${(error as Error).message}`, {
      hint: 'five fields in UTC, e.g. "0 3 * * *" for every day at 03:00',
    })
  }
}

/** When a cron expression next fires after `after` (UTC). */
export function nextRunOf(cron: string, after: Date): Date | undefined {
  const probe = new Cron(cron, { paused: true, timezone: 'UTC' })
  const next = probe.nextRun(after)
  probe.stop()
  return next ?? undefined
}

/** How often a finished job is looked for while a tick waits on it. */
const pollMs = 200

/**
 * One tick: starts an 'assess' job in this server's job runner (so it shows in the job list with
 * its progress) and waits until it ends. A tick that finds an assessment already running skips:
 * the running one is as fresh as this one would be. A failed job fails the tick (pg-boss keeps it).
 */
export async function runScheduledAssessment(context: ServerContext): Promise<Job | undefined> {
  let job: Job
  try {
    job = context.jobs.start('assess', scheduleActor, { trigger: 'schedule' })
  } catch (error) {
    if (error instanceof ConflictError) return undefined
    throw error
  }
  for (;;) {
    const now = context.jobs.job(job.id)
    if (now === undefined) return undefined
    if (now.status === 'failed') throw new Error(`scheduled assessment ${now.id} failed: ${now.error ?? ''}`)
    if (now.status === 'done') return now
    await new Promise((resolve) => setTimeout(resolve, pollMs))
  }
}

export interface ScheduleOptions {
  /** The cron expression; default server.schedule from trustctl.yaml. */
  cron?: string
  /** PostgreSQL URL; default TRUSTCTL_DATABASE_URL, else store.url. */
  url?: string
  /** pg-boss's own schema; default `trustctl_jobs` (beside the store's `trustctl` schema). */
  bossSchema?: string
  env?: NodeJS.ProcessEnv
  /** What a tick does; default `runScheduledAssessment` (tests count ticks). */
  tick?: (context: ServerContext) => Promise<unknown>
  /** pg-boss worker polling interval in seconds; default server.jobs.pollSeconds (2). */
  pollingIntervalSeconds?: number
  /** Where tick failures are reported; default standard error. */
  report?: (message: string) => void
  /** Where each queued job's start and end is logged (operators follow which process ran what). */
  log?: (message: string) => void
  /** How this process names itself in a job's output; default `<host name>:<pid>`. */
  workerName?: string
}

/** What a worked queue job keeps as its output: who ran it, and the run it recorded. */
export interface TickOutput {
  by: string
  /** The in-process job that ran the assessment (GET /api/jobs on that server shows it). */
  job?: string
  /** The ledger run the assessment recorded. */
  runId?: number
  /** Why nothing was recorded (an assessment was already running in that process). */
  skipped?: string
}

/** The output of one tick, from what the tick returned (a finished Job, or nothing when skipped). */
export function tickOutput(by: string, outcome: unknown): TickOutput {
  if (outcome === undefined) return { by, skipped: 'an assessment was already running in this process' }
  if (typeof outcome !== 'object' || outcome === null || !('id' in outcome)) return { by }
  const job = outcome as Job
  const runId = job.result?.runId
  return { by, job: job.id, ...(typeof runId === 'number' ? { runId } : {}) }
}

/**
 * Starts the configured schedule for a server: `serve` calls it once after the server listens and
 * `stop()` on shutdown. Without `server.schedule` nothing runs (mode 'off').
 */
export async function startSchedule(
  context: ServerContext,
  options: ScheduleOptions = {},
): Promise<RunningSchedule> {
  const configured = options.cron ?? context.loaded.config.server.schedule
  const report =
    options.report ?? ((message: string) => void process.stderr.write(`trustctl serve: ${message}\n`))
  const tick = options.tick ?? runScheduledAssessment
  let schedule: RunningSchedule
  if (configured === undefined) {
    schedule = { mode: 'off', nextRunAt: () => undefined, stop: async () => undefined }
  } else {
    const cron = parseCron(configured)
    schedule =
      context.loaded.config.store.backend === 'postgres'
        ? await startBossSchedule(context, cron, tick, report, options)
        : startCronerSchedule(context, cron, tick, report)
  }
  running.set(context, schedule)
  const stop = schedule.stop
  return {
    ...schedule,
    stop: async () => {
      if (running.get(context) === schedule) running.delete(context)
      await stop()
    },
  }
}

/** SQLite: one process owns the store, so a timer in it is the schedule. */
function startCronerSchedule(
  context: ServerContext,
  cron: string,
  tick: (context: ServerContext) => Promise<unknown>,
  report: (message: string) => void,
): RunningSchedule {
  const job = new Cron(
    cron,
    {
      timezone: 'UTC',
      // A tick that is still running when the next is due is not started twice.
      protect: true,
      catch: (error) => report(`scheduled assessment failed: ${(error as Error).message}`),
    },
    async () => {
      await tick(context)
    },
  )
  return {
    mode: 'in-process',
    cron,
    nextRunAt: () => job.nextRun() ?? undefined,
    stop: async () => job.stop(),
  }
}

/**
 * PostgreSQL: pg-boss keeps the schedule in the database. Every server process registers the same
 * schedule (an upsert: still one) and works the queue; pg-boss sends one job per tick and hands each
 * job to one worker, so a tick is assessed once whatever the number of servers.
 */
async function startBossSchedule(
  context: ServerContext,
  cron: string,
  tick: (context: ServerContext) => Promise<unknown>,
  report: (message: string) => void,
  options: ScheduleOptions,
): Promise<RunningSchedule> {
  const env = options.env ?? process.env
  const url = options.url ?? env.TRUSTCTL_DATABASE_URL ?? context.loaded.config.store.url
  if (url === undefined)
    throw new ConfigError('store.url: required when store.backend is postgres', {
      hint: 'set store.url in trustctl.yaml or TRUSTCTL_DATABASE_URL',
    })
  const settings = context.loaded.config.server.jobs
  const boss = await startBoss(url, options.bossSchema ?? 'trustctl_jobs', report, {
    timeoutSeconds: settings?.timeoutSeconds ?? defaultJobTimeoutSeconds,
  })
  const by = options.workerName ?? `${hostname()}:${process.pid}`
  const log = options.log ?? (() => undefined)
  await boss.schedule(assessQueue, cron, {}, { tz: 'UTC' })
  await boss.work(
    assessQueue,
    // One job at a time per process: a tick is a whole assessment, and its output names its run.
    { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? settings?.pollSeconds ?? 2 },
    async ([job]: PgBoss.Job<object>[]): Promise<TickOutput> => {
      if (job === undefined) return { by }
      log(`scheduled assessment ${job.id} started by ${by}`)
      const output = tickOutput(by, await tick(context))
      log(
        `scheduled assessment ${job.id} done${output.runId === undefined ? '' : `: run ${output.runId}`}${output.skipped === undefined ? '' : ` (skipped: ${output.skipped})`}`,
      )
      return output
    },
  )
  return {
    mode: 'pg-boss',
    cron,
    nextRunAt: () => nextRunOf(cron, context.now()),
    stop: async () => {
      await boss.stop({ graceful: true, wait: true, timeout: 30_000 })
    },
  }
}

/** An assessment of a large estate takes minutes: past two hours its process is taken as gone. */
export const defaultJobTimeoutSeconds = 2 * 60 * 60

/** How often pg-boss looks for jobs past their timeout: twice a timeout, at most every 2 minutes. */
export const expiryCheckSeconds = (timeoutSeconds: number): number =>
  Math.max(1, Math.min(120, Math.floor(timeoutSeconds / 2)))

/**
 * Starts pg-boss in its own schema and makes sure the assess queue exists with this timeout.
 * 'stately': at most one tick waiting and one running, so ticks missed while every server was busy
 * do not pile up, and two assessments never run at once. A job whose process died (SIGKILL, a lost
 * machine) stays active until its timeout passes; then pg-boss's maintenance (run by one process at
 * a time, every `expiryCheckSeconds`) fails it and it is retried once by any server or worker.
 */
export async function startBoss(
  url: string,
  schema: string,
  report: (message: string) => void,
  settings: { timeoutSeconds?: number } = {},
): Promise<PgBoss> {
  const timeoutSeconds = settings.timeoutSeconds ?? defaultJobTimeoutSeconds
  const boss = new PgBoss({
    connectionString: url,
    schema,
    max: 4,
    maintenanceIntervalSeconds: expiryCheckSeconds(timeoutSeconds),
  })
  boss.on('error', (error) => report(`job queue: ${error.message}`))
  await boss.start()
  const queue = {
    name: assessQueue,
    policy: 'stately' as const,
    expireInSeconds: timeoutSeconds,
    retryLimit: 1,
  }
  const existing = await boss.getQueue(assessQueue)
  if (existing === null) {
    try {
      await boss.createQueue(assessQueue, queue)
    } catch (error) {
      // Another server created it between our look and our create: that queue is the one we want.
      if ((await boss.getQueue(assessQueue)) === null) throw error
    }
  } else if (existing.expireInSeconds !== timeoutSeconds) {
    // The timeout is the latest started process's setting: jobs sent from now on carry it.
    await boss.updateQueue(assessQueue, queue)
  }
  return boss
}
