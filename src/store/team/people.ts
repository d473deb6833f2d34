import { ConflictError } from '../../core/errors.js'
import type { NewUser, Session, StoredUser, TeamStore, User } from '../../core/team.js'
import { attempt, isUniqueViolation, type SqlDriver, type SqlValue, storeFailure } from '../sql/driver.js'
import { publicUser, storedUserOf, type UserRow, userColumns } from '../team-row.js'

type SessionRow = {
  id_hash: string
  user_id: number | string
  csrf_token: string
  created_at: string
  expires_at: string
}

/** People and their sessions: the accounts of the team server. */
export class PeopleStore
  implements
    Pick<
      TeamStore,
      | 'createUser'
      | 'userByEmail'
      | 'userById'
      | 'users'
      | 'updateUser'
      | 'createSession'
      | 'session'
      | 'deleteSession'
      | 'deleteExpiredSessions'
    >
{
  constructor(private readonly db: SqlDriver) {}

  async createUser(user: NewUser): Promise<User> {
    const rows = await attempt(this.db, 'cannot create a user', async () => {
      try {
        return await this.db.query<UserRow>(
          `INSERT INTO team_user (email, email_lower, name, role, password_hash, created_at, disabled, audit_from, audit_to)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${userColumns}`,
          [
            user.email,
            user.email.toLowerCase(),
            user.name,
            user.role,
            user.passwordHash,
            user.createdAt,
            false,
            user.auditPeriod?.from ?? null,
            user.auditPeriod?.to ?? null,
          ],
        )
      } catch (error) {
        if (isUniqueViolation(this.db, error))
          throw new ConflictError(`a user with the email ${user.email} exists already`, { cause: error })
        throw error
      }
    })
    const row = rows[0]
    if (row === undefined)
      throw storeFailure(this.db, 'cannot create a user', new Error('the insert returned no row'))
    return publicUser(storedUserOf(row))
  }

  async userByEmail(email: string): Promise<StoredUser | undefined> {
    return this.oneUser('email_lower = ?', email.toLowerCase())
  }

  async userById(id: number): Promise<StoredUser | undefined> {
    return this.oneUser('id = ?', id)
  }

  private async oneUser(where: string, value: SqlValue): Promise<StoredUser | undefined> {
    const [row] = await attempt(this.db, 'cannot read a user', () =>
      this.db.query<UserRow>(`SELECT ${userColumns} FROM team_user WHERE ${where}`, [value]),
    )
    return row === undefined ? undefined : storedUserOf(row)
  }

  async users(): Promise<User[]> {
    const rows = await attempt(this.db, 'cannot list users', () =>
      this.db.query<UserRow>(`SELECT ${userColumns} FROM team_user ORDER BY id`),
    )
    return rows.map((row) => publicUser(storedUserOf(row)))
  }

  async updateUser(
    id: number,
    change: Partial<Pick<StoredUser, 'name' | 'role' | 'disabled' | 'passwordHash' | 'auditPeriod'>>,
  ): Promise<User | undefined> {
    const sets: string[] = []
    const params: SqlValue[] = []
    const set = (column: string, value: SqlValue): void => {
      sets.push(`${column} = ?`)
      params.push(value)
    }
    if (change.name !== undefined) set('name', change.name)
    if (change.role !== undefined) set('role', change.role)
    if (change.disabled !== undefined) set('disabled', change.disabled)
    if (change.passwordHash !== undefined) set('password_hash', change.passwordHash)
    if ('auditPeriod' in change) {
      set('audit_from', change.auditPeriod?.from ?? null)
      set('audit_to', change.auditPeriod?.to ?? null)
    }
    const sql =
      sets.length === 0
        ? `SELECT ${userColumns} FROM team_user WHERE id = ?`
        : `UPDATE team_user SET ${sets.join(', ')} WHERE id = ? RETURNING ${userColumns}`
    const [row] = await attempt(this.db, 'cannot update a user', () =>
      this.db.query<UserRow>(sql, [...params, id]),
    )
    return row === undefined ? undefined : publicUser(storedUserOf(row))
  }

  async createSession(session: Session): Promise<void> {
    await attempt(this.db, 'cannot create a session', () =>
      this.db.exec(
        'INSERT INTO team_session (id_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
        [session.idHash, session.userId, session.csrfToken, session.createdAt, session.expiresAt],
      ),
    )
  }

  async session(idHash: string): Promise<Session | undefined> {
    const [row] = await attempt(this.db, 'cannot read a session', () =>
      this.db.query<SessionRow>(
        'SELECT id_hash, user_id, csrf_token, created_at, expires_at FROM team_session WHERE id_hash = ?',
        [idHash],
      ),
    )
    return row === undefined
      ? undefined
      : {
          idHash: row.id_hash,
          userId: Number(row.user_id),
          csrfToken: row.csrf_token,
          createdAt: row.created_at,
          expiresAt: row.expires_at,
        }
  }

  async deleteSession(idHash: string): Promise<void> {
    await attempt(this.db, 'cannot delete a session', () =>
      this.db.exec('DELETE FROM team_session WHERE id_hash = ?', [idHash]),
    )
  }

  async deleteExpiredSessions(now: string): Promise<number> {
    return attempt(this.db, 'cannot delete expired sessions', () =>
      this.db.exec('DELETE FROM team_session WHERE expires_at <= ?', [now]),
    )
  }
}
