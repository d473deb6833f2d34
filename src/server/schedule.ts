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
  /** pg-boss worker polling interval in seconds (default 2). */
  pollingIntervalSeconds?: number
  /** Where tick failures are reported; default standard error. */
  report?: (message: string) => void
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
  const boss = await startBoss(url, options.bossSchema ?? 'trustctl_jobs', report)
  await boss.schedule(assessQueue, cron, {}, { tz: 'UTC' })
  await boss.work(
    assessQueue,
    { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 },
    async (jobs: PgBoss.Job<object>[]) => {
      for (const _job of jobs) await tick(context)
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

/**
 * Starts pg-boss in its own schema and makes sure the assess queue exists. 'stately': at most one
 * tick waiting and one running, so ticks missed while every server was busy do not pile up.
 */
export async function startBoss(
  url: string,
  schema: string,
  report: (message: string) => void,
): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: url, schema, max: 4 })
  boss.on('error', (error) => report(`job queue: ${error.message}`))
  await boss.start()
  if ((await boss.getQueue(assessQueue)) === null) {
    try {
      await boss.createQueue(assessQueue, {
        name: assessQueue,
        policy: 'stately',
        // An assessment of a large estate takes minutes, not hours.
        expireInSeconds: 2 * 60 * 60,
        retryLimit: 1,
      })
    } catch (error) {
      // Another server created it between our look and our create: that queue is the one we want.
      if ((await boss.getQueue(assessQueue)) === null) throw error
    }
  }
  return boss
}
