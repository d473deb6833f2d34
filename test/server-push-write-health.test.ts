import { existsSync } from 'node:fs'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { threadedLedger } from '../src/app/ledger-writer-thread.js'
import { canonicalBytes, type LedgerEntry, sha256 } from '../src/core/ledger.js'
import type { AssessmentStore } from '../src/core/store.js'
import { keyedLock, recordsHere, storePush } from '../src/server/push.js'
import { verifyStore } from '../src/store/ledger-operations.js'
import { type Harness, startHarness } from './server-harness.js'

/**
 * Writing a large push (one transaction on the server's real SQLite file) must not hold the event
 * loop: /api/health keeps answering while the records go in. This covers the write alone; the
 * check before it runs in a worker thread (server-push-load.test.ts, with a built worker). Two ways:
 * inline in slices (from TypeScript sources), and on the ledger writer thread `trustctl serve` uses
 * when built (app/ledger-writer-thread.ts; `npm run build` first).
 */

const builtWriter = path.resolve(import.meta.dirname, '..', 'dist', 'src', 'app', 'ledger-writer-worker.js')

let harness: Harness
let threaded: AssessmentStore | undefined

beforeAll(async () => {
  harness = await startHarness({ assess: false, listen: true })
  if (existsSync(builtWriter))
    threaded = await threadedLedger(harness.context.ledger, harness.context.loaded, process.env, builtWriter)
})

afterAll(async () => {
  // Closing the threaded ledger stops the writer thread (and closes the ledger, which may close twice).
  await threaded?.close()
  await harness?.close()
})

/** About `megabytes` MB of distinct evidence records, as the push worker hands them over. */
function entries(megabytes: number): LedgerEntry[] {
  const perItem = 4000
  const count = Math.floor((megabytes * 1024 * 1024) / perItem)
  return Array.from({ length: count }, (_, i) => ({
    kind: 'evidence' as const,
    id: `ns-${i}`,
    source: 'push:write-health',
    collector: 'write-health',
    collectorVersion: 'test',
    collectedAt: '2026-12-01T00:00:00.000Z',
    effectiveAt: '2026-12-01T00:00:00.000Z',
    content: canonicalBytes({ kind: 'k8s.namespace', name: `ns-${i}`, note: `${i}${'x'.repeat(perItem)}` }),
  }))
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

/** Writes 31 MB through `ledger` while asking /api/health every 10 ms; the figures and the outcome. */
async function healthDuringWrite(ledger: AssessmentStore, tag: string) {
  const batch = entries(31)
  const base = harness.baseUrl ?? ''
  const delay = monitorEventLoopDelay({ resolution: 5 })
  let done = false
  const started = performance.now()
  delay.enable()
  const write = storePush(
    {
      ledger,
      team: harness.context.team,
      signer: harness.context.signer,
      now: () => new Date(),
      toolVersion: 'test',
      lock: keyedLock(),
    },
    'write-health',
    recordsHere(batch),
    sha256(`write-health-31mb-${tag}`),
  ).finally(() => {
    done = true
  })
  const latencies: number[] = []
  while (!done) {
    const asked = performance.now()
    const response = await fetch(`${base}/api/health`)
    await response.arrayBuffer()
    expect(response.status).toBe(200)
    latencies.push(performance.now() - asked)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  const outcome = await write
  delay.disable()
  const figures = {
    writeMs: Math.round(performance.now() - started),
    healthAnswers: latencies.length,
    healthP99Ms: Math.round(percentile(latencies, 99)),
    healthMaxMs: Math.round(Math.max(...latencies)),
    loopDelayMaxMs: Math.round(delay.max / 1e6),
    loopDelayP99Ms: Math.round(delay.percentile(99) / 1e6),
  }
  console.log(`writing a 31 MB push (${tag}): ${JSON.stringify(figures)}`)
  return { outcome, figures, latencies, stored: batch.length }
}

describe('writing a 31 MB push', () => {
  it('inline, leaves /api/health answering throughout, and stores the whole push', async () => {
    const { outcome, figures, latencies, stored } = await healthDuringWrite(harness.context.ledger, 'inline')
    expect(outcome.stored).toBe(stored)
    // A write that held the loop from start to end would let one or two answers through, not many.
    expect(latencies.length).toBeGreaterThan(4)
    // Generous (a shared 2-core machine); measured well below this, see the log line above.
    expect(figures.healthP99Ms).toBeLessThan(400)
    expect((await verifyStore(harness.context.ledger)).ok).toBe(true)
  }, 120_000)

  it.skipIf(!existsSync(builtWriter))(
    'on the writer thread, keeps the event loop free: health answers promptly, the push is stored whole',
    async () => {
      const ledger = threaded as AssessmentStore
      const before = (await ledger.runs()).length
      const { outcome, figures, latencies, stored } = await healthDuringWrite(ledger, 'thread')
      expect(outcome.stored).toBe(stored)
      expect(latencies.length).toBeGreaterThan(4)
      // The loop only hands the records over (1 MB at a time) and signs the manifest: no INSERT, no
      // COMMIT on it. Measured p99 48-133 ms at load 16-19 on 2 cores (inline: 193-619 ms).
      expect(figures.healthP99Ms).toBeLessThan(200)
      const runs = await ledger.runs()
      expect(runs.length).toBe(before + 1)
      expect(runs.at(-1)).toMatchObject({ id: outcome.receipt.runId, status: 'complete' })
      expect((await verifyStore(ledger, { pinnedKey: harness.context.signer.fingerprint })).ok).toBe(true)
    },
    120_000,
  )
})
