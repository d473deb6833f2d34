import type { RemediationComment, RemediationItem, TeamStore } from '../../core/team.js'
import { attempt, type SqlDriver } from '../sql/driver.js'
import { remediationOf } from '../team-row.js'

const remediationColumns = 'gap_id, owner, due_date, status, updated_at, updated_by'
type RemediationRow = Parameters<typeof remediationOf>[0]
type CommentRow = { id: number | string; gap_id: string; author: string; body: string; created_at: string }

/** Remediation of gaps: one item per gap (owner, due date, status) and its comments. */
export class RemediationStore
  implements
    Pick<
      TeamStore,
      'remediationItems' | 'remediationItem' | 'saveRemediationItem' | 'addComment' | 'comments'
    >
{
  constructor(private readonly db: SqlDriver) {}

  async remediationItems(): Promise<RemediationItem[]> {
    const rows = await attempt(this.db, 'cannot list remediation items', () =>
      this.db.query<RemediationRow>(
        `SELECT ${remediationColumns} FROM team_remediation ORDER BY gap_id${this.db.dialect.bytewise}`,
      ),
    )
    return rows.map(remediationOf)
  }

  async remediationItem(gapId: string): Promise<RemediationItem | undefined> {
    const [row] = await attempt(this.db, 'cannot read a remediation item', () =>
      this.db.query<RemediationRow>(`SELECT ${remediationColumns} FROM team_remediation WHERE gap_id = ?`, [
        gapId,
      ]),
    )
    return row === undefined ? undefined : remediationOf(row)
  }

  async saveRemediationItem(item: RemediationItem): Promise<void> {
    await attempt(this.db, 'cannot save a remediation item', () =>
      this.db.exec(
        `INSERT INTO team_remediation (${remediationColumns}) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (gap_id) DO UPDATE SET owner = excluded.owner, due_date = excluded.due_date,
           status = excluded.status, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
        [item.gapId, item.owner ?? null, item.dueDate ?? null, item.status, item.updatedAt, item.updatedBy],
      ),
    )
  }

  async addComment(comment: Omit<RemediationComment, 'id'>): Promise<RemediationComment> {
    const [row] = await attempt(this.db, 'cannot add a comment', () =>
      this.db.query<{ id: number | string }>(
        'INSERT INTO team_comment (gap_id, author, body, created_at) VALUES (?, ?, ?, ?) RETURNING id',
        [comment.gapId, comment.author, comment.body, comment.createdAt],
      ),
    )
    return { id: Number(row?.id), ...comment }
  }

  async comments(gapId: string): Promise<RemediationComment[]> {
    const rows = await attempt(this.db, 'cannot list comments', () =>
      this.db.query<CommentRow>(
        'SELECT id, gap_id, author, body, created_at FROM team_comment WHERE gap_id = ? ORDER BY id',
        [gapId],
      ),
    )
    return rows.map((row) => ({
      id: Number(row.id),
      gapId: row.gap_id,
      author: row.author,
      body: row.body,
      createdAt: row.created_at,
    }))
  }
}
