import pg from 'pg'
import type PgBoss from 'pg-boss'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError, ConflictError } from '../src/core/errors.js'
import type { Job, JobKind, JobRunner, ServerContext } from '../src/server/context.js'
import type { Actor } from '../src/server/route.js'
import { routes } from '../src/server/routes/push.js'
import {
  assessQueue,
  nextRunOf,
  parseCron,
  type RunningSchedule,
  runScheduledAssessment,
  scheduleOf,
  startBoss,
  startSchedule,
} from '../src/server/schedule.js'

const pgUrl = process.env.TRUSTCTL_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** A job runner that finishes every job at once (or fails it), counting what it was asked to start. */
class CountingRunner implements JobRunner {
  readonly started: Job[] = []
  outcome: 'done' | 'failed' | 'busy' = 'done'

  start(kind: JobKind, actor: Actor, _parameters: Record<string, unknown>): Job {
    if (this.outcome === 'busy') throw new ConflictError(`a ${kind} job is already running`)
    const job: Job = {
      id: `job-${this.started.length + 1}`,
      kind,
      status: this.outcome,
      startedBy: actor.name,
      createdAt: new Date().toISOString(),
      progress: { done: 1, total: 1, step: 'done' },
      ...(this.outcome === 'failed' ? { error: 'the estate could not be read' } : {}),
    }
    this.started.push(job)
    return job
  }

  job(id: string): Job | undefined {
    return this.started.find((j) => j.id === id)
  }

  jobs(): Job[] {
    return [...this.started].reverse()
  }
}

/** Just what the schedule reads of a server context. */
function fakeContext(
  backend: 'sqlite' | 'postgres',
  schedule: string | undefined,
): ServerContext & { runner: CountingRunner } {
  const runner = new CountingRunner()
  return {
    loaded: {
      config: {
        store: { backend, path: '.trustctl', url: pgUrl },
        server: { ...(schedule === undefined ? {} : { schedule }) },
      },
    },
    jobs: runner,
    runner,
    now: () => new Date(),
  } as unknown as ServerContext & { runner: CountingRunner }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await sleep(50)
  }
}

