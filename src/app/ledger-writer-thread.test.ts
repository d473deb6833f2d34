import { generateKeyPairSync } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { canonicalBytes, type LedgerEntry, sha256 } from '../core/ledger.js'
import { ed25519Signer } from '../core/ledger-manifest.js'
import type { AssessmentStore, WholeRun } from '../core/store.js'
import { verifyStore } from '../store/ledger-operations.js'
import { SqliteStore } from '../store/sqlite/sqlite-store.js'
import { sendHeldRun, type ToHeldRun } from './ledger-writer-handover.js'
import { LedgerWriterThread, runHolder, threadedLedger, withLedgerWriter } from './ledger-writer-thread.js'
import type { LoadedConfig } from './load-config.js'
import { openStore, storeLocation } from './open-store.js'

// The writer thread as the built server runs it: the compiled worker in dist (npm run build, which
// `npm ci` runs through `prepare`). From sources the server writes inline; this is the other path.
const builtWriter = path.resolve(
  import.meta.dirname,
  '..',
  '..',
  'dist',
  'src',
  'app',
  'ledger-writer-worker.js',
)

const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey)

/** `count` distinct evidence records of about `bytes` each. */
const entries = (tag: string, count: number, bytes = 1000): LedgerEntry[] =>
  Array.from({ length: count }, (_, i) => ({
    kind: 'evidence' as const,
    id: `${tag}-${i}`,
    source: 'push:thread',
    collector: 'thread',
    collectorVersion: 'test',
    collectedAt: '2026-12-01T00:00:00.000Z',
    effectiveAt: '2026-12-01T00:00:00.000Z',
    content: canonicalBytes({ kind: 'k8s.namespace', name: `${tag}-${i}`, note: 'x'.repeat(bytes) }),
  }))

const run = (list: LedgerEntry[], finishedAt: () => string): WholeRun => ({
  startedAt: '2026-12-01T10:00:00.000Z',
  toolVersion: 'test',
  signer,
  entries: list,
  finishedAt,
})

