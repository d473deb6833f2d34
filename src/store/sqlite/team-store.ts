import { mkdirSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { ConflictError, StoreError, TrustctlError } from '../../core/errors.js'
import type {
  ApiToken,
  FindingPage,
  FindingQuery,
  IndexedFinding,
  NewApiToken,
  NewUser,
  PushReceipt,
  RemediationComment,
  RemediationItem,
  RunSummary,
  Session,
  StoredUser,
  TeamStore,
  User,
} from '../../core/team.js'
import {
  batches,
  checkFindingLimit,
  countEntries,
  countRows,
  decodeCursor,
  encodeCursor,
  type FindingRow,
  findingBatchSize,
  findingFromRow,
  findingRowOf,
  findingSortColumns,
  sortKeyOf,
  totalIsCheap,
} from '../team-finding-query.js'
import {
  findingColumnList,
  publicUser,
  receiptOf,
  remediationOf,
  storedUserOf,
  type TokenRow,
  tokenColumns,
  tokenOf,
  type UserRow,
  userColumns,
} from '../team-row.js'

/**
 * Versioned migrations of the team tables, applied in order and counted in `team_migration` (the
 * ledger in the same file counts its own with PRAGMA user_version). Never edited once released.
 */
const migrations: readonly string[] = [
  `CREATE TABLE team_user (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     email TEXT NOT NULL,
     email_lower TEXT NOT NULL UNIQUE,
     name TEXT NOT NULL,
     role TEXT NOT NULL,
     password_hash TEXT NOT NULL,
     created_at TEXT NOT NULL,
     disabled INTEGER NOT NULL DEFAULT 0,
     audit_from TEXT,
     audit_to TEXT
   );
   CREATE TABLE team_session (
     id_hash TEXT PRIMARY KEY,
     user_id INTEGER NOT NULL,
     csrf_token TEXT NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX team_session_expiry ON team_session (expires_at);
   CREATE TABLE team_token (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     name TEXT NOT NULL,
     role TEXT NOT NULL,
     token_hash TEXT NOT NULL UNIQUE,
     created_by TEXT NOT NULL,
     created_at TEXT NOT NULL,
     last_used_at TEXT,
     revoked INTEGER NOT NULL DEFAULT 0,
     audit_from TEXT,
     audit_to TEXT
   );
   CREATE TABLE team_remediation (
     gap_id TEXT PRIMARY KEY,
     owner TEXT,
     due_date TEXT,
     status TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     updated_by TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE team_comment (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     gap_id TEXT NOT NULL,
     author TEXT NOT NULL,
     body TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE INDEX team_comment_gap ON team_comment (gap_id, id);
   CREATE TABLE team_finding_run (run_id INTEGER PRIMARY KEY, findings INTEGER NOT NULL, indexed_at TEXT NOT NULL);
   CREATE TABLE team_finding (
     run_id INTEGER NOT NULL,
     ordinal INTEGER NOT NULL,
     check_id TEXT NOT NULL,
     status TEXT NOT NULL,
     severity TEXT NOT NULL,
     severity_order INTEGER NOT NULL,
     subject_kind TEXT NOT NULL,
     subject_name TEXT NOT NULL,
     subject_name_lower TEXT NOT NULL,
     namespace TEXT,
     file TEXT NOT NULL,
     line INTEGER,
     message TEXT NOT NULL,
     controls TEXT NOT NULL,
     criteria TEXT NOT NULL,
     PRIMARY KEY (run_id, ordinal)
   ) WITHOUT ROWID;
   CREATE INDEX team_finding_by_severity ON team_finding (run_id, severity_order, check_id, subject_name, ordinal);
   CREATE INDEX team_finding_by_status ON team_finding (run_id, status, severity_order, check_id, subject_name, ordinal);
   CREATE INDEX team_finding_by_check ON team_finding (run_id, check_id, subject_name, ordinal);
   CREATE INDEX team_finding_by_subject ON team_finding (run_id, subject_name_lower, ordinal);
   CREATE INDEX team_finding_by_file ON team_finding (run_id, file, ordinal);
   CREATE TABLE team_finding_control (
     run_id INTEGER NOT NULL, control TEXT NOT NULL, ordinal INTEGER NOT NULL,
     PRIMARY KEY (run_id, control, ordinal)
   ) WITHOUT ROWID;
   CREATE TABLE team_finding_criterion (
     run_id INTEGER NOT NULL, criterion TEXT NOT NULL, ordinal INTEGER NOT NULL,
     PRIMARY KEY (run_id, criterion, ordinal)
   ) WITHOUT ROWID;
   CREATE TABLE team_finding_count (
     run_id INTEGER NOT NULL, check_id TEXT NOT NULL, status TEXT NOT NULL, severity TEXT NOT NULL,
     n INTEGER NOT NULL,
     PRIMARY KEY (run_id, check_id, status, severity)
   ) WITHOUT ROWID;
   CREATE TABLE team_run_summary (run_id INTEGER PRIMARY KEY, json TEXT NOT NULL);
   CREATE TABLE team_push_receipt (
     key TEXT PRIMARY KEY,
     collector TEXT NOT NULL,
     run_id INTEGER NOT NULL,
     items INTEGER NOT NULL,
     received_at TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX team_push_receipt_collector ON team_push_receipt (collector, received_at);`,
  // 2: a namespace is a small share of a run's findings, spread over all of it: without an index of its
  // own, a namespace filter reads most of the run to fill one page.
  `CREATE INDEX team_finding_by_namespace ON team_finding (run_id, namespace, severity_order, check_id, subject_name, ordinal);
   CREATE INDEX team_finding_by_namespace_check ON team_finding (run_id, namespace, check_id, subject_name, ordinal);`,
]

const findingColumns = findingColumnList.join(', ')

/** The largest code point: a prefix range ends just below `prefix + this`. */
const lastCharacter = String.fromCodePoint(0x10ffff)

/**
 * The team server's state in the same SQLite file as the ledger (trustctl.db), in tables of its own.
 * One connection: better-sqlite3 is synchronous, so calls never interleave inside a transaction.
 */
export class SqliteTeamStore implements TeamStore {
  private readonly db: Database.Database

  constructor(readonly file: string) {
    try {
      mkdirSync(path.dirname(file), { recursive: true })
      this.db = new Database(file)
      // The ledger's page size, in case the server creates the file before any assessment: it only
      // takes effect on a new file, and the ledger's large blobs depend on it.
      this.db.pragma('page_size = 65536')
      this.db.pragma('journal_mode = WAL')
      this.db.pragma('synchronous = NORMAL')
      // The ledger writer and the server share the file: wait for a lock instead of failing at once.
      this.db.pragma('busy_timeout = 10000')
      this.db.pragma('cache_size = -65536')
      this.migrate()
    } catch (error) {
      throw new StoreError(
        `cannot open the team store at ${file}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error, hint: 'nothing was changed; check the file and its permissions' },
      )
    }
  }

  private migrate(): void {
    this.db
      .transaction(() => {
        this.db.exec('CREATE TABLE IF NOT EXISTS team_migration (version INTEGER NOT NULL)')
        const current = Number(
          this.db.prepare('SELECT COALESCE(MAX(version), 0) FROM team_migration').pluck().get(),
        )
        if (current > migrations.length)
          throw new Error(
            `team schema version ${current} is newer than this trustctl knows (${migrations.length})`,
          )
        migrations.slice(current).forEach((sql, i) => {
          this.db.exec(sql)
          this.db.prepare('INSERT INTO team_migration (version) VALUES (?)').run(current + i + 1)
        })
      })
      .immediate()
  }

  private run<T>(what: string, fn: () => T): T {
    try {
      return fn()
    } catch (error) {
      if (error instanceof TrustctlError) throw error
      throw new StoreError(
        `${this.file}: ${what}: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      )
    }
  }

  async createUser(user: NewUser): Promise<User> {
    return this.run('cannot create a user', () => {
      try {
        const row = this.db
          .prepare(
            `INSERT INTO team_user (email, email_lower, name, role, password_hash, created_at, disabled, audit_from, audit_to)
             VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?) RETURNING ${userColumns}`,
          )
          .get(
            user.email,
            user.email.toLowerCase(),
            user.name,
            user.role,
            user.passwordHash,
            user.createdAt,
            user.auditPeriod?.from ?? null,
            user.auditPeriod?.to ?? null,
          ) as UserRow
        return publicUser(storedUserOf(row))
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
          throw new ConflictError(`a user with the email ${user.email} exists already`, { cause: error })
        throw error
      }
    })
  }

  async userByEmail(email: string): Promise<StoredUser | undefined> {
    return this.run('cannot read a user', () => {
      const row = this.db
        .prepare(`SELECT ${userColumns} FROM team_user WHERE email_lower = ?`)
        .get(email.toLowerCase()) as UserRow | undefined
      return row === undefined ? undefined : storedUserOf(row)
    })
  }

  async userById(id: number): Promise<StoredUser | undefined> {
    return this.run('cannot read a user', () => {
      const row = this.db.prepare(`SELECT ${userColumns} FROM team_user WHERE id = ?`).get(id) as
        | UserRow
        | undefined
      return row === undefined ? undefined : storedUserOf(row)
    })
  }

  async users(): Promise<User[]> {
    return this.run('cannot list users', () =>
      (this.db.prepare(`SELECT ${userColumns} FROM team_user ORDER BY id`).all() as UserRow[]).map((row) =>
        publicUser(storedUserOf(row)),
      ),
    )
  }

  async updateUser(
    id: number,
    change: Partial<Pick<StoredUser, 'name' | 'role' | 'disabled' | 'passwordHash' | 'auditPeriod'>>,
  ): Promise<User | undefined> {
    return this.run('cannot update a user', () => {
      const sets: string[] = []
      const params: (string | number | null)[] = []
      if (change.name !== undefined) sets.push('name = ?') && params.push(change.name)
      if (change.role !== undefined) sets.push('role = ?') && params.push(change.role)
      if (change.disabled !== undefined) sets.push('disabled = ?') && params.push(change.disabled ? 1 : 0)
      if (change.passwordHash !== undefined)
        sets.push('password_hash = ?') && params.push(change.passwordHash)
      if ('auditPeriod' in change) {
        sets.push('audit_from = ?', 'audit_to = ?')
        params.push(change.auditPeriod?.from ?? null, change.auditPeriod?.to ?? null)
      }
      const row = (
        sets.length === 0
          ? this.db.prepare(`SELECT ${userColumns} FROM team_user WHERE id = ?`).get(id)
          : this.db
              .prepare(`UPDATE team_user SET ${sets.join(', ')} WHERE id = ? RETURNING ${userColumns}`)
              .get(...params, id)
      ) as UserRow | undefined
      return row === undefined ? undefined : publicUser(storedUserOf(row))
    })
  }

  async createSession(session: Session): Promise<void> {
    this.run('cannot create a session', () =>
      this.db
        .prepare(
          'INSERT INTO team_session (id_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(session.idHash, session.userId, session.csrfToken, session.createdAt, session.expiresAt),
    )
  }

  async session(idHash: string): Promise<Session | undefined> {
    return this.run('cannot read a session', () => {
      const row = this.db
        .prepare(
          'SELECT id_hash, user_id, csrf_token, created_at, expires_at FROM team_session WHERE id_hash = ?',
        )
        .get(idHash) as
        | { id_hash: string; user_id: number; csrf_token: string; created_at: string; expires_at: string }
        | undefined
      return row === undefined
        ? undefined
        : {
            idHash: row.id_hash,
            userId: Number(row.user_id),
            csrfToken: row.csrf_token,
            createdAt: row.created_at,
            expiresAt: row.expires_at,
          }
    })
  }

  async deleteSession(idHash: string): Promise<void> {
    this.run('cannot delete a session', () =>
      this.db.prepare('DELETE FROM team_session WHERE id_hash = ?').run(idHash),
    )
  }

  async deleteExpiredSessions(now: string): Promise<number> {
    return this.run(
      'cannot delete expired sessions',
      () => this.db.prepare('DELETE FROM team_session WHERE expires_at <= ?').run(now).changes,
    )
  }

  async createToken(token: NewApiToken): Promise<ApiToken> {
    return this.run('cannot create a token', () => {
      try {
        const row = this.db
          .prepare(
            `INSERT INTO team_token (name, role, token_hash, created_by, created_at, revoked, audit_from, audit_to)
             VALUES (?, ?, ?, ?, ?, 0, ?, ?) RETURNING ${tokenColumns}`,
          )
          .get(
            token.name,
            token.role,
            token.tokenHash,
            token.createdBy,
            token.createdAt,
            token.auditPeriod?.from ?? null,
            token.auditPeriod?.to ?? null,
          ) as TokenRow
        return tokenOf(row)
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
          throw new ConflictError('a token with this secret exists already', { cause: error })
        throw error
      }
    })
  }

  async tokenByHash(tokenHash: string): Promise<ApiToken | undefined> {
    return this.run('cannot read a token', () => {
      const row = this.db
        .prepare(`SELECT ${tokenColumns} FROM team_token WHERE token_hash = ?`)
        .get(tokenHash) as TokenRow | undefined
      return row === undefined ? undefined : tokenOf(row)
    })
  }

  async tokens(): Promise<ApiToken[]> {
    return this.run('cannot list tokens', () =>
      (this.db.prepare(`SELECT ${tokenColumns} FROM team_token ORDER BY id`).all() as TokenRow[]).map(
        tokenOf,
      ),
    )
  }

  async revokeToken(id: number): Promise<ApiToken | undefined> {
    return this.run('cannot revoke a token', () => {
      const row = this.db
        .prepare(`UPDATE team_token SET revoked = 1 WHERE id = ? RETURNING ${tokenColumns}`)
        .get(id) as TokenRow | undefined
      return row === undefined ? undefined : tokenOf(row)
    })
  }

  async touchToken(id: number, at: string): Promise<void> {
    this.run('cannot update a token', () =>
      this.db.prepare('UPDATE team_token SET last_used_at = ? WHERE id = ?').run(at, id),
    )
  }

  async remediationItems(): Promise<RemediationItem[]> {
    return this.run('cannot list remediation items', () =>
      (
        this.db
          .prepare(
            'SELECT gap_id, owner, due_date, status, updated_at, updated_by FROM team_remediation ORDER BY gap_id',
          )
          .all() as Parameters<typeof remediationOf>[0][]
      ).map(remediationOf),
    )
  }

  async remediationItem(gapId: string): Promise<RemediationItem | undefined> {
    return this.run('cannot read a remediation item', () => {
      const row = this.db
        .prepare(
          'SELECT gap_id, owner, due_date, status, updated_at, updated_by FROM team_remediation WHERE gap_id = ?',
        )
        .get(gapId) as Parameters<typeof remediationOf>[0] | undefined
      return row === undefined ? undefined : remediationOf(row)
    })
  }

  async saveRemediationItem(item: RemediationItem): Promise<void> {
    this.run('cannot save a remediation item', () =>
      this.db
        .prepare(
          `INSERT INTO team_remediation (gap_id, owner, due_date, status, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (gap_id) DO UPDATE SET owner = excluded.owner, due_date = excluded.due_date,
             status = excluded.status, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
        )
        .run(
          item.gapId,
          item.owner ?? null,
          item.dueDate ?? null,
          item.status,
          item.updatedAt,
          item.updatedBy,
        ),
    )
  }

  async addComment(comment: Omit<RemediationComment, 'id'>): Promise<RemediationComment> {
    return this.run('cannot add a comment', () => {
      const id = this.db
        .prepare('INSERT INTO team_comment (gap_id, author, body, created_at) VALUES (?, ?, ?, ?)')
        .run(comment.gapId, comment.author, comment.body, comment.createdAt).lastInsertRowid
      return { id: Number(id), ...comment }
    })
  }

  async comments(gapId: string): Promise<RemediationComment[]> {
    return this.run('cannot list comments', () =>
      (
        this.db
          .prepare(
            'SELECT id, gap_id, author, body, created_at FROM team_comment WHERE gap_id = ? ORDER BY id',
          )
          .all(gapId) as { id: number; gap_id: string; author: string; body: string; created_at: string }[]
      ).map((row) => ({
        id: Number(row.id),
        gapId: row.gap_id,
        author: row.author,
        body: row.body,
        createdAt: row.created_at,
      })),
    )
  }

  async indexFindings(runId: number, findings: Iterable<Omit<IndexedFinding, 'runId'>>): Promise<number> {
    return this.run(`cannot index the findings of run ${runId}`, () => {
      const insertFinding = this.db.prepare(
        `INSERT INTO team_finding (${findingColumns}) VALUES (${findingColumnList.map(() => '?').join(',')})`,
      )
      const insertControl = this.db.prepare(
        'INSERT OR IGNORE INTO team_finding_control (run_id, control, ordinal) VALUES (?, ?, ?)',
      )
      const insertCriterion = this.db.prepare(
        'INSERT OR IGNORE INTO team_finding_criterion (run_id, criterion, ordinal) VALUES (?, ?, ?)',
      )
      const insertCount = this.db.prepare(
        'INSERT INTO team_finding_count (run_id, check_id, status, severity, n) VALUES (?, ?, ?, ?, ?)',
      )
      return this.db
        .transaction(() => {
          for (const table of [
            'team_finding',
            'team_finding_control',
            'team_finding_criterion',
            'team_finding_count',
          ])
            this.db.prepare(`DELETE FROM ${table} WHERE run_id = ?`).run(runId)
          const counts = new Map<string, number>()
          let total = 0
          for (const batch of batches(findings, findingBatchSize)) {
            const rows = batch.map((f) => findingRowOf(runId, f))
            for (const [i, row] of rows.entries()) {
              insertFinding.run(...findingColumnList.map((c) => row[c]))
              const finding = batch[i]
              if (finding === undefined) continue
              for (const control of finding.controls) insertControl.run(runId, control, finding.ordinal)
              for (const criterion of finding.criteria) insertCriterion.run(runId, criterion, finding.ordinal)
            }
            countRows(rows, counts)
            total += rows.length
          }
          for (const c of countEntries(counts)) insertCount.run(runId, c.check, c.status, c.severity, c.n)
          this.db
            .prepare(
              `INSERT INTO team_finding_run (run_id, findings, indexed_at) VALUES (?, ?, ?)
               ON CONFLICT (run_id) DO UPDATE SET findings = excluded.findings, indexed_at = excluded.indexed_at`,
            )
            .run(runId, total, new Date().toISOString())
          return total
        })
        .immediate()
    })
  }

  async findingsIndexed(runId: number): Promise<boolean> {
    return this.run(
      'cannot read the findings index',
      () => this.db.prepare('SELECT 1 FROM team_finding_run WHERE run_id = ?').get(runId) !== undefined,
    )
  }

  async queryFindings(query: FindingQuery): Promise<FindingPage> {
    checkFindingLimit(query.limit)
    const columns = findingSortColumns[query.sort]
    const key = query.after === undefined ? undefined : decodeCursor(query.after, query)
    return this.run('cannot query findings', () => {
      const where: string[] = ['f.run_id = ?']
      const params: (string | number)[] = [query.runId]
      const filters = this.filterClauses(query)
      where.push(...filters.where)
      params.push(...filters.params)
      if (key !== undefined) {
        where.push(
          `(${columns.map((c) => `f.${c}`).join(', ')}) ${query.order === 'asc' ? '>' : '<'} (${key.map(() => '?').join(', ')})`,
        )
        params.push(...key)
      }
      const direction = query.order === 'asc' ? 'ASC' : 'DESC'
      const rows = this.db
        .prepare(
          `SELECT ${findingColumnList.map((c) => `f.${c}`).join(', ')} FROM team_finding f
           WHERE ${where.join(' AND ')}
           ORDER BY ${columns.map((c) => `f.${c} ${direction}`).join(', ')} LIMIT ?`,
        )
        .all(...params, query.limit + 1) as FindingRow[]
      const page = rows.slice(0, query.limit)
      const last = page.at(-1)
      const total = totalIsCheap(query) ? this.cheapTotal(query) : undefined
      return {
        items: page.map(findingFromRow),
        ...(rows.length > query.limit && last !== undefined
          ? { next: encodeCursor(query, sortKeyOf(last, query.sort)) }
          : {}),
        ...(total === undefined ? {} : { total }),
      }
    })
  }

  private filterClauses(query: FindingQuery): { where: string[]; params: (string | number)[] } {
    const where: string[] = []
    const params: (string | number)[] = []
    const among = (column: string, values: readonly string[] | undefined): void => {
      if (values === undefined || values.length === 0) return
      where.push(`f.${column} IN (${values.map(() => '?').join(', ')})`)
      params.push(...values)
    }
    among('status', query.status)
    among('severity', query.severity)
    among('check_id', query.check)
    if (query.namespace !== undefined) {
      where.push('f.namespace = ?')
      params.push(query.namespace)
    }
    if (query.subject !== undefined && query.subject !== '') {
      const prefix = query.subject.toLowerCase()
      where.push('f.subject_name_lower >= ? AND f.subject_name_lower < ?')
      params.push(prefix, prefix + lastCharacter)
    }
    if (query.control !== undefined) {
      where.push(
        'EXISTS (SELECT 1 FROM team_finding_control c WHERE c.run_id = f.run_id AND c.control = ? AND c.ordinal = f.ordinal)',
      )
      params.push(query.control)
    }
    if (query.criterion !== undefined) {
      where.push(
        'EXISTS (SELECT 1 FROM team_finding_criterion c WHERE c.run_id = f.run_id AND c.criterion = ? AND c.ordinal = f.ordinal)',
      )
      params.push(query.criterion)
    }
    return { where, params }
  }

  private cheapTotal(query: FindingQuery): number {
    const where: string[] = ['f.run_id = ?']
    const params: (string | number)[] = [query.runId]
    const filters = this.filterClauses({ ...query, subject: '' })
    where.push(...filters.where)
    params.push(...filters.params)
    return Number(
      this.db
        .prepare(`SELECT COALESCE(SUM(f.n), 0) FROM team_finding_count f WHERE ${where.join(' AND ')}`)
        .pluck()
        .get(...params),
    )
  }

  async saveRunSummary(summary: RunSummary): Promise<void> {
    this.run('cannot save a run summary', () =>
      this.db
        .prepare(
          'INSERT INTO team_run_summary (run_id, json) VALUES (?, ?) ON CONFLICT (run_id) DO UPDATE SET json = excluded.json',
        )
        .run(summary.runId, JSON.stringify(summary)),
    )
  }

  async runSummaries(): Promise<RunSummary[]> {
    return this.run('cannot list run summaries', () =>
      (this.db.prepare('SELECT json FROM team_run_summary ORDER BY run_id').pluck().all() as string[]).map(
        (json) => JSON.parse(json) as RunSummary,
      ),
    )
  }

  async pushReceipt(key: string): Promise<PushReceipt | undefined> {
    return this.run('cannot read a push receipt', () => {
      const row = this.db
        .prepare('SELECT key, collector, run_id, items, received_at FROM team_push_receipt WHERE key = ?')
        .get(key) as Parameters<typeof receiptOf>[0] | undefined
      return row === undefined ? undefined : receiptOf(row)
    })
  }

  async savePushReceipt(receipt: PushReceipt): Promise<boolean> {
    return this.run(
      'cannot save a push receipt',
      () =>
        this.db
          .prepare(
            'INSERT OR IGNORE INTO team_push_receipt (key, collector, run_id, items, received_at) VALUES (?, ?, ?, ?, ?)',
          )
          .run(receipt.key, receipt.collector, receipt.runId, receipt.items, receipt.receivedAt).changes ===
        1,
    )
  }

  async pushReceipts(collector?: string): Promise<PushReceipt[]> {
    return this.run('cannot list push receipts', () => {
      const sql = `SELECT key, collector, run_id, items, received_at FROM team_push_receipt
        ${collector === undefined ? '' : 'WHERE collector = ?'} ORDER BY received_at, key`
      const rows = (
        collector === undefined ? this.db.prepare(sql).all() : this.db.prepare(sql).all(collector)
      ) as Parameters<typeof receiptOf>[0][]
      return rows.map(receiptOf)
    })
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close()
  }
}
