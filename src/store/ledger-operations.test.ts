import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import type { AssessmentModel } from '../core/assessment.js'
import type { EvidenceItem } from '../core/evidence.js'
import { canonicalBytes, type LedgerEntry, sha256 } from '../core/ledger.js'
import { findingsPerRecord, runEvidenceId } from '../core/ledger-entries.js'
import { ed25519Signer } from '../core/ledger-manifest.js'
import type { AssessmentStore } from '../core/store.js'
import {
  beginAssessmentRecording,
  latestRun,
  listedHashes,
  RunAppender,
  recordAssessment,
  recordRepeatedAssessment,
  verifyStore,
} from './ledger-operations.js'
import { recordBlobRefSql } from './sqlite/record-layout.js'
import { SqliteStore } from './sqlite/sqlite-store.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-findings-parts-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
const at = '2026-11-01T00:00:00.000Z'

const findings = (n: number): AssessmentModel['findings'] =>
  Array.from({ length: n }, (_, i) => ({
    check: 'kubernetes/workload-runs-as-non-root',
    status: i % 3 === 0 ? 'fail' : 'pass',
    severity: 'high',
    subject: { kind: 'Deployment', name: `svc-${i}`, namespace: 'team-1', file: 'deploy/a.yaml' },
    message: i % 3 === 0 ? 'may run as root: app' : 'every container sets runAsNonRoot',
    controls: ['access.least-privilege'],
    criteria: ['CC6.1'],
  }))

const model = (n: number): AssessmentModel =>
  ({
    generatedAt: at,
    asOf: '2026-11-30',
    configHash: 'abc',
    findings: findings(n),
    controls: [],
    gaps: [],
  }) as unknown as AssessmentModel

const entry = (kind: LedgerEntry['kind'], id: string, content: unknown): LedgerEntry => ({
  kind,
  id,
  source: 'trustctl',
  collector: 'trustctl',
  collectorVersion: '0.1.0',
  collectedAt: at,
  effectiveAt: at,
  content: canonicalBytes(content),
})

/** A new SQLite store in its own folder under the test's temporary one, and its database file. */
function newStore(name: string): { file: string; store: SqliteStore } {
  const file = path.join(dir, name, 'trustctl.db')
  return { file, store: new SqliteStore(file) }
}

/** `n` namespaces, as the Kubernetes collector reads them: evidence for a run to record. */
const namespaces = (n: number): EvidenceItem[] =>
  Array.from(
    { length: n },
    (_, i) =>
      ({
        kind: 'k8s.namespace',
        resourceKind: 'Namespace',
        name: `ns-${i}`,
        file: 'ns.yaml',
      }) as EvidenceItem,
  )

/** Records a run of this model alone (no evidence, no inputs) the way trustctl does: recordAssessment. */
const recordModel = (store: AssessmentStore, recorded: AssessmentModel): Promise<unknown> =>
  recordAssessment(store, { model: recorded, evidence: [], inputs: [], signer, toolVersion: '0.1.0' })

/**
 * Writes and seals a run of exactly these entries, bypassing recordAssessment: how a run recorded by
 * an earlier version, or a hand-made one, reaches the store.
 */
async function recordByHand(store: AssessmentStore, entries: readonly LedgerEntry[]): Promise<void> {
  const runId = await store.beginRun({ startedAt: at, toolVersion: '0.1.0', signer })
  await store.append(runId, entries)
  await store.finishRun(runId, at, signer)
}

/** A model record listing its findings in this one part, which is said to hold `count` findings. */
function modelInOnePart(recorded: AssessmentModel, count: number): LedgerEntry[] {
  const { findings: inline, ...rest } = recorded
  const part = entry('findings', 'findings:0', inline)
  const listed = {
    count,
    parts: [{ id: 'findings:0', contentHash: sha256(part.content), count: inline.length }],
  }
  return [part, entry('assessment', 'assessment', { ...rest, findingsParts: listed })]
}

