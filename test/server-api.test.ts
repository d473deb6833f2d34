import { createHash, generateKeyPairSync } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { unzipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeFile } from '../src/app/run-assessment.js'
import { toolVersion } from '../src/app/version.js'
import type { AssessmentModel, Gap } from '../src/core/assessment.js'
import { canonicalJson } from '../src/core/canonical-json.js'
import { canonicalBytes, sha256 } from '../src/core/ledger.js'
import { ed25519Signer, type Signer } from '../src/core/ledger-manifest.js'
import type { IndexedFinding, RunSummary } from '../src/core/team.js'
import type { Job } from '../src/server/context.js'
import { assessOnServer, serverAttestations } from '../src/server/jobs/assess-job.js'
import type { PackageRecord } from '../src/server/jobs/package-job.js'
import type { EvidenceMeta } from '../src/server/read-model.js'
import { recordAssessment } from '../src/store/ledger-operations.js'
import { recordDrawing } from '../src/store/ledger-period.js'
import { recordBlobRefSql, setBlobSql } from '../src/store/sqlite/record-layout.js'
import { type Harness, startHarness } from './server-harness.js'

/**
 * The assessment, gaps, evidence, vendors and packages routes over a real SQLite store holding a real
 * assessment of the demo estate, each request going through the whole server (auth, validation,
 * problem+json). Tests run in order: later ones add runs (a package export, an old assessment) and
 * the reads above them rely on the harness's run being the latest.
 */

let h: Harness
let model: AssessmentModel

beforeAll(async () => {
  h = await startHarness()
  model = (await h.context.run(h.runId)).model
}, 240_000)

afterAll(async () => {
  await h?.close()
})

const get = (url: string, who: Parameters<Harness['request']>[0] = 'admin') =>
  h.request(who, { method: 'GET', url })

/** Every change record in the ledger, oldest first, with its content. */
async function changes(): Promise<
  { actor: { name: string }; action: string; target: string; after: unknown }[]
> {
  const out = []
  for await (const { record, blob } of h.context.ledger.scan()) {
    if ((record.kind as string) !== 'change' || blob === undefined) continue
    out.push(JSON.parse(Buffer.from(blob).toString('utf8')))
  }
  return out
}

