import { randomBytes } from 'node:crypto'
import pg from 'pg'
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
  findingFromRow,
  findingRowOf,
  findingSortColumns,
  severityOrder,
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
 * The findings tables and their indexes under the given names. The side tables (finding → control,
 * finding → criterion) carry the severity sort key: the dashboard's default view of one control
 * reads them in order and stops after a page, however the control's findings spread over severities.: the partitioned parents (migration 2)
 * and each run's partitions share this one definition, so a partition's indexes match its parent's.
 * Every index starts with run_id and ends with ordinal: (run_id, <filter>, <sort key>, ordinal).
 */
function findingTablesSql(finding: string, control: string, criterion: string, partitioned = ''): string {
  return `CREATE TABLE ${finding} (
     run_id BIGINT NOT NULL,
     ordinal INTEGER NOT NULL,
     check_id TEXT COLLATE "C" NOT NULL,
     status TEXT NOT NULL,
     severity TEXT NOT NULL,
     severity_order SMALLINT NOT NULL,
     subject_kind TEXT NOT NULL,
     subject_name TEXT COLLATE "C" NOT NULL,
     subject_name_lower TEXT COLLATE "C" NOT NULL,
     namespace TEXT,
     file TEXT COLLATE "C" NOT NULL,
     line INTEGER,
     message TEXT NOT NULL,
     controls TEXT NOT NULL,
     criteria TEXT NOT NULL
   )${partitioned};
   ${[
     [control, 'control'],
     [criterion, 'criterion'],
   ]
     .map(
       ([table, name]) => `CREATE TABLE ${table} (
     run_id BIGINT NOT NULL,
     ${name} TEXT NOT NULL,
     severity_order SMALLINT NOT NULL,
     check_id TEXT COLLATE "C" NOT NULL,
     subject_name TEXT COLLATE "C" NOT NULL,
     ordinal INTEGER NOT NULL
   )${partitioned};`,
     )
     .join('\n')}`
}

/** The indexes of the findings tables (created after a run's rows are loaded). */
function findingIndexesSql(finding: string, control: string, criterion: string): string {
  return `ALTER TABLE ${finding} ADD PRIMARY KEY (run_id, ordinal);
   CREATE INDEX ON ${finding} (run_id, severity_order, check_id, subject_name, ordinal);
   CREATE INDEX ON ${finding} (run_id, status, severity_order, check_id, subject_name, ordinal);
   CREATE INDEX ON ${finding} (run_id, check_id, subject_name, ordinal);
   CREATE INDEX ON ${finding} (run_id, subject_name_lower, ordinal);
   CREATE INDEX ON ${finding} (run_id, file, ordinal);
   ALTER TABLE ${control} ADD PRIMARY KEY (run_id, control, severity_order, check_id, subject_name, ordinal);
   ALTER TABLE ${criterion} ADD PRIMARY KEY (run_id, criterion, severity_order, check_id, subject_name, ordinal);`
}

/**
 * Indexes added by migration 3, on the parents and on each run's partition before it is attached (so
 * ATTACH finds them instead of building them under the parents' lock). A namespace is a small share of
 * a run's findings, spread over all of it: without an index of its own a namespace filter walks most of
 * the run to fill a page. The status, severity and check ones let a filter on one value read any sort
 * in order (a check has one severity, so its severity sort is its subject sort).
 */
function findingFilterIndexesSql(finding: string): string {
  return [
    'namespace, severity_order, check_id, subject_name, ordinal',
    'namespace, check_id, subject_name, ordinal',
    'namespace, subject_name_lower, ordinal',
    'namespace, file, ordinal',
    'status, check_id, subject_name, ordinal',
    'status, subject_name_lower, ordinal',
    'status, file, ordinal',
    'severity_order, subject_name_lower, ordinal',
    'severity_order, file, ordinal',
    'check_id, severity_order, subject_name, ordinal',
    'check_id, subject_name_lower, ordinal',
    'check_id, file, ordinal',
  ]
    .map((columns) => `CREATE INDEX ON ${finding} (run_id, ${columns});`)
    .join('\n')
}

/**
 * Indexes added by migration 4: a control or criterion filter under a check, subject or file sort
 * walks the findings in sort order and asks, for each, whether it belongs to the control. The side
 * tables' keys lead with the severity sort, so that question scanned every finding of the control
 * (minutes at a million findings); these answer it with one lookup, and let the side table itself
 * be read in check order as it is in severity order.
 */
