import { describe, expect, it } from 'vitest'
import type { AssessmentModel } from './assessment.js'
import { canonicalBytesOf } from './canonical-json.js'
import type { Finding, Subject } from './check.js'
import {
  compactFindings,
  compactFindingsLayout,
  engineFindingsOf,
  findingsOfPart,
  findingsPartBytes,
  scannedPerName,
} from './findings-part.js'

type ModelFinding = AssessmentModel['findings'][number]

const workloadMapping = { controls: ['workload.containers-run-unprivileged'], criteria: ['CC6.1', 'CC6.8'] }
const ingressMapping = { controls: ['network.traffic-encrypted-in-transit'], criteria: ['CC6.7'] }
const api = { kind: 'Deployment', name: 'api', file: 'deploy/a.yaml', namespace: 'team-1', line: 3 }
const web = { kind: 'StatefulSet', name: 'web', file: 'deploy/a.yaml', namespace: 'team-2', line: 40 }

/** Findings as assess() makes them: literals with every key, lists shared per check. */
function finding(
  check: string,
  status: ModelFinding['status'],
  subject: ModelFinding['subject'],
  message: string,
  mapping = workloadMapping,
): ModelFinding {
  return { check, severity: 'high', status, subject, message, ...mapping }
}

const findings: ModelFinding[] = [
  finding('kubernetes/workload-runs-as-non-root', 'pass', api, 'every container sets runAsNonRoot'),
  finding('kubernetes/workload-runs-as-non-root', 'fail', web, 'may run as root: web'),
  finding('kubernetes/workload-is-not-privileged', 'pass', api, 'no container is privileged'),
  finding('kubernetes/workload-is-not-privileged', 'pass', { ...web }, 'no container is privileged'),
  finding(
    'kubernetes/ingress-terminates-tls',
    'no-evidence',
    { kind: 'Evidence', name: 'k8s.ingress', file: '' },
    'no evidence of kind k8s.ingress was collected, so this test could not run',
    ingressMapping,
  ),
  finding(
    'kubernetes/ingress-terminates-tls',
    'fail',
    { kind: 'Ingress', name: 'x', file: 'f', line: 9 },
    'm',
    {
      ...ingressMapping,
    },
  ),
  finding(
    'kubernetes/ingress-terminates-tls',
    'pass',
    { kind: 'Ingress', name: 'y', file: 'f', namespace: '' },
    '',
    ingressMapping,
  ),
  // The same check again after another one: a group of its own, order kept.
  finding('kubernetes/workload-runs-as-non-root', 'error', api, 'the check threw: boom'),
]

/** What a reader gets back from a record's bytes. */
const readBack = (bytes: Uint8Array) => findingsOfPart(JSON.parse(Buffer.from(bytes).toString('utf8')))