describe('assessment reads', () => {
  it('overview: the run, its summary, categories with criteria for the heatmap, the ledger seal', async () => {
    const response = await get('/api/overview')
    expect(response.statusCode).toBe(200)
    const body = response.json()
    expect(body.run).toEqual({ id: h.runId, generatedAt: model.generatedAt, asOf: model.asOf })
    expect(body.summary.readiness).toBe(model.summary.readiness)
    expect(body.categories.map((c: { id: string }) => c.id)).toEqual(model.scope.categories)
    const security = body.categories.find((c: { id: string }) => c.id === 'security')
    expect(security.title).not.toBe('security')
    expect(security.criteria.length).toBe(33)
    expect(body.ledger.runId).toBe(h.runId)
    expect(body.ledger.chainHead).toMatch(/^[0-9a-f]{64}$/)
    expect(body.ledger.publicKeyFingerprint).toBe(h.context.signer.fingerprint)
  })

  it('a run that does not exist, or holds no assessment, is a 404 problem', async () => {
    const missing = await get('/api/overview?run=9999')
    expect(missing.statusCode).toBe(404)
    expect(missing.headers['content-type']).toContain('application/problem+json')
    expect((await get('/api/overview?run=abc')).statusCode).toBe(400)
    expect((await get('/api/overview?run=0')).statusCode).toBe(400)
    expect((await get('/api/overview?run=')).json().run.id).toBe(h.runId)
  })

  it('trend: one summary per assessment run, computed and saved for runs that had none', async () => {
    const response = await get('/api/trend')
    expect(response.statusCode).toBe(200)
    const items = response.json().items as RunSummary[]
    const mine = items.find((s) => s.runId === h.runId)
    expect(mine?.readiness).toBe(model.summary.readiness)
    expect((await h.context.team.runSummaries()).some((s) => s.runId === h.runId)).toBe(true)
  })

  it('criteria and controls, with filters', async () => {
    const criteria = (await get('/api/criteria')).json().items
    expect(criteria.length).toBe(model.criteria.length)
    const all = (await get('/api/controls')).json().items
    expect(all.length).toBe(model.controls.length)
    const failing = (await get('/api/controls?status=fail')).json().items as {
      status: string
      tests: { failed: number }
    }[]
    expect(failing.length).toBe(model.controls.filter((c) => c.status === 'fail').length)
    expect(failing.length).toBeGreaterThan(0)
    expect(failing.every((c) => c.status === 'fail' && c.tests.failed > 0)).toBe(true)
    const family = model.controls[0]?.family ?? ''
    const byFamily = (await get(`/api/controls?family=${family}`)).json().items as { family: string }[]
    expect(byFamily.length).toBeGreaterThan(0)
    expect(byFamily.every((c) => c.family === family)).toBe(true)
    expect((await get('/api/controls?q=zzzz-no-such-control')).json().items).toEqual([])
  })

  it('control detail: the result, the evidence its checks read (verified) and its gaps', async () => {
    const control = model.controls.find((c) => c.status === 'fail' && c.tests.length > 0)
    if (control === undefined) throw new Error('the demo has no failing tested control')
    const response = await get(`/api/controls/${control.id}`)
    expect(response.statusCode).toBe(200)
    const body = response.json() as { control: { id: string }; evidence: EvidenceMeta[]; gaps: string[] }
    expect(body.control.id).toBe(control.id)
    expect(body.evidence.length).toBeGreaterThan(0)
    const reads = new Set(
      h.library.checks
        .filter((c) => control.tests.some((t) => t.check === c.id))
        .flatMap((c): string[] => [...c.reads]),
    )
    for (const e of body.evidence) {
      expect(e.verified).toBe(true)
      expect(e.recordHash).toMatch(/^[0-9a-f]{64}$/)
      expect(e.kind === 'attestation' || reads.has(e.kind)).toBe(true)
    }
    expect(body.gaps).toEqual(model.gaps.filter((g) => g.controls.includes(control.id)).map((g) => g.id))
    expect((await get('/api/controls/no.such-control')).statusCode).toBe(404)
  })

  it('findings: pagination walks every finding of the run exactly once', async () => {
    // The CLI's assessment left the findings unindexed: the first request indexes them.
    expect(await h.context.team.findingsIndexed(h.runId)).toBe(false)
    const seen: number[] = []
    let after: string | undefined
    let pages = 0
    do {
      const response = await get(
        `/api/findings?limit=37${after === undefined ? '' : `&after=${encodeURIComponent(after)}`}`,
      )
      expect(response.statusCode).toBe(200)
      const page = response.json() as { items: IndexedFinding[]; next?: string; total?: number }
      if (pages === 0) expect(page.total).toBe(model.findings.length)
      seen.push(...page.items.map((f) => f.ordinal))
      after = page.next
      pages += 1
    } while (after !== undefined && pages < 10_000)
    expect(seen.length).toBe(model.findings.length)
    expect(new Set(seen).size).toBe(model.findings.length)
    expect(await h.context.team.findingsIndexed(h.runId)).toBe(true)
    expect(pages).toBe(Math.ceil(model.findings.length / 37))
  })

  it('findings: filters (comma lists) and sorts; bad values are 400 problems naming the field', async () => {
    const failing = (await get('/api/findings?status=fail,no-evidence&limit=500')).json()
    const expected = model.findings.filter((f) => f.status === 'fail' || f.status === 'no-evidence').length
    expect(failing.items.length).toBe(Math.min(500, expected))
    expect(failing.total).toBe(expected)
    expect(
      failing.items.every((f: IndexedFinding) => f.status === 'fail' || f.status === 'no-evidence'),
    ).toBe(true)
    const control = model.findings.find((f) => f.controls.length > 0)?.controls[0] ?? ''
    const byControl = (await get(`/api/findings?control=${control}&limit=500`)).json()
      .items as IndexedFinding[]
    expect(byControl.length).toBe(model.findings.filter((f) => f.controls.includes(control)).length)
    for (const [url, field] of [
      ['/api/findings?limit=0', 'limit'],
      ['/api/findings?limit=501', 'limit'],
      ['/api/findings?status=broken', 'status'],
      ['/api/findings?sort=colour', 'sort'],
    ] as const) {
      const response = await get(url)
      expect(response.statusCode, url).toBe(400)
      expect(JSON.stringify(response.json().errors), url).toContain(field)
    }
  })

  it('runs: the assessment run with its kind and summary', async () => {
    const items = (await get('/api/runs')).json().items as {
      id: number
      kind: string
      summary?: RunSummary
    }[]
    const run = items.find((r) => r.id === h.runId)
    expect(run?.kind).toBe('assessment')
    expect(run?.summary?.readiness).toBe(model.summary.readiness)
  })

  it('vendors, the matrix as JSON and as the report figure (SVG)', async () => {
    const vendors = (await get('/api/vendors')).json().items as { name: string }[]
    expect(vendors.map((v) => v.name)).toContain('GitHub')
    const matrix = (await get('/api/matrix')).json()
    expect(matrix.families.length).toBeGreaterThan(0)
    const svg = await get('/api/matrix.svg')
    expect(svg.statusCode).toBe(200)
    expect(svg.headers['content-type']).toContain('image/svg+xml')
    expect(svg.body.startsWith('<svg')).toBe(true)
    expect(svg.body).toContain('Shared responsibility: Acme Insights')
  })

  it('samples: the populations and samples recorded in the ledger, by control', async () => {
    expect((await get('/api/samples')).json().items).toEqual([])
    const sample = {
      control: 'change.changes-reviewed-before-merge',
      seed: 7,
      population: { from: '2026-06-01', to: '2026-11-30', count: 0, hash: '0'.repeat(64), query: 'q' },
      drawn: [],
    }
    const { runId } = await recordDrawing(
      h.context.ledger,
      { kind: 'sample', id: `${sample.control}:seed-7`, content: sample, at: new Date().toISOString() },
      h.context.signer,
      toolVersion(),
    )
    const items = (await get(`/api/samples?control=${sample.control}`, 'auditor')).json().items
    expect(items).toMatchObject([
      { kind: 'sample', runId, control: sample.control, verified: true, content: sample },
    ])
    expect((await get('/api/samples?control=access.sso-with-mfa-enforced')).json().items).toEqual([])
    const runs = (await get('/api/runs')).json().items as { id: number; kind: string }[]
    expect(runs.find((r) => r.id === runId)?.kind).toBe('sample')
  })

  it('the OpenAPI description lists these routes', async () => {
    const document = (await get('/api/openapi.json', 'anonymous')).json()
    const operations = Object.values(
      document.paths as Record<string, Record<string, { operationId: string }>>,
    )
      .flatMap((p) => Object.values(p))
      .map((o) => o.operationId)
    expect(operations).toEqual(
      expect.arrayContaining([
        'listFindings',
        'downloadEvidence',
        'updateGap',
        'reviewVendor',
        'downloadPackageZip',
      ]),
    )
  })
})