describe('an assessment with its findings in parts', () => {
  const count = 2 * findingsPerRecord + 1

  it('keeps the findings as records of bounded size, the model listing them, and reads them back whole', async () => {
    const { file, store } = newStore('parts')
    const recorded = model(count)
    await recordModel(store, recorded)
    const run = await latestRun(store)
    expect(run?.model.findings).toEqual(recorded.findings)
    expect(run?.model).not.toHaveProperty('findingsParts')
    expect((await verifyStore(store)).ok).toBe(true)
    await store.close()

    const db = new Database(file, { readonly: true })
    const parts = db.prepare("SELECT id FROM ledger_record WHERE kind = 'findings' ORDER BY seq").all() as {
      id: string
    }[]
    expect(parts.map((p) => p.id)).toEqual(['findings:0', 'findings:1', 'findings:2'])
    const stored = db
      .prepare(
        "SELECT CAST(COALESCE(r.bytes, b.bytes) AS TEXT) AS text FROM ledger_record r LEFT JOIN ledger_blob b ON b.ref = 'sha256:' || r.content_hash WHERE r.kind = 'assessment'",
      )
      .get() as { text: string }
    db.close()
    const inRecord = JSON.parse(stored.text) as Record<string, unknown>
    // The model record holds the parts' hashes, never the findings themselves.
    expect(inRecord).not.toHaveProperty('findings')
    expect(inRecord.findingsParts).toMatchObject({
      count,
      parts: [{ count: findingsPerRecord }, {}, { count: 1 }],
    })
  })

  it('refuses a run whose findings record was edited, naming the record', async () => {
    const { file, store } = newStore('edited')
    await recordModel(store, model(count))
    await store.close()
    const db = new Database(file)
    // A failing finding turned into a pass in the middle part.
    // The part's blob is in ledger_blob when large, else in its record's row (sqlite/record-layout.ts).
    const ref = `(SELECT ${recordBlobRefSql} FROM ledger_record WHERE kind = 'findings' AND id = 'findings:1')`
    for (const [table, where] of [
      ['ledger_blob', `ref = ${ref}`],
      ['ledger_record', `bytes IS NOT NULL AND ${recordBlobRefSql} = ${ref}`],
    ])
      db.prepare(
        `UPDATE ${table} SET bytes = CAST(replace(CAST(bytes AS TEXT), 'may run as root: app', 'every container sets it') AS BLOB)
         WHERE ${where}`,
      ).run()
    db.close()
    const tampered = new SqliteStore(file)
    await expect(latestRun(tampered)).rejects.toThrow(
      /findings record findings:1: stored content does not match/,
    )
    await tampered.close()
  })

  it('still reads a run recorded before parts, with its findings inline in the model', async () => {
    const { store } = newStore('inline')
    const old = model(3)
    await recordByHand(store, [
      entry('findings', 'findings', old.findings),
      entry('assessment', 'assessment', old),
    ])
    expect((await latestRun(store))?.model.findings).toEqual(old.findings)
    await store.close()
  })

  it('refuses a model whose parts do not add up to the findings it lists', async () => {
    const { store } = newStore('short')
    await recordByHand(store, modelInOnePart(model(2), 3))
    await expect(latestRun(store)).rejects.toThrow(/hold 2 findings, the assessment lists 3/)
    await store.close()
  })

  it('still reads parts written as the plain list of findings, before the compact layout', async () => {
    const { store } = newStore('plain-parts')
    const plain = model(5)
    await recordByHand(store, modelInOnePart(plain, 5))
    expect((await latestRun(store))?.model.findings).toEqual(plain.findings)
    await store.close()
  })

  it('writes its parts in the compact layout, a fraction of the plain list', async () => {
    const { file, store } = newStore('compact')
    const recorded = model(1000)
    await recordModel(store, recorded)
    await store.close()
    const db = new Database(file, { readonly: true })
    const row = db
      .prepare(
        `SELECT COALESCE(r.bytes, b.bytes) AS bytes FROM ledger_record r
         LEFT JOIN ledger_blob b ON b.ref = ${recordBlobRefSql.replaceAll('blob_ref', 'r.blob_ref').replaceAll('content_hash', 'r.content_hash')}
         WHERE r.kind = 'findings'`,
      )
      .get() as { bytes: Buffer }
    db.close()
    expect(JSON.parse(row.bytes.toString('utf8'))).toMatchObject({ layout: 2 })
    expect(row.bytes.byteLength * 3).toBeLessThan(canonicalBytes(recorded.findings).byteLength)
  })
})

describe('evidence bytes the caller already made', () => {
  it('are recorded as they are, not serialised again, and the ledger verifies', async () => {
    const { store } = newStore('evidence-bytes')
    const items = namespaces(3)
    const asked: EvidenceItem[] = []
    await recordAssessment(store, {
      model: model(1),
      evidence: items,
      inputs: [],
      signer,
      toolVersion: '0.1.0',
      evidenceHash: (item) => sha256(canonicalBytes(item)),
      evidenceBytes: (item) => {
        asked.push(item)
        return canonicalBytes(item)
      },
    })
    expect(asked).toEqual(items)
    expect((await verifyStore(store)).ok).toBe(true)
    await store.close()
  })
})

