import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type AssessRequest, assess, compareCriteria, resolveCheckRuns } from './assess.js'
import { buildCatalog, type Control, type Framework } from './catalog.js'
import { defineCheck } from './check.js'
import { type Config, parseConfig } from './config.js'
import { ConfigError } from './errors.js'
import type { ContainerDockerfile } from './evidence.js'
import { findingsView } from './findings-columns.js'

const framework: Framework = {
  id: 'tsc-2017',
  title: 'test',
  categories: [],
  series: [],
  criteria: [
    {
      id: 'CC6.1',
      category: 'security',
      series: 'CC6',
      pointsOfFocus: 1,
      title: 'Logical access',
      summary: 'Access is limited to those who need it.',
    },
    {
      id: 'CC6.8',
      category: 'security',
      series: 'CC6',
      pointsOfFocus: 1,
      title: 'Malicious software',
      summary: 'Unauthorized software is prevented or detected.',
    },
    {
      id: 'CC9.1',
      category: 'security',
      series: 'CC9',
      pointsOfFocus: 1,
      title: 'Disruption risk',
      summary: 'Business disruption risk is mitigated.',
    },
    {
      id: 'A1.2',
      category: 'availability',
      series: 'A1',
      pointsOfFocus: 1,
      title: 'Recovery',
      summary: 'Backups and recovery infrastructure exist.',
    },
  ],
}

const control = (id: string, soc2: string[], extra: Partial<Control>): Control => ({
  id,
  title: `Control ${id} is in place`,
  statement: 'A statement long enough to pass validation.',
  type: 'preventive',
  owner: 'platform',
  frequency: 'continuous',
  satisfies: { soc2 },
  testedBy: [],
  manualEvidence: [],
  auditorQuestions: [],
  ...extra,
})

const nonRoot = defineCheck({
  id: 'container/final-stage-runs-as-non-root',
  title: 'Images run as a non-root user',
  description: 'A root process in a container is one kernel bug away from the node.',
  remediation: 'Add USER 65532 to the final stage.',
  severity: 'high',
  reads: ['container.dockerfile'],
  evaluate: ({ evidence, result }) =>
    evidence['container.dockerfile'].map((d) =>
      d.stages[d.finalStage]?.user ? result.pass(d, 'non-root user') : result.fail(d, 'runs as root'),
    ),
})

const catalog = buildCatalog(
  framework,
  [
    {
      file: 'a.yaml',
      control: control('workload.images-run-as-non-root', ['CC6.1', 'CC6.8'], {
        testedBy: [nonRoot.id],
        analogy: { traditional: 'Hardened server builds', cloudNative: 'USER in the Dockerfile' },
      }),
    },
    {
      file: 'b.yaml',
      control: control('access.quarterly-review', ['CC6.1'], {
        manualEvidence: [{ id: 'access-review', title: 'Quarterly access review', every: 'P3M' }],
      }),
    },
    {
      file: 'c.yaml',
      control: control('resilience.backups-restored', ['A1.2'], {
        manualEvidence: [{ id: 'restore-test', title: 'Quarterly restore test', every: 'P3M' }],
      }),
    },
  ],
  new Set([nonRoot.id]),
)

const dockerfile = (name: string, user?: string): ContainerDockerfile => ({
  kind: 'container.dockerfile',
  resourceKind: 'Dockerfile',
  name,
  file: name,
  line: 1,
  stages: [{ index: 0, line: 1, from: 'scratch', instructions: [], ...(user === undefined ? {} : { user }) }],
  finalStage: 0,
  variables: [],
  copies: [],
})

function config(overrides: Record<string, unknown> = {}): Config {
  return parseConfig(
    {
      version: 1,
      organization: 'Acme',
      system: { name: 'Insights' },
      scope: { categories: ['security', 'availability'], asOf: '2026-11-30' },
      owners: { platform: 'Marcus <m@example.com>' },
      ...overrides,
    },
    'trustctl.yaml',
  )
}

function baseRequest(): AssessRequest {
  return {
    config: config(),
    catalog,
    checks: [nonRoot],
    evidence: [],
    errors: [],
    inputs: [],
    generatedAt: '2026-11-30T00:00:00Z',
    toolVersion: 'test',
  }
}

function run(cfg: Config, evidence: AssessRequest['evidence']) {
  return assess({
    config: cfg,
    catalog,
    checks: [nonRoot],
    evidence,
    errors: [],
    inputs: [],
    generatedAt: '2026-11-30T00:00:00Z',
    toolVersion: 'test',
  })
}

