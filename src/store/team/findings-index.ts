import type { FindingPage, FindingQuery, IndexedFinding, TeamStore } from '../../core/team.js'
import { attempt, placeholders, type SqlDriver, type SqlRunner, type SqlValue } from '../sql/driver.js'
import {
  checkFindingLimit,
  decodeCursor,
  encodeCursor,
  type FindingRow,
  findingFromRow,
  findingSortColumns,
  leadingCharacters,
  type SubjectPrefixColumn,
  severityOrder,
  sortKeyOf,
  subjectPrefixColumn,
  subjectPrefixLengths,
  totalIsCheap,
} from '../team-finding-query.js'
import { findingColumnList } from '../team-row.js'

/** The largest code point: a prefix range ends just below `prefix + this`. */
const lastCharacter = String.fromCodePoint(0x10ffff)

/**
 * A subject prefix matching fewer findings than this is read by its own index and its matches sorted
 * (a bounded sort); a broader one is tested on each finding read in sort order, which then finds a
 * page after at most about limit × run size / this findings.
 */
export const smallSubjectSet = 2000

/**
 * How a findings write is laid out per database. The tables are the same to a reader; how a million
 * rows get in fast differs (SQLite: rows into indexed tables in one transaction; PostgreSQL: an
 * unindexed partition, indexed in one sort per index, then swapped in).
 */
export interface FindingsWriter {
  /** Replaces the run's findings inside the transaction; returns how many were written. */
  write(tx: SqlRunner, runId: number, findings: Iterable<Omit<IndexedFinding, 'runId'>>): Promise<number>
}

type SideColumn = 'control' | 'criterion'

/**
 * What a page is read through, in sort order: one index range per shape. `side`: the control's (or
 * criterion's) side table; `equal`: the findings index of one equality filter and the sort;
 * `subject`: the few findings of a subject prefix, sorted; `sort`: the sort's own index.
 */
export type FindingAccess =
  | { by: 'side'; column: SideColumn; value: string }
  | { by: 'equal'; column: 'namespace' | 'check_id' | 'severity_order' | 'status'; value: string | number }
  | { by: 'subject' }
  | { by: 'prefix'; column: SubjectPrefixColumn; value: string }
  | { by: 'sort' }

/** Most prefix values a broad subject prefix is read as (one in-order read each, merged). */
export const maxPrefixBranches = 16

/**
 * Whether a broad subject prefix is read through a prefix column rather than the access chosen: when
 * that access would test the prefix on every row of the whole run or of one severity or status (a
 * namespace, check or control is read by its own index; a subject sort reads the prefix's range).
 */
export function readsByPrefix(query: FindingQuery, access: FindingAccess, subjectIsSmall: boolean): boolean {
  return (
    hasSubject(query) &&
    query.sort !== 'subject' &&
    !subjectIsSmall &&
    (access.by === 'sort' ||
      (access.by === 'equal' && (access.column === 'severity_order' || access.column === 'status')))
  )
}

/**
 * How a broad subject prefix is read through the prefix columns. The prefix's own length: one value
 * of that column. Shorter than a column: the column's values starting with the prefix, one read each
 * (`distinct` lists them, at most `max`), when there are few; otherwise the longest column it covers,
 * whose value holds every match (the rest tested on each row read). Undefined: no column helps (a
 * prefix shorter than every column, with many values under it).
 */
export async function prefixAccesses(
  subject: string,
  distinct: (column: SubjectPrefixColumn, prefix: string, max: number) => Promise<string[]>,
): Promise<Extract<FindingAccess, { by: 'prefix' }>[] | undefined> {
  const prefix = subject.toLowerCase()
  const length = Array.from(prefix).length
  const covered = [...subjectPrefixLengths].reverse().find((n) => n <= length)
  if (covered === length) return [{ by: 'prefix', column: subjectPrefixColumn(covered), value: prefix }]
  const longer = subjectPrefixLengths.find((n) => n > length)
  if (longer !== undefined) {
    const column = subjectPrefixColumn(longer)
    const values = await distinct(column, prefix, maxPrefixBranches + 1)
    if (values.length <= maxPrefixBranches) return values.map((value) => ({ by: 'prefix', column, value }))
  }
  if (covered === undefined) return undefined
  return [{ by: 'prefix', column: subjectPrefixColumn(covered), value: leadingCharacters(prefix, covered) }]
}