describe('findings records', () => {
  it('give back exactly the findings written, in order', () => {
    const back = readBack(findingsPartBytes(findings))
    expect(back).toEqual(findings)
    // Equal canonical bytes: a model read back hashes and serialises as the one that was recorded.
    expect(canonicalBytesOf(back)).toEqual(canonicalBytesOf(findings))
  })

  it('name each check, subject and message once', () => {
    const compact = compactFindings(findings)
    expect(compact?.layout).toBe(compactFindingsLayout)
    expect(compact?.groups.map(([check, , , , count]) => [check, count])).toEqual([
      ['kubernetes/workload-runs-as-non-root', 2],
      ['kubernetes/workload-is-not-privileged', 2],
      ['kubernetes/ingress-terminates-tls', 3],
      ['kubernetes/workload-runs-as-non-root', 1],
    ])
    // `{ ...web }` is another object with the same value: one row still.
    expect(compact?.subjects).toHaveLength(5)
    expect(compact?.messages).toHaveLength(7)
    expect(findingsPartBytes(findings).byteLength).toBeLessThan(canonicalBytesOf(findings).byteLength)
  })

  it('share a row between subjects equal by value only, however many share a name', () => {
    // Subjects with one name that differ in one field each, then copies of each (other objects).
    const named = [
      { kind: 'Deployment', name: 'app', file: 'a.yaml', namespace: 'ns', line: 1 },
      { kind: 'Service', name: 'app', file: 'a.yaml', namespace: 'ns', line: 1 },
      { kind: 'Deployment', name: 'app', file: 'b.yaml', namespace: 'ns', line: 1 },
      { kind: 'Deployment', name: 'app', file: 'a.yaml', namespace: 'other', line: 1 },
      { kind: 'Deployment', name: 'app', file: 'a.yaml', line: 1 },
      { kind: 'Deployment', name: 'app', file: 'a.yaml', namespace: 'ns', line: 2 },
      { kind: 'Deployment', name: 'app', file: 'a.yaml', namespace: 'ns' },
      { kind: 'Deployment', name: 'app', file: 'a.yaml', namespace: 'null' },
      { kind: 'Deployment', name: 'app', file: 'a.yaml', line: 0 },
      { kind: 'Deployment', name: 'app', file: 'a.yaml', line: -0 },
    ]
    const list = [...named, ...named.map((s) => ({ ...s })), ...named.reverse()].map((subject, i) =>
      finding('c', 'pass', subject, `m${i % 3}`),
    )
    const compact = compactFindings(list)
    // Rows are equal exactly when their JSON is (0 and -0 are both written 0): one row per text.
    const texts = list.map((f) => JSON.stringify(compactFindings([f])?.subjects[0]))
    expect(compact?.subjects.map((row) => JSON.stringify(row))).toEqual([...new Set(texts)])
    expect(compact?.subjects).toHaveLength(9)
    expect(compact?.findings.map(([, subject]) => subject)).toEqual(
      texts.map((text) => [...new Set(texts)].indexOf(text)),
    )
    // Read back as written through JSON (line -0 comes back 0, as it always did).
    expect(readBack(findingsPartBytes(list))).toEqual(JSON.parse(JSON.stringify(list)))
  })

  it('find subjects of one name however many share it, by value, in order', () => {
    // More subjects of one name than are compared one by one (scannedPerName), each twice as another
    // object, and one that differs only in its line: the same rows as keyed by their JSON text.
    const many = Array.from({ length: 3 * scannedPerName }, (_, i) => ({
      kind: 'Deployment',
      name: 'app',
      file: `deploy/team-${i % (2 * scannedPerName)}.yaml`,
      namespace: `team-${i % (2 * scannedPerName)}`,
      line: 1,
    }))
    const subjects = [...many, ...many.map((s) => ({ ...s })), { ...(many[0] as Subject), line: 2 }]
    const list = subjects.map((subject) => finding('c', 'pass', subject, 'm'))
    const texts = subjects.map((s) => JSON.stringify([s.kind, s.name, s.file, s.namespace, s.line]))
    const distinct = [...new Set(texts)]
    const compact = compactFindings(list)
    expect(compact?.subjects.map((row) => JSON.stringify(row))).toEqual(distinct)
    expect(compact?.findings.map(([, subject]) => subject)).toEqual(texts.map((t) => distinct.indexOf(t)))
    expect(readBack(findingsPartBytes(list))).toEqual(list)
  })

  it('are the canonical bytes of their compact layout (written without the generic writer)', () => {
    for (const list of [findings, findings.slice(0, 3), []]) {
      expect(findingsPartBytes(list)).toEqual(canonicalBytesOf(compactFindings(list)))
    }
    const odd = [
      finding('c\u2028"\\', 'pass', { ...api, name: '\ud800 é' }, '\u0000\n', {
        controls: [],
        criteria: ['x'],
      }),
    ]
    expect(findingsPartBytes(odd)).toEqual(canonicalBytesOf(compactFindings(odd)))
  })

  it('keep a subject without namespace or line without them, and an empty namespace as empty', () => {
    const back = readBack(findingsPartBytes(findings)) ?? []
    expect(Object.keys(back[4]?.subject ?? {})).toEqual(['kind', 'name', 'file'])
    expect(back[5]?.subject).toEqual({ kind: 'Ingress', name: 'x', file: 'f', line: 9 })
    expect(back[6]?.subject).toEqual({ kind: 'Ingress', name: 'y', file: 'f', namespace: '' })
  })

  it('are written as the plain list when a finding holds a field the compact layout does not', () => {
    const extra = [...findings, { ...finding('c', 'pass', api, 'm'), note: 'kept' } as ModelFinding]
    expect(compactFindings(extra)).toBeUndefined()
    expect(readBack(findingsPartBytes(extra))).toEqual(extra)
    const oddSubject = [finding('c', 'pass', { ...api, region: 'eu' } as ModelFinding['subject'], 'm')]
    expect(readBack(findingsPartBytes(oddSubject))).toEqual(oddSubject)
  })

  it('are written as the plain list when a later finding of a group holds lists the layout cannot', () => {
    const check = 'kubernetes/workload-runs-as-non-root'
    const first = { ...finding(check, 'pass', api, 'm'), controls: ['a', 'b'] }
    // A string that indexes like the group's list, or numbers where texts go, are not the group's lists.
    const lookAlike = { ...first, subject: web, controls: 'ab' }
    const numbers = { ...finding(check, 'pass', web, 'm'), criteria: [6.1, 6.8] }
    for (const odd of [lookAlike, numbers] as unknown as ModelFinding[]) {
      expect(compactFindings([first, odd])).toBeUndefined()
      expect(readBack(findingsPartBytes([first, odd]))).toEqual([first, odd])
    }
    const single = { ...first, controls: ['x'] }
    expect(compactFindings([first, single])?.groups.map((g) => g[2])).toEqual([['a', 'b'], ['x']])
  })

  it('are written as the plain list when a later finding holds null lists where its group holds none', () => {
    // The engine's findings: no controls or criteria keys at all.
    const {
      controls: _c,
      criteria: _r,
      ...first
    } = finding('kubernetes/workload-runs-as-non-root', 'pass', api, 'm')
    const nulls = { ...first, subject: web, controls: null, criteria: null } as unknown as ModelFinding
    expect(compactFindings([first as ModelFinding, nulls])).toBeUndefined()
    expect(readBack(findingsPartBytes([first as ModelFinding, nulls]))).toEqual([first, nulls])
  })

  it('written before the compact layout (a plain list) are read as they are', () => {
    expect(readBack(canonicalBytesOf(findings))).toEqual(findings)
  })

  it('that do not add up are unreadable, never read short or padded', () => {
    const compact = compactFindings(findings)
    if (compact === undefined) throw new Error('expected the compact layout')
    const group = compact.groups[0]
    if (group === undefined) throw new Error('expected a group')
    const broken = [
      { ...compact, groups: [[...group.slice(0, 4), 99], ...compact.groups.slice(1)] },
      { ...compact, findings: compact.findings.slice(1) },
      { ...compact, findings: [...compact.findings, ['pass', 0, 0]] },
      { ...compact, findings: [['pass', 99, 0], ...compact.findings.slice(1)] },
      { ...compact, findings: [['pass', 0, 1.5], ...compact.findings.slice(1)] },
      { ...compact, layout: 3 },
      { ...compact, subjects: [['Deployment', 'api']] },
      { findings: [] },
      'findings',
    ]
    for (const value of broken) expect(findingsOfPart(value)).toBeUndefined()
  })

  it("hold the engine's findings (no controls or criteria) for the check-result cache, each layout apart", () => {
    const engine: Finding[] = findings.map(({ check, severity, status, subject, message }) => ({
      check,
      severity,
      status,
      subject,
      message,
    }))
    const compact = JSON.parse(JSON.stringify(compactFindings(engine)))
    const back = engineFindingsOf(compact)
    expect(back).toEqual(engine)
    expect(back?.map((f) => Object.keys(f))).toEqual(engine.map((f) => Object.keys(f)))
    // A model record never reads as engine findings, nor the other way round.
    expect(findingsOfPart(compact)).toBeUndefined()
    expect(engineFindingsOf(JSON.parse(findingsPartBytes(findings).toString('utf8')))).toBeUndefined()
    // A finding with controls but no criteria is neither shape: kept as the plain list.
    const { criteria: _c, ...half } = findings[0] as ModelFinding
    expect(compactFindings([half as ModelFinding])).toBeUndefined()
  })
})
