import type { AssessmentModel } from './assessment.js'
import { canonicalBytesOf } from './canonical-json.js'
import type { Finding, Subject } from './check.js'

type ModelFinding = AssessmentModel['findings'][number]
/** A model's finding (with its check's controls and criteria) or the engine's (without). */
type AnyFinding = Finding | ModelFinding

/**
 * The layout of a `findings` record that names each repeated value once. A model's findings repeat a
 * few values many times over: a check's id, severity, controls and criteria on every one of its
 * findings, a workload's subject on each of the ~25 checks that judge it, a pass message on every pass.
 * Written out in full they were ~370 bytes a finding (32 MB for a 10k-object estate), most of a run's
 * writing, hashing and storing. Here a finding is `[status, subject, message]`, the last two indices
 * into tables, and consecutive findings of one check share a group: about a sixth of the bytes.
 * Records written before it hold the plain list of findings; findingsOfPart reads both. The check-result
 * cache keeps the engine's findings (no controls or criteria: their groups hold null) the same way.
 */
export const compactFindingsLayout = 2

/** A check's shared values and how many consecutive findings they belong to. */
type Group = [
  check: string,
  severity: string,
  controls: string[] | null,
  criteria: string[] | null,
  count: number,
]
type SubjectRow = [kind: string, name: string, file: string, namespace: string | null, line: number | null]
type Row = [status: string, subject: number, message: number]

interface CompactFindings {
  layout: typeof compactFindingsLayout
  groups: Group[]
  subjects: SubjectRow[]
  messages: string[]
  findings: Row[]
}

/** The keys a model finding, an engine finding and a subject have (assess.ts, engine.ts build these literals). */
const modelFindingKeys = 7
const engineFindingKeys = 5
const subjectKeys = new Set(['kind', 'name', 'file', 'namespace', 'line'])

/**
 * The canonical bytes of one findings record. Falls back to the plain list when a finding is not of the
 * shape the compact layout can give back exactly (a field it does not know): nothing is ever dropped.
 */
export function findingsPartBytes(findings: readonly AnyFinding[]): Buffer {
  const compact = compactFindings(findings)
  return compact === undefined ? canonicalBytesOf(findings) : compactBytes(compact)
}

/**
 * The canonical bytes of a compact layout, written by JSON.stringify: below its keys (listed here in
 * canonical order) it holds only arrays, strings, finite numbers and null, which canonical JSON writes
 * as JSON.stringify does. The generic canonical writer walked each of its ~10k rows a part.
 */
function compactBytes(compact: CompactFindings): Buffer {
  const { findings, groups, layout, messages, subjects } = compact
  return Buffer.from(JSON.stringify({ findings, groups, layout, messages, subjects }))
}

/** The compact layout of `findings`, or undefined when one of them has a field it cannot hold. */
export function compactFindings(findings: readonly AnyFinding[]): CompactFindings | undefined {
  const groups: Group[] = []
  const subjects: SubjectRow[] = []
  const messages: string[] = []
  const rows: Row[] = []
  // Subjects are mostly shared objects (one per evidence item): known by identity before by value.
  const subjectByObject = new Map<Subject, number>()
  const subjectByValue = new SubjectIndex()
  const messageIndex = new Map<string, number>()
  let group: Group | undefined
  // The message of the finding before and its index: a check's passes share one message, mostly in a row.
  let lastMessage: string | undefined
  let lastMessageIndex = 0
  for (const finding of findings) {
    if (!hasKnownFields(finding)) return undefined
    if (group === undefined || !sameGroup(group, finding)) {
      const controls = controlsOf(finding)
      const criteria = criteriaOf(finding)
      // The lists are checked once a group: a finding joins one only with lists equal to its (sameGroup).
      if ('controls' in finding || 'criteria' in finding)
        if (!isStringList(controls) || !isStringList(criteria)) return undefined
      group = [finding.check, finding.severity, controls, criteria, 0]
      groups.push(group)
    }
    group[4] += 1
    let subject = subjectByObject.get(finding.subject)
    if (subject === undefined) {
      const row = subjectRowOf(finding.subject)
      if (row === undefined) return undefined
      subject = subjectByValue.indexOf(row, subjects)
      if (subject === subjects.length) subjects.push(row)
      subjectByObject.set(finding.subject, subject)
    }
    let message = finding.message === lastMessage ? lastMessageIndex : messageIndex.get(finding.message)
    if (message === undefined) {
      message = messages.push(finding.message) - 1
      messageIndex.set(finding.message, message)
    }
    lastMessage = finding.message
    lastMessageIndex = message
    rows.push([finding.status, subject, message])
  }
  return { layout: compactFindingsLayout, groups, subjects, messages, findings: rows }
}