describe('the evidence the latest run holds', () => {
  it('is read from its list alone: a run that lists its evidence has none of its evidence records read', async () => {
    const { store } = newStore('held-by-list')
    const request = { model: model(1), inputs: [], signer, toolVersion: '0.1.0' }
    await recordAssessment(store, { ...request, evidence: namespaces(3) })
    const scan = store.scan.bind(store)
    const read: string[] = []
    store.scan = async function* (query) {
      for await (const scanned of scan(query)) {
        read.push(scanned.record.kind)
        yield scanned
      }
    }
    const next = await recordAssessment(store, { ...request, evidence: namespaces(4) })
    expect(read).not.toContain('evidence')
    // Only the new item is recorded; the three held are listed.
    const recorded: string[] = []
    for await (const { record } of scan({ runId: next.runId, kinds: ['evidence'], withBlobs: false }))
      recorded.push(record.id)
    expect(recorded).toEqual(['k8s.namespace:ns-3'])
    expect((await latestRun(store))?.evidenceCount).toBe(4)
    expect((await verifyStore(store)).ok).toBe(true)
    await store.close()
  })
})

describe('a run appended in batches', () => {
  it('writes the run in one append between its start and seal, the same records as one append per group', async () => {
    const items = namespaces(3)
    const request = {
      model: model(3),
      evidence: items,
      inputs: [],
      signer,
      toolVersion: '0.1.0',
      evidenceHash: (item: EvidenceItem) => sha256(canonicalBytes(item)),
      extraEntries: [
        entry('evidence-set', 'parse:a.yaml', { a: 1 }),
        entry('evidence-set', 'parse:b.yaml', { b: 2 }),
      ],
      findings: { key: 'k' },
    }
    const { store: batched } = newStore('batched')
    const appends: number[] = []
    const captured: LedgerEntry[] = []
    const append = batched.append.bind(batched)
    batched.append = (runId, entries, hashes) => {
      appends.push(entries.length)
      captured.push(...entries)
      return append(runId, entries, hashes)
    }
    await recordAssessment(batched, request)
    // 3 evidence, their list, 2 parse results, 1 findings part, the findings list and the model.
    expect(appends).toEqual([9])
    expect((await verifyStore(batched)).ok).toBe(true)

    // The same entries appended one group at a time chain to the same records: only transactions differ.
    const { store: grouped } = newStore('grouped')
    const runId = await grouped.beginRun({ startedAt: at, toolVersion: '0.1.0', signer })
    for (const one of captured) await grouped.append(runId, [one])
    const rows = async (store: SqliteStore) => {
      const out: string[] = []
      for await (const { record } of store.scan({ runId: 1, withBlobs: false }))
        if (record.kind !== 'manifest') out.push(`${record.seq} ${record.kind} ${record.id} ${record.hash}`)
      return out
    }
    expect(await rows(grouped)).toEqual(await rows(batched))
    await batched.close()
    await grouped.close()
  })
})

describe('an assessment recorded in two steps', () => {
  const items = namespaces(3)
  const parsed = [entry('evidence-set', 'parse:a.yaml', { a: 1 })]
  const results = [entry('evidence-set', 'check:x', { check: 'x' })]
  const rows = async (store: SqliteStore) => {
    const out: string[] = []
    for await (const { record } of store.scan({ runId: 1, withBlobs: false }))
      if (record.kind !== 'manifest' && record.kind !== 'run-start' && record.kind !== 'signing-key')
        out.push(`${record.kind} ${record.id} ${record.contentHash}`)
    return out
  }

  it('has its evidence and parse results in the store before the model exists, and records what one step does', async () => {
    const { store: whole } = newStore('one-step')
    await recordAssessment(whole, {
      model: model(3),
      evidence: items,
      inputs: [],
      signer,
      toolVersion: '0.1.0',
      extraEntries: [...parsed, ...results],
      findings: { key: 'k' },
    })
    const { store: split } = newStore('two-steps')
    const recording = await beginAssessmentRecording(split, {
      evidence: items,
      inputs: [],
      signer,
      toolVersion: '0.1.0',
      generatedAt: at,
      extraEntries: parsed,
    })
    await recording.flush()
    // Written before any check runs: the evidence, its list and the parse results, nothing of the model yet.
    const before = await rows(split)
    expect(before.map((row) => row.split(' ').slice(0, 2).join(' '))).toEqual([
      'evidence k8s.namespace:ns-0',
      'evidence k8s.namespace:ns-1',
      'evidence k8s.namespace:ns-2',
      `evidence-set ${runEvidenceId}`,
      'evidence-set parse:a.yaml',
    ])
    await recording.finish({ model: model(3), extraEntries: results, findings: { key: 'k' } })
    expect(await rows(split)).toEqual(await rows(whole))
    expect((await verifyStore(split)).ok).toBe(true)
    // Sealed once: a second finish would append to a signed run.
    await expect(recording.finish({ model: model(3) })).rejects.toThrow(/already recorded/)
    await whole.close()
    await split.close()
  })

  it('refuses a model generated at another time than the run began', async () => {
    const { store } = newStore('two-steps-late')
    const recording = await beginAssessmentRecording(store, {
      evidence: items,
      inputs: [],
      signer,
      toolVersion: '0.1.0',
      generatedAt: '2026-11-02T00:00:00.000Z',
    })
    await expect(recording.finish({ model: model(1) })).rejects.toThrow(/began at 2026-11-02/)
    await store.close()
  })
})