describe('evidence', () => {
  let first: EvidenceMeta

  it('lists a run’s evidence in pages, and narrows to what a control’s checks read', async () => {
    const page1 = (await get('/api/evidence?limit=5')).json() as { items: EvidenceMeta[]; next?: string }
    expect(page1.items.length).toBe(5)
    expect(page1.next).toBeDefined()
    first = page1.items[0] as EvidenceMeta
    const page2 = (await get(`/api/evidence?limit=5&after=${page1.next}`)).json() as { items: EvidenceMeta[] }
    expect(page2.items[0]?.recordSeq).toBeGreaterThan(page1.items[4]?.recordSeq ?? Infinity)
    const kind = first.kind
    const byKind = (await get(`/api/evidence?kind=${kind}&limit=500`)).json().items as EvidenceMeta[]
    expect(byKind.length).toBeGreaterThan(0)
    expect(byKind.every((e) => e.kind === kind)).toBe(true)
    expect((await get('/api/evidence?control=no.such-control')).statusCode).toBe(404)
  })

  it('metadata with verify status and the content', async () => {
    const response = await get(`/api/evidence/${first.hash}`)
    expect(response.statusCode).toBe(200)
    const body = response.json()
    expect(body.verified).toBe(true)
    expect(body.evidence.recordSeq).toBe(first.recordSeq)
    expect(body.content.kind).toBe(first.kind)
  })

  it('content download: the stored bytes with integrity headers', async () => {
    const response = await get(`/api/evidence/${first.hash}/content`)
    expect(response.statusCode).toBe(200)
    const bytes = response.rawPayload
    expect(sha256(bytes)).toBe(first.hash)
    expect(response.headers['content-digest']).toBe(
      `sha-256=:${createHash('sha256').update(bytes).digest('base64')}:`,
    )
    expect(response.headers.etag).toBe(`"${first.hash}"`)
    expect(response.headers['x-trustctl-record-seq']).toBe(String(first.recordSeq))
    expect(response.headers['x-trustctl-record-hash']).toBe(first.recordHash)
    expect(response.headers['content-disposition']).toBe(`attachment; filename="${first.hash}.json"`)
  })

  it('a hash that is not 64 lowercase hex digits is a 400: path traversal never reaches a file', async () => {
    for (const bad of [
      '..%2F..%2Fetc%2Fpasswd',
      '..%2F..%2F..%2F..%2Fetc%2Fpasswd',
      first.hash.toUpperCase(),
      `${first.hash}0`,
    ]) {
      const response = await get(`/api/evidence/${bad}/content`)
      expect(response.statusCode, bad).toBe(400)
      expect(response.body).not.toContain('root:')
      expect((await get(`/api/evidence/${bad}`)).statusCode).toBe(400)
    }
    expect((await get(`/api/evidence/${'0'.repeat(64)}/content`)).statusCode).toBe(404)
  })
})

