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
} from '../core/team.js'
import type { SqlDriver } from './sql/driver.js'
import { FindingsIndex, type FindingsWriter } from './team/findings-index.js'
import { PeopleStore } from './team/people.js'
import { RemediationStore } from './team/remediation.js'
import { RunRecordStore } from './team/run-records.js'
import { TokenStore } from './team/tokens.js'

/**
 * The team server's state over a SQL driver, written once for SQLite and PostgreSQL: one small store
 * per concern (people and sessions, tokens, remediation, the findings index, run records), each
 * over the same driver. This class only routes the TeamStore interface to them.
 */
export class SqlTeamStore implements TeamStore {
  protected readonly people: PeopleStore
  protected readonly tokenStore: TokenStore
  protected readonly remediation: RemediationStore
  protected readonly findings: FindingsIndex
  protected readonly runRecords: RunRecordStore

  constructor(
    protected readonly db: SqlDriver,
    findingsWriter: FindingsWriter,
  ) {
    this.people = new PeopleStore(db)
    this.tokenStore = new TokenStore(db)
    this.remediation = new RemediationStore(db)
    this.findings = new FindingsIndex(db, findingsWriter)
    this.runRecords = new RunRecordStore(db)
  }

  createUser(user: NewUser): Promise<User> {
    return this.people.createUser(user)
  }
  userByEmail(email: string): Promise<StoredUser | undefined> {
    return this.people.userByEmail(email)
  }
  userById(id: number): Promise<StoredUser | undefined> {
    return this.people.userById(id)
  }
  users(): Promise<User[]> {
    return this.people.users()
  }
  updateUser(
    id: number,
    change: Partial<Pick<StoredUser, 'name' | 'role' | 'disabled' | 'passwordHash' | 'auditPeriod'>>,
  ): Promise<User | undefined> {
    return this.people.updateUser(id, change)
  }
  createSession(session: Session): Promise<void> {
    return this.people.createSession(session)
  }
  session(idHash: string): Promise<Session | undefined> {
    return this.people.session(idHash)
  }
  deleteSession(idHash: string): Promise<void> {
    return this.people.deleteSession(idHash)
  }
  deleteExpiredSessions(now: string): Promise<number> {
    return this.people.deleteExpiredSessions(now)
  }

  createToken(token: NewApiToken): Promise<ApiToken> {
    return this.tokenStore.createToken(token)
  }
  tokenByHash(tokenHash: string): Promise<ApiToken | undefined> {
    return this.tokenStore.tokenByHash(tokenHash)
  }
  tokens(): Promise<ApiToken[]> {
    return this.tokenStore.tokens()
  }
  revokeToken(id: number): Promise<ApiToken | undefined> {
    return this.tokenStore.revokeToken(id)
  }
  touchToken(id: number, at: string): Promise<void> {
    return this.tokenStore.touchToken(id, at)
  }

  remediationItems(): Promise<RemediationItem[]> {
    return this.remediation.remediationItems()
  }
  remediationItem(gapId: string): Promise<RemediationItem | undefined> {
    return this.remediation.remediationItem(gapId)
  }
  saveRemediationItem(item: RemediationItem): Promise<void> {
    return this.remediation.saveRemediationItem(item)
  }
  addComment(comment: Omit<RemediationComment, 'id'>): Promise<RemediationComment> {
    return this.remediation.addComment(comment)
  }
  comments(gapId: string): Promise<RemediationComment[]> {
    return this.remediation.comments(gapId)
  }

  indexFindings(runId: number, findings: Iterable<Omit<IndexedFinding, 'runId'>>): Promise<number> {
    return this.findings.indexFindings(runId, findings)
  }
  /** The page statement of a findings query and the database's plan of it (shape test, slow dashboards). */
  explainFindings(
    query: FindingQuery,
    options: { planner?: 'index-only-choice' } = {},
  ): ReturnType<FindingsIndex['explainFindings']> {
    return this.findings.explainFindings(query, options)
  }
  findingsIndexed(runId: number): Promise<boolean> {
    return this.findings.findingsIndexed(runId)
  }
  queryFindings(query: FindingQuery): Promise<FindingPage> {
    return this.findings.queryFindings(query)
  }

  saveRunSummary(summary: RunSummary): Promise<void> {
    return this.runRecords.saveRunSummary(summary)
  }
  runSummaries(): Promise<RunSummary[]> {
    return this.runRecords.runSummaries()
  }
  pushReceipt(key: string): Promise<PushReceipt | undefined> {
    return this.runRecords.pushReceipt(key)
  }
  savePushReceipt(receipt: PushReceipt): Promise<boolean> {
    return this.runRecords.savePushReceipt(receipt)
  }
  pushReceipts(collector?: string): Promise<PushReceipt[]> {
    return this.runRecords.pushReceipts(collector)
  }

  close(): Promise<void> {
    return this.db.close()
  }
}