describe('assess', () => {
  it('rolls findings up into a test of control with population, exceptions and a conclusion', () => {
    const model = run(config(), [dockerfile('api/Dockerfile', '65532'), dockerfile('worker/Dockerfile')])
    const result = model.controls.find((c) => c.id === 'workload.images-run-as-non-root')
    expect(result?.status).toBe('fail')
    expect(result?.tests).toEqual([
      expect.objectContaining({
        status: 'fail',
        population: 2,
        exceptions: 1,
        conclusion: 'Exceptions noted: 1 of 2 tested.',
      }),
    ])
    expect(result?.owner).toBe('Marcus <m@example.com>')
  })

  it('makes the findings into objects only when they are read, as they always were', () => {
    const model = run(config(), [dockerfile('api/Dockerfile', '65532'), dockerfile('worker/Dockerfile')])
    // Recording reads them a part at a time from columns: a large estate holds no million objects.
    expect(Object.getOwnPropertyDescriptor(model, 'findings')?.get).toBeDefined()
    expect(findingsView(model).slice(0, 1)).toEqual(model.findings.slice(0, 1))
    const findings = model.findings
    expect(findings.map((f) => [f.subject.name, f.status])).toEqual([
      ['api/Dockerfile', 'pass'],
      ['worker/Dockerfile', 'fail'],
    ])
    expect(Object.keys(findings[0] ?? {})).toEqual([
      'check',
      'severity',
      'status',
      'subject',
      'message',
      'controls',
      'criteria',
    ])
    // The findings of one check share their mapping lists.
    expect(findings[0]?.controls).toBe(findings[1]?.controls)
    expect(Object.keys(model).indexOf('findings')).toBe(Object.keys(model).indexOf('checks') + 1)
  })

  it('reaches every criterion of the controls that use a check from its findings', () => {
    const model = run(config(), [dockerfile('worker/Dockerfile')])
    expect(model.findings[0]).toMatchObject({
      controls: ['workload.images-run-as-non-root'],
      criteria: ['CC6.1', 'CC6.8'],
    })
  })

  it('never counts absent evidence as a pass', () => {
    const model = run(config(), [])
    expect(model.controls.find((c) => c.id === 'workload.images-run-as-non-root')?.status).toBe('no-evidence')
    expect(
      model.gaps.find((g) => g.id === 'test-without-evidence:container/final-stage-runs-as-non-root'),
    ).toMatchObject({
      controls: ['workload.images-run-as-non-root'],
      criteria: ['CC6.1', 'CC6.8'],
    })
    expect(model.criteria.find((c) => c.id === 'CC6.8')?.status).not.toBe('ready')
  })

  it('lists missing and overdue manual evidence as gaps with owner and due date', () => {
    const model = run(
      config({ attestations: [{ evidence: 'access-review', date: '2026-07-01', by: 'Priya' }] }),
      [dockerfile('api/Dockerfile', '65532')],
    )
    const overdue = model.gaps.find((g) => g.type === 'manual-evidence-overdue')
    expect(overdue).toMatchObject({
      controls: ['access.quarterly-review'],
      criteria: ['CC6.1'],
      owner: 'Marcus <m@example.com>',
      dueDate: '2026-12-30',
      severity: 'high',
    })
    expect(model.gaps.find((g) => g.type === 'manual-evidence-missing')?.controls).toEqual([
      'resilience.backups-restored',
    ])
    const current = run(
      config({ attestations: [{ evidence: 'access-review', date: '2026-10-01', by: 'Priya' }] }),
      [],
    )
    expect(current.controls.find((c) => c.id === 'access.quarterly-review')?.status).toBe('pass')
  })

  it('reports a criterion in scope that no control meets', () => {
    const model = run(config(), [])
    expect(model.criteria.find((c) => c.id === 'CC9.1')?.status).toBe('no-control')
    expect(model.gaps.map((g) => g.id)).toContain('criterion-without-control:CC9.1')
  })

  it('keeps optional categories out of scope unless chosen', () => {
    const model = run(config({ scope: { categories: ['security'], asOf: '2026-11-30' } }), [])
    expect(model.scope.criteria).toEqual(['CC6.1', 'CC6.8', 'CC9.1'])
    expect(model.controls.map((c) => c.id)).not.toContain('resilience.backups-restored')
  })

  it('reports not-applicable controls with their justification, and a gap when there is none', () => {
    const justified = run(
      config({
        controls: {
          'resilience.backups-restored': { notApplicable: 'Stateless service; no data to restore.' },
        },
      }),
      [],
    )
    expect(justified.scope.notApplicable).toEqual([
      {
        control: 'resilience.backups-restored',
        justification: 'Stateless service; no data to restore.',
        criteria: ['A1.2'],
      },
    ])
    const unjustified = run(
      config({ controls: { 'resilience.backups-restored': { notApplicable: true } } }),
      [],
    )
    expect(unjustified.gaps.map((g) => g.type)).toContain('not-applicable-without-justification')
  })

  it('refuses a scope without Security, and unknown checks or controls in the config', () => {
    expect(() => config({ scope: { categories: ['availability'], asOf: '2026-11-30' } })).toThrow(
      /scope\.categories: must include security/,
    )
    expect(() => run(config({ checks: { 'container/nope': { params: {} } } }), [])).toThrow(ConfigError)
    expect(() => run(config({ controls: { 'access.nope': { owner: 'x' } } }), [])).toThrow(
      /controls\.access\.nope: no such control/,
    )
  })

  it('refuses a mistyped check parameter instead of ignoring it', () => {
    const withParams = defineCheck({
      ...nonRoot,
      id: nonRoot.id,
      params: z.object({ allowed: z.array(z.string()).default([]) }),
    })
    const request = { ...baseRequest(), checks: [withParams] }
    expect(() =>
      assess({ ...request, config: config({ checks: { [nonRoot.id]: { params: { alowed: ['x'] } } } }) }),
    ).toThrow(/checks\.container\/final-stage-runs-as-non-root\.params/)
  })

  it("resolves each check's params: defaults when the config gives none, strictly when it gives some", () => {
    const withParams = defineCheck({
      ...nonRoot,
      id: nonRoot.id,
      params: z.object({ allowed: z.array(z.string()).default(['root']) }),
    })
    const ids = new Set([nonRoot.id])
    const params = (checks: Record<string, { params: Record<string, unknown> }>) =>
      resolveCheckRuns([withParams], ids, config({ checks })).map((r) => r.params)
    expect(params({})).toEqual([{ allowed: ['root'] }])
    expect(params({ [nonRoot.id]: { params: { allowed: ['app'] } } })).toEqual([{ allowed: ['app'] }])
    // A key the schema does not know is refused even where the config was not validated before.
    expect(() => params({ [nonRoot.id]: { params: { alowed: ['x'] } } })).toThrow(/alowed/)
  })

  it('turns a failure covered by a current accepted exception into not-applicable, and keeps expired ones failing', () => {
    const exception = (expires: string) => ({
      check: nonRoot.id,
      subject: { name: 'worker/Dockerfile' },
      reason: 'The vendor agent needs root until its 3.0 release.',
      approvedBy: 'Priya Raman',
      expires,
    })
    const current = run(config({ exceptions: [exception('2027-03-31')] }), [
      dockerfile('worker/Dockerfile'),
      dockerfile('api/Dockerfile', '1'),
    ])
    const worker = current.findings.find((f) => f.subject.name === 'worker/Dockerfile')
    expect(worker?.status).toBe('not-applicable')
    expect(worker?.message).toContain('accepted exception until 2027-03-31, approved by Priya Raman')
    expect(current.controls.find((c) => c.id === 'workload.images-run-as-non-root')?.status).not.toBe('fail')
    expect(current.exceptions.map((e) => e.status)).toEqual(['applied'])

    const expired = run(config({ exceptions: [exception('2026-10-31')] }), [dockerfile('worker/Dockerfile')])
    expect(expired.findings[0]).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('expired on 2026-10-31'),
    })
    expect(expired.exceptions.map((e) => e.status)).toEqual(['expired'])
    expect(() =>
      run(config({ exceptions: [{ ...exception('2027-01-01'), check: 'container/nope' }] }), []),
    ).toThrow(/exceptions\[0\]\.check: no such check/)
  })

  it('orders criterion ids as the framework does', () => {
    expect(['P1.1', 'A1.2', 'CC10.1', 'CC2.1', 'PI1.1', 'C1.1'].sort(compareCriteria)).toEqual([
      'CC2.1',
      'CC10.1',
      'A1.2',
      'C1.1',
      'PI1.1',
      'P1.1',
    ])
  })
})
