import { describe, expect, it } from 'vitest'
import { ConfigError, ConflictError, NotFoundError } from '../core/errors.js'
import type { ServerContext } from './context.js'
import { InProcessJobRunner, type JobHandler } from './jobs.js'
import type { Actor } from './route.js'

const actor: Actor = { kind: 'user', id: 1, name: 'ann@example.test', role: 'editor' }
const context = {} as ServerContext

/** A handler that waits until the test releases it, reporting progress on the way. */
function gatedHandler(): { handler: JobHandler; release: () => void } {
  let release: () => void = () => undefined
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  return {
    release: () => release(),
    handler: async (parameters, progress) => {
      progress(1, 3, 'collecting')
      await gate
      progress(2, 3, 'writing')
      return { echoed: parameters }
    },
  }
}

describe('InProcessJobRunner', () => {
  it('runs a job, shows its progress, and keeps its result', async () => {
    const gated = gatedHandler()
    const runner = new InProcessJobRunner({ context: () => context, handlers: { package: gated.handler } })
    const job = runner.start('package', actor, { type: 1 })
    expect(job).toMatchObject({ kind: 'package', status: 'queued', startedBy: 'ann@example.test' })
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(runner.job(job.id)).toMatchObject({
      status: 'running',
      progress: { done: 1, total: 3, step: 'collecting' },
    })
    gated.release()
    await runner.idle()
    const done = runner.job(job.id)
    expect(done).toMatchObject({
      status: 'done',
      result: { echoed: { type: 1 } },
      progress: { done: 3, total: 3 },
    })
    expect(done?.finishedAt).toBeDefined()
  })

  it('runs one job of a kind at a time, and another kind alongside', async () => {
    const gated = gatedHandler()
    const runner = new InProcessJobRunner({
      context: () => context,
      handlers: { package: gated.handler, assess: async () => ({}) },
    })
    runner.start('package', actor, {})
    expect(() => runner.start('package', actor, {})).toThrow(ConflictError)
    expect(runner.start('assess', actor, {}).kind).toBe('assess')
    gated.release()
    await runner.idle()
    expect(runner.start('package', actor, {}).status).toBe('queued')
    await runner.idle()
  })

  it('keeps the problem of a failed job, without internals', async () => {
    const runner = new InProcessJobRunner({
      context: () => context,
      handlers: {
        package: async () => {
          throw new ConfigError('--as-of: not a date')
        },
        assess: async () => {
          throw new Error('ENOENT /srv/secret/path')
        },
      },
    })
    const told = runner.start('package', actor, {})
    const hidden = runner.start('assess', actor, {})
    await runner.idle()
    expect(runner.job(told.id)).toMatchObject({ status: 'failed', error: '--as-of: not a date' })
    expect(runner.job(hidden.id)?.status).toBe('failed')
    expect(runner.job(hidden.id)?.error).not.toContain('/srv')
  })

  it('refuses a kind nobody registered', () => {
    const runner = new InProcessJobRunner({ context: () => context, handlers: {} })
    expect(() => runner.start('assess', actor, {})).toThrow(NotFoundError)
  })

  it('keeps the last 50 jobs, newest first', async () => {
    const runner = new InProcessJobRunner({ context: () => context, handlers: { assess: async () => ({}) } })
    const ids: string[] = []
    for (let i = 0; i < 55; i++) {
      ids.push(runner.start('assess', actor, {}).id)
      await runner.idle()
    }
    const kept = runner.jobs()
    expect(kept).toHaveLength(50)
    expect(kept[0]?.id).toBe(ids[54])
    expect(runner.job(ids[0] ?? '')).toBeUndefined()
  })
})
