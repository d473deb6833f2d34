import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/app/load-config.js'
import { storeFile } from '../src/app/run-assessment.js'
import { loadOrCreateSigner } from '../src/app/signing-key.js'
import { canonicalBytesOf } from '../src/core/canonical-json.js'
import { runEvidenceId } from '../src/core/ledger-entries.js'
import type { AssessmentStore } from '../src/core/store.js'
import { renderMarkdown } from '../src/reports/markdown/render-markdown.js'
import type { ServerContext } from '../src/server/context.js'
import { assessmentRunSummaries, overviewOf } from '../src/server/read-model.js'
import { buildServerContext } from '../src/server/server-context.js'
import { recordChange } from '../src/store/ledger-change.js'
import {
  findingsPartsId,
  recordRepeatedAssessment,
  runById,
  verifyStore,
} from '../src/store/ledger-operations.js'
import { extractPopulation } from '../src/store/ledger-period.js'
import { SqliteTeamStore } from '../src/store/sqlite/team-store.js'
import { type RerunEstate, rerunEstate } from './rerun-estate.js'

// An unchanged re-run stores only what changed: its model's time is its assessment record's own
// collectedAt, not part of the model's content, so repeats of one assessment share one model blob.
// Every reader still gives each run its own time, and models recorded with their time read as before.

let estate: RerunEstate
beforeAll(async () => {
  estate = await rerunEstate('trustctl-unchanged-model-')
}, 120_000)
afterAll(() => estate.remove())

const at = (day: string): string => `${day}T12:00:00.000Z`

/** What the SQLite file holds: blob rows kept apart, and every stored blob byte (apart and inline). */
async function stored(): Promise<{ blobRows: number; blobBytes: number }> {
  const raw = new Database(storeFile(await loadConfig(undefined, estate.dir)), { readonly: true })
  try {
    const apart = raw
      .prepare('SELECT count(*) AS n, COALESCE(sum(length(bytes)), 0) AS b FROM ledger_blob')
      .get() as {
      n: number
      b: number
    }
    const inline = raw
      .prepare('SELECT COALESCE(sum(length(bytes)), 0) AS b FROM ledger_record WHERE bytes IS NOT NULL')
      .get() as { b: number }
    return { blobRows: apart.n, blobBytes: apart.b + inline.b }
  } finally {
    raw.close()
  }
}

/** The assessment record of a run, with its blob. */
async function assessmentOf(store: AssessmentStore, runId: number) {
  for await (const scanned of store.scan({ runId, kinds: ['assessment'] })) return scanned
  throw new Error(`run ${runId} holds no assessment`)
}

/** The server's view of the store (no team data is read by these views beyond run summaries). */
async function withServer<T>(use: (context: ServerContext) => Promise<T>): Promise<T> {
  const loaded = await loadConfig(undefined, estate.dir)
  return estate.withStore(async (ledger) => {
    const team = new SqliteTeamStore(path.join(estate.dir, 'team.db'))
    try {
      const signer = loadOrCreateSigner(path.join(estate.dir, 'signing-key.pem'), () => undefined)
      const context = buildServerContext({
        loaded,
        library: estate.library,
        ledger,
        team,
        signer,
        recordChange,
      })
      return await use(context)
    } finally {
      await team.close()
    }
  })
}

