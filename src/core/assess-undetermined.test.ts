import { describe, expect, it } from 'vitest'
import { assess } from './assess.js'
import { buildCatalog, type Framework } from './catalog.js'
import { defineCheck } from './check.js'
import { parseConfig } from './config.js'
import type { ContainerDockerfile } from './evidence.js'

// A value the evidence cannot decide (Terraform's "known after apply") must never count as a pass.

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
  ],
}

/** Passes images with a USER, fails `root`, and cannot tell when USER is `$UNKNOWN`. */
const userCheck = defineCheck({
  id: 'container/final-stage-runs-as-non-root',
  title: 'Images run as a non-root user',
  description: 'A root process in a container is one kernel bug away from the node.',
  remediation: 'Add USER 65532 to the final stage.',
  severity: 'high',
  reads: ['container.dockerfile'],
  evaluate: ({ evidence, result }) =>
    evidence['container.dockerfile'].map((d) => {
      const user = d.stages[d.finalStage]?.user
      if (user === '$UNKNOWN') return result.undetermined(d, 'the user is only known at build time')
      return user === 'root' ? result.fail(d, 'runs as root') : result.pass(d, 'non-root user')
    }),
})

const catalog = buildCatalog(
  framework,
  [
    {
      file: 'a.yaml',
      control: {
        id: 'workload.images-run-as-non-root',
        title: 'Images run as a non-root user',
        statement: 'A statement long enough to pass validation.',
        type: 'preventive',
        owner: 'platform',
        frequency: 'continuous',
        satisfies: { soc2: ['CC6.1'] },
        testedBy: [userCheck.id],
        manualEvidence: [],
        auditorQuestions: [],
      },
    },
  ],
  new Set([userCheck.id]),
)

const dockerfile = (name: string, user: string): ContainerDockerfile => ({
  kind: 'container.dockerfile',
  resourceKind: 'Dockerfile',
  name,
  file: name,
  line: 1,
  stages: [{ index: 0, line: 1, from: 'scratch', instructions: [], user }],
  finalStage: 0,
  variables: [],
  copies: [],
})

function run(users: string[]) {
  const config = parseConfig(
    {
      version: 1,
      organization: 'Acme',
      system: { name: 'Insights' },
      scope: { categories: ['security'], asOf: '2026-11-30' },
    },
    'trustctl.yaml',
  )
  const model = assess({
    config,
    catalog,
    checks: [userCheck],
    evidence: users.map((u, i) => dockerfile(`img${i}`, u)),
    errors: [],
    inputs: [],
    generatedAt: '2026-11-30T00:00:00Z',
    toolVersion: 'test',
  })
  const control = model.controls.find((c) => c.id === 'workload.images-run-as-non-root')
  return { model, test: control?.tests[0], control }
}

describe('undetermined outcomes', () => {
  it('are reported as no-evidence findings for their subject', () => {
    const { model } = run(['app', '$UNKNOWN'])
    expect(model.findings.map((f) => f.status).sort()).toEqual(['no-evidence', 'pass'])
  })

  it('keep a test from passing while nothing failed', () => {
    const { test, control } = run(['app', '$UNKNOWN'])
    expect(test?.status).toBe('no-evidence')
    expect(test?.conclusion).toContain('1 could not be determined')
    expect(control?.status).not.toBe('pass')
  })

  it('do not hide a failure', () => {
    expect(run(['root', '$UNKNOWN']).test?.status).toBe('fail')
  })

  it('leave a fully determined population passing', () => {
    expect(run(['app', 'web']).test?.status).toBe('pass')
  })
})
