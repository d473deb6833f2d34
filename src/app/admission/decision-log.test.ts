import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ed25519Signer } from '../../core/ledger-manifest.js'
import { verifyStore } from '../../store/ledger-operations.js'
import { SqliteStore } from '../../store/sqlite/sqlite-store.js'
import { DecisionLog } from './decision-log.js'
import type { AdmissionDecision } from './judge.js'

const decision = (uid: string): AdmissionDecision => ({
  uid,
  at: '2026-11-30T10:00:00.000Z',
  operation: 'CREATE',
  user: { username: 'jane@acme.example.com', groups: ['system:authenticated'] },
  object: { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
  dryRun: false,
  verdict: 'denied',
  checks: [
    {
      check: 'kubernetes/workload-is-not-privileged',
      severity: 'critical',
      status: 'fail',
      mode: 'enforce',
      message: 'runs privileged containers: web: privileged: true',
    },
  ],
})

describe('the decision log', () => {
  let dir = ''
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('keeps a batch the ledger refused and writes it with the next, every decision once', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-decisions-'))
    const store = new SqliteStore(path.join(dir, 'trustctl.db'))
    let refuse = true
    // The ledger refuses the first batch (a locked database, a full disk), then works again.
    const flaky = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'beginRun' && refuse) {
          refuse = false
          return () => Promise.reject(new Error('database is locked'))
        }
        const value = Reflect.get(target, property, receiver)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    const errors: unknown[] = []
    const log = new DecisionLog({
      store: flaky,
      signer: ed25519Signer(generateKeyPairSync('ed25519').privateKey),
      toolVersion: 'test',
      batchSize: 2,
      flushMs: 60_000,
      onError: (error) => errors.push(error),
    })
    try {
      // The second decision fills a batch, whose write fails; the flush after it writes the kept batch.
      log.add(decision('a'))
      log.add(decision('b'))
      await log.flush()
      expect(errors).toHaveLength(1)
      expect(log.pending).toBe(0)
      expect(log.recorded).toBe(2)
      log.add(decision('c'))
      await log.flush()
      expect(log.pending).toBe(0)
      expect(log.recorded).toBe(3)
      const ids: string[] = []
      for await (const { record } of store.scan({ kinds: ['admission'] })) ids.push(record.id)
      expect(ids).toEqual(['admission:a', 'admission:b', 'admission:c'])
      expect((await verifyStore(store)).ok).toBe(true)
    } finally {
      await store.close()
    }
  })
})
