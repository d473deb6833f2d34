import { beforeAll, describe, expect, it } from 'vitest'
// Tests may read the server's values: the labels GET /api/labels serves.
import { labelTables } from '../../src/core/labels'
import type { ControlRow, GapRow, Job, RunSummary } from '../../src/server/contract/types'
import { percentOf } from './components/JobProgress'
import { nextSort } from './components/SortHeader'
import { trendPoints, trendSummary } from './components/TrendChart'
import { durationInWords, formatTime, installLabels, labelOf, labels, proseRuns, shortHash } from './labels'
import { filterControls } from './pages/ControlsPage'
import { findingsQuery } from './pages/FindingsPage'
import { column } from './pages/GapsPage'
import { exportDefaults, exportRequest } from './pages/PackagesPage'
import { matchPath } from './router'

beforeAll(() => installLabels(labelTables))

describe('matchPath', () => {
  it('matches deep links and decodes their parameters', () => {
    expect(matchPath('/controls/:id', '/controls/CC6.1-xyz')).toEqual({ id: 'CC6.1-xyz' })
    expect(matchPath('/controls/:id', '/controls/access%2Fodd%20id')).toEqual({ id: 'access/odd id' })
    expect(matchPath('/', '/')).toEqual({})
    expect(matchPath('/gaps', '/gaps/')).toEqual({})
  })

  it('refuses paths of another shape', () => {
    expect(matchPath('/controls/:id', '/controls')).toBeUndefined()
    expect(matchPath('/controls/:id', '/controls/')).toBeUndefined()
    expect(matchPath('/controls', '/findings')).toBeUndefined()
    expect(matchPath('/', '/controls')).toBeUndefined()
  })
})

function control(id: string, change: Partial<ControlRow> = {}): ControlRow {
  return {
    id,
    title: `Title of ${id}`,
    family: id.split('.')[0] ?? id,
    type: 'preventive',
    status: 'pass',
    owner: 'Platform team',
    ownerRole: 'platform',
    criteria: ['CC6.1'],
    tests: { total: 1, passed: 1, failed: 0, noEvidence: 0 },
    ...change,
  }
}

describe('filterControls', () => {
  const rows = [
    control('access.mfa', { status: 'fail', criteria: ['CC6.1', 'CC6.2'] }),
    control('change.review', { owner: 'Security team', criteria: ['CC8.1'] }),
    control('ops.backup', { status: 'no-evidence', criteria: ['A1.2'] }),
  ]
  const none = { status: '', family: '', owner: '', criterion: '', q: '' }

  it('keeps everything without filters', () => {
    expect(filterControls(rows, none)).toHaveLength(3)
  })

  it('ANDs the filters it is given', () => {
    expect(filterControls(rows, { ...none, status: 'fail' }).map((r) => r.id)).toEqual(['access.mfa'])
    expect(filterControls(rows, { ...none, criterion: 'CC8.1' }).map((r) => r.id)).toEqual(['change.review'])
    expect(filterControls(rows, { ...none, owner: 'Security team', status: 'fail' })).toEqual([])
    expect(filterControls(rows, { ...none, family: 'ops' }).map((r) => r.id)).toEqual(['ops.backup'])
  })

  it('searches id, title and owner without regard to case', () => {
    expect(filterControls(rows, { ...none, q: 'BACKUP' }).map((r) => r.id)).toEqual(['ops.backup'])
    expect(filterControls(rows, { ...none, q: 'security' }).map((r) => r.id)).toEqual(['change.review'])
    expect(filterControls(rows, { ...none, q: 'nothing like it' })).toEqual([])
  })
})

describe('nextSort', () => {
  it('flips the order of the same column and starts a new column ascending', () => {
    expect(nextSort({ key: 'id', order: 'asc' }, 'id')).toEqual({ key: 'id', order: 'desc' })
    expect(nextSort({ key: 'id', order: 'desc' }, 'id')).toEqual({ key: 'id', order: 'asc' })
    expect(nextSort({ key: 'id', order: 'desc' }, 'owner')).toEqual({ key: 'owner', order: 'asc' })
  })
})

function summary(runId: number, readiness: number): RunSummary {
  return {
    runId,
    generatedAt: '2026-01-01T00:00:00Z',
    asOf: '2026-01-01',
    readiness,
    byCategory: {},
    byCriterion: {},
    gaps: 0,
    controlsByStatus: {},
  }
}

describe('trendPoints', () => {
  it('places runs left to right and higher readiness higher up', () => {
    const [a, b, c] = trendPoints([summary(1, 0), summary(2, 50), summary(3, 100)])
    if (a === undefined || b === undefined || c === undefined) throw new Error('three points expected')
    expect(a.x).toBeLessThan(b.x)
    expect(b.x).toBeLessThan(c.x)
    expect(a.y).toBeGreaterThan(b.y)
    expect(b.y).toBeGreaterThan(c.y)
    expect(b.y).toBeCloseTo((a.y + c.y) / 2)
  })

  it('says the trend in words, for one run and for several', () => {
    expect(trendSummary([])).toBe('No assessment runs yet.')
    expect(trendSummary([summary(1, 58)])).toBe('One run so far: 58% as of 2026-01-01.')
    expect(trendSummary([summary(1, 40), summary(2, 72)])).toBe(
      'Readiness over 2 runs, from 40% as of 2026-01-01 to 72% as of 2026-01-01.',
    )
  })

  it('keeps out-of-range readiness inside the chart', () => {
    const [low, high] = trendPoints([summary(1, -5), summary(2, 140)])
    const [zero, full] = trendPoints([summary(1, 0), summary(2, 100)])
    expect(low?.y).toBe(zero?.y)
    expect(high?.y).toBe(full?.y)
  })
})