/**
 * The access of a query, most selective filter first. A namespace or one check is a small share of a
 * run; a control or criterion is larger but read in order from its side table; one severity or one
 * status has an index per sort. Lists of several values are tested on each row read (no index returns
 * two ranges in one order). `subjectIsSmall` says whether the subject prefix matches few findings.
 */
export function findingAccessOf(query: FindingQuery, subjectIsSmall: boolean): FindingAccess {
  const one = <T>(values: readonly T[] | undefined): T | undefined =>
    values !== undefined && new Set(values).size === 1 ? values[0] : undefined
  if (query.namespace !== undefined) return { by: 'equal', column: 'namespace', value: query.namespace }
  const check = one(query.check)
  if (check !== undefined) return { by: 'equal', column: 'check_id', value: check }
  if (hasSubject(query) && query.sort !== 'subject' && subjectIsSmall) return { by: 'subject' }
  if (query.control !== undefined) return { by: 'side', column: 'control', value: query.control }
  if (query.criterion !== undefined) return { by: 'side', column: 'criterion', value: query.criterion }
  const severity = one(query.severity)
  if (severity !== undefined) return { by: 'equal', column: 'severity_order', value: severityOrder(severity) }
  const status = one(query.status)
  if (status !== undefined) return { by: 'equal', column: 'status', value: status }
  return { by: 'sort' }
}

/** Most values of a list filter read one by one and merged; a longer list is tested on each row. */
export const maxSplitValues = 8

/**
 * A query with a list of several checks or severities and no single-value filter to read by, as one
 * query per value (each read through that value's index in sort order); undefined when not split.
 */
export function splitFilter(query: FindingQuery): FindingQuery[] | undefined {
  if (query.namespace !== undefined) return undefined
  for (const column of ['check', 'severity'] as const) {
    const values = [...new Set(query[column] ?? [])]
    if (values.length === 1) return undefined
    if (values.length > 1 && values.length <= maxSplitValues)
      return values.map((value) => ({ ...query, [column]: [value] }))
  }
  return undefined
}

/**
 * Several page statements as one (each a page in sort order; the caller merges them): one round trip
 * and one plan instead of one per prefix value, which at 200 requests/s cost more than the reads.
 */
function unionOf(
  statements: { sql: string; params: SqlValue[]; access: FindingAccess }[],
): { sql: string; params: SqlValue[]; access: FindingAccess }[] {
  const [first] = statements
  if (first === undefined || statements.length === 1) return statements
  return [
    {
      sql: statements.map((s, i) => `SELECT * FROM (${s.sql}) b${i}`).join('\nUNION ALL\n'),
      params: statements.flatMap((s) => s.params),
      access: first.access,
    },
  ]
}

/** Compares sort keys as both databases do: numbers by value, text bytewise. */
function compareKeys(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]
    const y = b[i]
    const order =
      typeof x === 'number' && typeof y === 'number'
        ? x - y
        : Buffer.compare(Buffer.from(String(x), 'utf8'), Buffer.from(String(y), 'utf8'))
    if (order !== 0) return Math.sign(order)
  }
  return 0
}

const hasSubject = (query: FindingQuery): query is FindingQuery & { subject: string } =>
  query.subject !== undefined && query.subject !== ''

/** The findings index of the dashboard: written per run, read a keyset page at a time. */
export class FindingsIndex implements Pick<TeamStore, 'indexFindings' | 'findingsIndexed' | 'queryFindings'> {
  constructor(
    private readonly db: SqlDriver,
    private readonly writer: FindingsWriter,
  ) {}

  async indexFindings(runId: number, findings: Iterable<Omit<IndexedFinding, 'runId'>>): Promise<number> {
    return attempt(this.db, `cannot index the findings of run ${runId}`, () =>
      this.db.transaction(async (tx) => {
        // Two indexers of one run (two server processes) take turns; the later one's index wins.
        await tx.lock('trustctl-team-findings', runId)
        return this.writer.write(tx, runId, findings)
      }),
    )
  }

  async findingsIndexed(runId: number): Promise<boolean> {
    const rows = await attempt(this.db, 'cannot read the findings index', () =>
      this.db.query('SELECT 1 FROM team_finding_run WHERE run_id = ?', [runId]),
    )
    return rows.length > 0
  }

