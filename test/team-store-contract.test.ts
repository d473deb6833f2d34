import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import type { AssessmentModel } from '../src/core/assessment.js'
import { type FindingStatus, findingStatuses, type Severity, severities } from '../src/core/check.js'
import { ConflictError, ValidationError } from '../src/core/errors.js'
import { ed25519Signer } from '../src/core/ledger-manifest.js'
import type { AssessmentStore } from '../src/core/store.js'
import type { FindingQuery, FindingSort, IndexedFinding, TeamStore } from '../src/core/team.js'
import { findingSorts } from '../src/core/team.js'
import { recordChange } from '../src/store/ledger-change.js'
import { assessmentRuns, latestRun, recordAssessment, verifyStore } from '../src/store/ledger-operations.js'
import { recordDrawing } from '../src/store/ledger-period.js'
import { PostgresStore } from '../src/store/postgres/postgres-store.js'
import { PostgresTeamStore } from '../src/store/postgres/team-store.js'
import { sqliteLedgerMigrations } from '../src/store/sqlite/schema.js'
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js'
import { SqliteTeamStore } from '../src/store/sqlite/team-store.js'

/** One contract, both backends: each test gets a fresh team store (and the ledger beside it). */
interface Harness {
  store: TeamStore
  /** Another store on the same file or schema (a second server process, or a restart). */
  reopen(): Promise<TeamStore>
  /** The ledger in the same file or schema. */
  ledger(): Promise<AssessmentStore>
  /** A single-value SQL query against the store's tables. */
  scalar(statement: string): Promise<unknown>
  dispose(): Promise<void>
}

const pgUrl = process.env.TRUSTCTL_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const tmp = mkdtempSync(path.join(os.tmpdir(), 'trustctl-team-contract-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
let counter = 0

const backends: { name: string; open: () => Promise<Harness> }[] = [
  {
    name: 'sqlite',
    open: async () => {
      const file = path.join(tmp, `s${++counter}`, 'trustctl.db')
      const opened: { close(): Promise<void> }[] = []
      const track = <T extends { close(): Promise<void> }>(store: T): T => {
        opened.push(store)
        return store
      }
      return {
        store: track(new SqliteTeamStore(file)),
        reopen: async () => track(new SqliteTeamStore(file)),
        ledger: async () => track(new SqliteStore(file)),
        scalar: async (statement) => {
          const db = new Database(file, { readonly: true })
          try {
            return db.prepare(statement).pluck().get()
          } finally {
            db.close()
          }
        },
        dispose: async () => {
          for (const s of opened) await s.close().catch(() => undefined)
        },
      }
    },
  },
  {
    name: 'postgres',
    open: async () => {
      // A schema per test and process, so parallel runs never see each other's rows.
      const schema = `trustctl_team_test_${process.pid}_${++counter}_${Date.now().toString(36)}`
      const opened: { close(): Promise<void> }[] = []
      const track = <T extends { close(): Promise<void> }>(store: T): T => {
        opened.push(store)
        return store
      }
      return {
        store: track(await PostgresTeamStore.open(pgUrl, schema)),
        reopen: async () => track(await PostgresTeamStore.open(pgUrl, schema)),
        ledger: async () => track(await PostgresStore.open(pgUrl, schema)),
        scalar: async (statement) => {
          const client = new pg.Client({ connectionString: pgUrl })
          await client.connect()
          try {
            await client.query(`SET search_path TO ${schema}`)
            const { rows } = await client.query<Record<string, unknown>>(statement)
            return Object.values(rows[0] ?? {})[0]
          } finally {
            await client.end()
          }
        },
        dispose: async () => {
          for (const s of opened) await s.close().catch(() => undefined)
          const client = new pg.Client({ connectionString: pgUrl })
          await client.connect()
          await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
          await client.end()
        },
      }
    },
  },
]

/** In CI the PostgreSQL contract must run: an unreachable server fails the suite instead of skipping it. */
async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.end()
    return true
  } catch {
    return false
  }
}
const pgUp = await postgresReachable()