function sideLookupIndexesSql(control: string, criterion: string): string {
  return `CREATE INDEX ON ${control} (run_id, control, ordinal);
   CREATE INDEX ON ${criterion} (run_id, criterion, ordinal);
   CREATE INDEX ON ${control} (run_id, control, check_id, subject_name, ordinal);
   CREATE INDEX ON ${criterion} (run_id, criterion, check_id, subject_name, ordinal);`
}

/**
 * Versioned migrations of the team tables inside the store's schema, counted in `team_migration`
 * (the ledger counts its own in trustctl_schema). Never edited once released. Text that findings
 * are sorted by is COLLATE "C": bytewise, like SQLite, so both backends page identically, and a
 * prefix range on the subject name can use its index.
 */
const migrations: readonly string[] = [
  `CREATE TABLE team_user (
     id BIGSERIAL PRIMARY KEY,
     email TEXT NOT NULL,
     email_lower TEXT NOT NULL UNIQUE,
     name TEXT NOT NULL,
     role TEXT NOT NULL,
     password_hash TEXT NOT NULL,
     created_at TEXT NOT NULL,
     disabled BOOLEAN NOT NULL DEFAULT false,
     audit_from TEXT,
     audit_to TEXT
   );
   CREATE TABLE team_session (
     id_hash TEXT PRIMARY KEY,
     user_id BIGINT NOT NULL,
     csrf_token TEXT NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL
   );
   CREATE INDEX team_session_expiry ON team_session (expires_at);
   CREATE TABLE team_token (
     id BIGSERIAL PRIMARY KEY,
     name TEXT NOT NULL,
     role TEXT NOT NULL,
     token_hash TEXT NOT NULL UNIQUE,
     created_by TEXT NOT NULL,
     created_at TEXT NOT NULL,
     last_used_at TEXT,
     revoked BOOLEAN NOT NULL DEFAULT false,
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
   );
   CREATE TABLE team_comment (
     id BIGSERIAL PRIMARY KEY,
     gap_id TEXT NOT NULL,
     author TEXT NOT NULL,
     body TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE INDEX team_comment_gap ON team_comment (gap_id, id);
   CREATE TABLE team_finding_run (run_id BIGINT PRIMARY KEY, findings INTEGER NOT NULL, indexed_at TEXT NOT NULL);
   CREATE TABLE team_finding (
     run_id BIGINT NOT NULL,
     ordinal INTEGER NOT NULL,
     check_id TEXT COLLATE "C" NOT NULL,
     status TEXT NOT NULL,
     severity TEXT NOT NULL,
     severity_order SMALLINT NOT NULL,
     subject_kind TEXT NOT NULL,
     subject_name TEXT COLLATE "C" NOT NULL,
     subject_name_lower TEXT COLLATE "C" NOT NULL,
     namespace TEXT,
     file TEXT COLLATE "C" NOT NULL,
     line INTEGER,
     message TEXT NOT NULL,
     controls TEXT NOT NULL,
     criteria TEXT NOT NULL,
     PRIMARY KEY (run_id, ordinal)
   );
   CREATE INDEX team_finding_by_severity ON team_finding (run_id, severity_order, check_id, subject_name, ordinal);
   CREATE INDEX team_finding_by_status ON team_finding (run_id, status, severity_order, check_id, subject_name, ordinal);
   CREATE INDEX team_finding_by_check ON team_finding (run_id, check_id, subject_name, ordinal);
   CREATE INDEX team_finding_by_subject ON team_finding (run_id, subject_name_lower, ordinal);
   CREATE INDEX team_finding_by_file ON team_finding (run_id, file, ordinal);
   CREATE TABLE team_finding_control (
     run_id BIGINT NOT NULL, control TEXT NOT NULL, ordinal INTEGER NOT NULL,
     PRIMARY KEY (run_id, control, ordinal)
   );
   CREATE TABLE team_finding_criterion (
     run_id BIGINT NOT NULL, criterion TEXT NOT NULL, ordinal INTEGER NOT NULL,
     PRIMARY KEY (run_id, criterion, ordinal)
   );
   CREATE TABLE team_finding_count (
     run_id BIGINT NOT NULL, check_id TEXT NOT NULL, status TEXT NOT NULL, severity TEXT NOT NULL,
     n INTEGER NOT NULL,
     PRIMARY KEY (run_id, check_id, status, severity)
   );
   CREATE TABLE team_run_summary (run_id BIGINT PRIMARY KEY, json TEXT NOT NULL);
   CREATE TABLE team_push_receipt (
     key TEXT PRIMARY KEY,
     collector TEXT NOT NULL,
     run_id BIGINT NOT NULL,
     items INTEGER NOT NULL,
     received_at TEXT NOT NULL
   );
   CREATE INDEX team_push_receipt_collector ON team_push_receipt (collector, received_at);`,
  // 2: the findings index partitioned by run. A run's findings are loaded into a table of their own
  // without indexes, indexed in one sort per index, then attached: a million findings index in
  // seconds instead of minutes of random index inserts, and a reindex swaps partitions instead of
  // deleting a million rows. The index is derived data: runs are indexed again on demand.
  `DROP TABLE team_finding, team_finding_control, team_finding_criterion;
   DELETE FROM team_finding_run;
   DELETE FROM team_finding_count;
   ALTER TABLE team_finding_run ADD COLUMN partition_suffix TEXT;
   ${findingTablesSql('team_finding', 'team_finding_control', 'team_finding_criterion', ' PARTITION BY LIST (run_id)')}
   ${findingIndexesSql('team_finding', 'team_finding_control', 'team_finding_criterion')}`,
  // 3: indexes for the namespace filter and for a status filter under every sort.
  findingFilterIndexesSql('team_finding'),
  // 4: one-lookup membership tests for the control and criterion filters.
  sideLookupIndexesSql('team_finding_control', 'team_finding_criterion'),
]

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