const controlsOf = (finding: AnyFinding): string[] | null => ('controls' in finding ? finding.controls : null)
const criteriaOf = (finding: AnyFinding): string[] | null => ('criteria' in finding ? finding.criteria : null)

/**
 * A finding with exactly the fields the compact layout holds, each of the type it holds; its controls
 * and criteria lists are checked where its group starts (compactFindings), not for every finding.
 */
function hasKnownFields(finding: AnyFinding): boolean {
  const keys = Object.keys(finding).length
  const mapped = 'controls' in finding || 'criteria' in finding
  return (
    keys === (mapped ? modelFindingKeys : engineFindingKeys) &&
    typeof finding.check === 'string' &&
    typeof finding.severity === 'string' &&
    typeof finding.status === 'string' &&
    typeof finding.message === 'string'
  )
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string')
}

/** Whether a finding continues the current group: the same check with the same shared values. */
function sameGroup(group: Group, finding: AnyFinding): boolean {
  return (
    group[0] === finding.check &&
    group[1] === finding.severity &&
    // A group without lists takes only findings without the keys: `controls: null` is no absent list.
    'controls' in finding === (group[2] !== null) &&
    'criteria' in finding === (group[3] !== null) &&
    sameList(group[2], controlsOf(finding)) &&
    sameList(group[3], criteriaOf(finding))
  )
}

function sameList(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === b) return true
  // Not an array: only ever the group's own list (checked) is taken for a finding's, never a look-alike.
  if (a === null || b === null || !Array.isArray(b) || a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * Subject rows by value, found by name and then compared field by field. A key written out for each
 * subject (JSON.stringify) was most of compactFindings' time: a model's subjects are new to each
 * check's findings, and each check's are compacted for the check-result cache, then the model's again.
 * The name is a string the subject already holds (its hash kept by the engine), and few subjects of
 * one findings list share a name. Where many do (one workload name in every namespace), their bucket
 * becomes a map by the row's JSON text, as every subject had before: never a quadratic search.
 */
class SubjectIndex {
  private readonly byName = new Map<string, number | number[] | Map<string, number>>()

  /** The index in `rows` of a row equal to `row`, or `rows.length` (recorded for it) when there is none. */
  indexOf(row: SubjectRow, rows: readonly SubjectRow[]): number {
    const next = rows.length
    const known = this.byName.get(row[1])
    if (known === undefined) {
      this.byName.set(row[1], next)
      return next
    }
    if (typeof known === 'number') {
      if (sameRow(rows[known] as SubjectRow, row)) return known
      this.byName.set(row[1], [known, next])
      return next
    }
    if (Array.isArray(known)) {
      for (const index of known) if (sameRow(rows[index] as SubjectRow, row)) return index
      if (known.length < scannedPerName) known.push(next)
      else {
        const byText = new Map(known.map((index) => [JSON.stringify(rows[index]), index]))
        byText.set(JSON.stringify(row), next)
        this.byName.set(row[1], byText)
      }
      return next
    }
    const text = JSON.stringify(row)
    const index = known.get(text)
    if (index !== undefined) return index
    known.set(text, next)
    return next
  }
}

/** Rows of one name compared one by one, at most: past this many, they are found by their JSON text. */
export const scannedPerName = 8

/** Equal rows, as their JSON texts are equal (a line is a finite number or null; 0 and -0 both "0"). */
function sameRow(a: SubjectRow, b: SubjectRow): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3] && a[4] === b[4]
}