function gap(
  id: string,
  severity: GapRow['severity'],
  status: GapRow['remediation']['status'],
  due = '2026-12-01',
): GapRow {
  return {
    id,
    type: 'failing-test',
    severity,
    title: id,
    criteria: [],
    controls: [],
    ownerRole: 'platform',
    owner: 'Platform team',
    dueDate: due,
    remediation: { status },
    comments: 0,
  } as unknown as GapRow
}

describe('gap board column', () => {
  it('holds the gaps of one status, most severe first, then soonest due', () => {
    const gaps = [
      gap('low', 'low', 'open'),
      gap('high-late', 'high', 'open', '2026-12-20'),
      gap('high-soon', 'high', 'open', '2026-12-01'),
      gap('critical-done', 'critical', 'resolved'),
    ]
    expect(column(gaps, 'open').map((g) => g.id)).toEqual(['high-soon', 'high-late', 'low'])
    expect(column(gaps, 'resolved').map((g) => g.id)).toEqual(['critical-done'])
    expect(column(gaps, 'risk-accepted')).toEqual([])
  })
})

function job(status: Job['status'], done: number, total: number): Job {
  return {
    id: 'j',
    kind: 'package',
    status,
    startedBy: 'x',
    createdAt: '',
    progress: { done, total, step: '' },
  }
}

describe('percentOf', () => {
  it('is the share of steps done, 100 once the job is done', () => {
    expect(percentOf(job('running', 1, 4))).toBe(25)
    expect(percentOf(job('queued', 0, 0))).toBe(0)
    expect(percentOf(job('done', 3, 4))).toBe(100)
    expect(percentOf(job('running', 9, 4))).toBe(100)
  })
})

describe('exportRequest', () => {
  it('asks for a type 1 package as of a date and a type 2 over a period', () => {
    expect(exportRequest(1, '2026-11-30', '2026-01-01', '2026-06-30')).toEqual({
      kind: 'package',
      type: 1,
      asOf: '2026-11-30',
    })
    expect(exportRequest(2, '2026-11-30', '2026-01-01', '2026-06-30')).toEqual({
      kind: 'package',
      type: 2,
      from: '2026-01-01',
      to: '2026-06-30',
    })
  })
})

describe('labels', () => {
  it('shows times in UTC, hashes short, and unknown values as they are', () => {
    expect(formatTime('2026-11-28T19:44:01.000Z')).toBe('2026-11-28 19:44 UTC')
    expect(formatTime(undefined)).toBe('—')
    expect(shortHash('a'.repeat(64))).toBe(`${'a'.repeat(12)}…`)
    expect(labelOf(labels().severity, 'high')).toBe('High')
    expect(labelOf(labels().severity, 'catastrophic')).toBe('catastrophic')
  })
})

describe('words for people, not codes', () => {
  it('says ISO durations in words and leaves what it cannot read as it is', () => {
    expect(durationInWords('P3M')).toBe('3 months')
    expect(durationInWords('P1Y')).toBe('1 year')
    expect(durationInWords('P1Y6M')).toBe('1 year 6 months')
    expect(durationInWords('P7D')).toBe('7 days')
    expect(durationInWords('PT4H')).toBe('PT4H')
    expect(durationInWords('P')).toBe('P')
  })

  it('splits prose at backticks into text and code runs, never showing the ticks', () => {
    expect(proseRuns('Set `runAsNonRoot: true` on `api`.')).toEqual([
      { code: false, text: 'Set ' },
      { code: true, text: 'runAsNonRoot: true' },
      { code: false, text: ' on ' },
      { code: true, text: 'api' },
      { code: false, text: '.' },
    ])
    expect(proseRuns('no code here')).toEqual([{ code: false, text: 'no code here' }])
    // An unmatched tick is text, as written.
    expect(proseRuns('a ` b')).toEqual([{ code: false, text: 'a ` b' }])
  })

  it('starts the export form at the configured as-of date, else today', () => {
    expect(exportDefaults('2026-11-30', '2027-03-04')).toEqual({ asOf: '2026-11-30', from: '2026-01-01' })
    expect(exportDefaults(undefined, '2027-03-04')).toEqual({ asOf: '2027-03-04', from: '2027-01-01' })
  })
})

describe('findingsQuery', () => {
  const filters = {
    status: '',
    severity: 'high',
    check: '',
    namespace: '',
    subject: '',
    control: '',
    sort: '',
    order: '',
  }

  it('asks for what needs fixing unless told otherwise', () => {
    expect(findingsQuery(filters, undefined, 50).status).toBe('fail,no-evidence')
    expect(findingsQuery({ ...filters, status: 'any' }, undefined, 50).status).toBeUndefined()
    expect(findingsQuery({ ...filters, status: 'pass' }, 'c1', 50)).toMatchObject({
      status: 'pass',
      severity: 'high',
      after: 'c1',
      limit: 50,
    })
  })
})
