import { createHash } from 'node:crypto'
import { rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  config,
  deployment,
  type RerunEstate,
  replicasCheck,
  rerunEstate,
  statusOf,
} from '../../test/rerun-estate.js'
import type { AssessmentModel } from '../core/assessment.js'
import { canonicalBytesOf } from '../core/canonical-json.js'
import { runEvidenceId } from '../core/ledger-entries.js'
import type { AssessmentStore } from '../core/store.js'
import { renderMarkdown } from '../reports/markdown/render-markdown.js'
import { findingsPartsId, runById, runEvidence, verifyStore } from '../store/ledger-operations.js'
import { setBlobSql, setContentHashSql } from '../store/sqlite/record-layout.js'
import { loadConfig } from './load-config.js'
import { type Library, type LibraryLoader, runAssessment, storeFile } from './run-assessment.js'
import { wholeRunId } from './whole-run.js'

// A run whose every input is unchanged since the latest signed run repeats that run whole: nothing is
// parsed, hashed item by item or evaluated. Anything that changes (a file, a param, the as-of date)
// or anything the chain does not vouch for (an altered model, findings record or key) evaluates.

let estate: RerunEstate
let dir: string
let library: Library
beforeAll(async () => {
  estate = await rerunEstate('trustctl-whole-run-')
  dir = estate.dir
  library = estate.library
}, 120_000)
afterAll(() => estate.remove())

const assessAt = (day: string) => estate.assessAt(day)
const withStore = <T>(use: (store: AssessmentStore) => Promise<T>): Promise<T> => estate.withStore(use)

/**
 * The model as a report shows it, without what differs by run: when, which run, whether parsed, and
 * the hash of trustctl.yaml (the first run pins its key there).
 */
const comparable = (model: AssessmentModel): string =>
  canonicalBytesOf({
    ...model,
    generatedAt: '',
    configHash: '',
    ledger: undefined,
    inputs: model.inputs.map(({ reused: _reused, ...input }) => input),
  }).toString('utf8')

/** The markdown report of a model, dated and signed alike, so two runs' reports can be compared. */
const report = (model: AssessmentModel, like: AssessmentModel): string =>
  renderMarkdown({
    ...model,
    generatedAt: like.generatedAt,
    configHash: like.configHash,
    inputs: like.inputs,
    ...(like.ledger === undefined ? {} : { ledger: like.ledger }),
  })

/**
 * Rewrites the blob of each record with this kind and id (of one run, or of every run), as someone
 * with the database could; with `record`, the records are made to name the new content too.
 */
async function tamper(
  kind: string,
  id: string,
  change: (text: string) => string,
  { runId, record = false }: { runId?: number; record?: boolean },
): Promise<void> {
  const raw = new Database(storeFile(await loadConfig(undefined, dir)))
  try {
    // A blob lives in its record's row when small, in ledger_blob when large (record-layout.ts).
    const address = "COALESCE(r.blob_ref, 'sha256:' || r.content_hash)"
    const rows = raw
      .prepare(
        `SELECT r.seq, ${address} AS ref, COALESCE(r.bytes, b.bytes) AS bytes
         FROM ledger_record r LEFT JOIN ledger_blob b ON r.bytes IS NULL AND b.ref = ${address}
         WHERE r.kind = ? AND r.id = ? AND (? IS NULL OR r.run_id = ?)`,
      )
      .all(kind, id, runId ?? null, runId ?? null) as { seq: number; ref: string; bytes: Buffer }[]
    expect(rows.length).toBeGreaterThan(0)
    for (const row of rows) {
      const bytes = Buffer.from(change(row.bytes.toString('utf8')))
      expect(bytes.equals(row.bytes)).toBe(false)
      for (const sql of setBlobSql) raw.prepare(sql).run(bytes, row.ref)
      // The record made to name the new content too: then the chain no longer matches its manifest.
      if (record) {
        const hash = createHash('sha256').update(bytes).digest('hex')
        for (const sql of setContentHashSql) raw.prepare(sql).run(hash, row.seq)
        raw.prepare('UPDATE ledger_blob SET ref = ? WHERE ref = ?').run(`sha256:${hash}`, row.ref)
        raw
          .prepare('UPDATE ledger_record SET blob_ref = ? WHERE seq = ? AND blob_ref IS NOT NULL')
          .run(`sha256:${hash}`, row.seq)
      }
    }
  } finally {
    raw.close()
  }
}