const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey)

/** A deterministic pseudo-random sequence, so a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648
    return state / 2147483648
  }
}

/** A varied set of findings: repeated sort keys, mixed-case names, missing namespaces and lines. */
function sampleFindings(n: number, seed = 7): Omit<IndexedFinding, 'runId'>[] {
  const next = random(seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T
  const checks = ['k8s/no-root', 'aws/s3-private', 'git/signed-commits', 'iac/encrypted', 'k8s/limits']
  const names = ['api', 'API-gateway', 'worker', 'Web', 'db', 'dbProxy', 'cache', 'ingest', 'web-admin']
  const controls = ['access.review', 'change.approval', 'encryption.at-rest', 'logging.central']
  const criteria = ['CC6.1', 'CC6.2', 'CC7.2', 'CC8.1', 'A1.2']
  return Array.from({ length: n }, (_, ordinal) => {
    const namespace = next() < 0.3 ? undefined : pick(['prod', 'staging', 'kube-system'])
    const line = next() < 0.2 ? undefined : Math.floor(next() * 200) + 1
    return {
      ordinal,
      check: pick(checks),
      status: pick(findingStatuses),
      severity: pick(severities),
      subjectKind: pick(['Deployment', 'Bucket', 'Repository']),
      subjectName: `${pick(names)}${next() < 0.5 ? '' : `-${Math.floor(next() * 5)}`}`,
      ...(namespace === undefined ? {} : { namespace }),
      file: pick(['deploy/a.yaml', 'deploy/b.yaml', 'main.tf', 'infra/s3.tf']),
      ...(line === undefined ? {} : { line }),
      message: `finding ${ordinal}`,
      controls: controls.filter(() => next() < 0.4),
      criteria: criteria.filter(() => next() < 0.35),
    }
  })
}

/** The order the contract promises, computed independently of the stores. */
function referenceKey(f: Omit<IndexedFinding, 'runId'>, sort: FindingSort): (string | number)[] {
  switch (sort) {
    case 'severity':
      return [severities.indexOf(f.severity), f.check, f.subjectName, f.ordinal]
    case 'check':
      return [f.check, f.subjectName, f.ordinal]
    case 'subject':
      return [f.subjectName.toLowerCase(), f.ordinal]
    case 'file':
      return [f.file, f.ordinal]
  }
}

function compareKeys(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string | number
    const y = b[i] as string | number
    if (x < y) return -1
    if (x > y) return 1
  }
  return 0
}

function expectedOrdinals(
  findings: readonly Omit<IndexedFinding, 'runId'>[],
  query: Omit<FindingQuery, 'runId' | 'limit' | 'after'>,
): number[] {
  return findings
    .filter(
      (f) =>
        (query.status === undefined || query.status.includes(f.status)) &&
        (query.severity === undefined || query.severity.includes(f.severity)) &&
        (query.check === undefined || query.check.includes(f.check)) &&
        (query.control === undefined || f.controls.includes(query.control)) &&
        (query.criterion === undefined || f.criteria.includes(query.criterion)) &&
        (query.namespace === undefined || f.namespace === query.namespace) &&
        (query.subject === undefined || f.subjectName.toLowerCase().startsWith(query.subject.toLowerCase())),
    )
    .sort(
      (a, b) =>
        compareKeys(referenceKey(a, query.sort), referenceKey(b, query.sort)) *
        (query.order === 'asc' ? 1 : -1),
    )
    .map((f) => f.ordinal)
}

