import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  config,
  deployment,
  type RerunEstate,
  replicasCheck,
  rerunEstate,
  statusOf,
} from '../../test/rerun-estate.js'
import { type LedgerEntry, sha256 } from '../core/ledger.js'
import { runEvidenceId } from '../core/ledger-entries.js'
import type { AssessmentStore } from '../core/store.js'
import {
  assessmentRuns,
  findingsPartsId,
  runById,
  runEvidence,
  verifyStore,
} from '../store/ledger-operations.js'
import { extractPopulation } from '../store/ledger-period.js'
import { SqlLedgerStore } from '../store/ledger-store.js'
import { recordBlobRefSql, setBlobSql } from '../store/sqlite/record-layout.js'
import { setCheckResultsBudget, setCheckResultsRawBudget } from './check-results.js'
import { loadConfig } from './load-config.js'
import { storeFile } from './run-assessment.js'
import { wholeRunId } from './whole-run.js'

// An unchanged re-run reuses what a signed run already holds: the findings of every check whose code,
// params and evidence are unchanged, and the evidence itself (listed by hash, not recorded again).
// Anything that changes re-evaluates, and the ledger still verifies.

let estate: RerunEstate
let dir: string
beforeAll(async () => {
  estate = await rerunEstate('trustctl-check-results-')
  dir = estate.dir
}, 120_000)
afterAll(() => estate.remove())

const assessAt = (day: string) => estate.assessAt(day)
const withStore = <T>(use: (store: AssessmentStore) => Promise<T>): Promise<T> => estate.withStore(use)

