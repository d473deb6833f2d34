import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { verifyStore } from '../../store/ledger-operations.js'
import { SqliteStore } from '../../store/sqlite/sqlite-store.js'
import { loadConfig } from '../load-config.js'
import { configuredSigner } from '../signing-key.js'
import { decisionWorkerAvailable, ThreadedDecisionLog } from './decision-log-thread.js'
import type { AdmissionDecision } from './judge.js'

// The writer thread as the built webhook runs it: the compiled worker in dist (npm run build, which
// `npm ci` runs through `prepare`). From sources the webhook writes inline; this is the other path.
const builtWorker = path.resolve(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'dist',
  'src',
  'app',
  'admission',
  'decision-log-worker.js',
)

const decision = (n: number): AdmissionDecision => ({
  uid: `uid-${n}`,
  at: '2026-11-30T10:00:00.000Z',
  operation: 'CREATE',
  user: { username: 'system:serviceaccount:argocd:argocd-application-controller', groups: [] },
  object: { group: '', version: 'v1', kind: 'Pod', namespace: 'shop', name: `web-${n}` },
  dryRun: false,
  verdict: n % 3 === 0 ? 'denied' : 'allowed',
  checks: [],
})

describe('the decision writer thread', () => {
  let dir = ''
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('writes every decision handed to it once, in signed batches the ledger verifies', async () => {
    expect(decisionWorkerAvailable(builtWorker), `${builtWorker} missing: run npm run build`).toBe(true)
    dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-decision-thread-'))
    writeFileSync(
      path.join(dir, 'trustctl.yaml'),
      'version: 1\norganization: Acme\nsystem: { name: Shop }\nscope: { categories: [security], asOf: 2026-11-30 }\n',
    )
    const loaded = await loadConfig(path.join(dir, 'trustctl.yaml'), dir)
    const env = { TRUSTCTL_SIGNING_KEY: path.join(dir, 'ledger.pem') }
    configuredSigner(loaded, env, () => undefined)
    const notes: string[] = []
    const log = await ThreadedDecisionLog.start(
      {
        loaded: { config: loaded.config, file: loaded.file, root: loaded.root },
        env,
        toolVersion: 'test',
        batchSize: 250,
        flushMs: 60_000,
      },
      (text) => notes.push(text),
      builtWorker,
    )
    for (let n = 0; n < 1001; n++) log.add(decision(n))
    await log.flush()
    expect(log.recorded).toBe(1001)
    log.add(decision(1001))
    await log.close()
    expect(log.recorded).toBe(1002)
    expect(notes).toEqual([])

    const store = new SqliteStore(path.join(dir, '.trustctl', 'trustctl.db'))
    try {
      const ids: string[] = []
      for await (const { record } of store.scan({ kinds: ['admission'] })) ids.push(record.id)
      expect(ids).toHaveLength(1002)
      expect(new Set(ids).size).toBe(1002)
      expect(ids[0]).toBe('admission:uid-0')
      expect(ids.at(-1)).toBe('admission:uid-1001')
      expect((await verifyStore(store)).ok).toBe(true)
    } finally {
      await store.close()
    }
  }, 60_000)

  it('fails to start with the reason when the store cannot be opened', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-decision-thread-'))
    writeFileSync(
      path.join(dir, 'trustctl.yaml'),
      'version: 1\norganization: Acme\nsystem: { name: Shop }\nscope: { categories: [security], asOf: 2026-11-30 }\nstore: { path: missing/folder/deeper }\n',
    )
    writeFileSync(path.join(dir, 'missing'), 'a file where the store folder should be')
    const loaded = await loadConfig(path.join(dir, 'trustctl.yaml'), dir)
    const env = { TRUSTCTL_SIGNING_KEY: path.join(dir, 'ledger.pem') }
    configuredSigner(loaded, env, () => undefined)
    await expect(
      ThreadedDecisionLog.start(
        {
          loaded: { config: loaded.config, file: loaded.file, root: loaded.root },
          env,
          toolVersion: 'test',
          batchSize: 10,
          flushMs: 1000,
        },
        () => undefined,
        builtWorker,
      ),
    ).rejects.toThrow(/missing/)
  })
})
