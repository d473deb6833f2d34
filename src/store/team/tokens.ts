import { ConflictError } from '../../core/errors.js'
import type { ApiToken, NewApiToken, TeamStore } from '../../core/team.js'
import { attempt, isUniqueViolation, type SqlDriver, storeFailure } from '../sql/driver.js'
import { type TokenRow, tokenColumns, tokenOf } from '../team-row.js'

/**
 * The migration that binds tokens to their creator: a user id beside the `created_by` name. Tokens
 * created before it are bound to the user their `created_by` email names; one created from the CLI
 * (`cli:<operator>`) is bound to nobody (the operator holds the store itself); any other token is bound
 * to no existing user (-1), so it is refused rather than trusted without a creator.
 */
export function tokenCreatorSql(integer: 'INTEGER' | 'BIGINT'): string {
  return `ALTER TABLE team_token ADD COLUMN created_by_user_id ${integer};
   UPDATE team_token SET created_by_user_id = COALESCE(
     (SELECT u.id FROM team_user u WHERE u.email_lower = lower(team_token.created_by)), -1)
   WHERE created_by NOT LIKE 'cli:%';`
}

/**
 * The migration that limits collector tokens to evidence kinds: a JSON array of glob patterns, NULL
 * for every kind (what every token created before it keeps).
 */
export const tokenKindsSql = 'ALTER TABLE team_token ADD COLUMN kinds TEXT;'

/** API tokens: stored by the hash of their secret, revoked but never deleted. */
export class TokenStore
  implements Pick<TeamStore, 'createToken' | 'tokenByHash' | 'tokens' | 'revokeToken' | 'touchToken'>
{
  constructor(private readonly db: SqlDriver) {}

  async createToken(token: NewApiToken): Promise<ApiToken> {
    const [row] = await attempt(this.db, 'cannot create a token', async () => {
      try {
        return await this.db.query<TokenRow>(
          `INSERT INTO team_token (name, role, token_hash, created_by, created_by_user_id, created_at, revoked, audit_from, audit_to, kinds)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${tokenColumns}`,
          [
            token.name,
            token.role,
            token.tokenHash,
            token.createdBy,
            token.createdByUserId ?? null,
            token.createdAt,
            false,
            token.auditPeriod?.from ?? null,
            token.auditPeriod?.to ?? null,
            token.kinds === undefined ? null : JSON.stringify(token.kinds),
          ],
        )
      } catch (error) {
        if (isUniqueViolation(this.db, error))
          throw new ConflictError('a token with this secret exists already', { cause: error })
        throw error
      }
    })
    if (row === undefined)
      throw storeFailure(this.db, 'cannot create a token', new Error('the insert returned no row'))
    return tokenOf(row)
  }

  async tokenByHash(tokenHash: string): Promise<ApiToken | undefined> {
    const [row] = await attempt(this.db, 'cannot read a token', () =>
      this.db.query<TokenRow>(`SELECT ${tokenColumns} FROM team_token WHERE token_hash = ?`, [tokenHash]),
    )
    return row === undefined ? undefined : tokenOf(row)
  }

  async tokens(): Promise<ApiToken[]> {
    const rows = await attempt(this.db, 'cannot list tokens', () =>
      this.db.query<TokenRow>(`SELECT ${tokenColumns} FROM team_token ORDER BY id`),
    )
    return rows.map(tokenOf)
  }

  async revokeToken(id: number): Promise<ApiToken | undefined> {
    const [row] = await attempt(this.db, 'cannot revoke a token', () =>
      this.db.query<TokenRow>(`UPDATE team_token SET revoked = ? WHERE id = ? RETURNING ${tokenColumns}`, [
        true,
        id,
      ]),
    )
    return row === undefined ? undefined : tokenOf(row)
  }

  async touchToken(id: number, at: string): Promise<void> {
    await attempt(this.db, 'cannot update a token', () =>
      this.db.exec('UPDATE team_token SET last_used_at = ? WHERE id = ?', [at, id]),
    )
  }
}