  async queryFindings(query: FindingQuery): Promise<FindingPage> {
    checkFindingLimit(query.limit)
    const split = splitFilter(query) ?? [query]
    // One in-order read per value, merged: each branch stops after a page, where a single read
    // testing the list on each row walks whatever part of the sort holds none of the values.
    const rowsOf = async (): Promise<FindingRow[]> => {
      const statements = (await Promise.all(split.map((branch) => this.pageStatements(branch)))).flat()
      const branches = await Promise.all(
        statements.map(({ sql, params }) =>
          attempt(this.db, 'cannot query findings', () => this.db.query<FindingRow>(sql, params)),
        ),
      )
      // One statement of one read is in order already; a union, or several reads, are merged here.
      const [only] = statements
      if (branches.length === 1 && only !== undefined && !/\bUNION ALL\b/.test(only.sql))
        return branches[0] ?? []
      return branches
        .flat()
        .sort(
          (a, b) =>
            (query.order === 'asc' ? 1 : -1) *
            compareKeys(sortKeyOf(a, query.sort), sortKeyOf(b, query.sort)),
        )
        .slice(0, query.limit + 1)
    }
    const [rows, total] = await Promise.all([
      rowsOf(),
      totalIsCheap(query) ? this.cheapTotal(query) : Promise.resolve(undefined),
    ])
    const page = rows.slice(0, query.limit)
    const last = page.at(-1)
    return {
      items: page.map(findingFromRow),
      ...(rows.length > query.limit && last !== undefined
        ? { next: encodeCursor(query, sortKeyOf(last, query.sort)) }
        : {}),
      ...(total === undefined ? {} : { total }),
    }
  }

  /**
   * The page statement of a query and the plan the database makes of it: PostgreSQL's EXPLAIN
   * (ANALYZE, BUFFERS) text with its execution time, or SQLite's EXPLAIN QUERY PLAN lines. For the
   * shape test and a slow dashboard. `planner: 'index-only-choice'` (PostgreSQL) turns off sequential
   * scans, bitmap scans and sorts for this one statement, so the plan shows whether an index answers
   * the shape in order at all, whatever the table's size (a few rows are cheaper to sort).
   */
  async explainFindings(
    query: FindingQuery,
    options: { planner?: 'index-only-choice' } = {},
  ): Promise<{ access: FindingAccess; sql: string; plan: string; executionMs: number }> {
    // A broad subject prefix read as several prefix values: each read explained, the times summed.
    const explained = await Promise.all(
      (await this.pageStatements(query)).map((statement) => this.explainStatement(statement, options)),
    )
    const [first] = explained
    if (first === undefined) {
      // No prefix value starts with the subject: nothing is read at all.
      return { access: { by: 'subject' }, sql: '', plan: '', executionMs: 0 }
    }
    return {
      access: first.access,
      sql: explained.map((e) => e.sql).join(';\n'),
      plan: explained.map((e) => e.plan).join('\n'),
      executionMs: explained.reduce((sum, e) => sum + e.executionMs, 0),
    }
  }

