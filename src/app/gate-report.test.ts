import { describe, expect, it } from 'vitest'
import type { AssessmentModel } from '../core/assessment.js'
import { FindingsColumns, lazyFindings } from '../core/findings-columns.js'
import { gateFailures } from './gate-report.js'

type ModelFinding = AssessmentModel['findings'][number]

const finding = (
  check: string,
  severity: ModelFinding['severity'],
  status: ModelFinding['status'],
  name: string,
): ModelFinding => ({
  check,
  severity,
  status,
  subject: { kind: 'Deployment', name, file: `deploy/${name}.yaml`, line: 3 },
  message: `${check} on ${name}`,
  controls: ['workload.non-root'],
  criteria: ['CC6.1'],
})

const findings = [
  finding('b', 'medium', 'fail', 'api'),
  finding('a', 'high', 'pass', 'web'),
  finding('a', 'high', 'fail', 'web'),
  finding('c', 'low', 'fail', 'db'),
  finding('a', 'high', 'fail', 'cache'),
]

/** A model whose findings are columns, as assess() hands it, read in batches smaller than the list. */
function lazyModel(): AssessmentModel {
  const columns = new FindingsColumns()
  for (const f of findings) columns.push(f)
  const model = {
    checks: [{ id: 'a', title: 'Check A', severity: 'high', description: '', remediation: 'Fix A.' }],
    findings: [],
  }
  return lazyFindings(model as unknown as AssessmentModel, columns)
}

describe('the gate failures', () => {
  it('are the failing findings at the threshold, most severe first, without making every finding', () => {
    const model = lazyModel()
    const failures = gateFailures(model, 'medium', (file) => `repo/${file}`)
    expect(Object.getOwnPropertyDescriptor(model, 'findings')?.get).toBeDefined()
    expect(failures.map((f) => [f.check, f.subject, f.severity])).toEqual([
      ['a', 'Deployment web', 'high'],
      ['a', 'Deployment cache', 'high'],
      ['b', 'Deployment api', 'medium'],
    ])
    expect(failures[0]).toEqual({
      check: 'a',
      checkTitle: 'Check A',
      severity: 'high',
      subject: 'Deployment web',
      file: 'repo/deploy/web.yaml',
      line: 3,
      message: 'a on web',
      fix: 'Fix A.',
    })
    // The same as from the findings as a list.
    expect(gateFailures({ ...lazyModel() }, undefined, () => undefined)).toEqual(
      gateFailures(lazyModel(), undefined, () => undefined),
    )
    expect(gateFailures(lazyModel(), undefined, () => undefined)).toHaveLength(4)
  })
})
