import type { FindingPage, FindingQuery, IndexedFinding, TeamStore } from '../../core/team.js'
import { attempt, placeholders, type SqlDriver, type SqlRunner, type SqlValue } from '../sql/driver.js'
import {
  checkFindingLimit,
  decodeCursor,
  encodeCursor,
  type FindingRow,
  findingFromRow,
  findingSortColumns,
  severityOrder,
  sortKeyOf,
  totalIsCheap,
} from '../team-finding-query.js'
import { findingColumnList } from '../team-row.js'

/** The largest code point: a prefix range ends just below `prefix + this`. */
const lastCharacter = String.fromCodePoint(0x10ffff)

/**
 * How a database lays out and writes a run's findings. The tables are the same to a reader; how a
 * million rows get in fast differs (SQLite: rows into indexed tables in one transaction; PostgreSQL:
 * an unindexed partition, indexed in one sort per index, then swapped in).
 */
export interface FindingsWriter {
  /**
   * Whether the side tables (finding → control, finding → criterion) carry the severity and check
   * sort keys, so a control or criterion filter can read them in sort order.
   */
  readonly sideTablesCarrySortKeys: boolean
  /** Replaces the run's findings inside the transaction; returns how many were written. */
  write(tx: SqlRunner, runId: number, findings: Iterable<Omit<IndexedFinding, 'runId'>>): Promise<number>
}

type Side = { table: string; column: 'control' | 'criterion'; value: string }

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
    const { sql, params } = this.pageStatement(query)
    const [rows, total] = await Promise.all([
      attempt(this.db, 'cannot query findings', () => this.db.query<FindingRow>(sql, params)),
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

  /** The plan and server-side timing of a page query (PostgreSQL): for the scale test and a slow dashboard. */
  async explainFindings(query: FindingQuery): Promise<{ plan: string; executionMs: number }> {
    const { sql, params } = this.pageStatement(query)
    const rows = await attempt(this.db, 'cannot explain a findings query', () =>
      this.db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params),
    )
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n')
    return { plan, executionMs: Number(/Execution Time: ([\d.]+)/.exec(plan)?.[1] ?? Number.NaN) }
  }

  /** The page query: filters, the keyset condition after the cursor, the sort, one row more than the limit. */
  private pageStatement(query: FindingQuery): { sql: string; params: SqlValue[] } {
    checkFindingLimit(query.limit)
    const key = query.after === undefined ? undefined : decodeCursor(query.after, query)
    const direction = query.order === 'asc' ? 'ASC' : 'DESC'
    // A control or criterion filter is answered from its side table: read in order (severity or check
    // sort, where the side table carries the keys) or as the set of matching ordinals, never by
    // walking all findings to test each one.
    const side: Side | undefined =
      query.control !== undefined
        ? { table: 'team_finding_control', column: 'control', value: query.control }
        : query.criterion !== undefined
          ? { table: 'team_finding_criterion', column: 'criterion', value: query.criterion }
          : undefined
    const sortBy =
      side !== undefined &&
      this.writer.sideTablesCarrySortKeys &&
      (query.sort === 'severity' || query.sort === 'check')
        ? 'd'
        : 'f'
    const columns = findingSortColumns[query.sort].map((c) => `${sortBy}.${c}`)
    const params: SqlValue[] = []
    let from = 'team_finding f'
    const where: string[] = []
    if (side !== undefined && sortBy === 'd') {
      from = `${side.table} d JOIN team_finding f ON f.run_id = d.run_id AND f.ordinal = d.ordinal`
      where.push(`d.run_id = ?`, `d.${side.column} = ?`)
      params.push(query.runId, side.value)
    } else {
      where.push('f.run_id = ?')
      params.push(query.runId)
      if (side !== undefined) {
        // A semi-join the planner hashes once; a join to a materialized list let PostgreSQL probe the
        // whole list for every finding walked in sort order (minutes at 1M findings).
        where.push(`f.ordinal IN (SELECT ordinal FROM ${side.table} WHERE run_id = ? AND ${side.column} = ?)`)
        params.push(query.runId, side.value)
      }
    }
    const filters = filterClauses(query, side?.column)
    where.push(...filters.where)
    params.push(...filters.params)
    if (key !== undefined) {
      where.push(`(${columns.join(', ')}) ${query.order === 'asc' ? '>' : '<'} (${placeholders(key.length)})`)
      params.push(...key)
    }
    const sql = `SELECT ${findingColumnList.map((c) => `f.${c}`).join(', ')} FROM ${from}
      WHERE ${where.join(' AND ')}
      ORDER BY ${columns.map((c) => `${c} ${direction}`).join(', ')} LIMIT ?`
    return { sql, params: [...params, query.limit + 1] }
  }

  private async cheapTotal(query: FindingQuery): Promise<number> {
    const filters = filterClauses({ ...query, subject: '' }, undefined, 'severity')
    const [row] = await attempt(this.db, 'cannot count findings', () =>
      this.db.query<{ n: number | string }>(
        `SELECT COALESCE(SUM(f.n), 0) AS n FROM team_finding_count f WHERE ${['f.run_id = ?', ...filters.where].join(' AND ')}`,
        [query.runId, ...filters.params],
      ),
    )
    return Number(row?.n ?? 0)
  }
}

/** WHERE clauses of the query's filters, with their values in order. */
function filterClauses(
  query: FindingQuery,
  answeredElsewhere?: 'control' | 'criterion',
  /** team_finding_count has the severity, not its order. */
  severityColumn: 'severity_order' | 'severity' = 'severity_order',
): { where: string[]; params: SqlValue[] } {
  const where: string[] = []
  const params: SqlValue[] = []
  const among = (column: string, values: readonly (string | number)[] | undefined): void => {
    // One value binds as `=`: the planner then reads an index on (run_id, column, sort key) in order.
    if (values?.length === 1) where.push(`f.${column} = ?`)
    else if (values !== undefined && values.length > 1)
      where.push(`f.${column} IN (${placeholders(values.length)})`)
    if (values !== undefined) params.push(...values)
  }
  among('status', query.status)
  if (severityColumn === 'severity') among('severity', query.severity)
  else if (query.severity !== undefined && query.severity.length > 0) {
    // Severity is filtered by its sort key: a range of severity_order reads the severity index in
    // order (critical,high is 0..1), where a test on the severity text would walk the whole run.
    const orders = [...new Set(query.severity.map(severityOrder))].sort((a, b) => a - b)
    const low = orders[0] ?? 0
    const high = orders.at(-1) ?? 0
    if (low === high) where.push('f.severity_order = ?') && params.push(low)
    else where.push('f.severity_order BETWEEN ? AND ?') && params.push(low, high)
    if (high - low + 1 > orders.length) among('severity_order', orders)
  }
  among('check_id', query.check)
  if (query.namespace !== undefined) where.push('f.namespace = ?') && params.push(query.namespace)
  if (query.subject !== undefined && query.subject !== '') {
    const prefix = query.subject.toLowerCase()
    where.push('f.subject_name_lower >= ? AND f.subject_name_lower < ?')
    params.push(prefix, prefix + lastCharacter)
  }
  for (const [column, value] of [
    ['control', query.control],
    ['criterion', query.criterion],
  ] as const)
    if (value !== undefined && answeredElsewhere !== column) {
      where.push(
        `EXISTS (SELECT 1 FROM team_finding_${column} c WHERE c.run_id = f.run_id AND c.${column} = ? AND c.ordinal = f.ordinal)`,
      )
      params.push(value)
    }
  return { where, params }
}