describe('gaps workflow', () => {
  let gap: Gap

  it('lists gaps with their remediation state, falling back to the assessment’s owner and date', async () => {
    const response = await get('/api/gaps', 'editor')
    expect(response.statusCode).toBe(200)
    const items = response.json().items as (Gap & {
      remediation: { status: string; owner: string }
      comments: number
    })[]
    expect(items.length).toBe(model.gaps.length)
    gap = items[0] as Gap
    expect(items[0]?.remediation).toEqual({ owner: gap.owner, dueDate: gap.dueDate, status: 'open' })
    expect(items[0]?.comments).toBe(0)
    const high = (await get('/api/gaps?severity=high', 'editor')).json().items as Gap[]
    expect(high.length).toBe(model.gaps.filter((g) => g.severity === 'high').length)
    expect((await get('/api/gaps?status=closed', 'editor')).statusCode).toBe(400)
  })

  it('assigns owner, due date and status, and records a gap.update change naming the actor', async () => {
    const url = `/api/gaps/${encodeURIComponent(gap.id)}`
    const response = await h.request('editor', {
      method: 'PATCH',
      url,
      body: { owner: 'Priya Raman', dueDate: '2027-01-15', status: 'in-progress' },
    })
    expect(response.statusCode).toBe(200)
    expect(response.json().remediation).toMatchObject({
      owner: 'Priya Raman',
      dueDate: '2027-01-15',
      status: 'in-progress',
      updatedBy: h.users.editor.email,
    })
    const detail = (await get(url, 'editor')).json()
    expect(detail.remediation.status).toBe('in-progress')
    const change = (await changes()).at(-1)
    expect(change?.action).toBe('gap.update')
    expect(change?.target).toBe(gap.id)
    expect(change?.actor.name).toBe(h.users.editor.email)
    const filtered = (await get('/api/gaps?status=in-progress', 'editor')).json().items as Gap[]
    expect(filtered.map((g) => g.id)).toEqual([gap.id])
  })

  it('refuses bad updates with 400 and unknown gaps with 404, recording nothing', async () => {
    const before = (await changes()).length
    const url = `/api/gaps/${encodeURIComponent(gap.id)}`
    for (const body of [
      {},
      { dueDate: '2027-02-30' },
      { status: 'done' },
      { owner: '' },
      { colour: 'red' },
    ]) {
      const response = await h.request('editor', { method: 'PATCH', url, body })
      expect(response.statusCode, JSON.stringify(body)).toBe(400)
    }
    expect(
      (
        await h.request('editor', {
          method: 'PATCH',
          url: '/api/gaps/no-such-gap',
          body: { status: 'resolved' },
        })
      ).statusCode,
    ).toBe(404)
    expect((await changes()).length).toBe(before)
  })

  it('comments: 1 to 4000 characters, recorded as gap.comment', async () => {
    const url = `/api/gaps/${encodeURIComponent(gap.id)}/comments`
    expect((await h.request('editor', { method: 'POST', url, body: { body: '' } })).statusCode).toBe(400)
    expect(
      (await h.request('editor', { method: 'POST', url, body: { body: 'x'.repeat(4001) } })).statusCode,
    ).toBe(400)
    const response = await h.request('editor', {
      method: 'POST',
      url,
      body: { body: 'Waiting on the platform team.' },
    })
    expect(response.statusCode).toBe(201)
    expect(response.json()).toMatchObject({ gapId: gap.id, author: h.users.editor.email })
    expect((await changes()).at(-1)?.action).toBe('gap.comment')
    const detail = (await get(`/api/gaps/${encodeURIComponent(gap.id)}`, 'editor')).json()
    expect(detail.comments.map((c: { body: string }) => c.body)).toEqual(['Waiting on the platform team.'])
  })
})