  private async explainStatement(
    { sql, params, access }: { sql: string; params: SqlValue[]; access: FindingAccess },
    options: { planner?: 'index-only-choice' },
  ): Promise<{ access: FindingAccess; sql: string; plan: string; executionMs: number }> {
    if (this.db.dialect.name === 'sqlite') {
      const rows = await attempt(this.db, 'cannot explain a findings query', () =>
        this.db.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params),
      )
      return { access, sql, plan: rows.map((r) => r.detail).join('\n'), executionMs: Number.NaN }
    }
    const rows = await attempt(this.db, 'cannot explain a findings query', () =>
      this.db.transaction(async (tx) => {
        // A subject access sorts its few findings by design: only scans are turned off for it.
        if (options.planner === 'index-only-choice' && access.by === 'subject')
          await tx.script('SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off')
        else if (options.planner === 'index-only-choice')
          await tx.script(
            'SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off; SET LOCAL enable_incremental_sort = off',
          )
        return tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params)
      }),
    )
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n')
    return {
      access,
      sql,
      plan,
      executionMs: Number(/Execution Time: ([\d.]+)/.exec(plan)?.[1] ?? Number.NaN),
    }
  }

  /**
   * The page statements of one query (no list split): one, or one per prefix value of a broad
   * subject prefix (none when no subject starts with it).
   */
  private async pageStatements(
    query: FindingQuery,
  ): Promise<{ sql: string; params: SqlValue[]; access: FindingAccess }[]> {
    checkFindingLimit(query.limit)
    const small = await this.subjectIsSmall(query)
    const access = findingAccessOf(query, small)
    if (hasSubject(query) && readsByPrefix(query, access, small)) {
      const accesses = await prefixAccesses(query.subject, (column, prefix, max) =>
        this.prefixValues(query.runId, column, prefix, max),
      )
      if (accesses !== undefined) return unionOf(accesses.map((a) => this.pageStatement(query, a)))
    }
    return [this.pageStatement(query, access)]
  }

  /**
   * The values of a prefix column starting with `prefix`, at most `max`: a loose index scan (one
   * index probe per value, the next value after the last), not a read of every matching finding.
   */
  private async prefixValues(
    runId: number,
    column: SubjectPrefixColumn,
    prefix: string,
    max: number,
  ): Promise<string[]> {
    const end = prefix + lastCharacter
    const rows = await attempt(this.db, 'cannot query findings', () =>
      this.db.query<{ value: string | null }>(
        `WITH RECURSIVE v(value, n) AS (
           SELECT (SELECT ${column} FROM team_finding WHERE run_id = ? AND ${column} >= ? AND ${column} < ?
                   ORDER BY ${column} LIMIT 1), 1
           UNION ALL
           SELECT (SELECT ${column} FROM team_finding WHERE run_id = ? AND ${column} > v.value AND ${column} < ?
                   ORDER BY ${column} LIMIT 1), n + 1
           FROM v WHERE v.value IS NOT NULL AND n < ?
         )
         SELECT value FROM v WHERE value IS NOT NULL`,
        [runId, prefix, end, runId, end, max],
      ),
    )
    return rows.flatMap((r) => (r.value === null ? [] : [r.value]))
  }

  /** Whether the subject prefix matches fewer than smallSubjectSet findings (an index-only count). */
  private async subjectIsSmall(query: FindingQuery): Promise<boolean> {
    if (!hasSubject(query) || query.sort === 'subject') return false
    const prefix = query.subject.toLowerCase()
    const [row] = await attempt(this.db, 'cannot query findings', () =>
      this.db.query<{ n: number | string }>(
        `SELECT COUNT(*) AS n FROM (SELECT 1 FROM team_finding f
           WHERE f.run_id = ? AND f.subject_name_lower >= ? AND f.subject_name_lower < ? LIMIT ?) s`,
        [query.runId, prefix, prefix + lastCharacter, smallSubjectSet],
      ),
    )
    return Number(row?.n ?? 0) < smallSubjectSet
  }

  /**
   * The page query: read through the query's access in sort order, the other filters tested on each
   * row read, the keyset condition after the cursor, one row more than the limit.
   */
  private pageStatement(
    query: FindingQuery,
    access: FindingAccess,
  ): { sql: string; params: SqlValue[]; access: FindingAccess } {
    const key = query.after === undefined ? undefined : decodeCursor(query.after, query)
    const direction = query.order === 'asc' ? 'ASC' : 'DESC'
    // Where the sort keys (and the status, severity and check) are read from: the side row when the
    // side table leads, so rows that fail a filter are dropped before their finding is fetched.
    const keys = access.by === 'side' ? 'd' : 'f'
    const columns = findingSortColumns[query.sort].map((c) => `${keys}.${c}`)
    const where: string[] = []
    const params: SqlValue[] = []
    let from = 'team_finding f'
    if (access.by === 'side') {
      from = `team_finding_${access.column} d JOIN team_finding f ON f.run_id = d.run_id AND f.ordinal = d.ordinal`
      where.push('d.run_id = ?', `d.${access.column} = ?`)
      params.push(query.runId, access.value)
    } else {
      where.push('f.run_id = ?')
      params.push(query.runId)
      if (access.by === 'equal' || access.by === 'prefix') {
        where.push(`f.${access.column} = ?`)
        params.push(access.value)
      }
      // SQLite, without statistics, prefers the severity index when a severity range narrows the
      // severity sort, and walks that severity testing the prefix: the prefix index is named (its
      // migration 6 names; a prefix access never comes with the subject sort, which has none).
      if (access.by === 'prefix' && this.db.dialect.name === 'sqlite' && query.sort !== 'subject')
        from = `team_finding f INDEXED BY team_finding_by_${access.column.replace('subject_', '')}_${query.sort}`
    }
    const filters = residualFilters(query, access, keys)
    where.push(...filters.where)
    params.push(...filters.params)
    if (key !== undefined) {
      // Under a subject access the cursor is tested on each row of the prefix, not read as a range of
      // the sort's index: that index would walk the run from the cursor looking for the prefix.
      const keyed =
        access.by === 'subject'
          ? findingSortColumns[query.sort].map((c) =>
              c === 'ordinal' || c === 'severity_order' ? `f.${c} + 0` : `f.${c} || ''`,
            )
          : columns
      where.push(`(${keyed.join(', ')}) ${query.order === 'asc' ? '>' : '<'} (${placeholders(key.length)})`)
      params.push(...key)
    }
    const sql = `SELECT ${findingColumnList.map((c) => `f.${c}`).join(', ')} FROM ${from}
      WHERE ${where.join(' AND ')}
      ORDER BY ${columns.map((c) => `${c} ${direction}`).join(', ')} LIMIT ?`
    return { sql, params: [...params, query.limit + 1], access }
  }

  private async cheapTotal(query: FindingQuery): Promise<number> {
    const where = ['f.run_id = ?']
    const params: SqlValue[] = [query.runId]
    for (const [column, values] of [
      ['status', query.status],
      ['severity', query.severity],
      ['check_id', query.check],
    ] as const)
      if (values !== undefined && values.length > 0) {
        where.push(`f.${column} IN (${placeholders(values.length)})`)
        params.push(...values)
      }
    const [row] = await attempt(this.db, 'cannot count findings', () =>
      this.db.query<{ n: number | string }>(
        `SELECT COALESCE(SUM(f.n), 0) AS n FROM team_finding_count f WHERE ${where.join(' AND ')}`,
        params,
      ),
    )
    return Number(row?.n ?? 0)
  }
}

