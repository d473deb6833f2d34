import { existsSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { contentDigest } from '../src/core/push-format.js'
import { checkPushOffThread, idlePushWorkers, setPushWorkerFile } from '../src/server/push-thread.js'

/**
 * Push checks run in pooled threads of the built worker (`npm run build` first): one thread serves
 * push after push (a thread per push spent more CPU starting than checking), a refusal comes back
 * as data without losing the thread, and switching the worker script empties the pool.
 */

const builtWorker = path.resolve(import.meta.dirname, '..', 'dist', 'src', 'server', 'push-worker.js')
const actor = { kind: 'token', role: 'collector', name: 'pool-test' }

afterAll(() => setPushWorkerFile(undefined))

function input(body: string, digest = contentDigest(body)) {
  return { raw: new Uint8Array(Buffer.from(body)), contentDigest: digest, idempotencyKey: undefined, actor }
}

describe.skipIf(!existsSync(builtWorker) && process.env.CI === undefined)('the push thread pool', () => {
  it('reuses one thread for pushes one after another, also after a refusal', async () => {
    setPushWorkerFile(builtWorker)
    expect(idlePushWorkers()).toBe(0)
    const altered = await checkPushOffThread(input('{"format":1}', contentDigest('{"format":2}')))
    expect(altered.ok).toBe(false)
    if (!altered.ok) expect(altered.message).toMatch(/Content-Digest/)
    expect(idlePushWorkers()).toBe(1)
    for (let n = 0; n < 3; n++) {
      const answer = await checkPushOffThread(input('{"format":1}'))
      // No Idempotency-Key: refused by the thread, which stays in the pool.
      expect(answer.ok).toBe(false)
      expect(idlePushWorkers()).toBe(1)
    }
    setPushWorkerFile(undefined)
    expect(idlePushWorkers()).toBe(0)
  })
})
