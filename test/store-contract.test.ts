import { generateKeyPairSync } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { LedgerWriterThread, withLedgerWriter } from '../src/app/ledger-writer-thread.js'
import type { AssessmentModel } from '../src/core/assessment.js'
import type { EvidenceItem } from '../src/core/evidence.js'
import {
  canonicalBytes,
  chainRecords,
  type LedgerEntry,
  type LedgerRecord,
  sha256,
} from '../src/core/ledger.js'
import { ed25519Signer } from '../src/core/ledger-manifest.js'
import type { AssessmentStore } from '../src/core/store.js'
import { ingestInputs } from '../src/store/ingest.js'
import { latestRun, recordAssessment, runEvidence, verifyStore } from '../src/store/ledger-operations.js'
import { extractPopulation } from '../src/store/ledger-period.js'
import { PostgresStore } from '../src/store/postgres/postgres-store.js'
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js'

/** One contract, every backend: each test gets a fresh store and a way to reach under it with SQL. */
interface Harness {
  store: AssessmentStore
  reopen(): Promise<AssessmentStore>
  /** Raw SQL against the store's tables (`?` placeholders), as an attacker with database access. */
  sql(statement: string, params?: unknown[]): Promise<void>
  dispose(): Promise<void>
}

const pgUrl = process.env.TRUSTCTL_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const tmp = mkdtempSync(path.join(os.tmpdir(), 'trustctl-contract-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
let counter = 0
const builtWriter = path.resolve(import.meta.dirname, '..', 'dist', 'src', 'app', 'ledger-writer-worker.js')

const backends: { name: string; open: () => Promise<Harness> }[] = [
  {
    name: 'sqlite',
    open: async () => {
      const file = path.join(tmp, `s${++counter}`, 'trustctl.db')
      const store = new SqliteStore(file)
      const opened: AssessmentStore[] = [store]
      return {
        store,
        reopen: async () => {
          const again = new SqliteStore(file)
          opened.push(again)
          return again
        },
        sql: async (statement, params = []) => {
          const db = new Database(file)
          db.prepare(statement).run(...params)
          db.close()
        },
        dispose: async () => {
          for (const s of opened) await s.close().catch(() => undefined)
        },
      }
    },
  },
  // `trustctl serve` on SQLite, built: whole runs (pushes) written by the ledger writer thread on a
  // connection of its own (npm run build first; from sources the server writes inline, as above).
  ...(existsSync(builtWriter)
    ? [
        {
          name: 'sqlite, whole runs on the writer thread',
          open: async (): Promise<Harness> => {
            const root = path.join(tmp, `w${++counter}`)
            const file = path.join(root, 'store', 'trustctl.db')
            const plain = new SqliteStore(file)
            const loaded = { config: { store: { backend: 'sqlite', path: 'store' } }, file: '', root }
            const writer = await LedgerWriterThread.start({ loaded: loaded as never, env: {} }, builtWriter)
            const store = await withLedgerWriter(plain, writer, file)
            const opened: AssessmentStore[] = [store]
            return {
              store,
              reopen: async () => {
                const again = new SqliteStore(file)
                opened.push(again)
                return again
              },
              sql: async (statement, params = []) => {
                const db = new Database(file)
                db.prepare(statement).run(...params)
                db.close()
              },
              dispose: async () => {
                for (const s of opened) await s.close().catch(() => undefined)
              },
            }
          },
        },
      ]
    : []),
  {
    name: 'postgres',
    open: async () => {
      // A schema per test and process, so parallel runs never see each other's rows.
      const schema = `trustctl_test_${process.pid}_${++counter}_${Date.now().toString(36)}`
      const store = await PostgresStore.open(pgUrl, schema)
      const opened: PostgresStore[] = [store]
      return {
        store,
        reopen: async () => {
          const again = await PostgresStore.open(pgUrl, schema)
          opened.push(again)
          return again
        },
        sql: async (statement, params = []) => {
          const client = new pg.Client({ connectionString: pgUrl })
          await client.connect()
          let n = 0
          await client.query(`SET search_path TO ${schema}`)
          await client.query(
            statement.replace(/\?/g, () => `$${++n}`),
            params,
          )
          await client.end()
        },
        dispose: async () => {
          for (const s of opened) await s.close().catch(() => undefined)
          // Through a connection of its own: the test may have closed the store already.
          const client = new pg.Client({ connectionString: pgUrl })
          await client.connect()
          await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
          await client.end()
        },
      }
    },
  },
]

/** In CI the PostgreSQL contract must run: an unreachable server fails the suite instead of skipping it. */
async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.end()
    return true
  } catch {
    return false
  }
}
const pgUp = await postgresReachable()