describe('RunAppender', () => {
  const tiny = entry('evidence', 'e', { a: 1 })
  const fake = () => {
    const calls: { count: number; hashes: readonly string[] | undefined }[] = []
    const store = {
      append: async (_runId: number, entries: readonly LedgerEntry[], hashes?: readonly string[]) => {
        calls.push({ count: entries.length, hashes })
        return []
      },
    }
    return { store, calls }
  }

  it('writes a batch every 5,000 records and the rest at the flush', async () => {
    const { store, calls } = fake()
    const appender = new RunAppender(store, 1)
    await appender.add(Array.from({ length: 5001 }, () => tiny))
    expect(calls.map((c) => c.count)).toEqual([5000])
    await appender.flush()
    await appender.flush()
    expect(calls.map((c) => c.count)).toEqual([5000, 1])
  })

  it('writes a batch once it holds 8 MiB of content', async () => {
    const { store, calls } = fake()
    const appender = new RunAppender(store, 1)
    const large = { ...tiny, content: new Uint8Array(3 * 1024 * 1024) }
    await appender.add([large, large])
    expect(calls).toEqual([])
    await appender.add([large])
    expect(calls.map((c) => c.count)).toEqual([3])
  })

  it('passes given hashes, and the content hash of the entries without one', async () => {
    const { store, calls } = fake()
    const appender = new RunAppender(store, 1)
    const other = entry('assessment', 'assessment', { b: 2 })
    await appender.add([tiny], ['f'.repeat(64)])
    await appender.add([other])
    await appender.flush()
    expect(calls[0]?.hashes).toEqual(['f'.repeat(64), sha256(other.content)])
    await appender.add([other])
    await appender.flush()
    expect(calls[1]?.hashes).toBeUndefined()
  })
})

describe('listedHashes', () => {
  const hash = 'a'.repeat(64)

  it('reads the hashes of a run-evidence list', () => {
    expect(listedHashes({ evidence: [hash, 'b'.repeat(64)] })).toEqual([hash, 'b'.repeat(64)])
    expect(listedHashes({ evidence: [] })).toEqual([])
  })

  it('refuses anything else', () => {
    for (const value of [
      null,
      'x',
      [hash],
      {},
      { evidence: hash },
      { evidence: [hash, 7] },
      { evidence: ['A'.repeat(64)] },
      { evidence: [`${hash}0`] },
      { evidence: [`${hash}\n`] },
    ])
      expect(listedHashes(value)).toBeUndefined()
  })
})

describe('a repeated assessment', () => {
  /** The store's records as (kind, id, content hash), in order. */
  const records = async (store: AssessmentStore): Promise<string[]> => {
    const out: string[] = []
    for await (const { record } of store.scan({ withBlobs: false }))
      if (record.kind !== 'manifest') out.push(`${record.kind} ${record.id} ${record.contentHash}`)
    return out
  }
  const request = {
    model: model(2),
    modelContent: canonicalBytes({ repeated: true }),
    evidence: [sha256('a'), sha256('b')],
    findingsList: canonicalBytes({ key: 'k', parts: [] }),
    signer,
    toolVersion: '0.1.0',
  }

  it('is written in one transaction where the store can (recordRun), the same records as run by run', async () => {
    const { store: whole } = newStore('repeat-whole')
    const { store: stepwise } = newStore('repeat-steps')
    try {
      // Run by run would call these: the store that can write a run whole must not be asked to.
      const refuse = (): never => {
        throw new Error('written run by run')
      }
      const oneWrite = Object.assign(Object.create(whole) as SqliteStore, {
        beginRun: refuse,
        append: refuse,
        finishRun: refuse,
      })
      const { runId, manifest } = await recordRepeatedAssessment(oneWrite, request)
      expect(manifest.manifest.runId).toBe(runId)
      // A store without recordRun writes it run by run.
      const noRecordRun = Object.assign(Object.create(stepwise) as SqliteStore, { recordRun: undefined })
      await recordRepeatedAssessment(noRecordRun, request)
      expect(await records(whole)).toEqual(await records(stepwise))
      expect(await records(whole)).toContain(`assessment assessment ${sha256(request.modelContent)}`)
      expect((await verifyStore(whole)).ok).toBe(true)
      expect((await verifyStore(stepwise)).ok).toBe(true)
    } finally {
      await whole.close()
      await stepwise.close()
    }
  })
})
