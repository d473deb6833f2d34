import { randomBytes } from 'node:crypto'
import { StoreError } from '../../core/errors.js'
import type { IndexedFinding } from '../../core/team.js'
import type { SqlRunner } from '../sql/driver.js'
import type { FindingsWriter } from '../team/findings-index.js'
import {
  batches,
  countEntries,
  countRows,
  type FindingRow,
  findingRowOf,
  sideKeyColumns,
  subjectPrefixLengths,
} from '../team-finding-query.js'
import { findingColumnList } from '../team-row.js'
import { currentFindingIndexesSql, currentFindingTablesSql, subjectPrefixColumnsSql } from './schema.js'

/** PostgreSQL types of the finding columns, for the JSON record set of a bulk insert. */
const findingColumnTypes: Record<keyof FindingRow, string> = {
  run_id: 'bigint',
  ordinal: 'integer',
  check_id: 'text',
  status: 'text',
  severity: 'text',
  severity_order: 'smallint',
  subject_kind: 'text',
  subject_name: 'text',
  subject_name_lower: 'text',
  namespace: 'text',
  file: 'text',
  line: 'integer',
  message: 'text',
  controls: 'text',
  criteria: 'text',
}

/** Rows per INSERT … SELECT FROM json_to_recordset(…): one round trip, one plan, this many findings. */
const pgFindingBatchSize = 20_000

// Rows travel as one JSON document per batch: JSON.stringify and PostgreSQL's JSON parser are far
// cheaper than binding and parsing fifteen columns of parameters.
const insertFindingsSql = (table: string): string => `INSERT INTO ${table} (${findingColumnList.join(', ')})
  SELECT ${findingColumnList.join(', ')} FROM json_to_recordset(?::json)
  AS x(${findingColumnList.map((c) => `${c} ${findingColumnTypes[c]}`).join(', ')})`

/** Rows of a side table (finding → control or criterion, with every sort key) for a batch. */
async function insertLinks(
  tx: SqlRunner,
  table: string,
  rows: readonly FindingRow[],
  batch: readonly Omit<IndexedFinding, 'runId'>[],
  values: (f: Omit<IndexedFinding, 'runId'>) => readonly string[],
): Promise<void> {
  const links = batch.flatMap((f, i) => {
    const row = rows[i]
    if (row === undefined) return []
    return [...new Set(values(f))].map((value) => ({
      run_id: row.run_id,
      value,
      ...Object.fromEntries(sideKeyColumns.map((c) => [c, row[c]])),
    }))
  })
  if (links.length === 0) return
  // Positional: the recordset's columns are in the side table's order (sortedSideTablesSql).
  await tx.exec(
    `INSERT INTO ${table} SELECT * FROM json_to_recordset(?::json)
     AS x(run_id bigint, value text, ${sideKeyColumns.map((c) => `${c} ${findingColumnTypes[c]}`).join(', ')})`,
    [JSON.stringify(links)],
  )
}

/**
 * PostgreSQL: the findings index is partitioned by run. A run's findings are loaded into tables of
 * their own without indexes, indexed in one sort per index, then attached: a million findings index
 * in seconds instead of minutes of random index inserts, and a reindex swaps partitions instead of
 * deleting a million rows.
 */
export const postgresFindingsWriter: FindingsWriter = {
  async write(
    tx: SqlRunner,
    runId: number,
    findings: Iterable<Omit<IndexedFinding, 'runId'>>,
  ): Promise<number> {
    // The run id goes into table names and DDL: only a plain non-negative integer may.
    if (!Number.isSafeInteger(runId) || runId < 0) throw new StoreError(`run id ${runId}: not a run id`)
    const suffix = `${runId}_${randomBytes(4).toString('hex')}`
    const names = {
      finding: `team_finding_${suffix}`,
      control: `team_finding_control_${suffix}`,
      criterion: `team_finding_criterion_${suffix}`,
    }
    // Each index of a million rows is built by one sort: let it sort in memory, not on disk.
    await tx.script("SET LOCAL maintenance_work_mem = '256MB'")
    await tx.script(currentFindingTablesSql(names.finding, names.control, names.criterion))
    await tx.script(subjectPrefixColumnsSql(names.finding, subjectPrefixLengths))
    const counts = new Map<string, number>()
    let total = 0
    for (const batch of batches(findings, pgFindingBatchSize)) {
      const rows = batch.map((f) => findingRowOf(runId, f))
      await tx.exec(insertFindingsSql(names.finding), [JSON.stringify(rows)])
      await insertLinks(tx, names.control, rows, batch, (f) => f.controls)
      await insertLinks(tx, names.criterion, rows, batch, (f) => f.criteria)
      countRows(rows, counts)
      total += rows.length
    }
    await tx.script(currentFindingIndexesSql(names.finding, names.control, names.criterion))
    // The CHECK lets ATTACH skip scanning the partition; fresh statistics keep the planner from
    // guessing (and sorting a million rows to show fifty).
    for (const table of Object.values(names))
      await tx.script(`ALTER TABLE ${table} ADD CHECK (run_id = ${runId}); ANALYZE ${table}`)
    // Only now the parents are locked, for the moment it takes to swap the partitions.
    const [previous] = await tx.query<{ partition_suffix: string | null }>(
      'SELECT partition_suffix FROM team_finding_run WHERE run_id = ?',
      [runId],
    )
    const old = previous?.partition_suffix
    if (old !== undefined && old !== null)
      await tx.script(
        `DROP TABLE IF EXISTS team_finding_${old}, team_finding_control_${old}, team_finding_criterion_${old}`,
      )
    await tx.script(
      `ALTER TABLE team_finding ATTACH PARTITION ${names.finding} FOR VALUES IN (${runId});
       ALTER TABLE team_finding_control ATTACH PARTITION ${names.control} FOR VALUES IN (${runId});
       ALTER TABLE team_finding_criterion ATTACH PARTITION ${names.criterion} FOR VALUES IN (${runId});`,
    )
    await tx.exec('DELETE FROM team_finding_count WHERE run_id = ?', [runId])
    await tx.insertRows(
      'team_finding_count',
      ['run_id', 'check_id', 'status', 'severity', 'n'],
      countEntries(counts).map((c) => [runId, c.check, c.status, c.severity, c.n]),
    )
    await tx.exec(
      `INSERT INTO team_finding_run (run_id, findings, indexed_at, partition_suffix) VALUES (?, ?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET findings = excluded.findings, indexed_at = excluded.indexed_at,
         partition_suffix = excluded.partition_suffix`,
      [runId, total, new Date().toISOString(), suffix],
    )
    return total
  },
}
