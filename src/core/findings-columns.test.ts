import { describe, expect, it } from 'vitest'
import type { AssessmentModel } from './assessment.js'
import {
  FindingsColumns,
  findingsBatches,
  findingsView,
  lazyFindings,
  someFinding,
  withMembers,
} from './findings-columns.js'

type ModelFinding = AssessmentModel['findings'][number]

const mapping = { controls: ['workload.non-root'], criteria: ['CC6.1'] }
const other = { controls: ['network.tls'], criteria: ['CC6.7'] }
const api = { kind: 'Deployment', name: 'api', file: 'deploy/api.yaml' }
const web = { kind: 'Deployment', name: 'web', file: 'deploy/web.yaml', namespace: 'shop', line: 3 }

/** Findings as assess() makes them: one literal, keys in this order, shared subjects and mapping lists. */
const made = (
  check: string,
  severity: ModelFinding['severity'],
  status: ModelFinding['status'],
  subject: ModelFinding['subject'],
  message: string,
  { controls, criteria }: { controls: string[]; criteria: string[] },
): ModelFinding => ({ check, severity, status, subject, message, controls, criteria })

const findings: ModelFinding[] = [
  made('a', 'high', 'pass', api, 'runs as 65532', mapping),
  made('a', 'high', 'fail', web, 'runs as root', mapping),
  // The same check with another severity, then another check: each starts a group of its own.
  made('a', 'low', 'no-evidence', api, 'unknown user', mapping),
  made('b', 'medium', 'pass', web, 'terminates TLS', other),
  made('b', 'medium', 'error', api, 'failed to run', other),
]

function columnsOf(list: readonly ModelFinding[]): FindingsColumns {
  const columns = new FindingsColumns()
  for (const finding of list) columns.push(finding)
  return columns
}

describe('findings columns', () => {
  it('give back the findings pushed, with the same keys in the same order and shared lists', () => {
    const back = columnsOf(findings).slice()
    expect(back).toEqual(findings)
    expect(back.map((f) => Object.keys(f))).toEqual(findings.map((f) => Object.keys(f)))
    expect(JSON.stringify(back)).toBe(JSON.stringify(findings))
    expect(back[0]?.subject).toBe(api)
    expect(back[1]?.controls).toBe(mapping.controls)
    expect(back[3]?.criteria).toBe(other.criteria)
  })

  it('slice as a list does, across groups and from the end', () => {
    const columns = columnsOf(findings)
    expect(columns.length).toBe(5)
    for (const [start, end] of [
      [0, 2],
      [1, 4],
      [2, 3],
      [3, 99],
      [-2, 5],
      [4, 2],
      [5, 9],
    ] as const)
      expect(columns.slice(start, end)).toEqual(findings.slice(start, end))
  })

  it('visit every finding in order without making objects, and give coverage its checks and subjects', () => {
    const columns = columnsOf(findings)
    const seen: unknown[] = []
    columns.forEach((check, status, subject, message, index) => {
      seen.push([check, status, subject, message, index])
    })
    expect(seen).toEqual(findings.map((f, i) => [f.check, f.status, f.subject, f.message, i]))
    // Visited twice: coverage may pass over the findings more than once (IaC resources).
    for (let pass = 0; pass < 2; pass++) {
      const covered: unknown[] = []
      columns.forEachCovered((check, subject) => covered.push({ check, subject }))
      expect(covered).toEqual(findings.map(({ check, subject }) => ({ check, subject })))
    }
  })
})

describe('a model with lazy findings', () => {
  const modelOf = (): { model: { schemaVersion: number; findings: ModelFinding[]; gaps: string[] } } => {
    const model = lazyFindings(
      { schemaVersion: 1, findings: [] as ModelFinding[], gaps: [] as string[] },
      columnsOf(findings),
    )
    return { model }
  }

  it('is read in parts from its columns until its findings are read, then is a plain list', () => {
    const { model } = modelOf()
    const view = findingsView(model)
    expect(view).toBeInstanceOf(FindingsColumns)
    expect(view.slice(1, 3)).toEqual(findings.slice(1, 3))
    // Still not made: reading a part does not make the list.
    expect(Object.getOwnPropertyDescriptor(model, 'findings')?.get).toBeDefined()
    const list = model.findings
    expect(list).toEqual(findings)
    expect(model.findings).toBe(list)
    expect(Object.getOwnPropertyDescriptor(model, 'findings')).toMatchObject({ value: list, writable: true })
    // Once made, the list is the truth: a change to it is what recording reads.
    list.pop()
    expect(findingsView(model).length).toBe(4)
  })

  it('serialises and keeps its keys in place like a plain model', () => {
    const { model } = modelOf()
    expect(Object.keys(model)).toEqual(['schemaVersion', 'findings', 'gaps'])
    expect(JSON.stringify(model)).toBe(JSON.stringify({ schemaVersion: 1, findings, gaps: [] }))
    expect(Object.keys(model)).toEqual(['schemaVersion', 'findings', 'gaps'])
  })

  it('takes a new list when given one', () => {
    const { model } = modelOf()
    model.findings = findings.slice(0, 1)
    expect(model.findings).toEqual(findings.slice(0, 1))
    expect(findingsView(model).length).toBe(1)
  })

  it('gives a plain model its own list', () => {
    const plain = { findings }
    expect(findingsView(plain)).toBe(findings)
  })
})

describe('walking a model whose findings are columns', () => {
  const lazyModel = () =>
    lazyFindings({ schemaVersion: 1, findings: [] as ModelFinding[], gaps: ['g'] }, columnsOf(findings))
  const unmadeFindings = (model: object): boolean =>
    Object.getOwnPropertyDescriptor(model, 'findings')?.get !== undefined

  it('gives the findings in batches, in order, from columns and lists alike', () => {
    for (const view of [findings, columnsOf(findings)])
      for (const size of [1, 2, 5, 10]) {
        const batches = [...findingsBatches(view, size)]
        expect(batches.every((b) => b.length <= size)).toBe(true)
        expect(batches.flat()).toEqual(findings)
      }
    expect([...findingsBatches([], 3)]).toEqual([])
  })

  it('finds a finding without making them all', () => {
    const model = lazyModel()
    expect(someFinding(model, (f) => f.status === 'error')).toBe(true)
    expect(someFinding(model, (f) => f.check === 'c')).toBe(false)
    expect(unmadeFindings(model)).toBe(true)
  })

  it('replaces members as a spread does, keeping the findings columns', () => {
    const model = lazyModel()
    const replaced = withMembers(model, { gaps: ['h'] })
    expect(unmadeFindings(model)).toBe(true)
    expect(unmadeFindings(replaced)).toBe(true)
    expect(Object.keys(replaced)).toEqual(['schemaVersion', 'findings', 'gaps'])
    expect(replaced.gaps).toEqual(['h'])
    expect(JSON.stringify(replaced)).toBe(JSON.stringify({ ...lazyModel(), gaps: ['h'] }))
    // A new findings list, or a model whose findings are a list, is the spread itself.
    expect(withMembers(model, { findings: [] }).findings).toEqual([])
    const plain = { schemaVersion: 1, findings, gaps: ['g'] }
    expect(withMembers(plain, { gaps: [] })).toEqual({ ...plain, gaps: [] })
  })
})