/** Follows `next` to the end; fails on a loop instead of hanging. */
async function walk(
  store: TeamStore,
  query: Omit<FindingQuery, 'after'>,
): Promise<{ ordinals: number[]; pages: number; totals: (number | undefined)[] }> {
  const ordinals: number[] = []
  const totals: (number | undefined)[] = []
  let after: string | undefined
  let pages = 0
  do {
    const page = await store.queryFindings({ ...query, ...(after === undefined ? {} : { after }) })
    expect(page.items.length).toBeLessThanOrEqual(query.limit)
    ordinals.push(...page.items.map((f) => f.ordinal))
    totals.push(page.total)
    after = page.next
    pages += 1
    if (pages > 10_000) throw new Error('pagination does not end')
  } while (after !== undefined)
  return { ordinals, pages, totals }
}

const model = (generatedAt: string): AssessmentModel =>
  ({
    generatedAt,
    asOf: '2026-11-30',
    configHash: 'abc',
    findings: [],
    controls: [],
    gaps: [],
    summary: { readiness: 50 },
  }) as unknown as AssessmentModel

for (const backend of backends) {
  describe(`team store contract: ${backend.name}`, () => {
    if (backend.name === 'postgres' && !pgUp) {
      if (process.env.CI) {
        it('reaches the PostgreSQL server', () => {
          expect.fail(
            `PostgreSQL is unreachable at ${pgUrl}; CI must run the Postgres contract (see .ci/run)`,
          )
        })
        return
      }
      it.skip(`PostgreSQL unreachable at ${pgUrl} (outside CI)`, () => undefined)
      return
    }
    const withStore = async (fn: (h: Harness) => Promise<void>): Promise<void> => {
      const harness = await backend.open()
      try {
        await fn(harness)
      } finally {
        await harness.dispose()
      }
    }

    it('keeps users with unique emails, case-insensitively, and never lists password hashes', () =>
      withStore(async ({ store }) => {
        const ana = await store.createUser({
          email: 'Ana@Example.com',
          name: 'Ana',
          role: 'admin',
          passwordHash: 'scrypt$ana',
          createdAt: '2026-11-01T00:00:00.000Z',
        })
        expect(ana).toEqual({
          id: ana.id,
          email: 'Ana@Example.com',
          name: 'Ana',
          role: 'admin',
          createdAt: '2026-11-01T00:00:00.000Z',
          disabled: false,
        })
        await expect(
          store.createUser({
            email: 'ana@example.COM',
            name: 'Other',
            role: 'editor',
            passwordHash: 'x',
            createdAt: '2026-11-02T00:00:00.000Z',
          }),
        ).rejects.toBeInstanceOf(ConflictError)
        const bo = await store.createUser({
          email: 'bo@example.com',
          name: 'Bo',
          role: 'auditor',
          passwordHash: 'scrypt$bo',
          createdAt: '2026-11-02T00:00:00.000Z',
          auditPeriod: { from: '2026-01-01', to: '2026-06-30' },
        })
        expect(await store.userByEmail('ANA@example.com')).toMatchObject({
          id: ana.id,
          passwordHash: 'scrypt$ana',
        })
        expect(await store.userByEmail('nobody@example.com')).toBeUndefined()
        expect(await store.userById(bo.id)).toMatchObject({
          email: 'bo@example.com',
          auditPeriod: { from: '2026-01-01', to: '2026-06-30' },
          passwordHash: 'scrypt$bo',
        })
        expect(await store.userById(9999)).toBeUndefined()
        const listed = await store.users()
        expect(listed.map((u) => u.email)).toEqual(['Ana@Example.com', 'bo@example.com'])
        expect(listed.some((u) => 'passwordHash' in u)).toBe(false)

        const changed = await store.updateUser(bo.id, {
          role: 'editor',
          disabled: true,
          auditPeriod: { from: '2026-07-01', to: '2026-12-31' },
        })
        expect(changed).toMatchObject({
          role: 'editor',
          disabled: true,
          auditPeriod: { from: '2026-07-01', to: '2026-12-31' },
        })
        expect(changed && 'passwordHash' in changed).toBe(false)
        await store.updateUser(bo.id, { passwordHash: 'scrypt$new', name: 'Bo B.' })
        expect(await store.userById(bo.id)).toMatchObject({
          name: 'Bo B.',
          passwordHash: 'scrypt$new',
          disabled: true,
        })
        expect(await store.updateUser(9999, { name: 'x' })).toBeUndefined()
        expect(await store.updateUser(ana.id, {})).toMatchObject({ id: ana.id, name: 'Ana' })
      }))

    it('keeps sessions until they expire', () =>
      withStore(async ({ store }) => {
        const session = (idHash: string, expiresAt: string) => ({
          idHash,
          userId: 1,
          csrfToken: `csrf-${idHash}`,
          createdAt: '2026-11-01T00:00:00.000Z',
          expiresAt,
        })
        await store.createSession(session('a', '2026-11-01T08:00:00.000Z'))
        await store.createSession(session('b', '2026-11-02T08:00:00.000Z'))
        expect(await store.session('a')).toEqual(session('a', '2026-11-01T08:00:00.000Z'))
        expect(await store.session('zzz')).toBeUndefined()
        expect(await store.deleteExpiredSessions('2026-11-01T12:00:00.000Z')).toBe(1)
        expect(await store.session('a')).toBeUndefined()
        expect(await store.session('b')).toBeDefined()
        expect(await store.deleteExpiredSessions('2026-11-01T12:00:00.000Z')).toBe(0)
        await store.deleteSession('b')
        expect(await store.session('b')).toBeUndefined()
      }))

    it('finds tokens by hash, revokes and touches them', () =>
      withStore(async ({ store }) => {
        const token = await store.createToken({
          name: 'prod-cluster',
          role: 'collector',
          tokenHash: 'h1',
          createdBy: 'ana@example.com',
          createdAt: '2026-11-01T00:00:00.000Z',
        })
        expect(token).toEqual({
          id: token.id,
          name: 'prod-cluster',
          role: 'collector',
          tokenHash: 'h1',
          createdBy: 'ana@example.com',
          createdAt: '2026-11-01T00:00:00.000Z',
          revoked: false,
        })
        const auditor = await store.createToken({
          name: 'auditor-api',
          role: 'auditor',
          tokenHash: 'h2',
          createdBy: 'ana@example.com',
          createdAt: '2026-11-02T00:00:00.000Z',
          auditPeriod: { from: '2026-01-01', to: '2026-12-31' },
        })
        expect(await store.tokenByHash('h2')).toMatchObject({
          id: auditor.id,
          auditPeriod: { from: '2026-01-01' },
        })
        expect(await store.tokenByHash('nope')).toBeUndefined()
        await store.touchToken(token.id, '2026-11-03T00:00:00.000Z')
        expect(await store.revokeToken(token.id)).toMatchObject({
          revoked: true,
          lastUsedAt: '2026-11-03T00:00:00.000Z',
        })
        expect(await store.tokenByHash('h1')).toMatchObject({ revoked: true })
        expect(await store.revokeToken(9999)).toBeUndefined()
        expect((await store.tokens()).map((t) => [t.name, t.revoked])).toEqual([
          ['prod-cluster', true],
          ['auditor-api', false],
        ])
      }))

    it('keeps the evidence kinds a collector token is limited to; none stored means every kind', () =>
      withStore(async ({ store, reopen, scalar }) => {
        const limited = await store.createToken({
          name: 'eks',
          role: 'collector',
          tokenHash: 'k1',
          createdBy: 'cli:ops',
          createdAt: '2026-11-01T00:00:00.000Z',
          kinds: ['k8s.*', 'aws.eks-cluster'],
        })
        expect(limited.kinds).toEqual(['k8s.*', 'aws.eks-cluster'])
        const open = await store.createToken({
          name: 'any',
          role: 'collector',
          tokenHash: 'k2',
          createdBy: 'cli:ops',
          createdAt: '2026-11-01T00:00:00.000Z',
        })
        expect(open).not.toHaveProperty('kinds')
        expect(await scalar(`SELECT kinds FROM team_token WHERE id = ${open.id}`)).toBeNull()
        const again = await reopen()
        expect((await again.tokenByHash('k1'))?.kinds).toEqual(['k8s.*', 'aws.eks-cluster'])
        expect((await again.tokens()).map((t) => t.kinds)).toEqual([['k8s.*', 'aws.eks-cluster'], undefined])
        await again.close()
      }))

    it('keeps remediation items and their comments', () =>
      withStore(async ({ store }) => {
        expect(await store.remediationItem('gap-1')).toBeUndefined()
        await store.saveRemediationItem({
          gapId: 'gap-1',
          owner: 'ana',
          dueDate: '2026-12-01',
          status: 'in-progress',
          updatedAt: '2026-11-01T00:00:00.000Z',
          updatedBy: 'ana@example.com',
        })
        await store.saveRemediationItem({
          gapId: 'gap-0',
          status: 'open',
          updatedAt: '2026-11-01T00:00:00.000Z',
          updatedBy: 'ana@example.com',
        })
        // A second save replaces the state; the owner and due date may be cleared.
        await store.saveRemediationItem({
          gapId: 'gap-1',
          status: 'resolved',
          updatedAt: '2026-11-02T00:00:00.000Z',
          updatedBy: 'bo@example.com',
        })
        expect(await store.remediationItem('gap-1')).toEqual({
          gapId: 'gap-1',
          status: 'resolved',
          updatedAt: '2026-11-02T00:00:00.000Z',
          updatedBy: 'bo@example.com',
        })
        expect((await store.remediationItems()).map((i) => i.gapId)).toEqual(['gap-0', 'gap-1'])
        const first = await store.addComment({
          gapId: 'gap-1',
          author: 'ana@example.com',
          body: 'patched in v2',
          createdAt: '2026-11-01T00:00:00.000Z',
        })
        await store.addComment({
          gapId: 'gap-1',
          author: 'bo',
          body: 'verified',
          createdAt: '2026-11-02T00:00:00.000Z',
        })
        await store.addComment({
          gapId: 'gap-2',
          author: 'bo',
          body: 'other',
          createdAt: '2026-11-02T00:00:00.000Z',
        })
        const comments = await store.comments('gap-1')
        expect(comments.map((c) => c.body)).toEqual(['patched in v2', 'verified'])
        expect(comments[0]).toEqual({ ...first, gapId: 'gap-1' })
        expect(await store.comments('gap-9')).toEqual([])
      }))

    it('pages through every sort in both orders, each matching row exactly once', () =>
      withStore(async ({ store }) => {
        const findings = sampleFindings(400)
        expect(await store.findingsIndexed(1)).toBe(false)
        expect(await store.indexFindings(1, findings)).toBe(400)
        await store.indexFindings(2, sampleFindings(50, 99))
        expect(await store.findingsIndexed(1)).toBe(true)
        for (const sort of findingSorts) {
          for (const order of ['asc', 'desc'] as const) {
            const { ordinals, pages, totals } = await walk(store, { runId: 1, sort, order, limit: 37 })
            expect(ordinals, `${sort} ${order}`).toEqual(expectedOrdinals(findings, { sort, order }))
            expect(pages).toBe(Math.ceil(400 / 37))
            expect(new Set(totals)).toEqual(new Set([400]))
          }
        }
        const first = (await store.queryFindings({ runId: 1, sort: 'severity', order: 'asc', limit: 1 }))
          .items[0]
        const original = findings.find((f) => f.ordinal === first?.ordinal)
        expect(first).toEqual({ runId: 1, ...original })
      }))

    it('filters findings, ANDing filters and ORing values, with totals where they are cheap', () =>
      withStore(async ({ store }) => {
        const findings = sampleFindings(500, 3)
        await store.indexFindings(1, findings)
        await store.indexFindings(2, sampleFindings(300, 5))
        const filters: Omit<FindingQuery, 'runId' | 'limit' | 'after' | 'sort' | 'order'>[] = [
          { status: ['fail', 'no-evidence'] },
          { status: ['fail'], severity: ['critical', 'high'] },
          { check: ['k8s/no-root', 'iac/encrypted'], status: ['pass'] },
          { control: 'access.review' },
          { criterion: 'CC6.1', status: ['fail'] },
          { namespace: 'prod' },
          { subject: 'WEB' },
          { subject: 'db', severity: ['low'] },
          { control: 'logging.central', criterion: 'CC8.1', namespace: 'staging' },
          { subject: 'no-such-subject' },
        ]
        for (const filter of filters) {
          for (const sort of ['severity', 'subject'] as const) {
            const query = { ...filter, sort, order: 'desc' as const }
            const expected = expectedOrdinals(findings, query)
            const { ordinals, totals } = await walk(store, { runId: 1, ...query, limit: 23 })
            expect(ordinals, JSON.stringify(query)).toEqual(expected)
            const cheap =
              filter.control === undefined &&
              filter.criterion === undefined &&
              filter.namespace === undefined &&
              filter.subject === undefined
            expect(new Set(totals), JSON.stringify(query)).toEqual(
              new Set([cheap ? expected.length : undefined]),
            )
          }
        }
        const empty = await store.queryFindings({ runId: 42, sort: 'file', order: 'asc', limit: 10 })
        expect(empty).toEqual({ items: [], total: 0 })
      }))

    it('refuses a cursor from another sort or order, a forged cursor and a bad limit', () =>
      withStore(async ({ store }) => {
        await store.indexFindings(1, sampleFindings(30))
        const page = await store.queryFindings({ runId: 1, sort: 'severity', order: 'asc', limit: 5 })
        expect(page.next).toMatch(/^[A-Za-z0-9_-]+$/)
        const after = page.next ?? ''
        await expect(
          store.queryFindings({ runId: 1, sort: 'check', order: 'asc', limit: 5, after }),
        ).rejects.toThrow(/cursor belongs to sort=severity&order=asc/)
        await expect(
          store.queryFindings({ runId: 1, sort: 'severity', order: 'desc', limit: 5, after }),
        ).rejects.toBeInstanceOf(ValidationError)
        for (const forged of [
          'garbage!!',
          Buffer.from('{"s":"severity","o":"asc","k":[1]}').toString('base64url'),
        ])
          await expect(
            store.queryFindings({ runId: 1, sort: 'severity', order: 'asc', limit: 5, after: forged }),
          ).rejects.toThrow(/after: not a cursor/)
        for (const limit of [0, 501, 1.5])
          await expect(
            store.queryFindings({ runId: 1, sort: 'file', order: 'asc', limit }),
          ).rejects.toBeInstanceOf(ValidationError)
        // The same cursor with its own sort goes on where the page ended.
        const second = await store.queryFindings({
          runId: 1,
          sort: 'severity',
          order: 'asc',
          limit: 5,
          after,
        })
        expect(second.items.map((f) => f.ordinal)).toEqual(
          expectedOrdinals(sampleFindings(30), { sort: 'severity', order: 'asc' }).slice(5, 10),
        )
      }))

    it('replaces a run index on reindex, and indexes an empty run', () =>
      withStore(async ({ store }) => {
        await store.indexFindings(1, sampleFindings(100))
        const fewer = sampleFindings(10, 11)
        expect(await store.indexFindings(1, fewer)).toBe(10)
        const { ordinals, totals } = await walk(store, { runId: 1, sort: 'check', order: 'asc', limit: 50 })
        expect(ordinals).toEqual(expectedOrdinals(fewer, { sort: 'check', order: 'asc' }))
        expect(totals).toEqual([10])
        const control = await walk(store, {
          runId: 1,
          sort: 'check',
          order: 'asc',
          limit: 50,
          control: 'access.review',
        })
        expect(control.ordinals).toEqual(
          expectedOrdinals(fewer, { sort: 'check', order: 'asc', control: 'access.review' }),
        )
        expect(await store.indexFindings(3, [])).toBe(0)
        expect(await store.findingsIndexed(3)).toBe(true)
      }))

    it('keeps run summaries in run order', () =>
      withStore(async ({ store }) => {
        const summary = (runId: number, readiness: number) => ({
          runId,
          generatedAt: `2026-11-0${runId}T00:00:00.000Z`,
          asOf: '2026-11-30',
          readiness,
          byCategory: { security: readiness },
          byCriterion: { 'CC6.1': readiness },
          gaps: 3,
          controlsByStatus: { pass: 4, fail: 1 },
        })
        await store.saveRunSummary(summary(3, 70))
        await store.saveRunSummary(summary(1, 40))
        await store.saveRunSummary(summary(3, 75))
        expect(await store.runSummaries()).toEqual([summary(1, 40), summary(3, 75)])
      }))

    it('saves a push receipt once, even when retries race', () =>
      withStore(async ({ store, reopen }) => {
        const receipt = (key: string, collector = 'prod-cluster') => ({
          key,
          collector,
          runId: 7,
          items: 12,
          receivedAt: `2026-11-01T00:00:0${key.length % 10}.000Z`,
        })
        expect(await store.pushReceipt('k1')).toBeUndefined()
        expect(await store.savePushReceipt(receipt('k1'))).toBe(true)
        expect(await store.savePushReceipt({ ...receipt('k1'), items: 99 })).toBe(false)
        expect(await store.pushReceipt('k1')).toEqual(receipt('k1'))
        const other = await reopen()
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? store : other).savePushReceipt(receipt('k22'))),
        )
        expect(results.filter(Boolean)).toHaveLength(1)
        await store.savePushReceipt(receipt('k333', 'ci'))
        expect((await store.pushReceipts()).map((r) => r.key)).toEqual(['k1', 'k22', 'k333'])
        expect((await store.pushReceipts('ci')).map((r) => r.key)).toEqual(['k333'])
        expect(await store.pushReceipts('nobody')).toEqual([])
      }))

    it('keeps its data when reopened, migrates once beside the ledger, and leaves the ledger alone', () =>
      withStore(async ({ store, reopen, ledger, scalar }) => {
        await store.createUser({
          email: 'ana@example.com',
          name: 'Ana',
          role: 'admin',
          passwordHash: 'h',
          createdAt: '2026-11-01T00:00:00.000Z',
        })
        await store.indexFindings(1, sampleFindings(20))
        await store.close()
        // Several server processes starting at once: each finds the tables, none migrates twice.
        const [again] = await Promise.all([reopen(), reopen(), reopen()])
        expect((await again?.users())?.map((u) => u.email)).toEqual(['ana@example.com'])
        expect(
          (await again?.queryFindings({ runId: 1, sort: 'file', order: 'asc', limit: 100 }))?.items,
        ).toHaveLength(20)
        expect(Number(await scalar('SELECT COUNT(*) - COUNT(DISTINCT version) FROM team_migration'))).toBe(0)
        expect(Number(await scalar('SELECT MAX(version) FROM team_migration'))).toBeGreaterThan(0)
        const store2 = await ledger()
        await recordAssessment(store2, {
          model: model('2026-11-01T00:00:00.000Z'),
          evidence: [],
          inputs: [],
          signer,
          toolVersion: '0.1.0',
        })
        expect(await verifyStore(store2)).toMatchObject({ ok: true, manifests: 1 })
        await expect((await reopen()).users()).resolves.toHaveLength(1)
        if (backend.name === 'sqlite') {
          expect(Number(await scalar('PRAGMA user_version'))).toBe(sqliteLedgerMigrations.steps.length)
          // The team store created the file: it still has the ledger's page size.
          expect(Number(await scalar('PRAGMA page_size'))).toBe(65536)
        }
      }))

    it('records changes as signed runs without secrets, and latestRun skips runs without an assessment', () =>
      withStore(async ({ ledger }) => {
        const store = await ledger()
        expect(await assessmentRuns(store)).toEqual([])
        expect(await latestRun(store)).toBeUndefined()
        const first = await recordAssessment(store, {
          model: model('2026-11-01T00:00:00.000Z'),
          evidence: [],
          inputs: [],
          signer,
          toolVersion: '0.1.0',
        })
        const second = await recordAssessment(store, {
          model: model('2026-11-02T00:00:00.000Z'),
          evidence: [],
          inputs: [],
          signer,
          toolVersion: '0.1.0',
        })
        await recordDrawing(
          store,
          {
            kind: 'sample',
            id: 'access.review:seed-1',
            content: { members: [] },
            at: '2026-11-03T00:00:00.000Z',
          },
          signer,
          '0.1.0',
        )
        const change = await recordChange(
          store,
          {
            actor: { kind: 'user', id: 1, name: 'ana@example.com', role: 'admin' },
            action: 'user.create',
            target: 'bo@example.com',
            after: {
              email: 'bo@example.com',
              password: 'hunter2',
              nested: [{ passwordHash: 'x', tokenHash: 'y', keep: 1 }],
            },
            at: '2026-11-04T00:00:00.000Z',
          },
          signer,
          '0.1.0',
        )
        // A run left open (an interrupted assessment) is not the latest either.
        await store.beginRun({ startedAt: '2026-11-05T00:00:00.000Z', toolVersion: '0.1.0', signer })
        expect(await assessmentRuns(store)).toEqual([first.runId, second.runId])
        expect((await latestRun(store))?.generatedAt).toBe('2026-11-02T00:00:00.000Z')
        // The same answer from a store that cannot list run kinds (scanned instead).
        const plain: AssessmentStore = {
          ...bind(store),
          completeRunKinds: undefined,
        } as unknown as AssessmentStore
        expect(await assessmentRuns(plain)).toEqual([first.runId, second.runId])

        const records = []
        for await (const scanned of store.scan({ runId: change.runId })) records.push(scanned)
        const changeRecord = records.find((r) => r.record.kind === 'change')
        expect(changeRecord?.record).toMatchObject({
          id: 'user.create:bo@example.com',
          source: 'server:user:ana@example.com',
        })
        const content = JSON.parse(Buffer.from(changeRecord?.blob ?? new Uint8Array()).toString('utf8'))
        expect(content).toEqual({
          actor: { kind: 'user', id: 1, name: 'ana@example.com', role: 'admin' },
          action: 'user.create',
          target: 'bo@example.com',
          after: { email: 'bo@example.com', nested: [{ keep: 1 }] },
          at: '2026-11-04T00:00:00.000Z',
        })
        expect(records.map((r) => r.record.kind)).toEqual(['run-start', 'change', 'manifest'])
        expect(await verifyStore(store)).toMatchObject({ ok: true, manifests: 4 })
      }))
  })
}

/** The store's methods bound to it, as plain properties (so one can be left out). */
function bind(store: AssessmentStore): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const names = [
    'beginRun',
    'append',
    'finishRun',
    'runs',
    'scan',
    'blob',
    'head',
    'cached',
    'remember',
    'close',
  ]
  for (const name of names)
    out[name] = (store as unknown as Record<string, (...a: unknown[]) => unknown>)[name]?.bind(store)
  return out
}

describe('finding statuses and severities in samples', () => {
  it('covers every status and severity, so filters are exercised', () => {
    const findings = sampleFindings(400)
    expect(new Set(findings.map((f) => f.status))).toEqual(new Set<FindingStatus>(findingStatuses))
    expect(new Set(findings.map((f) => f.severity))).toEqual(new Set<Severity>(severities))
  })
})
