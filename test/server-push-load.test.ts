import { existsSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prepareBatches } from '../src/app/push-client.js'
import { maxJsonDepth } from '../src/core/json-depth.js'
import { sha256 } from '../src/core/ledger.js'
import { contentDigest, pushBatchSchema } from '../src/core/push-format.js'
import { pushEntries } from '../src/server/push.js'
import { setPushWorkerFile } from '../src/server/push-thread.js'
import { type Harness, startHarness } from './server-harness.js'

/**
 * A big or hostile push must not stall the server: the CPU work of a push runs in a worker thread,
 * and JSON nested past the documented limit is refused before any recursive walk.
 */

const builtWorker = path.resolve(import.meta.dirname, '..', 'dist', 'src', 'server', 'push-worker.js')

let harness: Harness

beforeAll(async () => {
  harness = await startHarness({ assess: false, listen: true })
})

afterAll(async () => {
  setPushWorkerFile(undefined)
  await harness?.close()
})

const collector = 'test-collector'

describe('a push nested past the depth limit', () => {
  it(`is refused with 422 naming the limit (${maxJsonDepth}), storing nothing`, async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`
    const body = `{"format":1,"collector":{"name":"${collector}","version":"t"},"collectedAt":"2026-11-28T10:00:00.000Z","inputs":[],"errors":[],"items":[{"hash":"${'0'.repeat(64)}","evidence":{"kind":"k8s.namespace","labels":${deep}}}]}`
    const before = (await harness.context.ledger.runs()).length
    const response = await harness.app.inject({
      method: 'POST',
      url: '/api/push',
      headers: {
        authorization: `Bearer ${harness.tokens.collector}`,
        'content-type': 'application/json',
        'content-digest': contentDigest(body),
        'idempotency-key': sha256(body),
      },
      payload: body,
    })
    expect(response.statusCode).toBe(422)
    expect(response.json().code).toBe('too-deep')
    expect(response.json().detail).toContain(String(maxJsonDepth))
    expect((await harness.context.ledger.runs()).length).toBe(before)
  })
})

/** A legal batch of about `megabytes` MB of namespaces. */
function bigBatch(megabytes: number, tag: string) {
  const perItem = 4000
  const count = Math.floor((megabytes * 1024 * 1024) / (perItem + 300))
  const evidence = Array.from({ length: count }, (_, i) => ({
    kind: 'k8s.namespace',
    resourceKind: 'Namespace',
    name: `${tag}-${i}`,
    file: `${tag}/namespaces.yaml`,
    line: i + 1,
    labels: { team: tag, note: 'x'.repeat(perItem) },
    annotations: {},
  }))
  const [prepared] = prepareBatches(
    // biome-ignore lint/suspicious/noExplicitAny: synthetic evidence for a load test
    { evidence: evidence as any, errors: [], inputs: [] },
    { name: collector, version: 'test' },
    '2026-11-28T10:00:00.000Z',
    64 * 1024 * 1024,
  )
  if (prepared === undefined) throw new Error('no batch')
  return prepared
}

/** Health latencies (ms) measured every 10 ms while one push of `body` is answered. */
async function healthDuringPush(prepared: {
  body: string
  key: string
}): Promise<{ status: number; latencies: number[] }> {
  const base = harness.baseUrl ?? ''
  const latencies: number[] = []
  let done = false
  const push = fetch(`${base}/api/push`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${harness.tokens.collector}`,
      'content-type': 'application/json',
      'content-digest': contentDigest(prepared.body),
      'idempotency-key': prepared.key,
    },
    body: prepared.body,
  }).then(async (response) => {
    await response.arrayBuffer()
    done = true
    return response.status
  })
  while (!done) {
    const started = performance.now()
    await fetch(`${base}/api/health`).then((r) => r.arrayBuffer())
    latencies.push(performance.now() - started)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return { status: await push, latencies }
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

describe('a 32 MB push', () => {
  it.skipIf(!existsSync(builtWorker))(
    'leaves /api/health answering promptly while it is checked in a worker (run `npm run build` first)',
    async () => {
      const inline = bigBatch(31, 'inline')
      expect(inline.body.length).toBeGreaterThan(30 * 1024 * 1024)
      setPushWorkerFile(undefined)
      const before = await healthDuringPush(inline)
      setPushWorkerFile(builtWorker)
      const workerBatch = bigBatch(31, 'worker')
      const after = await healthDuringPush(workerBatch)
      const figures = {
        inline: { p99: percentile(before.latencies, 99), max: Math.max(...before.latencies) },
        worker: { p99: percentile(after.latencies, 99), max: Math.max(...after.latencies) },
      }
      console.log(`health latency during a 31 MB push (ms): ${JSON.stringify(figures)}`)
      expect(before.status).toBe(201)
      expect(after.status).toBe(201)
      // Many health answers came back while the push was in the worker, and none waited long.
      expect(after.latencies.length).toBeGreaterThan(5)
      expect(figures.worker.p99).toBeLessThan(200)
      // What came back from the thread (the moved contents and the records as offsets into them) is
      // stored exactly: every item once, each blob hashing to its record.
      const sent = pushEntries(
        pushBatchSchema.parse(JSON.parse(workerBatch.body)),
        collector,
        workerBatch.key,
      )
        .filter((e) => e.kind === 'evidence')
        .map((e) => sha256(e.content))
      const ledger = harness.context.ledger
      const runId = Math.max(...(await ledger.runs()).map((r) => r.id))
      const stored: string[] = []
      for await (const { record, blob } of ledger.scan({
        ...(runId === undefined ? {} : { runId }),
        kinds: ['evidence'],
      })) {
        expect(sha256(blob ?? new Uint8Array())).toBe(record.contentHash)
        stored.push(record.contentHash)
      }
      expect(stored.sort()).toEqual(sent.sort())
    },
    120_000,
  )
})
