import type { PushReceipt, RunSummary, TeamStore } from '../../core/team.js'
import { attempt, type SqlDriver } from '../sql/driver.js'
import { receiptOf } from '../team-row.js'

const receiptColumns = 'key, collector, run_id, items, received_at'
type ReceiptRow = Parameters<typeof receiptOf>[0]

/** What the server keeps about runs beside the ledger: their summaries and the receipts of pushes. */
export class RunRecordStore
  implements
    Pick<TeamStore, 'saveRunSummary' | 'runSummaries' | 'pushReceipt' | 'savePushReceipt' | 'pushReceipts'>
{
  constructor(private readonly db: SqlDriver) {}

  async saveRunSummary(summary: RunSummary): Promise<void> {
    await attempt(this.db, 'cannot save a run summary', () =>
      this.db.exec(
        'INSERT INTO team_run_summary (run_id, json) VALUES (?, ?) ON CONFLICT (run_id) DO UPDATE SET json = excluded.json',
        [summary.runId, JSON.stringify(summary)],
      ),
    )
  }

  async runSummaries(): Promise<RunSummary[]> {
    const rows = await attempt(this.db, 'cannot list run summaries', () =>
      this.db.query<{ json: string }>('SELECT json FROM team_run_summary ORDER BY run_id'),
    )
    return rows.map((row) => JSON.parse(row.json) as RunSummary)
  }

  async pushReceipt(key: string): Promise<PushReceipt | undefined> {
    const [row] = await attempt(this.db, 'cannot read a push receipt', () =>
      this.db.query<ReceiptRow>(`SELECT ${receiptColumns} FROM team_push_receipt WHERE key = ?`, [key]),
    )
    return row === undefined ? undefined : receiptOf(row)
  }

  /** False when a receipt with the key exists already (the push was stored before). */
  async savePushReceipt(receipt: PushReceipt): Promise<boolean> {
    const changed = await attempt(this.db, 'cannot save a push receipt', () =>
      this.db.exec(
        `INSERT INTO team_push_receipt (${receiptColumns}) VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
        [receipt.key, receipt.collector, receipt.runId, receipt.items, receipt.receivedAt],
      ),
    )
    return changed === 1
  }

  async pushReceipts(collector?: string): Promise<PushReceipt[]> {
    const rows = await attempt(this.db, 'cannot list push receipts', () =>
      this.db.query<ReceiptRow>(
        `SELECT ${receiptColumns} FROM team_push_receipt ${collector === undefined ? '' : 'WHERE collector = ?'}
         ORDER BY received_at, key${this.db.dialect.bytewise}`,
        collector === undefined ? [] : [collector],
      ),
    )
    return rows.map(receiptOf)
  }
}