/**
 * WHERE clauses of the filters the access does not answer, tested on each row read. A tested column
 * is written as an expression (`col || ''`, `col + 0`) so neither database reads it through an index
 * of its own instead of the access's: that would lose the sort order and sort the whole match. Only a
 * range on the leading sort column (a severity range under the severity sort, a subject prefix under
 * the subject sort) stays a plain column: it narrows the same index range.
 */
function residualFilters(
  query: FindingQuery,
  access: FindingAccess,
  keys: 'd' | 'f',
): { where: string[]; params: SqlValue[] } {
  const where: string[] = []
  const params: SqlValue[] = []
  const tested = (column: string, values: readonly SqlValue[] | undefined, text = true): void => {
    if (values === undefined || values.length === 0) return
    if (access.by === 'equal' && access.column === column && values.length === 1) return
    const expression = text ? `${keys}.${column} || ''` : `${keys}.${column} + 0`
    where.push(
      values.length === 1 ? `${expression} = ?` : `${expression} IN (${placeholders(values.length)})`,
    )
    params.push(...values)
  }
  tested('status', query.status)
  if (query.severity !== undefined && query.severity.length > 0) {
    const orders = [...new Set(query.severity.map(severityOrder))].sort((a, b) => a - b)
    const low = orders[0] ?? 0
    const high = orders.at(-1) ?? 0
    if (query.sort === 'severity' && !(access.by === 'equal' && access.column === 'severity_order')) {
      // The leading sort column: a range narrows the index range read (critical,high is 0..1).
      where.push(`${keys}.severity_order BETWEEN ? AND ?`)
      params.push(low, high)
      if (high - low + 1 > orders.length) tested('severity_order', orders, false)
    } else tested('severity_order', orders, false)
  }
  tested('check_id', query.check)
  if (query.namespace !== undefined) tested('namespace', [query.namespace])
  // A prefix value that starts with the whole subject prefix holds only matches: testing them again
  // would only mislead PostgreSQL's estimate (an expression's guessed selectivity times the rest:
  // one row expected, so it read the prefix by any index and sorted it, 0.3 s instead of 0.4 ms).
  const implied = access.by === 'prefix' && access.value.startsWith(query.subject?.toLowerCase() ?? '')
  if (hasSubject(query) && !implied) {
    const prefix = query.subject.toLowerCase()
    const plain = query.sort === 'subject' || access.by === 'subject'
    const column = plain ? `${keys}.subject_name_lower` : `(${keys}.subject_name_lower || '')`
    where.push(`${column} >= ? AND ${column} < ?`)
    params.push(prefix, prefix + lastCharacter)
  }
  for (const column of ['control', 'criterion'] as const) {
    const value = query[column]
    if (value === undefined || (access.by === 'side' && access.column === column)) continue
    // One lookup per row read, in the side table's (run, value, ordinal) index.
    where.push(
      `EXISTS (SELECT 1 FROM team_finding_${column} c WHERE c.run_id = f.run_id AND c.${column} = ? AND c.ordinal = f.ordinal)`,
    )
    params.push(value)
  }
  return { where, params }
}
