import { describe, expect, it } from 'vitest'
import type { AssessmentModel } from '../../core/assessment.js'
import { FindingsColumns, lazyFindings } from '../../core/findings-columns.js'
import { exitCode } from '../exit-codes.js'
import { assessmentExitCode } from './assess.js'

type ModelFinding = AssessmentModel['findings'][number]

const finding = (severity: ModelFinding['severity'], status: ModelFinding['status']): ModelFinding => ({
  check: `check-${severity}`,
  severity,
  status,
  subject: { kind: 'Deployment', name: 'api', file: 'deploy/api.yaml' },
  message: status,
  controls: [],
  criteria: [],
})

/** A clean model (inputs read, no errors) whose findings are columns, as assess() hands it. */
function lazyModel(list: readonly ModelFinding[]): AssessmentModel {
  const columns = new FindingsColumns()
  for (const f of list) columns.push(f)
  const model = {
    findings: [],
    errors: [],
    inputs: [{ file: 'deploy/api.yaml' }],
    summary: { findingsByStatus: { error: 0 } },
  }
  return lazyFindings(model as unknown as AssessmentModel, columns)
}

const unmade = (model: object): boolean =>
  Object.getOwnPropertyDescriptor(model, 'findings')?.get !== undefined

describe('the exit code of --fail-on', () => {
  const list = [finding('high', 'pass'), finding('medium', 'fail'), finding('low', 'fail')]

  it('is failures when a failing finding is at the threshold, read without making every finding', () => {
    const model = lazyModel(list)
    expect(assessmentExitCode(model, 'medium')).toBe(exitCode.failures)
    expect(unmade(model)).toBe(true)
  })

  it('is clean when none is, and without a threshold the findings are not read at all', () => {
    const model = lazyModel(list)
    expect(assessmentExitCode(model, 'high')).toBe(exitCode.clean)
    expect(assessmentExitCode(model, undefined)).toBe(exitCode.clean)
    expect(unmade(model)).toBe(true)
  })
})