describe('attestations and vendor reviews', () => {
  it('records an attestation as its own signed run, with a change record', async () => {
    const control = h.library.catalog.controls.find((c) => c.manualEvidence.length > 0)
    const evidence = control?.manualEvidence[0]?.id ?? ''
    if (control === undefined) throw new Error('no control asks for manual evidence')
    const response = await h.request('editor', {
      method: 'POST',
      url: '/api/attestations',
      body: { control: control.id, evidence, date: '2026-11-20', by: 'Hannah Brooks', reference: 'GRC-42' },
    })
    expect(response.statusCode).toBe(201)
    const { runId } = response.json()
    const records = []
    for await (const { record } of h.context.ledger.scan({ runId, kinds: ['attestation'] }))
      records.push(record)
    expect(records.map((r) => [r.id, r.effectiveAt, r.source])).toEqual([
      [`${control.id}:${evidence}`, '2026-11-20', 'Hannah Brooks'],
    ])
    expect((await h.context.ledger.runs()).find((r) => r.id === runId)?.status).toBe('complete')
    expect((await changes()).at(-1)?.action).toBe('attestation.create')
    for (const body of [
      { control: 'no.such-control', evidence, date: '2026-11-20', by: 'x' },
      { control: control.id, evidence: 'no-such-evidence', date: '2026-11-20', by: 'x' },
      { control: control.id, evidence, date: '20-11-2026', by: 'x' },
    ]) {
      const refused = await h.request('editor', { method: 'POST', url: '/api/attestations', body })
      expect(refused.statusCode, JSON.stringify(body)).toBe(400)
    }
  })

  it('counts an attestation recorded through the server in the next assessment', async () => {
    const before = (await h.context.latestRun())?.model
    const missing = before?.controls
      .flatMap((c) => c.manualEvidence.map((m) => ({ control: c.id, evidence: m })))
      .find((m) => m.evidence.status === 'missing')
    if (missing === undefined) throw new Error('the demo has no missing manual evidence')
    const body = {
      control: missing.control,
      evidence: missing.evidence.id,
      date: '2026-11-21',
      by: 'Priya Natarajan',
    }
    expect((await h.request('editor', { method: 'POST', url: '/api/attestations', body })).statusCode).toBe(
      201,
    )
    const recorded = await serverAttestations(h.context.ledger)
    expect(recorded).toContainEqual(
      expect.objectContaining({ evidence: missing.evidence.id, date: '2026-11-21', by: 'Priya Natarajan' }),
    )
    const { runId } = await assessOnServer(h.context)
    const after = (await h.context.run(runId)).model
    const result = after.controls
      .find((c) => c.id === missing.control)
      ?.manualEvidence.find((m) => m.id === missing.evidence.id)
    expect(result).toMatchObject({ status: 'current', lastDate: '2026-11-21', by: 'Priya Natarajan' })
    // The configuration's own attestations, copied into every assessment run, are not counted twice.
    expect((await serverAttestations(h.context.ledger)).length).toBe(recorded.length)
  })

  it('writes a vendor review into trustctl.yaml, keeping its comments, and records vendor.review', async () => {
    const response = await h.request('editor', {
      method: 'PATCH',
      url: '/api/vendors/GitHub/review',
      body: {
        reviewedBy: 'Hannah Brooks',
        reviewedAt: '2026-11-25',
        exceptionsReviewed: true,
        notes: 'Bridge letter read.',
      },
    })
    expect(response.statusCode).toBe(200)
    const yaml = readFileSync(h.loaded.file, 'utf8')
    expect(yaml).toContain('# trustctl configuration for the Acme Insights demo estate.')
    expect(yaml).toMatch(
      /name: GitHub[\s\S]*?reviewedBy: Hannah Brooks[\s\S]*?reviewedOn: 2026-11-25[\s\S]*?name: Okta/,
    )
    expect(h.context.loaded.config.vendors.find((v) => v.name === 'GitHub')?.report?.reviewedOn).toBe(
      '2026-11-25',
    )
    const change = (await changes()).at(-1)
    expect(change?.action).toBe('vendor.review')
    expect(change?.after).toMatchObject({ notes: 'Bridge letter read.', exceptionsReviewed: true })
    const unknown = await h.request('editor', {
      method: 'PATCH',
      url: '/api/vendors/Nobody%20Inc/review',
      body: { reviewedBy: 'x', reviewedAt: '2026-11-25' },
    })
    expect(unknown.statusCode).toBe(404)
    const bad = await h.request('editor', {
      method: 'PATCH',
      url: '/api/vendors/GitHub/review',
      body: { reviewedBy: 'x', reviewedAt: 'yesterday' },
    })
    expect(bad.statusCode).toBe(400)
  })
})

