import { describe, expect, it } from 'vitest'
import type { AssessmentModel, CriterionResult } from './assessment.js'
import { findingRows, runSummaryOf } from './team-rows.js'

const criterion = (id: string, category: string, readiness: number, status = 'partial'): CriterionResult =>
  ({ id, category, series: 'CC', title: id, status, readiness, controls: [] }) as unknown as CriterionResult

const model = {
  generatedAt: '2026-11-02T10:00:00.000Z',
  asOf: '2026-11-01',
  criteria: [
    criterion('CC6.1', 'security', 100, 'ready'),
    criterion('CC6.2', 'security', 51),
    criterion('CC6.3', 'security', 0, 'not-applicable'),
    criterion('A1.2', 'availability', 0, 'not-ready'),
    criterion('P1.1', 'privacy', 0, 'not-applicable'),
  ],
  gaps: [{ id: 'g1' }, { id: 'g2' }],
  summary: { readiness: 64, controlsByStatus: { pass: 3, fail: 1 } },
  findings: [
    {
      check: 'k8s/no-root',
      status: 'fail',
      severity: 'high',
      subject: { kind: 'Deployment', name: 'api', namespace: 'prod', file: 'deploy.yaml', line: 4 },
      message: 'runs as root',
      controls: ['access.least-privilege'],
      criteria: ['CC6.1'],
    },
    {
      check: 'git/signed',
      status: 'pass',
      severity: 'low',
      subject: { kind: 'Repository', name: 'app', file: 'repo.json' },
      message: 'signed',
      controls: [],
      criteria: [],
    },
  ],
} as unknown as AssessmentModel

describe('runSummaryOf', () => {
  it('averages criterion readiness by category, leaving out criteria that are not applicable', () => {
    expect(runSummaryOf(7, model)).toEqual({
      runId: 7,
      generatedAt: '2026-11-02T10:00:00.000Z',
      asOf: '2026-11-01',
      readiness: 64,
      // (100 + 51) / 2 rounds to 76; CC6.3 is out of scope and would pull it down to 50 if counted.
      byCategory: { security: 76, availability: 0 },
      byCriterion: { 'CC6.1': 100, 'CC6.2': 51, 'A1.2': 0 },
      gaps: 2,
      controlsByStatus: { pass: 3, fail: 1 },
    })
  })
})

describe('findingRows', () => {
  it('numbers findings in model order and keeps optional fields out when absent', () => {
    const rows = [...findingRows(model)]
    expect(rows).toEqual([
      {
        ordinal: 0,
        check: 'k8s/no-root',
        status: 'fail',
        severity: 'high',
        subjectKind: 'Deployment',
        subjectName: 'api',
        namespace: 'prod',
        file: 'deploy.yaml',
        line: 4,
        message: 'runs as root',
        controls: ['access.least-privilege'],
        criteria: ['CC6.1'],
      },
      {
        ordinal: 1,
        check: 'git/signed',
        status: 'pass',
        severity: 'low',
        subjectKind: 'Repository',
        subjectName: 'app',
        file: 'repo.json',
        message: 'signed',
        controls: [],
        criteria: [],
      },
    ])
    expect('namespace' in (rows[1] ?? {})).toBe(false)
  })
})
