import type { FindingStatus, Severity } from './check.js'

/**
 * The team server's own state, kept beside the evidence ledger in the same store: people and their
 * roles, sessions, API tokens, the workflow of remediation items, a query index over findings, and
 * the receipts of collector pushes. Every change made through the server is also appended to the
 * ledger as a `change` record (who changed what, when); these tables hold the current state only.
 */

export const roles = ['admin', 'editor', 'auditor', 'collector'] as const
/**
 * admin: everything. editor: manage gaps, evidence, vendors. auditor: read the assessment, evidence,
 * samples and package of the audit period, nothing else. collector: push evidence, nothing else.
 */
export type Role = (typeof roles)[number]

/** The period an auditor may read (inclusive calendar dates); other roles see every run. */
export interface AuditPeriod {
  from: string
  to: string
}

export interface User {
  id: number
  email: string
  name: string
  role: Role
  createdAt: string
  disabled: boolean
  auditPeriod?: AuditPeriod
}

/** A user with the scrypt hash of their password (never leaves the server). */
export interface StoredUser extends User {
  passwordHash: string
}

export interface NewUser {
  email: string
  name: string
  role: Role
  passwordHash: string
  createdAt: string
  auditPeriod?: AuditPeriod
}

/** A login session. The cookie carries a random id; the store keeps only its SHA-256. */
export interface Session {
  idHash: string
  userId: number
  /** Synchronizer token the browser must echo in `X-CSRF-Token` on every unsafe request. */
  csrfToken: string
  createdAt: string
  expiresAt: string
}

/**
 * An API token. The secret is shown once at creation; the store keeps only its SHA-256. A collector
 * token's `name` is the collector's name (the cluster, account or pipeline it runs on).
 */
export interface ApiToken {
  id: number
  name: string
  role: Role
  tokenHash: string
  /** The user who created it. */
  createdBy: string
  /**
   * The id of the user who created it: the token is refused once that user is disabled or gone, and
   * acts with at most that user's role. Absent for a token created from the CLI by the store's operator.
   */
  createdByUserId?: number
  createdAt: string
  lastUsedAt?: string
  revoked: boolean
  auditPeriod?: AuditPeriod
  /**
   * A collector token's evidence kinds, as glob patterns (core/evidence-kind-pattern.ts): a push
   * holding any other kind is refused. Absent: every kind.
   */
  kinds?: string[]
}

export interface NewApiToken {
  name: string
  role: Role
  tokenHash: string
  createdBy: string
  createdByUserId?: number
  createdAt: string
  auditPeriod?: AuditPeriod
  kinds?: string[]
}

export const remediationStatuses = ['open', 'in-progress', 'resolved', 'risk-accepted'] as const
export type RemediationStatus = (typeof remediationStatuses)[number]

/** The workflow state of one gap (by its stable gap id); absent fields fall back to the assessment's. */
export interface RemediationItem {
  gapId: string
  owner?: string
  dueDate?: string
  status: RemediationStatus
  updatedAt: string
  updatedBy: string
}

export interface RemediationComment {
  id: number
  gapId: string
  author: string
  body: string
  createdAt: string
}

/** One finding of a run as the query index keeps it; `ordinal` is its position in the run's model. */
export interface IndexedFinding {
  runId: number
  ordinal: number
  check: string
  status: FindingStatus
  severity: Severity
  subjectKind: string
  subjectName: string
  namespace?: string
  file: string
  line?: number
  message: string
  controls: string[]
  criteria: string[]
}

export const findingSorts = ['severity', 'check', 'subject', 'file'] as const
export type FindingSort = (typeof findingSorts)[number]

/** A page of findings: filters are ANDed, values within one filter ORed. */
export interface FindingQuery {
  runId: number
  status?: readonly FindingStatus[]
  severity?: readonly Severity[]
  check?: readonly string[]
  control?: string
  criterion?: string
  namespace?: string
  /** Case-insensitive prefix of the subject name. */
  subject?: string
  sort: FindingSort
  order: 'asc' | 'desc'
  /** Opaque keyset cursor from the previous page's `next`. */
  after?: string
  limit: number
}

export interface FindingPage {
  items: IndexedFinding[]
  /** Cursor for the next page; absent on the last page. */
  next?: string
  /**
   * Exact number of matching findings when it is cheap to know (filters on status, severity and
   * check only, answered from per-run counts); absent otherwise.
   */
  total?: number
}

/** Per-run figures kept for the readiness trend, so the dashboard need not read every model. */
export interface RunSummary {
  runId: number
  generatedAt: string
  asOf: string
  readiness: number
  /** Readiness 0–100 by category id and by criterion id. */
  byCategory: Record<string, number>
  byCriterion: Record<string, number>
  gaps: number
  controlsByStatus: Record<string, number>
}

/** What a run of the ledger recorded, from the kinds of its records (an assessment outranks the rest). */
export const runKinds = ['assessment', 'push', 'change', 'sample', 'population', 'other'] as const
export type RunKind = (typeof runKinds)[number]

/** What the server keeps of an accepted collector push, so a retry stores nothing twice. */
export interface PushReceipt {
  /** Idempotency key: SHA-256 of the pushed batch's canonical content. */
  key: string
  collector: string
  runId: number
  items: number
  receivedAt: string
}

/**
 * The team server's state. One interface, SQLite and PostgreSQL backends, one contract suite.
 * Methods that find nothing return undefined (never throw for absence).
 */
export interface TeamStore {
  createUser(user: NewUser): Promise<User>
  userByEmail(email: string): Promise<StoredUser | undefined>
  userById(id: number): Promise<StoredUser | undefined>
  users(): Promise<User[]>
  updateUser(
    id: number,
    change: Partial<Pick<StoredUser, 'name' | 'role' | 'disabled' | 'passwordHash' | 'auditPeriod'>>,
  ): Promise<User | undefined>

  createSession(session: Session): Promise<void>
  session(idHash: string): Promise<Session | undefined>
  deleteSession(idHash: string): Promise<void>
  deleteExpiredSessions(now: string): Promise<number>

  createToken(token: NewApiToken): Promise<ApiToken>
  tokenByHash(tokenHash: string): Promise<ApiToken | undefined>
  tokens(): Promise<ApiToken[]>
  revokeToken(id: number): Promise<ApiToken | undefined>
  touchToken(id: number, at: string): Promise<void>

  remediationItems(): Promise<RemediationItem[]>
  remediationItem(gapId: string): Promise<RemediationItem | undefined>
  saveRemediationItem(item: RemediationItem): Promise<void>
  addComment(comment: Omit<RemediationComment, 'id'>): Promise<RemediationComment>
  comments(gapId: string): Promise<RemediationComment[]>

  /** Indexes a run's findings (replacing any earlier index of that run) in one transaction. */
  indexFindings(runId: number, findings: Iterable<Omit<IndexedFinding, 'runId'>>): Promise<number>
  /** Whether a run's findings are indexed. */
  findingsIndexed(runId: number): Promise<boolean>
  queryFindings(query: FindingQuery): Promise<FindingPage>

  saveRunSummary(summary: RunSummary): Promise<void>
  runSummaries(): Promise<RunSummary[]>

  pushReceipt(key: string): Promise<PushReceipt | undefined>
  /** Saves a receipt; false when one with this key exists already (a concurrent retry won). */
  savePushReceipt(receipt: PushReceipt): Promise<boolean>
  pushReceipts(collector?: string): Promise<PushReceipt[]>

  close(): Promise<void>
}

/** Long enough to resist guessing offline; the API and `trustctl users add` both hold passwords to it. */
export const minimumPasswordLength = 12