const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey)

const model = (generatedAt: string, readiness = 50): AssessmentModel =>
  ({
    generatedAt,
    asOf: '2026-11-30',
    configHash: 'abc',
    findings: [{ check: 'x/y', status: 'pass' }],
    controls: [
      {
        id: 'access.review',
        manualEvidence: [
          { id: 'quarterly-access-review', status: 'current', lastDate: '2026-10-01', by: 'ana' },
        ],
      },
    ],
    gaps: [],
    summary: { readiness },
  }) as unknown as AssessmentModel

const evidence = (name: string): EvidenceItem =>
  ({
    kind: 'container.dockerfile',
    resourceKind: 'Dockerfile',
    name,
    file: `${name}/Dockerfile`,
    line: 1,
    stages: [],
    finalStage: 0,
    variables: [],
    copies: [],
  }) as unknown as EvidenceItem

const record = (store: AssessmentStore, at: string, items: EvidenceItem[]) =>
  recordAssessment(store, {
    model: model(at),
    evidence: items,
    inputs: items.map((i) => ({ file: i.file, collector: 'dockerfile' })),
    signer,
    toolVersion: '0.1.0',
  })

for (const backend of backends) {
  describe(`store contract: ${backend.name}`, () => {
    if (backend.name === 'postgres' && !pgUp) {
      if (process.env.CI) {
        it('reaches the PostgreSQL server', () => {
          expect.fail(
            `PostgreSQL is unreachable at ${pgUrl}; CI must run the Postgres contract (see .ci/run)`,
          )
        })
        return
      }
      it.skip(`PostgreSQL unreachable at ${pgUrl} (outside CI)`, () => undefined)
      return
    }
    const withStore = async (fn: (h: Harness) => Promise<void>): Promise<void> => {
      const harness = await backend.open()
      try {
        await fn(harness)
      } finally {
        await harness.dispose()
      }
    }

    it('starts empty and verifies', () =>
      withStore(async ({ store }) => {
        expect(await store.runs()).toEqual([])
        expect(await latestRun(store)).toBeUndefined()
        expect(await verifyStore(store)).toMatchObject({ ok: true, records: 0 })
      }))

    it('writes a whole run in one transaction (recordRun): all of it, or on a failure nothing', () =>
      withStore(async ({ store }) => {
        const recordRun = store.recordRun?.bind(store)
        expect(recordRun).toBeDefined()
        if (recordRun === undefined) return
        // 2 MB of evidence: several slices, so the failure below strikes after many writes.
        const entries = Array.from({ length: 20 }, (_, i) => ({
          kind: 'evidence' as const,
          id: `whole-${i}`,
          source: 'push:contract',
          collector: 'contract',
          collectorVersion: 'test',
          collectedAt: '2026-11-05T00:00:00.000Z',
          effectiveAt: '2026-11-05T00:00:00.000Z',
          content: canonicalBytes({ kind: 'k8s.namespace', name: `whole-${i}`, note: 'x'.repeat(100_000) }),
        }))
        const start = { startedAt: '2026-11-05T00:00:00.000Z', toolVersion: 'test', signer }
        const failing = recordRun({
          ...start,
          entries,
          finishedAt: () => {
            throw new Error('stopped after the entries were written (injected)')
          },
        })
        await expect(failing).rejects.toThrow('injected')
        expect(await store.runs()).toEqual([])
        expect(await store.head()).toMatchObject({ seq: 0 })
        expect(await store.blob(`sha256:${sha256(entries[0]?.content ?? '')}`)).toBeUndefined()
        const { runId } = await recordRun({ ...start, entries, finishedAt: () => '2026-11-05T00:01:00.000Z' })
        const [run] = await store.runs()
        expect(run).toMatchObject({ id: runId, status: 'complete' })
        expect(await verifyStore(store)).toMatchObject({ ok: true, manifests: 1 })
      }))

    it('anchors in the manifest the last record of each kind and id a repeat reads, whichever way the run is written', () =>
      withStore(async ({ store }) => {
        const entry = (kind: LedgerEntry['kind'], id: string, n: number): LedgerEntry => ({
          kind,
          id,
          source: 'trustctl',
          collector: 'trustctl',
          collectorVersion: 'test',
          collectedAt: '2026-11-05T00:00:00.000Z',
          effectiveAt: '2026-11-05T00:00:00.000Z',
          content: canonicalBytes({ id, n }),
        })
        const entries = [
          entry('evidence-set', 'whole-run', 1),
          entry('evidence', 'k8s.namespace:a', 2),
          entry('evidence-set', 'run-evidence', 3),
          entry('evidence-set', 'whole-run', 4),
          entry('evidence-set', 'parse:a.yaml', 5),
          entry('assessment', 'assessment', 6),
        ]
        const start = { startedAt: '2026-11-05T00:00:00.000Z', toolVersion: 'test', signer }
        const runId = await store.beginRun(start)
        const appended = await store.append(runId, entries)
        const { manifest } = await store.finishRun(runId, '2026-11-05T00:01:00.000Z', signer)
        const at = (i: number) => {
          const r = appended[i] as LedgerRecord
          return { seq: r.seq, kind: r.kind, id: r.id, hash: r.hash }
        }
        // The second whole-run record, not the first: the one a reader of the whole run takes.
        expect(manifest.anchors).toEqual([at(2), at(3), at(5)])
        const whole = await store.recordRun?.({
          ...start,
          entries,
          finishedAt: () => '2026-11-05T00:02:00.000Z',
        })
        expect(whole?.manifest.manifest.anchors?.map((a) => `${a.kind} ${a.id}`)).toEqual([
          'evidence-set run-evidence',
          'evidence-set whole-run',
          'assessment assessment',
        ])
        // A run holding none of those records signs no anchors at all.
        const other = await store.beginRun(start)
        await store.append(other, [entry('evidence', 'k8s.namespace:b', 7)])
        expect(
          (await store.finishRun(other, '2026-11-05T00:03:00.000Z', signer)).manifest.anchors,
        ).toBeUndefined()
        expect(await verifyStore(store)).toMatchObject({ ok: true, manifests: 3 })
      }))

    it('keeps every run with its evidence, finding set and attestations, and signs it', () =>
      withStore(async ({ store, reopen }) => {
        const first = await record(store, '2026-11-01T00:00:00.000Z', [evidence('a')])
        const second = await record(store, '2026-11-02T00:00:00.000Z', [
          evidence('a'),
          evidence('b'),
          evidence('b'),
        ])
        expect(second.manifest.manifest).toMatchObject({
          runId: second.runId,
          keyFingerprint: signer.fingerprint,
        })
        await store.close()
        const again = await reopen()
        const latest = await latestRun(again)
        expect(latest).toMatchObject({
          id: second.runId,
          generatedAt: '2026-11-02T00:00:00.000Z',
          evidenceCount: 2,
        })
        expect((await runEvidence(again, second.runId)).map((e) => e.item.name).sort()).toEqual(['a', 'b'])
        const runs = await again.runs()
        expect(runs.map((r) => [r.id, r.status])).toEqual([
          [first.runId, 'complete'],
          [second.runId, 'complete'],
        ])
        const kinds: string[] = []
        const blobRefs = new Map<string, number>()
        for await (const { record: r } of again.scan({ runId: second.runId })) {
          kinds.push(r.kind)
          blobRefs.set(r.blobRef, (blobRefs.get(r.blobRef) ?? 0) + 1)
        }
        // Evidence the first run recorded ('a') is not recorded again: the second run records only 'b'
        // and lists all it read by content hash, so both are kept once, under one blob address each.
        expect(kinds).toEqual([
          'run-start',
          'evidence',
          'evidence-set',
          'attestation',
          'findings',
          'assessment',
          'manifest',
        ])
        const firstRefs = new Set<string>()
        for await (const { record: r } of again.scan({ runId: first.runId, kinds: ['evidence'] }))
          firstRefs.add(r.blobRef)
        const listed = (await runEvidence(again, second.runId)).map((e) => `sha256:${e.hash}`)
        expect([...firstRefs].every((ref) => listed.includes(ref) && !blobRefs.has(ref))).toBe(true)
        const report = await verifyStore(again)
        expect(report).toMatchObject({ ok: true, manifests: 2, problemCount: 0 })
        expect(report.keys.map((k) => k.fingerprint)).toEqual([signer.fingerprint])
      }))

    it('appends only to open runs, all or nothing', () =>
      withStore(async ({ store }) => {
        const { runId } = await record(store, '2026-11-01T00:00:00.000Z', [])
        await expect(store.append(runId, [])).rejects.toThrow(/run \d+ is complete, not open/)
        await expect(store.append(999, [])).rejects.toThrow(/run 999 does not exist/)
      }))

    it('leaves an interrupted run incomplete and the store verifiable', () =>
      withStore(async ({ store }) => {
        await record(store, '2026-11-01T00:00:00.000Z', [evidence('a')])
        const open = await store.beginRun({
          startedAt: '2026-11-02T00:00:00.000Z',
          toolVersion: '0.1.0',
          signer,
        })
        const report = await verifyStore(store)
        expect(report).toMatchObject({ ok: true, incompleteRuns: [open] })
        expect((await latestRun(store))?.generatedAt).toBe('2026-11-01T00:00:00.000Z')
      }))

    it('detects tampering under the store: edited byte, deleted record, swapped seq, swapped or missing blob', () =>
      withStore(async (harness) => {
        await record(harness.store, '2026-11-01T00:00:00.000Z', [evidence('a'), evidence('b')])
        await harness.store.close()
        // SQLite keeps small blobs in their record's row (sqlite/record-layout.ts), PostgreSQL in ledger_blob.
        const oneRow = backend.name.startsWith('sqlite')
        const trials: [string, string, unknown[], RegExp][] = [
          [
            'edit',
            "UPDATE ledger_record SET source = 'b/Dockerfilf' WHERE source = 'b/Dockerfile'",
            [],
            /edited/,
          ],
          ['delete', 'DELETE FROM ledger_record WHERE seq = 3', [], /record 3 is missing/],
          [
            'reorder',
            'UPDATE ledger_record SET seq = -seq WHERE seq IN (3, 4)',
            [],
            /out of order|edited|missing/,
          ],
          [
            'delete blob',
            oneRow
              ? "UPDATE ledger_record SET bytes = NULL WHERE kind = 'findings'"
              : "DELETE FROM ledger_blob WHERE ref IN (SELECT blob_ref FROM ledger_record WHERE kind = 'findings')",
            [],
            /is missing from the store/,
          ],
          [
            'swap blob',
            oneRow
              ? 'UPDATE ledger_record SET bytes = (SELECT bytes FROM ledger_record WHERE seq = 1) WHERE seq = 3'
              : 'UPDATE ledger_blob SET bytes = (SELECT bytes FROM ledger_blob WHERE ref = (SELECT blob_ref FROM ledger_record WHERE seq = 1)) WHERE ref = (SELECT blob_ref FROM ledger_record WHERE seq = 3)',
            [],
            /edited or swapped/,
          ],
        ]
        for (const [name, statement, params, expected] of trials) {
          const fresh = await backend.open()
          try {
            await record(fresh.store, '2026-11-01T00:00:00.000Z', [evidence('a'), evidence('b')])
            await fresh.sql(statement, params)
            const report = await verifyStore(fresh.store)
            expect(report.ok, name).toBe(false)
            expect(report.problems.map((p) => p.message).join('\n'), name).toMatch(expected)
          } finally {
            await fresh.dispose()
          }
        }
      }))

    it('does not parse an unchanged input again, and the run still records that it read it', () =>
      withStore(async ({ store }) => {
        let parses = 0
        const input = (name: string, bytes: string) => ({
          source: `${name}/Dockerfile`,
          collector: 'dockerfile',
          collectorVersion: '1',
          sha256: sha256(bytes),
          parse: () => {
            parses += 1
            return [
              {
                kind: 'evidence' as const,
                id: `container.dockerfile:${name}`,
                source: `${name}/Dockerfile`,
                collector: 'dockerfile',
                collectorVersion: '1',
                collectedAt: '2026-11-01T00:00:00.000Z',
                effectiveAt: '2026-11-01T00:00:00.000Z',
                content: canonicalBytes(evidence(name)),
              },
            ]
          },
        })
        const run = async (inputs: ReturnType<typeof input>[]) => {
          const runId = await store.beginRun({
            startedAt: '2026-11-01T00:00:00.000Z',
            toolVersion: '1',
            signer,
          })
          const result = await ingestInputs(store, runId, inputs, { collectedAt: '2026-11-01T00:00:00.000Z' })
          await store.finishRun(runId, '2026-11-01T00:00:01.000Z', signer)
          return result
        }
        expect(await run([input('a', 'FROM a'), input('b', 'FROM b')])).toEqual({
          inputs: 2,
          reused: 0,
          records: 4,
          ignoredCacheEntries: 0,
        })
        expect(await run([input('a', 'FROM a'), input('b', 'FROM b2')])).toEqual({
          inputs: 2,
          reused: 1,
          records: 3,
          ignoredCacheEntries: 0,
        })
        expect(parses).toBe(3)
        expect(await verifyStore(store)).toMatchObject({ ok: true, manifests: 2 })
      }))

    it("leaves a record appended after a run's manifest out of populations, and verify reports it", () =>
      withStore(async ({ store, sql }) => {
        const runId = await store.beginRun({
          startedAt: '2026-11-01T00:00:00.000Z',
          toolVersion: '1',
          signer,
        })
        const entry = (name: string) => ({
          kind: 'evidence' as const,
          id: `container.dockerfile:${name}`,
          source: `${name}/Dockerfile`,
          collector: 'dockerfile',
          collectorVersion: '1',
          collectedAt: '2026-11-01T00:00:00.000Z',
          effectiveAt: '2026-11-01T00:00:00.000Z',
          content: canonicalBytes({ name }),
        })
        await store.append(runId, [entry('a')])
        await store.finishRun(runId, '2026-11-01T00:00:01.000Z', signer)
        // The attacker chains a well-formed record after the head, claiming the sealed run.
        const head = await store.head()
        const { records, blobs } = chainRecords(head, runId, [entry('forged')])
        const [forged] = records
        const [blob] = blobs
        if (forged === undefined || blob === undefined) throw new Error('nothing forged')
        await sql('INSERT INTO ledger_blob (ref, bytes) VALUES (?, ?)', [blob.ref, Buffer.from(blob.bytes)])
        await sql(
          'INSERT INTO ledger_record (seq, id, run_id, kind, source, collector, collector_version, collected_at, effective_at, content_hash, blob_ref, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [
            forged.seq,
            forged.id,
            forged.runId,
            forged.kind,
            forged.source,
            forged.collector,
            forged.collectorVersion,
            forged.collectedAt,
            forged.effectiveAt,
            forged.contentHash,
            forged.blobRef,
            forged.prevHash,
            forged.hash,
          ],
        )
        const population = await extractPopulation(store, {
          control: 'CC8.1',
          kinds: ['container.dockerfile'],
          attestations: [],
          from: '2026-11-01',
          to: '2026-11-01',
          extractedAt: '2026-11-02T00:00:00.000Z',
        })
        expect(population.members.map((m) => m.id)).toEqual(['container.dockerfile:a'])
        const report = await verifyStore(store)
        expect(report.problems.map((p) => p.type)).toContain('record-after-manifest')
      }))

    it('remembers cached results by key', () =>
      withStore(async ({ store }) => {
        expect(await store.cached('input:abc')).toBeUndefined()
        await store.remember([{ key: 'input:abc', blobRef: 'sha256:00' }])
        await store.remember([
          { key: 'input:abc', blobRef: 'sha256:01' },
          { key: 'input:def', blobRef: 'sha256:02' },
        ])
        expect(await store.cached('input:abc')).toBe('sha256:01')
      }))
  })
}
