import { existsSync } from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { prepareBatches } from '../src/app/push-client.js'
import { PayloadTooLargeError } from '../src/core/errors.js'
import type { EvidenceItem } from '../src/core/evidence.js'
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

/** A push's input: its body arriving in `chunks` pieces, as a socket delivers it. */
function input(body: string, digest = contentDigest(body), chunks = 1, maxBytes = 1024 * 1024) {
  const bytes = Buffer.from(body)
  const size = Math.ceil(bytes.length / chunks)
  const pieces = Array.from({ length: chunks }, (_, i) => bytes.subarray(i * size, (i + 1) * size))
  return { body: Readable.from(pieces), maxBytes, contentDigest: digest, idempotencyKey: undefined, actor }
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

  it('checks a body that arrives in many chunks, and refuses one past the limit without losing the thread', async () => {
    setPushWorkerFile(builtWorker)
    const evidence = Array.from({ length: 50 }, (_, i) => ({
      kind: 'k8s.namespace',
      resourceKind: 'Namespace',
      name: `chunked-${i}`,
      file: 'chunked/namespaces.yaml',
      line: i + 1,
      labels: { note: 'x'.repeat(4000) },
      annotations: {},
    })) as unknown as EvidenceItem[]
    const [batch] = prepareBatches(
      { evidence, errors: [], inputs: [] },
      { name: actor.name, version: 'test' },
      '2026-12-01T10:00:00.000Z',
      1024 * 1024,
    )
    if (batch === undefined) throw new Error('no batch')
    const withKey = (chunks: number, digest = contentDigest(batch.body), maxBytes = 1024 * 1024) => ({
      ...input(batch.body, digest, chunks, maxBytes),
      idempotencyKey: batch.key,
    })
    // Hashed chunk by chunk in the thread as the pieces arrive: the whole body's digest matches.
    const chunked = await checkPushOffThread(withKey(7))
    expect(chunked).toMatchObject({ ok: true, key: batch.key, items: 50, stored: 50, held: false })
    if (chunked.ok) expect(chunked.entries.filter((e) => e.kind === 'evidence')).toHaveLength(50)
    const altered = await checkPushOffThread(withKey(7, contentDigest(`${batch.body} `)))
    expect(altered.ok).toBe(false)
    if (!altered.ok) expect(altered.message).toMatch(/Content-Digest/)
    await expect(checkPushOffThread(withKey(7, undefined, 100_000))).rejects.toThrow(PayloadTooLargeError)
    expect(idlePushWorkers()).toBe(1)
    // A client gone half way: refused (400) at once, the thread back in the pool.
    const cut = new Readable({ read() {} })
    cut.push(Buffer.from(batch.body.slice(0, 1000)))
    setTimeout(() => cut.destroy(new Error('socket hang up')), 20)
    await expect(checkPushOffThread({ ...withKey(1), body: cut })).rejects.toThrow(
      /could not be read to its end/,
    )
    expect(idlePushWorkers()).toBe(1)
    expect(await checkPushOffThread(withKey(3))).toMatchObject({ ok: true, items: 50 })
    setPushWorkerFile(undefined)
  })
})
