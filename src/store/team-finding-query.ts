import { type FindingStatus, type Severity, severities } from '../core/check.js'
import { ValidationError } from '../core/errors.js'
import type { FindingQuery, FindingSort, IndexedFinding } from '../core/team.js'

/**
 * What both team store backends share about the findings index: the columns of a row, the key each
 * sort orders by, and the opaque keyset cursor. Both backends compare text bytewise (SQLite BINARY,
 * PostgreSQL COLLATE "C"), so a page boundary means the same thing on either.
 */

/** Findings are written in batches of this many rows (one statement each in PostgreSQL). */
export const findingBatchSize = 5000

/** The largest page a query may ask for. */
export const maxFindingLimit = 500

/** A finding as both backends store it (snake_case columns; lists as JSON text). */
export interface FindingRow {
  run_id: number | string
  ordinal: number | string
  check_id: string
  status: string
  severity: string
  severity_order: number | string
  subject_kind: string
  subject_name: string
  subject_name_lower: string
  namespace: string | null
  file: string
  line: number | string | null
  message: string
  controls: string
  criteria: string
}

/**
 * The columns a side table (finding → control, finding → criterion) carries after its run id and
 * value: the filters it can test itself and every sort key, so it is read in any sort order.
 */
export const sideKeyColumns = [
  'status',
  'severity_order',
  'check_id',
  'subject_name',
  'subject_name_lower',
  'file',
  'ordinal',
] as const satisfies readonly (keyof FindingRow)[]

/**
 * Lengths (in characters) of the subject prefixes each finding carries as generated columns
 * (`subject_prefix4`, `subject_prefix6`), shortest first. A broad subject prefix under a severity,
 * check or file sort is read through the index of (prefix column = value, sort key): tested on each
 * row read in sort order instead, a prefix whose findings sort late (`app-1` under file descending,
 * where `app-2`…`app-9` come first) walked most of the run (16 s at a million findings).
 */
export const subjectPrefixLengths = [4, 6] as const

/** The generated column holding the first `length` characters of the lowercased subject name. */
export type SubjectPrefixColumn = `subject_prefix${(typeof subjectPrefixLengths)[number]}`

export const subjectPrefixColumn = (length: (typeof subjectPrefixLengths)[number]): SubjectPrefixColumn =>
  `subject_prefix${length}`

/** The first `length` characters (code points, as PostgreSQL's left() and SQLite's substr() count). */
export const leadingCharacters = (text: string, length: number): string =>
  Array.from(text).slice(0, length).join('')

/** Sort columns per sort, ending in the unique ordinal so every row has a distinct key. */
export const findingSortColumns: Record<FindingSort, readonly (keyof FindingRow)[]> = {
  // severity_order is 0 for critical: ascending order shows the most severe first.
  severity: ['severity_order', 'check_id', 'subject_name', 'ordinal'],
  check: ['check_id', 'subject_name', 'ordinal'],
  subject: ['subject_name_lower', 'ordinal'],
  file: ['file', 'ordinal'],
}

/** 0 for critical … 4 for info. */
export function severityOrder(severity: Severity): number {
  return severities.indexOf(severity)
}

/** The stored row of a finding. */
export function findingRowOf(runId: number, f: Omit<IndexedFinding, 'runId'>): FindingRow {
  return {
    run_id: runId,
    ordinal: f.ordinal,
    check_id: f.check,
    status: f.status,
    severity: f.severity,
    severity_order: severityOrder(f.severity),
    subject_kind: f.subjectKind,
    subject_name: f.subjectName,
    subject_name_lower: f.subjectName.toLowerCase(),
    namespace: f.namespace ?? null,
    file: f.file,
    line: f.line ?? null,
    message: f.message,
    controls: JSON.stringify(f.controls),
    criteria: JSON.stringify(f.criteria),
  }
}