describe('package export', () => {
  let record: PackageRecord

  it('runs as a job with progress, then lists files whose SHA-256 match the manifest', async () => {
    // A gap edited through the server before the export: its plan row must show the edit.
    const [edited] = (await get('/api/gaps', 'editor')).json().items as Gap[]
    if (edited === undefined) throw new Error('the demo has gaps')
    const patched = await h.request('editor', {
      method: 'PATCH',
      url: `/api/gaps/${encodeURIComponent(edited.id)}`,
      body: { owner: 'Tomás Ortega', dueDate: '2027-02-20', status: 'resolved' },
    })
    expect(patched.statusCode).toBe(200)
    const started = await h.request('editor', {
      method: 'POST',
      url: '/api/jobs',
      body: { kind: 'package', type: 1 },
    })
    expect(started.statusCode).toBe(202)
    const id = (started.json() as Job).id
    const steps = new Set<string>()
    let job: Job
    for (;;) {
      job = (await get(`/api/jobs/${id}`, 'editor')).json() as Job
      steps.add(`${job.progress.done}/${job.progress.total} ${job.progress.step}`)
      if (job.status === 'done' || job.status === 'failed') break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(job.error).toBeUndefined()
    expect(job.status).toBe('done')
    expect([...steps].some((s) => /^\d+\/\d+ (assessment|rendering|building|signing)/.test(s))).toBe(true)
    const items = (await get('/api/packages')).json().items as PackageRecord[]
    const found = items.find((p) => p.id === job.result?.packageId)
    if (found === undefined) throw new Error('the package is not listed')
    record = found
    expect(record.id).toMatch(/^\d{8}T\d{6}-type1$/)
    expect(record.createdBy).toBe(h.users.editor.email)
    expect(record.files.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        'soc2-package.pdf',
        'soc2-package.html',
        'oscal/assessment-results.json',
        'manifest.json',
      ]),
    )
    // The signed manifest.json lists the same bytes as package.json.
    const signed = (await get(`/api/packages/${record.id}/files/manifest.json`)).json() as {
      files: { path: string; sha256: string }[]
    }
    for (const file of signed.files)
      expect(record.files.find((f) => f.name === file.path)?.sha256, file.path).toBe(file.sha256)
    expect((await get(`/api/packages/${record.id}/files/soc2-package.pdf`, 'auditor')).statusCode).toBe(200)
    for (const file of record.files) {
      const response = await get(`/api/packages/${record.id}/files/${encodeURIComponent(file.name)}`)
      expect(response.statusCode, file.name).toBe(200)
      expect(createHash('sha256').update(response.rawPayload).digest('hex'), file.name).toBe(file.sha256)
      expect(response.rawPayload.length).toBe(file.bytes)
    }
    // The gap edited through the server reaches the package's remediation plan.
    const markdown = (await get(`/api/packages/${record.id}/files/soc2-package.md`)).body
    const from = markdown.lastIndexOf('Remediation plan for open gaps')
    const plan = markdown.slice(from, markdown.indexOf('### 5.4', from)).split('\n')
    expect(plan.find((row) => row.includes('Tomás Ortega'))).toMatch(
      /\| Tomás Ortega \| 2027-02-20 \| Resolved \|/,
    )
  }, 240_000)

  it('the whole package as one zip', async () => {
    const response = await get(`/api/packages/${record.id}.zip`)
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('application/zip')
    const files = unzipSync(new Uint8Array(response.rawPayload))
    for (const file of record.files)
      expect(
        createHash('sha256')
          .update(files[file.name] ?? new Uint8Array())
          .digest('hex'),
      ).toBe(file.sha256)
    expect(Object.keys(files)).toContain('package.json')
  })

  it('names outside the manifest are 404 and bad ids 400: nothing outside the folder is read', async () => {
    for (const name of [
      '..%2F..%2F..%2F..%2Fetc%2Fpasswd',
      '..%2Fpackage.json',
      'package.json',
      'nope.pdf',
      '%2Fetc%2Fpasswd',
    ]) {
      const response = await get(`/api/packages/${record.id}/files/${name}`)
      expect(response.statusCode, name).toBe(404)
      expect(response.body).not.toContain('root:')
    }
    for (const id of ['..%2F..', '..%2F..%2F..%2Fetc', '20261130T000000-type3', 'x']) {
      expect((await get(`/api/packages/${id}/files/manifest.json`)).statusCode, id).toBe(400)
      expect((await get(`/api/packages/${id}.zip`)).statusCode, id).toBe(400)
    }
    // A literal `..` segment is resolved away before routing: whatever it reaches, never a file.
    expect((await get('/api/packages/../files/manifest.json')).statusCode).toBe(404)
    expect((await get('/api/packages/20000101T000000-type1.zip')).statusCode).toBe(404)
  })
})