describe('unchanged re-runs of one assessment', () => {
  const days = ['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04']
  const runs: number[] = []

  it('store its model once: the third run adds no blob and next to no bytes', async () => {
    const sizes: Awaited<ReturnType<typeof stored>>[] = []
    for (const day of days) {
      const run = await estate.assessAt(day)
      runs.push(run.runId)
      expect(run.model.generatedAt).toBe(at(day))
      sizes.push(await stored())
    }
    type Size = Awaited<ReturnType<typeof stored>>
    const [second, third, fourth] = sizes.slice(1) as [Size, Size, Size]
    const records = await estate.withStore(async (store) =>
      Promise.all(runs.map((id) => assessmentOf(store, id))),
    )
    const modelBytes = records[0]?.blob?.byteLength ?? 0
    // Large enough that a copy per run would show (it did: a copy of the model per unchanged run).
    expect(modelBytes).toBeGreaterThan(20_000)
    // The first repeat marks its inputs reused; from then on the model's content does not change.
    expect(records[1]?.record.contentHash).not.toBe(records[0]?.record.contentHash)
    expect(records[2]?.record.contentHash).toBe(records[1]?.record.contentHash)
    expect(records[3]?.record.contentHash).toBe(records[1]?.record.contentHash)
    expect(third.blobRows).toBe(second.blobRows)
    expect(fourth.blobRows).toBe(second.blobRows)
    expect(third.blobBytes - second.blobBytes).toBeLessThan(modelBytes / 10)
    expect(fourth.blobBytes - third.blobBytes).toBeLessThan(modelBytes / 10)
    // Each record still says when its run generated the model, and the content holds no time.
    records.forEach((r, i) => {
      expect(r?.record.collectedAt).toBe(at(days[i] as string))
      expect(JSON.parse(Buffer.from(r?.blob ?? []).toString('utf8'))).not.toHaveProperty('generatedAt')
    })
  }, 120_000)

  it("read back with each run's own time: stored run, report, server views, population; verify passes", async () => {
    await estate.withStore(async (store) => {
      for (const [i, id] of runs.entries()) {
        const run = await runById(store, id)
        expect(run.generatedAt).toBe(at(days[i] as string))
        expect(run.model.generatedAt).toBe(at(days[i] as string))
        expect(renderMarkdown(run.model)).toContain(`generated ${at(days[i] as string)}`)
      }
      expect((await verifyStore(store)).ok).toBe(true)
      // A Type 2 population for the day of the third run counts what that run read that day.
      const population = await extractPopulation(store, {
        control: 'availability.redundant-workloads',
        kinds: ['k8s.workload'],
        attestations: [],
        from: '2026-12-03',
        to: '2026-12-03',
        extractedAt: '2026-12-05T00:00:00Z',
      })
      expect(population.members.map((m) => [m.runId, m.collectedAt])).toEqual([[runs[2], at('2026-12-03')]])
    })
    await withServer(async (context) => {
      const summaries = await assessmentRunSummaries(context)
      expect(summaries.map((s) => [s.runId, s.generatedAt])).toEqual(
        runs.map((id, i) => [id, at(days[i] as string)]),
      )
      for (const [i, id] of runs.entries()) {
        const overview = await overviewOf(context, await context.run(id))
        expect(overview.run).toMatchObject({ id, generatedAt: at(days[i] as string) })
      }
      expect((await context.latestRun())?.generatedAt).toBe(at(days.at(-1) as string))
    })
  }, 120_000)

  it('read a model recorded with its own time (an older ledger) with that time, and repeat it', async () => {
    const older = '2026-12-05T08:00:00.000Z'
    const oldRun = await estate.withStore(async (store) => {
      const latest = runs.at(-1) as number
      const { blob } = await assessmentOf(store, latest)
      // The model as trustctl recorded it before the time was the record's: with its generatedAt.
      const content = JSON.parse(Buffer.from(blob ?? []).toString('utf8')) as Record<string, unknown>
      const model: Record<string, unknown> = { ...content, generatedAt: older }
      const blobs = new Map<string, Uint8Array>()
      for await (const { record, blob: bytes } of store.scan({ runId: latest, kinds: ['evidence-set'] }))
        blobs.set(record.id, bytes ?? new Uint8Array())
      const { findingsParts: _parts, ...shown } = model
      const signer = loadOrCreateSigner(path.join(estate.dir, 'signing-key.pem'), () => undefined)
      const whole = blobs.get('whole-run') as Uint8Array
      const { runId } = await recordRepeatedAssessment(store, {
        model: { ...shown, findings: [] } as never,
        modelContent: canonicalBytesOf(model),
        evidence: blobs.get(runEvidenceId) as Uint8Array,
        findingsList: blobs.get(findingsPartsId) as Uint8Array,
        signer,
        toolVersion: '0.0.1',
        extraEntries: [
          {
            kind: 'evidence-set',
            id: 'whole-run',
            source: 'trustctl',
            collector: 'trustctl',
            collectorVersion: '0.0.1',
            collectedAt: older,
            effectiveAt: older,
            content: whole,
          },
        ],
      })
      const run = await runById(store, runId)
      expect(run.generatedAt).toBe(older)
      expect(run.model.generatedAt).toBe(older)
      expect((await verifyStore(store)).ok).toBe(true)
      return runId
    })
    // The next unchanged run repeats it, and records its model without the time, as any run now does.
    const next = await estate.assessAt('2026-12-06')
    expect(next.repeated).toBe(oldRun)
    expect(next.model.generatedAt).toBe(at('2026-12-06'))
    await estate.withStore(async (store) => {
      const { record, blob } = await assessmentOf(store, next.runId)
      expect(JSON.parse(Buffer.from(blob ?? []).toString('utf8'))).not.toHaveProperty('generatedAt')
      expect(
        Buffer.from(blob ?? []).equals(
          canonicalBytesOf(JSON.parse(Buffer.from(blob ?? []).toString('utf8'))),
        ),
      ).toBe(true)
      expect(record.contentHash).toBe((await assessmentOf(store, runs.at(-1) as number)).record.contentHash)
      expect((await runById(store, next.runId)).generatedAt).toBe(at('2026-12-06'))
      expect((await runById(store, oldRun)).generatedAt).toBe(older)
      expect((await verifyStore(store)).ok).toBe(true)
    })
  }, 120_000)
})