describe('re-runs reuse what a signed run holds', () => {
  let first: Awaited<ReturnType<typeof assessAt>>
  let second: Awaited<ReturnType<typeof assessAt>>

  it('evaluates every check once, then none on an unchanged re-run, with the same findings', async () => {
    first = await assessAt('2026-12-01')
    expect(first.checkResults.reused).toBe(0)
    // The checks that read a kind collected (Kubernetes): the rest are judged from their metadata.
    expect(first.checkResults.evaluated).toBeGreaterThan(20)
    expect(statusOf(first.model, replicasCheck)).toEqual(['pass'])

    second = await assessAt('2026-12-02')
    expect(first.checkResults.coverageReused).toBe(false)
    expect(second.checkResults).toEqual({
      reused: first.checkResults.evaluated,
      evaluated: 0,
      ignored: 0,
      notKept: 0,
      coverageReused: true,
    })
    // The same findings: the run repeats the first, whose findings records it lists (byte for byte,
    // below); read back from them, each finding's keys are in the records' canonical order.
    expect(second.model.findings).toEqual(first.model.findings)
    // The coverage of the same findings and evidence is read back, not computed again: the same.
    expect(second.model.coverage).toEqual(first.model.coverage)
    expect(second.model.coverage?.resources).toBeGreaterThan(0)
  }, 60_000)

  it('keeps no result of a check that reads no kind collected: it says no-evidence, from its metadata', async () => {
    await withStore(async (store) => {
      const recorded = new Set<string>()
      for await (const { record } of store.scan({ runId: first.runId, withBlobs: false }))
        if (record.kind === 'evidence-set' && record.id.startsWith('check:')) recorded.add(record.id.slice(6))
      expect(recorded.size).toBe(first.checkResults.evaluated)
      const unjudged = first.model.findings.filter(
        (f) => f.status === 'no-evidence' && f.subject.kind === 'Evidence',
      )
      expect(unjudged.length).toBeGreaterThan(100)
      for (const finding of unjudged) expect(recorded.has(finding.check)).toBe(false)
      // Never a pass: every such check says no-evidence (or not-applicable) again on the re-run.
      const again = second.model.findings.filter((f) => !recorded.has(f.check))
      expect(again.length).toBeGreaterThan(0)
      expect(again.every((f) => f.status === 'no-evidence' || f.status === 'not-applicable')).toBe(true)
    })
  })

  it('records no evidence again on an unchanged re-run, lists it, and still verifies', async () => {
    await withStore(async (store) => {
      const kinds: string[] = []
      for await (const { record } of store.scan({ runId: second.runId, withBlobs: false }))
        kinds.push(record.kind === 'evidence-set' ? `${record.kind}:${record.id}` : record.kind)
      expect(kinds).not.toContain('evidence')
      expect(kinds).toContain(`evidence-set:${runEvidenceId}`)
      // No check result nor finding is recorded again: only the run, its list, model and manifest
      // (the run repeats the first whole: its whole-run key is recorded for the next run).
      expect(second.repeated).toBe(first.runId)
      expect(kinds).toEqual([
        'run-start',
        `evidence-set:${runEvidenceId}`,
        `evidence-set:${wholeRunId}`,
        `evidence-set:${findingsPartsId}`,
        'assessment',
        'manifest',
      ])
      // The model read back lists the first run's findings records: the same findings, byte for byte.
      const stored = await runById(store, second.runId)
      expect(JSON.stringify(stored.model.findings)).toBe(
        JSON.stringify((await runById(store, first.runId)).model.findings),
      )
      expect(stored.model.findings).toHaveLength(second.model.findings.length)
      expect(stored.evidenceCount).toBe((await runById(store, first.runId)).evidenceCount)
      const before = await runEvidence(store, first.runId)
      const after = await runEvidence(store, second.runId)
      expect(after.map((e) => e.hash)).toEqual(before.map((e) => e.hash))
      expect(after.map((e) => e.item)).toEqual(before.map((e) => e.item))
      expect((await assessmentRuns(store)).slice(-2)).toEqual([first.runId, second.runId])
      expect((await verifyStore(store)).ok).toBe(true)
      // A Type 2 population for the day of the re-run still counts what the re-run read that day.
      const population = await extractPopulation(store, {
        control: 'availability.redundant-workloads',
        kinds: ['k8s.workload'],
        attestations: [],
        from: '2026-12-02',
        to: '2026-12-02',
        extractedAt: '2026-12-03T00:00:00Z',
      })
      expect(population.members.map((m) => [m.id, m.runId])).toEqual([
        ['k8s.workload:prod/api', second.runId],
      ])
    })
  })

  it('hands each result it evaluated to the ledger with the hash it held it by', async () => {
    const appended: LedgerEntry[] = []
    const original = SqlLedgerStore.prototype.append
    const append = vi.spyOn(SqlLedgerStore.prototype, 'append').mockImplementation(function (
      this: SqlLedgerStore,
      ...args: Parameters<typeof original>
    ) {
      appended.push(...args[1])
      return original.apply(this, args)
    })
    try {
      writeFileSync(path.join(dir, 'deploy', 'api.yaml'), deployment(6))
      const changed = await assessAt('2026-12-05')
      expect(changed.checkResults.evaluated).toBeGreaterThan(0)
    } finally {
      append.mockRestore()
      writeFileSync(path.join(dir, 'deploy', 'api.yaml'), deployment(2))
    }
    const results = appended.filter((e) => e.kind === 'evidence-set' && e.id.startsWith('check:'))
    expect(results.length).toBeGreaterThan(0)
    // The ledger takes a given hash as the content's: it must be exactly that, and given for each.
    expect(results.map((e) => e.contentHash)).toEqual(results.map((e) => sha256(e.content)))
  }, 60_000)

  it('re-evaluates the checks that read a changed evidence item, and the verdict follows it', async () => {
    writeFileSync(path.join(dir, 'deploy', 'api.yaml'), deployment(1))
    const third = await assessAt('2026-12-03')
    expect(statusOf(third.model, replicasCheck)).toEqual(['fail'])
    expect(third.checkResults.coverageReused).toBe(false)
    // Only checks reading Kubernetes evidence saw a change, and those are all that read a kind
    // collected: the others are judged from their metadata, neither read back nor evaluated.
    expect(third.checkResults.evaluated).toBeGreaterThan(0)
    expect(third.checkResults.reused + third.checkResults.evaluated).toBe(first.checkResults.evaluated)
    await withStore(async (store) => {
      const recorded: string[] = []
      for await (const { record } of store.scan({ runId: third.runId, withBlobs: false }))
        if (record.kind === 'evidence-set' && record.id.startsWith('check:')) recorded.push(record.id)
      expect(recorded).toContain(`check:${replicasCheck}`)
      expect(recorded.every((id) => id.startsWith('check:kubernetes/'))).toBe(true)
      // The findings changed, so they are recorded afresh, and read back as the run judged them.
      expect((await runById(store, third.runId)).model.findings).toEqual(
        JSON.parse(JSON.stringify(third.model.findings)),
      )
      expect((await verifyStore(store)).ok).toBe(true)
    })
  }, 60_000)

  it('re-evaluates a check whose params changed, and the verdict follows them', async () => {
    writeFileSync(path.join(dir, 'deploy', 'api.yaml'), deployment(2))
    const back = await assessAt('2026-12-04')
    // The deployment as it was: that result is in the ledger, so nothing is evaluated.
    expect(back.checkResults.evaluated).toBe(0)
    expect(statusOf(back.model, replicasCheck)).toEqual(['pass'])
    writeFileSync(
      path.join(dir, 'trustctl.yaml'),
      config({ checks: `checks:\n  ${replicasCheck}: { params: { minReplicas: 3 } }\n` }),
    )
    const stricter = await assessAt('2026-12-05')
    expect(stricter.checkResults.evaluated).toBe(1)
    expect(statusOf(stricter.model, replicasCheck)).toEqual(['fail'])
  }, 60_000)

  it('keeps no results past its budget: those checks are evaluated again next run, with the same findings', async () => {
    const budget = setCheckResultsBudget(1)
    const configText = readFileSync(path.join(dir, 'trustctl.yaml'), 'utf8')
    try {
      writeFileSync(path.join(dir, 'deploy', 'api.yaml'), deployment(3))
      const changed = await assessAt('2026-12-05')
      expect(changed.checkResults.evaluated).toBeGreaterThan(0)
      expect(changed.checkResults.notKept).toBe(changed.checkResults.evaluated)
      // A new system description changes the model, not a check's key: no whole-run reuse, so
      // the check-result cache alone decides what is evaluated again.
      writeFileSync(
        path.join(dir, 'trustctl.yaml'),
        config().replace('name: Insights', 'name: Insights, description: again'),
      )
      const again = await assessAt('2026-12-05')
      expect(again.repeated).toBeUndefined()
      expect(again.checkResults.evaluated).toBe(changed.checkResults.evaluated)
      expect(again.checkResults.reused).toBe(changed.checkResults.reused)
      expect(JSON.stringify(again.model.findings)).toBe(JSON.stringify(changed.model.findings))
    } finally {
      setCheckResultsBudget(budget)
      writeFileSync(path.join(dir, 'deploy', 'api.yaml'), deployment(2))
      writeFileSync(path.join(dir, 'trustctl.yaml'), configText)
    }
  }, 60_000)

  it.each([
    ['held compressed', 0, 4],
    // Some held as they are until the budget is outgrown, then compressed with all that follow.
    ['compressed once they outgrew the raw budget', 4096, 5],
  ])(
    'records results %s as they were: the next run reuses every one, and the ledger verifies',
    async (_, budget, replicas) => {
      const raw = setCheckResultsRawBudget(budget)
      const configText = readFileSync(path.join(dir, 'trustctl.yaml'), 'utf8')
      try {
        writeFileSync(path.join(dir, 'deploy', 'api.yaml'), deployment(replicas))
        writeFileSync(path.join(dir, 'trustctl.yaml'), config())
        const changed = await assessAt('2026-12-06')
        expect(changed.checkResults.evaluated).toBeGreaterThan(0)
        expect(changed.checkResults.notKept).toBe(0)
        // Not a whole-run repeat (the model changes), so only the check-result cache decides.
        writeFileSync(
          path.join(dir, 'trustctl.yaml'),
          config().replace('name: Insights', 'name: Insights, description: compressed'),
        )
        const again = await assessAt('2026-12-06')
        expect(again.repeated).toBeUndefined()
        expect(again.checkResults.evaluated).toBe(0)
        expect(again.checkResults.ignored).toBe(0)
        expect(JSON.stringify(again.model.findings)).toBe(JSON.stringify(changed.model.findings))
        await withStore(async (store) => expect((await verifyStore(store)).ok).toBe(true))
      } finally {
        setCheckResultsRawBudget(raw)
        writeFileSync(path.join(dir, 'deploy', 'api.yaml'), deployment(2))
        writeFileSync(path.join(dir, 'trustctl.yaml'), configText)
      }
    },
    60_000,
  )

  it('never reuses a cached result whose blob was altered: the check is evaluated again', async () => {
    // Rewrite the stored findings of the replicas check to a pass, as an attacker with the database would.
    const Database = (await import('better-sqlite3')).default
    const file = storeFile(await loadConfig(undefined, dir))
    const raw = new Database(file)
    const rows = raw
      .prepare(
        `SELECT v.ref, COALESCE(v.bytes, b.bytes) AS bytes
         FROM (SELECT ${recordBlobRefSql} AS ref, bytes FROM ledger_record WHERE kind = 'evidence-set' AND id = ?) v
         LEFT JOIN ledger_blob b ON b.ref = v.ref`,
      )
      .all(`check:${replicasCheck}`) as { ref: string; bytes: Buffer }[]
    expect(rows.length).toBeGreaterThan(0)
    for (const row of rows)
      for (const sql of setBlobSql)
        raw.prepare(sql).run(Buffer.from(row.bytes.toString('utf8').replaceAll('"fail"', '"pass"')), row.ref)
    raw.close()
    const after = await assessAt('2026-12-06')
    expect(after.checkResults.evaluated).toBe(1)
    expect(after.checkResults.ignored).toBeGreaterThan(0)
    expect(statusOf(after.model, replicasCheck)).toEqual(['fail'])
    await withStore(async (store) => expect((await verifyStore(store)).ok).toBe(false))
  }, 60_000)
})