describe('an unchanged re-run repeats the latest signed run whole', () => {
  let first: Awaited<ReturnType<typeof assessAt>>
  let second: Awaited<ReturnType<typeof assessAt>>

  it('reports the same findings and report, evaluating nothing', async () => {
    first = await assessAt('2026-12-01')
    expect(first.repeated).toBeUndefined()
    // The checks that read a kind collected: the rest are judged from their metadata, never cached.
    expect(first.checkResults.evaluated).toBeGreaterThan(20)
    second = await assessAt('2026-12-02')
    expect(second.repeated).toBe(first.runId)
    expect(second.checkResults).toEqual({
      reused: first.checkResults.evaluated,
      evaluated: 0,
      ignored: 0,
      notKept: 0,
      coverageReused: true,
    })
    expect(second.model.generatedAt).toBe('2026-12-02T12:00:00.000Z')
    expect(second.model.inputs.every((input) => input.reused === true)).toBe(true)
    expect(second.model.ledger?.runId).toBe(second.runId)
    expect(comparable(second.model)).toBe(comparable(first.model))
    expect(report(second.model, first.model)).toBe(report(first.model, first.model))
    expect(statusOf(second.model, replicasCheck)).toEqual(['pass'])
    // Evidence is read back from the store for the callers that keep it (the SOC 2 package).
    expect(second.evidence).toEqual(first.evidence.map((item) => JSON.parse(JSON.stringify(item))))
  }, 60_000)

  it('records a run that lists the same evidence and findings, which history reads and verify accepts', async () => {
    await withStore(async (store) => {
      const kinds: string[] = []
      for await (const { record } of store.scan({ runId: second.runId, withBlobs: false }))
        kinds.push(record.kind === 'evidence-set' ? `${record.kind}:${record.id}` : record.kind)
      expect(kinds).toEqual([
        'run-start',
        `evidence-set:${runEvidenceId}`,
        `evidence-set:${wholeRunId}`,
        `evidence-set:${findingsPartsId}`,
        'assessment',
        'manifest',
      ])
      // Its model and evidence list are written without the canonical writer: still canonical bytes.
      for await (const { record, blob } of store.scan({
        runId: second.runId,
        kinds: ['assessment', 'evidence-set'],
      }))
        if (record.kind === 'assessment' || record.id === runEvidenceId) {
          const bytes = Buffer.from(blob ?? new Uint8Array())
          expect(bytes.equals(canonicalBytesOf(JSON.parse(bytes.toString('utf8')))), record.id).toBe(true)
        }
      const before = await runById(store, first.runId)
      const after = await runById(store, second.runId)
      expect(JSON.stringify(after.model.findings)).toBe(JSON.stringify(before.model.findings))
      expect(after.evidenceCount).toBe(before.evidenceCount)
      expect(after.model.generatedAt).toBe('2026-12-02T12:00:00.000Z')
      const evidence = await runEvidence(store, second.runId)
      expect(evidence.map((e) => e.hash)).toEqual((await runEvidence(store, first.runId)).map((e) => e.hash))
      expect((await verifyStore(store)).ok).toBe(true)
    })
    // A repeated run is repeated in turn.
    const third = await assessAt('2026-12-03')
    expect(third.repeated).toBe(second.runId)
    expect(comparable(third.model)).toBe(comparable(first.model))
  }, 60_000)

  it('evaluates again when a file changed, and the verdict follows it; the next run repeats that one', async () => {
    writeFileSync(path.join(dir, 'deploy', 'api.yaml'), deployment(1))
    const changed = await assessAt('2026-12-04')
    expect(changed.repeated).toBeUndefined()
    expect(changed.checkResults.evaluated).toBeGreaterThan(0)
    expect(statusOf(changed.model, replicasCheck)).toEqual(['fail'])
    const again = await assessAt('2026-12-05')
    expect(again.repeated).toBe(changed.runId)
    expect(statusOf(again.model, replicasCheck)).toEqual(['fail'])
    writeFileSync(path.join(dir, 'deploy', 'api.yaml'), deployment(2))
    const back = await assessAt('2026-12-05')
    expect(back.repeated).toBeUndefined()
    expect(statusOf(back.model, replicasCheck)).toEqual(['pass'])
  }, 60_000)

  it('loads the catalog and sets the heap for evaluating only when the run evaluates', async () => {
    let loads = 0
    let evaluating = 0
    const later: LibraryLoader = {
      checks: library.checks,
      load: async () => {
        loads++
        return library
      },
    }
    const assessLater = async (day: string) =>
      runAssessment(
        await loadConfig(undefined, dir),
        later,
        new Date(`${day}T12:00:00Z`),
        { env: { TRUSTCTL_SIGNING_KEY: path.join(dir, 'signing-key.pem') }, notify: () => undefined },
        { beforeEvaluating: () => evaluating++ },
      )
    const repeated = await assessLater('2026-12-05')
    expect(repeated.repeated).toBeDefined()
    expect([loads, evaluating]).toEqual([0, 0])
    expect(statusOf(repeated.model, replicasCheck)).toEqual(['pass'])
    writeFileSync(path.join(dir, 'deploy', 'api.yaml'), deployment(1))
    const evaluated = await assessLater('2026-12-05')
    expect(evaluated.repeated).toBeUndefined()
    expect([loads, evaluating]).toEqual([1, 1])
    expect(statusOf(evaluated.model, replicasCheck)).toEqual(['fail'])
    writeFileSync(path.join(dir, 'deploy', 'api.yaml'), deployment(2))
    expect((await assessAt('2026-12-05')).repeated).toBeUndefined()
  }, 60_000)

  it('never repeats a run whose evidence list was altered, even into another list of hashes', async () => {
    const latest = await assessAt('2026-12-05')
    expect(latest.repeated, 'control').toBeDefined()
    let original = ''
    // Another hash in first place: still a list of hashes as JSON.stringify writes it.
    const otherHash = (text: string): string => {
      original = text
      return text.replace(/^\{"evidence":\["(.)/, (_, c: string) => `{"evidence":["${c === 'a' ? 'b' : 'a'}`)
    }
    await tamper('evidence-set', runEvidenceId, otherHash, { runId: latest.runId })
    // Not repeated: the run evaluates, and reading the earlier runs' evidence finds the store altered.
    await expect(assessAt('2026-12-05')).rejects.toThrow(/the store was altered/)
    // Blobs are kept by content: the list is put back for the runs after this one.
    await tamper('evidence-set', runEvidenceId, () => original, { runId: latest.runId })
    expect((await assessAt('2026-12-05')).repeated).toBe(latest.runId)
  }, 60_000)

  it('does not repeat a run whose params or as-of date changed', async () => {
    writeFileSync(
      path.join(dir, 'trustctl.yaml'),
      config({ checks: `checks:\n  ${replicasCheck}: { params: { minReplicas: 3 } }\n` }),
    )
    const stricter = await assessAt('2026-12-06')
    expect(stricter.repeated).toBeUndefined()
    expect(statusOf(stricter.model, replicasCheck)).toEqual(['fail'])
    writeFileSync(path.join(dir, 'trustctl.yaml'), config({ asOf: '2026-12-31' }))
    const later = await assessAt('2026-12-06')
    expect(later.repeated).toBeUndefined()
    expect(later.model.asOf).toBe('2026-12-31')
    expect((await assessAt('2026-12-07')).repeated).toBe(later.runId)
  }, 60_000)

  it('never repeats a run signed by a key the pinned one does not trust', async () => {
    await assessAt('2026-12-09')
    const trustedRun = await assessAt('2026-12-09')
    expect(trustedRun.repeated).toBeDefined()
    const trusted = trustedRun.model.ledger?.publicKeyFingerprint
    // The same run recorded again under another key (someone with the database and a key of their own).
    const loaded = await loadConfig(undefined, dir)
    const other = { TRUSTCTL_SIGNING_KEY: path.join(dir, 'other-key.pem') }
    const forged = await runAssessment(loaded, library, new Date('2026-12-09T12:00:00Z'), {
      env: other,
      notify: () => undefined,
    })
    expect(forged.model.ledger?.publicKeyFingerprint).not.toBe(trusted)
    const after = await assessAt('2026-12-09')
    expect(after.repeated).toBeUndefined()
    expect(after.untrustedCacheRuns.length).toBeGreaterThan(0)
    expect((await assessAt('2026-12-09')).repeated).toBe(after.runId)
  }, 60_000)

  it('never repeats a run whose model, findings or key was altered', async () => {
    const cases: [string, string, (text: string) => string, boolean][] = [
      // A readiness the run did not compute: the model's bytes no longer hash to its record.
      ['assessment', 'assessment', (t) => t.replace('"readiness":', '"readiness":9'), false],
      ['evidence-set', wholeRunId, (t) => t.replace(/"key":"[0-9a-f]/, '"key":"x'), false],
      // Blob and record rewritten together: the record no longer chains to the signed manifest.
      ['assessment', 'assessment', (t) => t.replace('"readiness":', '"readiness":9'), true],
      ['findings', 'findings:0', (t) => t.replaceAll('"pass"', '"fail"'), false],
    ]
    for (const [i, [kind, id, change, record]] of cases.entries()) {
      // Blobs are kept by content: each case gets a model, findings and whole-run key of its own.
      writeFileSync(path.join(dir, 'trustctl.yaml'), config({ asOf: `2026-11-2${i}` }))
      const evaluated = await assessAt('2026-12-08')
      expect(evaluated.repeated).toBeUndefined()
      // Unaltered, the latest run is one the next would repeat: the alteration alone prevents it.
      const latest = await assessAt('2026-12-08')
      expect(latest.repeated, `control before ${kind} ${id}`).toBe(evaluated.runId)
      // The findings records are those of the run that evaluated them. Blobs are kept by content, so
      // the same findings of earlier runs are altered too: this case comes last.
      await tamper(kind, id, change, { runId: kind === 'findings' ? evaluated.runId : latest.runId, record })
      const after = await assessAt('2026-12-08')
      expect(after.repeated, `${kind} ${id}${record ? ' with its record' : ''}`).toBeUndefined()
      expect(statusOf(after.model, replicasCheck)).toEqual(['pass'])
    }
    writeFileSync(path.join(dir, 'trustctl.yaml'), config())
  }, 120_000)

  it('evaluates every run of a repository with a Dockerfile (a COPY reads files the walk does not)', async () => {
    writeFileSync(path.join(dir, 'deploy', 'Dockerfile'), 'FROM alpine:3.20\nUSER app\n')
    try {
      expect((await assessAt('2026-12-09')).repeated).toBeUndefined()
      expect((await assessAt('2026-12-09')).repeated).toBeUndefined()
    } finally {
      rmSync(path.join(dir, 'deploy', 'Dockerfile'))
    }
  }, 60_000)
})