describe('packages and the audit period', () => {
  /**
   * Writes a package folder as the package job does: the files, a manifest.json signed by `signer`
   * (the server's key unless a test says otherwise), and the unsigned package.json labels last.
   */
  function writePackage(
    id: string,
    engagement: PackageRecord['engagement'],
    files: Record<string, string>,
    signer: Signer = h.context.signer,
    /** Where `trustctl package` writes (the report folder, no package.json); default: a server export. */
    cli = false,
  ): string {
    const folder = path.join((cli ? h.context.cliPackagesDir : undefined) ?? h.context.packagesDir, id)
    mkdirSync(folder, { recursive: true })
    const listed = Object.entries(files).map(([name, text]) => {
      writeFileSync(path.join(folder, name), text)
      return { path: name, bytes: Buffer.byteLength(text), sha256: sha256(Buffer.from(text)) }
    })
    const unsigned = {
      kind: 'trustctl-soc2-package',
      version: 1,
      engagement,
      generatedAt: '2025-07-01T12:00:00.000Z',
      files: listed,
    }
    const manifest = {
      ...unsigned,
      signature: {
        algorithm: 'Ed25519',
        signed: 'canonical JSON of this manifest without its signature',
        keyFingerprint: signer.fingerprint,
        publicKey: signer.publicKeyPem.trim(),
        value: signer.sign(Buffer.from(canonicalJson(unsigned))),
      },
    }
    writeFileSync(path.join(folder, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
    if (cli) return folder
    const labels = {
      id,
      type: engagement.type,
      engagement,
      createdAt: '2025-07-01T12:00:00.000Z',
      createdBy: 'someone@example.test',
      runId: h.runId,
      files: listed.map((f) => ({ name: f.path, bytes: f.bytes, sha256: f.sha256 })),
    }
    writeFileSync(path.join(folder, 'package.json'), JSON.stringify(labels))
    return folder
  }
  const ids = async (who: 'admin' | 'auditor') =>
    ((await get('/api/packages', who)).json().items as PackageRecord[]).map((p) => p.id)

  it('lists and serves a package the command line wrote into the report folder, verified like an export', async () => {
    expect(h.context.cliPackagesDir).toBeDefined()
    const id = 'soc2-type1-2025-06-30'
    const folder = writePackage(
      id,
      { type: 1, asOf: '2025-06-30' },
      { 'report.md': '# From the CLI\n' },
      h.context.signer,
      true,
    )
    try {
      const listed = (await get('/api/packages')).json().items as PackageRecord[]
      const row = listed.find((p) => p.id === id)
      expect(row).toMatchObject({
        type: 1,
        engagement: { asOf: '2025-06-30' },
        createdBy: 'trustctl package (command line)',
      })
      const file = await get(`/api/packages/${id}/files/report.md`)
      expect(file.statusCode).toBe(200)
      expect(file.body).toBe('# From the CLI\n')
      // Signed by another key: not listed, like an export.
      writePackage(
        id,
        { type: 1, asOf: '2025-06-30' },
        { 'report.md': '# Forged\n' },
        ed25519Signer(generateKeyPairSync('ed25519').privateKey),
        true,
      )
      expect(await ids('admin')).not.toContain(id)
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })

  it('an auditor is told nothing of a package outside the period; an altered package file is refused', async () => {
    const id = '20250701T120000-type2'
    const folder = writePackage(
      id,
      { type: 2, from: '2024-07-01', to: '2025-06-30' },
      {
        'old.json': '{"report":"old"}\n',
      },
    )
    expect(await ids('admin')).toContain(id)
    expect(await ids('auditor')).not.toContain(id)
    expect((await get(`/api/packages/${id}/files/old.json`, 'admin')).statusCode).toBe(200)
    expect((await get(`/api/packages/${id}/files/old.json`, 'auditor')).statusCode).toBe(404)
    expect((await get(`/api/packages/${id}.zip`, 'auditor')).statusCode).toBe(404)
    writeFileSync(path.join(folder, 'old.json'), '{"report":"changed"}\n')
    const altered = await get(`/api/packages/${id}/files/old.json`, 'admin')
    expect(altered.statusCode).toBe(500)
    expect(altered.json().detail).toContain('failed verification')
    expect(altered.body).not.toContain('report')
    expect(await ids('admin')).not.toContain(id)
  })

  it('an edited document is not served even when package.json is edited to match it', async () => {
    const id = '20260701T120000-type1'
    const folder = writePackage(
      id,
      { type: 1, asOf: '2026-06-30' },
      { 'report.md': 'All controls operate.\n' },
    )
    expect(await ids('admin')).toContain(id)
    const forged = 'No exceptions were noted.\n'
    writeFileSync(path.join(folder, 'report.md'), forged)
    const labels = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8'))
    labels.files = [{ name: 'report.md', bytes: forged.length, sha256: sha256(Buffer.from(forged)) }]
    writeFileSync(path.join(folder, 'package.json'), JSON.stringify(labels))
    expect(await ids('admin')).not.toContain(id)
    const response = await get(`/api/packages/${id}/files/report.md`, 'admin')
    expect(response.statusCode).toBe(500)
    expect(response.body).not.toContain('No exceptions')
    expect((await get(`/api/packages/${id}.zip`, 'admin')).statusCode).toBe(500)
  })

  it('the period an auditor is shown comes from the signed manifest, not package.json', async () => {
    const id = '20250702T120000-type2'
    const folder = writePackage(id, { type: 2, from: '2024-07-01', to: '2025-06-30' }, { 'r.md': 'old\n' })
    // package.json claims the auditor's period: the signed manifest says otherwise.
    const labels = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8'))
    labels.engagement = { type: 2, from: '2026-01-01', to: '2026-06-30' }
    writeFileSync(path.join(folder, 'package.json'), JSON.stringify(labels))
    expect(await ids('admin')).toContain(id)
    expect(await ids('auditor')).not.toContain(id)
    expect((await get(`/api/packages/${id}/files/r.md`, 'auditor')).statusCode).toBe(404)
  })

  it('a package signed by another key is not listed nor served', async () => {
    const { privateKey } = generateKeyPairSync('ed25519')
    const id = '20260703T120000-type1'
    writePackage(
      id,
      { type: 1, asOf: '2026-06-30' },
      { 'r.md': 'made elsewhere\n' },
      ed25519Signer(privateKey),
    )
    expect(await ids('admin')).not.toContain(id)
    expect((await get(`/api/packages/${id}/files/r.md`, 'admin')).statusCode).toBe(500)
    expect((await get(`/api/packages/${id}/files/r.md`, 'auditor')).statusCode).toBe(404)
  })
})

describe('auditor period', () => {
  let oldRun: number
  let oldOnlyHash: string

  beforeAll(async () => {
    // An assessment as of a date before the auditor's period, holding one item no other run has.
    const old = { ...model, asOf: '2025-06-30', generatedAt: '2025-06-30T12:00:00.000Z' }
    const item = {
      kind: 'k8s.namespace',
      name: 'legacy-2025',
      file: 'deploy/legacy.yaml',
      resourceKind: 'Namespace',
    }
    oldOnlyHash = sha256(canonicalBytes(item))
    const recorded = await recordAssessment(h.context.ledger, {
      model: old,
      evidence: [item as never],
      inputs: [],
      signer: h.context.signer,
      toolVersion: toolVersion(),
    })
    oldRun = recorded.runId
  })

  it('an auditor sees only runs of the period; others answer 404, not 403', async () => {
    expect((await get(`/api/overview?run=${oldRun}`, 'admin')).statusCode).toBe(200)
    const hidden = await get(`/api/overview?run=${oldRun}`, 'auditor')
    expect(hidden.statusCode).toBe(404)
    expect((await get(`/api/findings?run=${oldRun}`, 'auditor')).statusCode).toBe(404)
    expect((await get(`/api/controls?run=${oldRun}`, 'auditor')).statusCode).toBe(404)
    const runs = (await get('/api/runs', 'auditor')).json().items as { id: number }[]
    expect(runs.map((r) => r.id)).not.toContain(oldRun)
    expect(runs.map((r) => r.id)).toContain(h.runId)
    const trend = (await get('/api/trend', 'auditor')).json().items as RunSummary[]
    expect(trend.map((s) => s.runId)).not.toContain(oldRun)
    // The latest run within the period, not the newest run of the ledger.
    const latest = (await get('/api/overview', 'auditor')).json()
    expect(latest.run.id).not.toBe(oldRun)
    expect(latest.run.asOf).toBe(model.asOf)
  })

  it('runs: every run with what it recorded; an attestation run is "other"', async () => {
    const all = (await get('/api/runs')).json().items as { id: number; kind: string }[]
    expect(new Set(all.map((r) => r.kind))).toEqual(new Set(['assessment', 'change', 'sample', 'other']))
    expect(all.find((r) => r.id === oldRun)?.kind).toBe('assessment')
  })

  it('evidence of a hidden run is 404 for the auditor and readable by others', async () => {
    expect((await get(`/api/evidence/${oldOnlyHash}`, 'admin')).statusCode).toBe(200)
    expect((await get(`/api/evidence/${oldOnlyHash}`, 'auditor')).statusCode).toBe(404)
    expect((await get(`/api/evidence/${oldOnlyHash}/content`, 'auditor')).statusCode).toBe(404)
    expect((await get(`/api/evidence?run=${oldRun}`, 'auditor')).statusCode).toBe(404)
  })
})

describe('a tampered blob', () => {
  it('is refused with a 500 problem naming the store as altered; the bad bytes are never sent', async () => {
    const list = (await get(`/api/evidence?run=${h.runId}&limit=1`)).json().items as EvidenceMeta[]
    const target = list[0] as EvidenceMeta
    const db = new Database(storeFile(h.loaded))
    const ref = `sha256:${target.hash}`
    const original = db
      .prepare(
        `SELECT COALESCE((SELECT bytes FROM ledger_blob WHERE ref = ?),
                         (SELECT bytes FROM ledger_record WHERE bytes IS NOT NULL AND ${recordBlobRefSql} = ?))`,
      )
      .pluck()
      .get(ref, ref) as Buffer
    const marker = 'TAMPERED-CONTENT-MARKER'
    const setBlob = (bytes: Uint8Array) => {
      for (const sql of setBlobSql) db.prepare(sql).run(Buffer.from(bytes), ref)
    }
    try {
      setBlob(Buffer.from(`{"x":"${marker}"}`))
      const response = await get(`/api/evidence/${target.hash}/content?run=${h.runId}`)
      expect(response.statusCode).toBe(500)
      expect(response.json().code).toBe('store')
      expect(response.json().detail).toContain('altered')
      expect(response.body).not.toContain(marker)
      const meta = (await get(`/api/evidence/${target.hash}?run=${h.runId}`)).json()
      expect(meta.verified).toBe(false)
      expect(JSON.stringify(meta)).not.toContain(marker)
    } finally {
      setBlob(original)
      db.close()
    }
    expect((await get(`/api/evidence/${target.hash}/content?run=${h.runId}`)).statusCode).toBe(200)
  })
})