describe('cron expressions', () => {
  it('accepts five fields and says what is wrong with a bad one', () => {
    expect(parseCron('0 3 * * *')).toBe('0 3 * * *')
    expect(() => parseCron('every night')).toThrow(ConfigError)
    expect(() => parseCron('61 * * * *')).toThrow(/server\.schedule: invalid cron expression "61/)
  })

  it('computes the next tick in UTC', () => {
    expect(nextRunOf('0 3 * * *', new Date('2026-11-28T04:00:00Z'))?.toISOString()).toBe(
      '2026-11-29T03:00:00.000Z',
    )
    expect(nextRunOf('0 3 * * *', new Date('2026-11-28T02:59:00Z'))?.toISOString()).toBe(
      '2026-11-28T03:00:00.000Z',
    )
  })
})

describe('a scheduled tick', () => {
  it('starts an assess job as the schedule and waits for it', async () => {
    const context = fakeContext('sqlite', undefined)
    const job = await runScheduledAssessment(context)
    expect(job?.status).toBe('done')
    expect(context.runner.started.map((j) => [j.kind, j.startedBy])).toEqual([['assess', 'schedule']])
  })

  it('skips when an assessment is already running, and fails when the job fails', async () => {
    const context = fakeContext('sqlite', undefined)
    context.runner.outcome = 'busy'
    expect(await runScheduledAssessment(context)).toBeUndefined()
    context.runner.outcome = 'failed'
    await expect(runScheduledAssessment(context)).rejects.toThrow(/could not be read/)
  })
})

describe('the in-process schedule (SQLite)', () => {
  it('is off without server.schedule', async () => {
    const context = fakeContext('sqlite', undefined)
    const schedule = await startSchedule(context)
    expect(schedule.mode).toBe('off')
    expect(schedule.nextRunAt()).toBeUndefined()
    await schedule.stop()
  })

  it('fires on its cron, shows in GET /api/schedule, and stops', async () => {
    // Every second (croner takes a seconds field first), so the test sees ticks quickly.
    const context = fakeContext('sqlite', '* * * * * *')
    const schedule = await startSchedule(context)
    try {
      expect(schedule.mode).toBe('in-process')
      expect(scheduleOf(context)?.mode).toBe('in-process')
      const next = schedule.nextRunAt()
      expect(next).toBeDefined()
      expect((next?.getTime() ?? 0) - Date.now()).toBeLessThanOrEqual(1000)
      await waitFor(() => context.runner.started.length >= 2, 5000)
      expect(context.runner.started.every((j) => j.kind === 'assess' && j.startedBy === 'schedule')).toBe(
        true,
      )

      const route = routes.find((r) => r.url === '/api/schedule')
      if (route === undefined) throw new Error('no schedule route')
      expect(route.permission).toBe('admin')
      const body = (await route.handler({} as never, context)) as {
        mode: string
        cron: string
        nextRunAt: string
        recent: Job[]
      }
      expect(body.mode).toBe('in-process')
      expect(body.cron).toBe('* * * * * *')
      expect(Number.isNaN(Date.parse(body.nextRunAt))).toBe(false)
      expect(body.recent.length).toBeGreaterThanOrEqual(2)
    } finally {
      await schedule.stop()
    }
    const ticks = context.runner.started.length
    await sleep(1500)
    expect(context.runner.started.length).toBe(ticks)
    expect(scheduleOf(context)).toBeUndefined()
  })
})

describe('the pg-boss schedule (PostgreSQL)', () => {
  const bossSchema = `trustctl_jobs_test_${process.pid}_${Date.now().toString(36)}`
  const opened: (RunningSchedule | PgBoss)[] = []
  afterAll(async () => {
    for (const o of opened) await o.stop({ graceful: false, wait: true } as never).catch(() => undefined)
    const client = new pg.Client({ connectionString: pgUrl })
    await client.connect()
    await client.query(`DROP SCHEMA IF EXISTS ${bossSchema} CASCADE`)
    await client.end()
  })

  it('registers one schedule for two servers and has each job worked by exactly one of them', async () => {
    const servers = [fakeContext('postgres', undefined), fakeContext('postgres', undefined)]
    const ticks = [0, 0]
    for (const [i, context] of servers.entries()) {
      const schedule = await startSchedule(context, {
        // A tick far away: the jobs below are sent by hand, as the clock would send them.
        cron: '0 0 1 1 *',
        url: pgUrl,
        bossSchema,
        pollingIntervalSeconds: 0.5,
        tick: async () => {
          ticks[i] = (ticks[i] ?? 0) + 1
          // Long enough that both workers poll while a job is active.
          await sleep(300)
        },
      })
      opened.push(schedule)
      expect(schedule.mode).toBe('pg-boss')
      expect(schedule.nextRunAt()?.toISOString()).toMatch(/-01-01T00:00:00\.000Z$/)
    }
    const clock = await startBoss(pgUrl, bossSchema, () => undefined)
    opened.push(clock)
    const schedules = await clock.getSchedules()
    expect(schedules.map((s) => [s.name, s.cron, (s as unknown as { timezone: string }).timezone])).toEqual([
      [assessQueue, '0 0 1 1 *', 'UTC'],
    ])

    const ids: string[] = []
    for (let n = 1; n <= 5; n += 1) {
      const id = await clock.send(assessQueue, {})
      expect(id).not.toBeNull()
      ids.push(id ?? '')
      await waitFor(() => (ticks[0] ?? 0) + (ticks[1] ?? 0) >= n, 15_000)
    }
    // Time for a second worker to pick a job up again, if it (wrongly) could.
    await sleep(2000)
    expect((ticks[0] ?? 0) + (ticks[1] ?? 0)).toBe(5)
    for (const id of ids) {
      const job = await clock.getJobById(assessQueue, id)
      expect(job?.state).toBe('completed')
    }
  }, 60_000)
})
