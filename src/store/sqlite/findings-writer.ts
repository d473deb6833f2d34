import type { IndexedFinding } from '../../core/team.js'
import type { SqlRunner } from '../sql/driver.js'
import type { FindingsWriter } from '../team/findings-index.js'
import {
  batches,
  countEntries,
  countRows,
  findingBatchSize,
  findingRowOf,
  sideKeyColumns,
} from '../team-finding-query.js'
import { findingColumnList } from '../team-row.js'

/** SQLite: the run's old rows deleted and the new ones inserted into the indexed tables, in one transaction. */
export const sqliteFindingsWriter: FindingsWriter = {
  async write(
    tx: SqlRunner,
    runId: number,
    findings: Iterable<Omit<IndexedFinding, 'runId'>>,
  ): Promise<number> {
    for (const table of [
      'team_finding',
      'team_finding_control',
      'team_finding_criterion',
      'team_finding_count',
    ])
      await tx.exec(`DELETE FROM ${table} WHERE run_id = ?`, [runId])
    const counts = new Map<string, number>()
    let total = 0
    for (const batch of batches(findings, findingBatchSize)) {
      const rows = batch.map((f) => findingRowOf(runId, f))
      await tx.insertRows(
        'team_finding',
        findingColumnList,
        rows.map((row) => findingColumnList.map((c) => row[c])),
      )
      // A finding's side rows carry its sort keys: a control or criterion is read in any sort order.
      const links = (values: (f: Omit<IndexedFinding, 'runId'>) => readonly string[]) =>
        batch.flatMap((f, i) => {
          const row = rows[i]
          if (row === undefined) return []
          return [...new Set(values(f))].map((value) => [runId, value, ...sideKeyColumns.map((c) => row[c])])
        })
      await tx.insertRows(
        'team_finding_control',
        ['run_id', 'control', ...sideKeyColumns],
        links((f) => f.controls),
      )
      await tx.insertRows(
        'team_finding_criterion',
        ['run_id', 'criterion', ...sideKeyColumns],
        links((f) => f.criteria),
      )
      countRows(rows, counts)
      total += rows.length
    }
    await tx.insertRows(
      'team_finding_count',
      ['run_id', 'check_id', 'status', 'severity', 'n'],
      countEntries(counts).map((c) => [runId, c.check, c.status, c.severity, c.n]),
    )
    await tx.exec(
      `INSERT INTO team_finding_run (run_id, findings, indexed_at) VALUES (?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET findings = excluded.findings, indexed_at = excluded.indexed_at`,
      [runId, total, new Date().toISOString()],
    )
    return total
  },
}