/** A stored row back as an indexed finding. */
export function findingFromRow(row: FindingRow): IndexedFinding {
  return {
    runId: Number(row.run_id),
    ordinal: Number(row.ordinal),
    check: row.check_id,
    status: row.status as FindingStatus,
    severity: row.severity as Severity,
    subjectKind: row.subject_kind,
    subjectName: row.subject_name,
    ...(row.namespace === null ? {} : { namespace: row.namespace }),
    file: row.file,
    ...(row.line === null ? {} : { line: Number(row.line) }),
    message: row.message,
    controls: JSON.parse(row.controls) as string[],
    criteria: JSON.parse(row.criteria) as string[],
  }
}

type KeyValue = string | number

/** The sort key of a row: the values of the sort's columns. */
export function sortKeyOf(row: FindingRow, sort: FindingSort): KeyValue[] {
  return findingSortColumns[sort].map((column) => {
    const value = row[column]
    return column === 'ordinal' || column === 'severity_order' ? Number(value) : String(value)
  })
}

/** The cursor after a row: base64url of the sort, the order and the row's sort key. */
export function encodeCursor(query: Pick<FindingQuery, 'sort' | 'order'>, key: readonly KeyValue[]): string {
  return Buffer.from(JSON.stringify({ s: query.sort, o: query.order, k: key }), 'utf8').toString('base64url')
}

/**
 * The sort key a cursor carries. A cursor is only meaningful for the sort and order that made it:
 * applied to another, it would skip or repeat rows silently, so it is refused instead.
 */
export function decodeCursor(cursor: string, query: Pick<FindingQuery, 'sort' | 'order'>): KeyValue[] {
  const invalid = (why: string): ValidationError =>
    new ValidationError(`after: ${why}`, [{ path: 'after', message: why }], {
      hint: 'pass the `next` value of the previous page unchanged, with the same sort and order',
    })
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw invalid('not a cursor this server issued')
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid('not a cursor this server issued')
  const { s, o, k } = parsed as { s?: unknown; o?: unknown; k?: unknown }
  if (s !== query.sort || o !== query.order)
    throw invalid(
      `the cursor belongs to sort=${String(s)}&order=${String(o)}, not sort=${query.sort}&order=${query.order}`,
    )
  const columns = findingSortColumns[query.sort]
  const valid =
    Array.isArray(k) &&
    k.length === columns.length &&
    k.every((value, i) =>
      columns[i] === 'ordinal' || columns[i] === 'severity_order'
        ? Number.isSafeInteger(value)
        : typeof value === 'string',
    )
  if (!valid) throw invalid('not a cursor this server issued')
  return k as KeyValue[]
}

/** Rejects a limit outside 1..maxFindingLimit. */
export function checkFindingLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > maxFindingLimit)
    throw new ValidationError(`limit: must be a whole number from 1 to ${maxFindingLimit}`, [
      { path: 'limit', message: `must be a whole number from 1 to ${maxFindingLimit}` },
    ])
}

/** Whether the total is answered from per-run counts: only status, severity and check filters are used. */
export function totalIsCheap(query: FindingQuery): boolean {
  return (
    query.control === undefined &&
    query.criterion === undefined &&
    query.namespace === undefined &&
    (query.subject === undefined || query.subject === '')
  )
}

/** The per-run counts of a batch of rows, keyed by check, status and severity. */
export function countRows(rows: readonly FindingRow[], into: Map<string, number>): void {
  for (const row of rows) {
    const key = JSON.stringify([row.check_id, row.status, row.severity])
    into.set(key, (into.get(key) ?? 0) + 1)
  }
}

/** The counts back as columns. */
export function countEntries(
  counts: Map<string, number>,
): { check: string; status: string; severity: string; n: number }[] {
  return [...counts].map(([key, n]) => {
    const [check, status, severity] = JSON.parse(key) as [string, string, string]
    return { check, status, severity, n }
  })
}

/** Splits an iterable into arrays of at most `size` items, lazily. */
export function* batches<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let batch: T[] = []
  for (const item of items) {
    batch.push(item)
    if (batch.length === size) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) yield batch
}