/** The largest code point: a prefix range ends just below `prefix + this`. */
const lastCharacter = String.fromCodePoint(0x10ffff)

const remediationColumns = 'gap_id, owner, due_date, status, updated_at, updated_by'
const receiptColumns = 'key, collector, run_id, items, received_at'

/**
 * The team server's state in the PostgreSQL schema of the ledger, in tables of its own. A pool of
 * connections: the server answers many requests at once, and each query takes any free connection.
 */
export class PostgresTeamStore implements TeamStore {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly where: string,
  ) {}

  /** Connects, creates the schema if needed and runs pending migrations (one process at a time). */
  static async open(
    url: string,
    schema = 'trustctl',
    options: { maxConnections?: number } = {},
  ): Promise<PostgresTeamStore> {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema))
      throw new StoreError(`store schema '${schema}': use lowercase letters, digits and _`)
    const where = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')
    const pool = new pg.Pool({
      connectionString: url,
      max: options.maxConnections ?? 10,
      // Every connection of the pool starts in the store's schema.
      options: `-c search_path=${schema}`,
    })
    // An idle connection dropped by the server must not crash the process; the next query reconnects.
    pool.on('error', () => undefined)
    const store = new PostgresTeamStore(pool, schema, where)
    try {
      await store.migrate()
    } catch (error) {
      await pool.end().catch(() => undefined)
      if (
        error instanceof Error &&
        /ECONNREFUSED|ENOTFOUND|timeout|password|does not exist/.test(error.message)
      )
        throw new StoreError(`cannot connect to the store at ${where}: ${error.message}`, {
          cause: error,
          hint: 'check store.url / TRUSTCTL_DATABASE_URL and that the server is running',
        })
      throw store.fail('cannot prepare the team tables', error)
    }
    return store
  }

  private fail(what: string, error: unknown): TrustctlError {
    if (error instanceof TrustctlError) return error
    return new StoreError(`${this.where} (schema ${this.schema}): ${what}: ${(error as Error).message}`, {
      cause: error,
    })
  }

  private async migrate(): Promise<void> {
    await this.transaction(async (client) => {
      // Several server processes may start at once: one migrates, the others wait and find it done.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`trustctl-team:${this.schema}`])
      await this.createSchema(client)
      await client.query('CREATE TABLE IF NOT EXISTS team_migration (version INTEGER NOT NULL)')
      const { rows } = await client.query<{ version: number | null }>(
        'SELECT MAX(version) AS version FROM team_migration',
      )
      const current = rows[0]?.version ?? 0
      if (current > migrations.length)
        throw new Error(
          `team schema version ${current} is newer than this trustctl knows (${migrations.length})`,
        )
      for (const [i, sql] of migrations.slice(current).entries()) {
        await client.query(sql)
        await client.query('INSERT INTO team_migration (version) VALUES ($1)', [current + i + 1])
      }
    })
  }

  /**
   * CREATE SCHEMA IF NOT EXISTS can still fail when the ledger store creates the same schema at the
   * same moment (it holds a different lock); a savepoint lets the loser carry on.
   */
  private async createSchema(client: pg.PoolClient): Promise<void> {
    await client.query('SAVEPOINT create_schema')
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`)
    } catch (error) {
      const code = (error as { code?: string }).code
      if (code !== '23505' && code !== '42P06') throw error
      await client.query('ROLLBACK TO SAVEPOINT create_schema')
    }
  }

  private async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect()
    try {
      await client.query('BEGIN')
      const result = await fn(client)
      await client.query('COMMIT')
      return result
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw error
    } finally {
      client.release()
    }
  }

  private async query<R extends pg.QueryResultRow>(
    what: string,
    sql: string,
    params: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(sql, params)
    } catch (error) {
      throw this.fail(what, error)
    }
  }

  async createUser(user: NewUser): Promise<User> {
    try {
      const { rows } = await this.pool.query<UserRow>(
        `INSERT INTO team_user (email, email_lower, name, role, password_hash, created_at, audit_from, audit_to)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${userColumns}`,
        [
          user.email,
          user.email.toLowerCase(),
          user.name,
          user.role,
          user.passwordHash,
          user.createdAt,
          user.auditPeriod?.from ?? null,
          user.auditPeriod?.to ?? null,
        ],
      )
      const row = rows[0]
      if (row === undefined) throw new Error('the insert returned no row')
      return publicUser(storedUserOf(row))
    } catch (error) {
      if ((error as { code?: string }).code === '23505')
        throw new ConflictError(`a user with the email ${user.email} exists already`, { cause: error })
      throw this.fail('cannot create a user', error)
    }
  }

  async userByEmail(email: string): Promise<StoredUser | undefined> {
    const { rows } = await this.query<UserRow>(
      'cannot read a user',
      `SELECT ${userColumns} FROM team_user WHERE email_lower = $1`,
      [email.toLowerCase()],
    )
    return rows[0] === undefined ? undefined : storedUserOf(rows[0])
  }

  async userById(id: number): Promise<StoredUser | undefined> {
    const { rows } = await this.query<UserRow>(
      'cannot read a user',
      `SELECT ${userColumns} FROM team_user WHERE id = $1`,
      [id],
    )
    return rows[0] === undefined ? undefined : storedUserOf(rows[0])
  }

  async users(): Promise<User[]> {
    const { rows } = await this.query<UserRow>(
      'cannot list users',
      `SELECT ${userColumns} FROM team_user ORDER BY id`,
    )
    return rows.map((row) => publicUser(storedUserOf(row)))
  }

  async updateUser(
    id: number,
    change: Partial<Pick<StoredUser, 'name' | 'role' | 'disabled' | 'passwordHash' | 'auditPeriod'>>,
  ): Promise<User | undefined> {
    const sets: string[] = []
    const params: unknown[] = []
    const set = (column: string, value: unknown): void => {
      params.push(value)
      sets.push(`${column} = $${params.length}`)
    }
    if (change.name !== undefined) set('name', change.name)
    if (change.role !== undefined) set('role', change.role)
    if (change.disabled !== undefined) set('disabled', change.disabled)
    if (change.passwordHash !== undefined) set('password_hash', change.passwordHash)
    if ('auditPeriod' in change) {
      set('audit_from', change.auditPeriod?.from ?? null)
      set('audit_to', change.auditPeriod?.to ?? null)
    }
    params.push(id)
    const sql =
      sets.length === 0
        ? `SELECT ${userColumns} FROM team_user WHERE id = $1`
        : `UPDATE team_user SET ${sets.join(', ')} WHERE id = $${params.length} RETURNING ${userColumns}`
    const { rows } = await this.query<UserRow>('cannot update a user', sql, params)
    return rows[0] === undefined ? undefined : publicUser(storedUserOf(rows[0]))
  }

  async createSession(session: Session): Promise<void> {
    await this.query(
      'cannot create a session',
      'INSERT INTO team_session (id_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [session.idHash, session.userId, session.csrfToken, session.createdAt, session.expiresAt],
    )
  }

  async session(idHash: string): Promise<Session | undefined> {
    const { rows } = await this.query<{
      id_hash: string
      user_id: string
      csrf_token: string
      created_at: string
      expires_at: string
    }>(
      'cannot read a session',
      'SELECT id_hash, user_id, csrf_token, created_at, expires_at FROM team_session WHERE id_hash = $1',
      [idHash],
    )
    const row = rows[0]
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
    await this.query('cannot delete a session', 'DELETE FROM team_session WHERE id_hash = $1', [idHash])
  }

  async deleteExpiredSessions(now: string): Promise<number> {
    const result = await this.query(
      'cannot delete expired sessions',
      'DELETE FROM team_session WHERE expires_at <= $1',
      [now],
    )
    return result.rowCount ?? 0
  }

  async createToken(token: NewApiToken): Promise<ApiToken> {
    try {
      const { rows } = await this.pool.query<TokenRow>(
        `INSERT INTO team_token (name, role, token_hash, created_by, created_at, audit_from, audit_to)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${tokenColumns}`,
        [
          token.name,
          token.role,
          token.tokenHash,
          token.createdBy,
          token.createdAt,
          token.auditPeriod?.from ?? null,
          token.auditPeriod?.to ?? null,
        ],
      )
      const row = rows[0]
      if (row === undefined) throw new Error('the insert returned no row')
      return tokenOf(row)
    } catch (error) {
      if ((error as { code?: string }).code === '23505')
        throw new ConflictError('a token with this secret exists already', { cause: error })
      throw this.fail('cannot create a token', error)
    }
  }

  async tokenByHash(tokenHash: string): Promise<ApiToken | undefined> {
    const { rows } = await this.query<TokenRow>(
      'cannot read a token',
      `SELECT ${tokenColumns} FROM team_token WHERE token_hash = $1`,
      [tokenHash],
    )
    return rows[0] === undefined ? undefined : tokenOf(rows[0])
  }

  async tokens(): Promise<ApiToken[]> {
    const { rows } = await this.query<TokenRow>(
      'cannot list tokens',
      `SELECT ${tokenColumns} FROM team_token ORDER BY id`,
    )
    return rows.map(tokenOf)
  }

  async revokeToken(id: number): Promise<ApiToken | undefined> {
    const { rows } = await this.query<TokenRow>(
      'cannot revoke a token',
      `UPDATE team_token SET revoked = true WHERE id = $1 RETURNING ${tokenColumns}`,
      [id],
    )
    return rows[0] === undefined ? undefined : tokenOf(rows[0])
  }

  async touchToken(id: number, at: string): Promise<void> {
    await this.query('cannot update a token', 'UPDATE team_token SET last_used_at = $1 WHERE id = $2', [
      at,
      id,
    ])
  }

  async remediationItems(): Promise<RemediationItem[]> {
    const { rows } = await this.query<Parameters<typeof remediationOf>[0]>(
      'cannot list remediation items',
      `SELECT ${remediationColumns} FROM team_remediation ORDER BY gap_id COLLATE "C"`,
    )
    return rows.map(remediationOf)
  }

  async remediationItem(gapId: string): Promise<RemediationItem | undefined> {
    const { rows } = await this.query<Parameters<typeof remediationOf>[0]>(
      'cannot read a remediation item',
      `SELECT ${remediationColumns} FROM team_remediation WHERE gap_id = $1`,
      [gapId],
    )
    return rows[0] === undefined ? undefined : remediationOf(rows[0])
  }

  async saveRemediationItem(item: RemediationItem): Promise<void> {
    await this.query(
      'cannot save a remediation item',
      `INSERT INTO team_remediation (${remediationColumns}) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (gap_id) DO UPDATE SET owner = excluded.owner, due_date = excluded.due_date,
         status = excluded.status, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      [item.gapId, item.owner ?? null, item.dueDate ?? null, item.status, item.updatedAt, item.updatedBy],
    )
  }

  async addComment(comment: Omit<RemediationComment, 'id'>): Promise<RemediationComment> {
    const { rows } = await this.query<{ id: string }>(
      'cannot add a comment',
      'INSERT INTO team_comment (gap_id, author, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id',
      [comment.gapId, comment.author, comment.body, comment.createdAt],
    )
    return { id: Number(rows[0]?.id), ...comment }
  }

  async comments(gapId: string): Promise<RemediationComment[]> {
    const { rows } = await this.query<{
      id: string
      gap_id: string
      author: string
      body: string
      created_at: string
    }>(
      'cannot list comments',
      'SELECT id, gap_id, author, body, created_at FROM team_comment WHERE gap_id = $1 ORDER BY id',
      [gapId],
    )
    return rows.map((row) => ({
      id: Number(row.id),
      gapId: row.gap_id,
      author: row.author,
      body: row.body,
      createdAt: row.created_at,
    }))
  }

  async indexFindings(runId: number, findings: Iterable<Omit<IndexedFinding, 'runId'>>): Promise<number> {
    if (!Number.isSafeInteger(runId) || runId < 0) throw new StoreError(`run id ${runId}: not a run id`)
    const suffix = `${runId}_${randomBytes(4).toString('hex')}`
    const names = {
      finding: `team_finding_${suffix}`,
      control: `team_finding_control_${suffix}`,
      criterion: `team_finding_criterion_${suffix}`,
    }
    const columns = findingColumnList
    // Rows travel as one JSON document per batch: JSON.stringify and PostgreSQL's JSON parser are far
    // cheaper than binding and parsing fifteen text arrays.
    const insertFindings = `INSERT INTO ${names.finding} (${columns.join(', ')})
      SELECT ${columns.join(', ')} FROM json_to_recordset($1::json)
      AS x(${columns.map((c) => `${c} ${findingColumnTypes[c]}`).join(', ')})`
    try {
      return await this.transaction(async (client) => {
        // Two indexers of one run (two server processes) take turns; the later one's index wins.
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1), $2)', [
          `trustctl-team-findings:${this.schema}`,
          runId,
        ])
        // Each index of a million rows is built by one sort: let it sort in memory, not on disk.
        await client.query("SET LOCAL maintenance_work_mem = '256MB'")
        await client.query(findingTablesSql(names.finding, names.control, names.criterion))
        const counts = new Map<string, number>()
        let total = 0
        for (const batch of batches(findings, pgFindingBatchSize)) {
          const rows = batch.map((f) => findingRowOf(runId, f))
          await client.query(insertFindings, [JSON.stringify(rows)])
          await this.insertLinks(client, names.control, rows, batch, (f) => f.controls)
          await this.insertLinks(client, names.criterion, rows, batch, (f) => f.criteria)
          countRows(rows, counts)
          total += rows.length
        }
        await client.query(findingIndexesSql(names.finding, names.control, names.criterion))
        await client.query(findingFilterIndexesSql(names.finding))
        await client.query(sideLookupIndexesSql(names.control, names.criterion))
        // The CHECK lets ATTACH skip scanning the partition; fresh statistics keep the planner from
        // guessing (and sorting a million rows to show fifty).
        for (const table of Object.values(names))
          await client.query(`ALTER TABLE ${table} ADD CHECK (run_id = ${runId}); ANALYZE ${table}`)
        // Only now the parents are locked, for the moment it takes to swap the partitions.
        const { rows: previous } = await client.query<{ partition_suffix: string | null }>(
          'SELECT partition_suffix FROM team_finding_run WHERE run_id = $1',
          [runId],
        )
        const old = previous[0]?.partition_suffix
        if (old !== undefined && old !== null)
          await client.query(
            `DROP TABLE IF EXISTS team_finding_${old}, team_finding_control_${old}, team_finding_criterion_${old}`,
          )
        await client.query(
          `ALTER TABLE team_finding ATTACH PARTITION ${names.finding} FOR VALUES IN (${runId});
           ALTER TABLE team_finding_control ATTACH PARTITION ${names.control} FOR VALUES IN (${runId});
           ALTER TABLE team_finding_criterion ATTACH PARTITION ${names.criterion} FOR VALUES IN (${runId});`,
        )
        await client.query('DELETE FROM team_finding_count WHERE run_id = $1', [runId])
        const entries = countEntries(counts)
        if (entries.length > 0)
          await client.query(
            `INSERT INTO team_finding_count (run_id, check_id, status, severity, n)
             SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::integer[])`,
            [
              runId,
              entries.map((e) => e.check),
              entries.map((e) => e.status),
              entries.map((e) => e.severity),
              entries.map((e) => e.n),
            ],
          )
        await client.query(
          `INSERT INTO team_finding_run (run_id, findings, indexed_at, partition_suffix) VALUES ($1, $2, $3, $4)
           ON CONFLICT (run_id) DO UPDATE SET findings = excluded.findings, indexed_at = excluded.indexed_at,
             partition_suffix = excluded.partition_suffix`,
          [runId, total, new Date().toISOString(), suffix],
        )
        return total
      })
    } catch (error) {
      throw this.fail(`cannot index the findings of run ${runId}`, error)
    }
  }

  /** Rows of a side table (finding → control or criterion, with the severity sort key) for a batch. */
  private async insertLinks(
    client: pg.PoolClient,
    table: string,
    rows: readonly FindingRow[],
    batch: readonly Omit<IndexedFinding, 'runId'>[],
    values: (f: Omit<IndexedFinding, 'runId'>) => readonly string[],
  ): Promise<void> {
    const links: {
      run_id: number | string
      value: string
      severity_order: number | string
      check_id: string
      subject_name: string
      ordinal: number | string
    }[] = []
    batch.forEach((f, i) => {
      const row = rows[i]
      if (row === undefined) return
      for (const value of new Set(values(f))) {
        const { run_id, severity_order, check_id, subject_name, ordinal } = row
        links.push({ run_id, value, severity_order, check_id, subject_name, ordinal })
      }
    })
    if (links.length === 0) return
    await client.query(
      `INSERT INTO ${table} SELECT * FROM json_to_recordset($1::json)
       AS x(run_id bigint, value text, severity_order smallint, check_id text, subject_name text, ordinal integer)`,
      [JSON.stringify(links)],
    )
  }

  async findingsIndexed(runId: number): Promise<boolean> {
    const { rows } = await this.query(
      'cannot read the findings index',
      'SELECT 1 FROM team_finding_run WHERE run_id = $1',
      [runId],
    )
    return rows.length > 0
  }

  async queryFindings(query: FindingQuery): Promise<FindingPage> {
    const { sql, params } = this.pageStatement(query)
    const [{ rows }, total] = await Promise.all([
      this.query<FindingRow>('cannot query findings', sql, params),
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

  /** The plan and server-side timing of a page query: for the scale test and a slow dashboard. */
  async explainFindings(query: FindingQuery): Promise<{ plan: string; executionMs: number }> {
    const { sql, params } = this.pageStatement(query)
    const { rows } = await this.query<{ 'QUERY PLAN': string }>(
      'cannot explain a findings query',
      `EXPLAIN (ANALYZE, BUFFERS) ${sql}`,
      params,
    )
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n')
    return { plan, executionMs: Number(/Execution Time: ([\d.]+)/.exec(plan)?.[1] ?? Number.NaN) }
  }

  /** The page query: filters, the keyset condition after the cursor, the sort, one row more than the limit. */
  private pageStatement(query: FindingQuery): { sql: string; params: unknown[] } {
    checkFindingLimit(query.limit)
    const key = query.after === undefined ? undefined : decodeCursor(query.after, query)
    const params: unknown[] = [query.runId]
    const bind = (value: unknown): string => {
      params.push(value)
      return `$${params.length}`
    }
    const direction = query.order === 'asc' ? 'ASC' : 'DESC'
    const select = findingColumnList.map((c) => `f.${c}`).join(', ')
    // A control or criterion filter is answered from its side table: read in order (severity sort)
    // or as the set of matching ordinals, never by walking all findings to test each one.
    const side =
      query.control !== undefined
        ? {
            table: 'team_finding_control',
            column: 'control',
            value: query.control,
            other: 'control' as const,
          }
        : query.criterion !== undefined
          ? {
              table: 'team_finding_criterion',
              column: 'criterion',
              value: query.criterion,
              other: 'criterion' as const,
            }
          : undefined
    // The side tables carry the severity and check sort keys: read them in order, as an index.
    const sortBy = side !== undefined && (query.sort === 'severity' || query.sort === 'check') ? 'd' : 'f'
    const columns = findingSortColumns[query.sort].map((c) => `${sortBy}.${c}`)
    const where = [`${sortBy}.run_id = $1`, ...this.filterClauses(query, params, side?.other)]
    if (key !== undefined)
      where.push(`(${columns.join(', ')}) ${query.order === 'asc' ? '>' : '<'} (${key.map(bind).join(', ')})`)
    let from = 'team_finding f'
    if (side !== undefined && sortBy === 'd') {
      from = `${side.table} d JOIN team_finding f ON f.run_id = d.run_id AND f.ordinal = d.ordinal`
      where.push(`d.${side.column} = ${bind(side.value)}`)
    } else if (side !== undefined) {
      // A semi-join the planner hashes once; a join to a materialized list let it probe the whole
      // list for every finding walked in sort order (minutes at 1M findings).
      where.push(
        `f.ordinal IN (SELECT ordinal FROM ${side.table} WHERE run_id = $1 AND ${side.column} = ${bind(side.value)})`,
      )
    }
    const sql = `SELECT ${select} FROM ${from}
      WHERE ${where.join(' AND ')}
      ORDER BY ${columns.map((c) => `${c} ${direction}`).join(', ')} LIMIT ${bind(query.limit + 1)}`
    return { sql, params }
  }

  /** WHERE clauses of the query's filters; their values are appended to `params`. */
  private filterClauses(
    query: FindingQuery,
    params: unknown[],
    answeredElsewhere?: 'control' | 'criterion',
    /** team_finding_count has the severity, not its order. */
    severityColumn: 'severity_order' | 'severity' = 'severity_order',
  ): string[] {
    const where: string[] = []
    const bind = (value: unknown): string => {
      params.push(value)
      return `$${params.length}`
    }
    const among = (column: string, values: readonly string[] | undefined): void => {
      // One value binds as `=`: the planner then reads an index on (run_id, column, sort key) in order.
      if (values?.length === 1) where.push(`f.${column} = ${bind(values[0])}`)
      else if (values !== undefined && values.length > 1)
        where.push(`f.${column} = ANY(${bind([...values])}::text[])`)
    }
    among('status', query.status)
    if (severityColumn === 'severity') among('severity', query.severity)
    else if (query.severity !== undefined && query.severity.length > 0) {
      // Severity is filtered by its sort key: a range of severity_order reads the severity index in
      // order (critical,high is 0..1), where a test on the severity text would walk the whole run.
      const orders = [...new Set(query.severity.map(severityOrder))].sort((a, b) => a - b)
      const low = orders[0] ?? 0
      const high = orders.at(-1) ?? 0
      if (low === high) where.push(`f.severity_order = ${bind(low)}`)
      else where.push(`f.severity_order BETWEEN ${bind(low)} AND ${bind(high)}`)
      if (high - low + 1 > orders.length) where.push(`f.severity_order = ANY(${bind(orders)}::smallint[])`)
    }
    among('check_id', query.check)
    if (query.namespace !== undefined) where.push(`f.namespace = ${bind(query.namespace)}`)
    if (query.subject !== undefined && query.subject !== '') {
      const prefix = query.subject.toLowerCase()
      where.push(
        `f.subject_name_lower >= ${bind(prefix)} AND f.subject_name_lower < ${bind(prefix + lastCharacter)}`,
      )
    }
    if (query.control !== undefined && answeredElsewhere !== 'control')
      where.push(
        `EXISTS (SELECT 1 FROM team_finding_control c WHERE c.run_id = f.run_id AND c.control = ${bind(query.control)} AND c.ordinal = f.ordinal)`,
      )
    if (query.criterion !== undefined && answeredElsewhere !== 'criterion')
      where.push(
        `EXISTS (SELECT 1 FROM team_finding_criterion c WHERE c.run_id = f.run_id AND c.criterion = ${bind(query.criterion)} AND c.ordinal = f.ordinal)`,
      )
    return where
  }

  private async cheapTotal(query: FindingQuery): Promise<number> {
    const params: unknown[] = [query.runId]
    const where = [
      'f.run_id = $1',
      ...this.filterClauses({ ...query, subject: '' }, params, undefined, 'severity'),
    ]
    const { rows } = await this.query<{ n: string }>(
      'cannot count findings',
      `SELECT COALESCE(SUM(f.n), 0) AS n FROM team_finding_count f WHERE ${where.join(' AND ')}`,
      params,
    )
    return Number(rows[0]?.n ?? 0)
  }

  async saveRunSummary(summary: RunSummary): Promise<void> {
    await this.query(
      'cannot save a run summary',
      'INSERT INTO team_run_summary (run_id, json) VALUES ($1, $2) ON CONFLICT (run_id) DO UPDATE SET json = excluded.json',
      [summary.runId, JSON.stringify(summary)],
    )
  }

  async runSummaries(): Promise<RunSummary[]> {
    const { rows } = await this.query<{ json: string }>(
      'cannot list run summaries',
      'SELECT json FROM team_run_summary ORDER BY run_id',
    )
    return rows.map((row) => JSON.parse(row.json) as RunSummary)
  }

  async pushReceipt(key: string): Promise<PushReceipt | undefined> {
    const { rows } = await this.query<Parameters<typeof receiptOf>[0]>(
      'cannot read a push receipt',
      `SELECT ${receiptColumns} FROM team_push_receipt WHERE key = $1`,
      [key],
    )
    return rows[0] === undefined ? undefined : receiptOf(rows[0])
  }

  async savePushReceipt(receipt: PushReceipt): Promise<boolean> {
    const result = await this.query(
      'cannot save a push receipt',
      `INSERT INTO team_push_receipt (${receiptColumns}) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO NOTHING`,
      [receipt.key, receipt.collector, receipt.runId, receipt.items, receipt.receivedAt],
    )
    return result.rowCount === 1
  }

  async pushReceipts(collector?: string): Promise<PushReceipt[]> {
    const { rows } = await this.query<Parameters<typeof receiptOf>[0]>(
      'cannot list push receipts',
      `SELECT ${receiptColumns} FROM team_push_receipt ${collector === undefined ? '' : 'WHERE collector = $1'}
       ORDER BY received_at, key COLLATE "C"`,
      collector === undefined ? [] : [collector],
    )
    return rows.map(receiptOf)
  }

  /** Drops the store's schema: for tests that made a throw-away one. */
  async dropSchema(): Promise<void> {
    await this.query('cannot drop the schema', `DROP SCHEMA IF EXISTS ${this.schema} CASCADE`)
  }

  async close(): Promise<void> {
    await this.pool.end()
  }
}