/** A subject as a table row, or undefined when it has a field or a value type the row cannot hold. */
function subjectRowOf(subject: Subject): SubjectRow | undefined {
  for (const key in subject) if (!subjectKeys.has(key)) return undefined
  const { kind, name, file, namespace, line } = subject
  if (typeof kind !== 'string' || typeof name !== 'string' || typeof file !== 'string') return undefined
  if (namespace !== undefined && typeof namespace !== 'string') return undefined
  if (line !== undefined && (typeof line !== 'number' || !Number.isFinite(line))) return undefined
  return [kind, name, file, namespace ?? null, line ?? null]
}

/**
 * The findings a parsed `findings` record holds, in order, whichever layout it was written in; undefined
 * when it is neither (the caller reports the record unreadable). Findings of one group share their
 * lists and findings of one subject their subject object, read-only, as assess() builds them.
 */
export function findingsOfPart(parsed: unknown): ModelFinding[] | undefined {
  if (Array.isArray(parsed)) return parsed as ModelFinding[]
  return decode(parsed, true) as ModelFinding[] | undefined
}

/**
 * The engine's findings a check-result record holds in the compact layout (`findings` of the record,
 * see compactFindings), or undefined when it is not that layout of engine findings.
 */
export function engineFindingsOf(parsed: unknown): Finding[] | undefined {
  return decode(parsed, false) as Finding[] | undefined
}

/** The findings of a compact layout; `mapped`: model findings (with controls and criteria) or engine ones. */
function decode(parsed: unknown, mapped: boolean): AnyFinding[] | undefined {
  if (!isCompact(parsed)) return undefined
  const subjects = parsed.subjects.map(subjectOfRow)
  const findings: AnyFinding[] = []
  let next = 0
  for (const [check, severity, controls, criteria, count] of parsed.groups) {
    if ((controls !== null) !== mapped || (criteria !== null) !== mapped) return undefined
    const end = next + count
    if (!Number.isInteger(count) || count < 0 || end > parsed.findings.length) return undefined
    for (; next < end; next++) {
      const row = parsed.findings[next]
      if (!Array.isArray(row) || row.length !== 3) return undefined
      const [status, subjectIndex, messageIndex] = row
      const subject = subjects[subjectIndex]
      const message = parsed.messages[messageIndex]
      if (typeof status !== 'string' || subject === undefined || typeof message !== 'string') return undefined
      // One literal per shape, keys in the order engine.ts and assess.ts write them.
      findings.push(
        controls === null || criteria === null
          ? ({ check, severity, status, subject, message } as Finding)
          : ({ check, severity, status, subject, message, controls, criteria } as ModelFinding),
      )
    }
  }
  return next === parsed.findings.length ? findings : undefined
}

function isCompact(value: unknown): value is CompactFindings {
  if (value === null || typeof value !== 'object') return false
  const v = value as Partial<Record<keyof CompactFindings, unknown>>
  return (
    v.layout === compactFindingsLayout &&
    Array.isArray(v.groups) &&
    v.groups.every(isGroup) &&
    Array.isArray(v.subjects) &&
    v.subjects.every(isSubjectRow) &&
    Array.isArray(v.messages) &&
    Array.isArray(v.findings)
  )
}

function isGroup(value: unknown): value is Group {
  return (
    Array.isArray(value) &&
    value.length === 5 &&
    typeof value[0] === 'string' &&
    typeof value[1] === 'string' &&
    (value[2] === null || isStringList(value[2])) &&
    (value[3] === null || isStringList(value[3])) &&
    typeof value[4] === 'number'
  )
}

function isSubjectRow(value: unknown): value is SubjectRow {
  return (
    Array.isArray(value) &&
    value.length === 5 &&
    typeof value[0] === 'string' &&
    typeof value[1] === 'string' &&
    typeof value[2] === 'string' &&
    (value[3] === null || typeof value[3] === 'string') &&
    (value[4] === null || typeof value[4] === 'number')
  )
}

/** A subject as toSubject builds it: one literal per shape, keys in the order reports print them. */
function subjectOfRow([kind, name, file, namespace, line]: SubjectRow): Subject {
  if (namespace === null) return line === null ? { kind, name, file } : { kind, name, file, line }
  return line === null ? { kind, name, file, namespace } : { kind, name, file, namespace, line }
}