describe.skipIf(!existsSync(builtWriter))('the ledger writer thread (run `npm run build` first)', () => {
  let dir = ''
  let file = ''
  let ledger: AssessmentStore | undefined
  afterEach(async () => {
    await ledger?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  /** A fresh SQLite ledger whose whole runs are written by the thread, as `trustctl serve` opens it. */
  async function open(): Promise<AssessmentStore & Required<Pick<AssessmentStore, 'recordRun'>>> {
    dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-ledger-writer-'))
    const loaded = { config: { store: { backend: 'sqlite', path: 'store' } }, file: '', root: dir }
    file = storeLocation(loaded as unknown as LoadedConfig, {})
    const store = new SqliteStore(file)
    const writer = await LedgerWriterThread.start({ loaded: loaded as never, env: {} }, builtWriter)
    const threaded = await withLedgerWriter(store, writer, file)
    ledger = threaded
    return threaded as AssessmentStore & Required<Pick<AssessmentStore, 'recordRun'>>
  }

  it('writes a whole run, signed with the key of the main thread and finished at its clock', async () => {
    const store = await open()
    const { runId, manifest } = await store.recordRun(run(entries('a', 50), () => '2026-12-01T10:00:05.000Z'))
    const runs = await store.runs()
    expect(runs).toMatchObject([
      { id: runId, status: 'complete', records: 53, finishedAt: '2026-12-01T10:00:05.000Z' },
    ])
    expect(manifest.manifest).toMatchObject({ runId, recordCount: 52, keyFingerprint: signer.fingerprint })
    expect((await verifyStore(store, { pinnedKey: signer.fingerprint })).ok).toBe(true)
  })

  it("writes a run's cache entries in its own transaction, as the store's recordRun does", async () => {
    const store = await open()
    const list = entries('cached', 3)
    const blobRef = `sha256:${sha256((list[0] as LedgerEntry).content)}`
    await store.recordRun({
      ...run(list, () => '2026-12-01T10:00:05.000Z'),
      remember: [{ key: 'findings:thread', blobRef }],
    })
    await store.close()
    ledger = undefined
    const db = new Database(file, { readonly: true })
    try {
      expect(db.prepare('SELECT key, blob_ref AS blobRef FROM ledger_cache').all()).toEqual([
        { key: 'findings:thread', blobRef },
      ])
    } finally {
      db.close()
    }
  })

  it('leaves nothing of a run that fails in the thread, and writes the next one', async () => {
    const store = await open()
    const failing = store.recordRun(
      run(entries('b', 50), () => {
        throw new Error('no clock (injected)')
      }),
    )
    await expect(failing).rejects.toThrow(/no clock \(injected\)/)
    expect(await store.runs()).toEqual([])
    expect((await store.head()).seq).toBe(0)
    await store.recordRun(run(entries('c', 5), () => '2026-12-01T10:00:05.000Z'))
    expect((await store.runs()).map((r) => r.status)).toEqual(['complete'])
    expect((await verifyStore(store)).ok).toBe(true)
  })

  /** The content hashes of a run's evidence records as stored, each checked against its blob. */
  async function storedEvidence(store: AssessmentStore, runId: number): Promise<string[]> {
    const hashes: string[] = []
    for await (const { record, blob } of store.scan({ runId, kinds: ['evidence'] })) {
      expect(sha256(blob ?? new Uint8Array())).toBe(record.contentHash)
      hashes.push(record.contentHash)
    }
    return hashes.sort()
  }

  it('writes a held run whose records came over its own port, whether they arrive before or after `record`', async () => {
    const store = await open()
    const holdRun = runHolder(store)
    if (holdRun === undefined) throw new Error('a threaded ledger holds runs')
    const finishedAt = () => '2026-12-01T10:00:05.000Z'
    // Sent first (several 1 MB pieces), then recorded.
    const first = entries('held-a', 600, 4000)
    const a = holdRun()
    sendHeldRun(a.port, first)
    const { runId: runA } = await a.record(run([], finishedAt))
    // Recorded first: the writer waits for the records' end.
    const second = entries('held-b', 600, 4000)
    const b = holdRun()
    const recordB = b.record(run([], finishedAt))
    await new Promise((resolve) => setTimeout(resolve, 50))
    sendHeldRun(b.port, second)
    const { runId: runB } = await recordB
    const sent = (list: LedgerEntry[]) => list.map((e) => sha256(e.content)).sort()
    expect(await storedEvidence(store, runA)).toEqual(sent(first))
    expect(await storedEvidence(store, runB)).toEqual(sent(second))
    expect((await verifyStore(store, { pinnedKey: signer.fingerprint })).ok).toBe(true)
  }, 60_000)

  it('never writes part of a held run, and writes nothing of a discarded one', async () => {
    const store = await open()
    const holdRun = runHolder(store)
    if (holdRun === undefined) throw new Error('a threaded ledger holds runs')
    const finishedAt = () => '2026-12-01T10:00:05.000Z'
    const part = holdRun()
    part.port.postMessage({ type: 'entries', entries: entries('part', 5) } satisfies ToHeldRun)
    part.port.postMessage({ type: 'end', count: 6 } satisfies ToHeldRun)
    await expect(part.record(run([], finishedAt))).rejects.toThrow(/5 of 6 records/)
    const dropped = holdRun()
    sendHeldRun(dropped.port, entries('dropped', 5))
    dropped.discard()
    const { runId } = await store.recordRun(run(entries('kept', 3), finishedAt))
    expect((await store.runs()).map((r) => [r.id, r.status])).toEqual([[runId, 'complete']])
    expect(await storedEvidence(store, runId)).toHaveLength(3)
  }, 60_000)

  it('lets reads on the main connection go on during the write, and makes its writes wait, not block', async () => {
    const store = await open()
    let during: { head: Promise<{ seq: number }>; remember: Promise<void> } | undefined
    // Asked from inside the thread's transaction, which holds the file's write lock: a write on this
    // thread that waited inside SQLite would hold the loop that must answer the signature (10 s, BUSY).
    const recorded = store.recordRun(
      run(entries('d', 2000, 4000), () => {
        during = {
          head: store.head(),
          remember: store.remember([{ key: 'during-the-write', blobRef: 'sha256:0' }]),
        }
        return '2026-12-01T10:00:05.000Z'
      }),
    )
    const order: string[] = []
    await Promise.all([
      recorded?.then(() => order.push('recorded')),
      new Promise<void>((resolve) => {
        const wait = (): void => {
          if (during === undefined) return void setTimeout(wait, 5)
          void Promise.all([
            during.head.then((head) => {
              order.push('read')
              // The last commit: the run being written is not in it yet.
              expect(head.seq).toBe(0)
            }),
            during.remember.then(() => order.push('written')),
          ]).then(() => resolve())
        }
        wait()
      }),
    ])
    expect(order).toEqual(['read', 'recorded', 'written'])
    expect(await store.cached('during-the-write')).toBe('sha256:0')
    expect((await store.runs()).map((r) => r.status)).toEqual(['complete'])
  }, 60_000)
})

describe.skipIf(!existsSync(builtWriter))(
  'the ledger writer thread on PostgreSQL (run `npm run build` first)',
  () => {
    const adminUrl = process.env.TRUSTCTL_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
    // A database of its own: the writer opens the store as `trustctl serve` does, in schema trustctl.
    const database = `trustctl_writer_${process.pid}_${Date.now().toString(36)}`
    const url = Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString()
    const admin = async (sql: string): Promise<void> => {
      const client = new pg.Client({ connectionString: adminUrl })
      await client.connect()
      try {
        await client.query(sql)
      } finally {
        await client.end()
      }
    }
    let ledger: AssessmentStore | undefined
    afterAll(async () => {
      await ledger?.close()
      await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
    })

    it('writes whole runs on its own connection: all of a run or nothing, signed by the main thread', async () => {
      await admin(`CREATE DATABASE ${database}`)
      const loaded = { config: { store: { backend: 'postgres', url } }, file: '', root: os.tmpdir() }
      const store = await openStore(loaded as unknown as LoadedConfig, {})
      const threaded = await threadedLedger(store, loaded as unknown as LoadedConfig, {}, builtWriter)
      ledger = threaded
      const recordRun = threaded.recordRun?.bind(threaded)
      if (recordRun === undefined) throw new Error('no recordRun')
      const failing = recordRun(
        run(entries('pg-a', 40, 50_000), () => {
          throw new Error('no clock (injected)')
        }),
      )
      await expect(failing).rejects.toThrow(/no clock \(injected\)/)
      expect(await threaded.runs()).toEqual([])
      const { runId } = await recordRun(run(entries('pg-b', 40, 50_000), () => '2026-12-01T10:00:05.000Z'))
      expect(await threaded.runs()).toMatchObject([{ id: runId, status: 'complete', records: 43 }])
      expect((await verifyStore(threaded, { pinnedKey: signer.fingerprint })).ok).toBe(true)
    }, 60_000)
  },
)
