import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { expectedOrdinals, findingShapes, type ShapeValues } from '../bench/findings-shapes.js'
import { type FindingStatus, type Severity, severities } from '../src/core/check.js'
import type { FindingQuery, IndexedFinding } from '../src/core/team.js'
import { PostgresDriver } from '../src/store/postgres/postgres-driver.js'
import { postgresTeamMigrations } from '../src/store/postgres/schema.js'
import { PostgresTeamStore } from '../src/store/postgres/team-store.js'
import { sqliteFindingsWriter } from '../src/store/sqlite/findings-writer.js'
import { sqliteTeamMigrations } from '../src/store/sqlite/schema.js'
import { SqliteDriver } from '../src/store/sqlite/sqlite-driver.js'
import { SqliteTeamStore } from '../src/store/sqlite/team-store.js'
import { type FindingAccess, smallSubjectSet, splitFilter } from '../src/store/team/findings-index.js'
import { findingRowOf } from '../src/store/team-finding-query.js'
import { findingColumnList } from '../src/store/team-row.js'

/**
 * Every filter × sort × order shape of the findings API, on a store of a few thousand findings in
 * both databases: the plan reads one index in sort order (no sort of the whole match, no table scan),
 * and the pages, followed by cursor, are exactly the naive in-memory filter and sort.
 */

const pgUrl = process.env.TRUSTCTL_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** A team schema as a release before left it: only its first `steps` migrations applied. */
function openTeamSchemaAt(schema: string, steps: number): Promise<PostgresDriver> {
  return PostgresDriver.open({
    url: pgUrl,
    schema,
    maxConnections: 2,
    versionTable: 'team_migration',
    migrationLock: 'trustctl-team',
    migrations: { ...postgresTeamMigrations, steps: postgresTeamMigrations.steps.slice(0, steps) },
  })
}
const tmp = mkdtempSync(path.join(os.tmpdir(), 'trustctl-findings-shapes-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const size = 3000
const values: ShapeValues = {
  check: 'kubernetes/check-3',
  otherCheck: 'scan/vulnerabilities',
  control: 'control-2',
  criterion: 'CC6.1',
  namespace: 'ns-4',
  narrowSubject: 'App-7',
  broadSubject: 'app-',
}

/** Findings with many ties in every sort key (shared subjects, files, checks), mixed-case names. */
function shapeFindings(n: number): Omit<IndexedFinding, 'runId'>[] {
  let state = 7
  const next = (below: number): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return Math.floor((state / 2 ** 32) * below)
  }
  const statuses: FindingStatus[] = [
    'pass',
    'pass',
    'pass',
    'fail',
    'fail',
    'no-evidence',
    'not-applicable',
    'error',
  ]
  return Array.from({ length: n }, (_, ordinal) => {
    const checkNo = next(12)
    const scan = checkNo === 11
    const check = scan ? 'scan/vulnerabilities' : `kubernetes/check-${checkNo}`
    const app = next(300)
    const namespaced = next(3) > 0
    return {
      ordinal,
      check,
      status: statuses[next(statuses.length)] as FindingStatus,
      severity: (scan ? severities[next(5)] : severities[checkNo % 5]) as Severity,
      subjectKind: 'Deployment',
      // 'App-' and 'app-' sort apart bytewise but match one case-insensitive prefix.
      subjectName: scan ? `CVE-2026-${1000 + next(50)}` : `${next(4) === 0 ? 'App' : 'app'}-${app}`,
      ...(namespaced ? { namespace: `ns-${next(10)}` } : {}),
      file: `deploy/f${next(40)}.yaml`,
      ...(next(4) === 0 ? {} : { line: 1 + next(100) }),
      message: `finding ${ordinal}`,
      controls: [`control-${checkNo % 8}`, ...(next(2) === 0 ? [`control-${(checkNo * 3) % 8}`] : [])],
      criteria: [`CC${(checkNo % 6) + 1}.1`, ...(next(3) === 0 ? ['CC6.1'] : [])],
    }
  })
}

/**
 * What is wrong with a page query's plan, if anything. `subject` access sorts the few findings of a
 * subject prefix by design (fewer than smallSubjectSet); every other access must read in order.
 */
function planProblems(dialect: 'sqlite' | 'postgres', access: FindingAccess, plan: string): string[] {
  const problems: string[] = []
  const sorts =
    dialect === 'sqlite'
      ? /USE TEMP B-TREE FOR (RIGHT PART OF )?ORDER BY/.test(plan)
      : /(^|\s)(Incremental )?Sort {2}\(/m.test(plan)
  if (sorts && access.by !== 'subject') problems.push('sorts the matching findings')
  // (SQLite's `SCAN b<i>` reads the page of one prefix value in a union, not a table.)
  if (dialect === 'sqlite' ? /^SCAN (?!b\d+$)/m.test(plan) : /Seq Scan|Bitmap Heap Scan/.test(plan))
    problems.push('scans a whole table')
  const leading =
    access.by === 'side' || access.by === 'equal' || access.by === 'prefix'
      ? access.column
      : access.by === 'subject'
        ? 'subject_name_lower'
        : 'run_id'
  const reads =
    dialect === 'sqlite'
      ? new RegExp(
          `^SEARCH [df] USING (COVERING INDEX \\S+|INDEX \\S+|PRIMARY KEY) \\([^)]*${leading}[=><]`,
          'm',
        )
      : new RegExp(`Index Cond: .*\\b${leading}\\b`)
  if (!reads.test(plan)) problems.push(`does not read an index on ${leading}`)
  return problems
}

/** Follows `next` to the end; fails on a loop instead of hanging. */
async function walk(
  store: SqliteTeamStore | PostgresTeamStore,
  query: FindingQuery,
): Promise<{ ordinals: number[]; totals: (number | undefined)[]; secondPage?: string }> {
  const ordinals: number[] = []
  const totals: (number | undefined)[] = []
  let after: string | undefined
  let secondPage: string | undefined
  for (let pages = 0; pages <= size; pages++) {
    const page = await store.queryFindings({ ...query, ...(after === undefined ? {} : { after }) })
    ordinals.push(...page.items.map((f) => f.ordinal))
    totals.push(page.total)
    if (page.next === undefined)
      return { ordinals, totals, ...(secondPage === undefined ? {} : { secondPage }) }
    after = page.next
    secondPage ??= after
  }
  throw new Error('the cursor walk did not end')
}

const backends: {
  name: 'sqlite' | 'postgres'
  open: () => Promise<{
    store: SqliteTeamStore | PostgresTeamStore
    raw(sql: string): Promise<string>
    dispose(): Promise<void>
  }>
}[] = [
  {
    name: 'sqlite',
    open: async () => {
      const file = path.join(tmp, 'shapes.db')
      const store = new SqliteTeamStore(file)
      return {
        store,
        raw: async (sql) => {
          const db = new Database(file, { readonly: true })
          try {
            return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[])
              .map((r) => r.detail)
              .join('\n')
          } finally {
            db.close()
          }
        },
        dispose: () => store.close(),
      }
    },
  },
  {
    name: 'postgres',
    open: async () => {
      const schema = `trustctl_shapes_${process.pid}_${Date.now()}`
      const store = await PostgresTeamStore.open(pgUrl, schema)
      return {
        store,
        raw: async (sql) => {
          const client = new pg.Client({ connectionString: pgUrl, options: `-c search_path=${schema}` })
          await client.connect()
          try {
            await client.query(
              'SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_sort = off; SET enable_incremental_sort = off',
            )
            const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`)
            return rows.map((r) => r['QUERY PLAN']).join('\n')
          } finally {
            await client.end()
          }
        },
        dispose: async () => {
          await store.dropSchema()
          await store.close()
        },
      }
    },
  },
]

for (const backend of backends) {
  describe(`findings query shapes: ${backend.name}`, () => {
    it('reads every filter × sort × order shape from an index in order, with the naive results', {
      timeout: 240_000,
    }, async () => {
      const { store, dispose } = await backend.open()
      try {
        const findings = shapeFindings(size)
        await store.indexFindings(1, findings)
        // A second run in the same tables: no shape may read across runs.
        await store.indexFindings(2, shapeFindings(500))
        const shapes = findingShapes(values)
        const problems: string[] = []
        const accesses = new Set<string>()
        for (const shape of shapes) {
          const query: FindingQuery = { runId: 1, limit: 50, ...shape.query }
          const expected = expectedOrdinals(findings, shape.query)
          const { ordinals, totals, secondPage } = await walk(store, query)
          expect(ordinals, shape.name).toEqual(expected)
          expect(new Set(ordinals).size, shape.name).toBe(ordinals.length)
          for (const total of totals) if (total !== undefined) expect(total, shape.name).toBe(expected.length)
          // The first page, and a page after a cursor (the keyset condition in the plan too).
          // A list of checks or severities is read one value at a time: each read's plan is checked.
          const pages = [query, ...(secondPage === undefined ? [] : [{ ...query, after: secondPage }])]
          for (const q of pages.flatMap((p) => splitFilter(p) ?? [p])) {
            const { access, plan } = await store.explainFindings(q, { planner: 'index-only-choice' })
            accesses.add(access.by)
            for (const problem of planProblems(backend.name, access, plan))
              problems.push(`${shape.name}${q.after === undefined ? '' : ' (page 2)'}: ${problem}\n${plan}`)
          }
        }
        expect(problems).toEqual([])
        // Every kind of access was exercised, and both subject paths.
        expect([...accesses].sort()).toEqual(['equal', 'prefix', 'side', 'sort', 'subject'])
        expect(
          findings.filter((f) => f.subjectName.toLowerCase().startsWith('app-')).length,
        ).toBeGreaterThanOrEqual(smallSubjectSet)
      } finally {
        await dispose()
      }
    })

    it('the plan check catches a query that sorts the whole run or scans a table', async () => {
      const { store, raw, dispose } = await backend.open()
      try {
        await store.indexFindings(1, shapeFindings(300))
        const sorted = await raw('SELECT * FROM team_finding f WHERE run_id = 1 ORDER BY message LIMIT 51')
        expect(planProblems(backend.name, { by: 'sort' }, sorted)).toContain('sorts the matching findings')
        const unindexed = await raw(
          "SELECT * FROM team_finding f WHERE run_id = 1 AND status || '' = 'fail' ORDER BY file, ordinal LIMIT 51",
        )
        expect(
          planProblems(backend.name, { by: 'equal', column: 'status', value: 'fail' }, unindexed),
        ).toContain('does not read an index on status')
        const inOrder = await raw(
          "SELECT * FROM team_finding f WHERE run_id = 1 AND status = 'fail' ORDER BY file, ordinal LIMIT 51",
        )
        expect(planProblems(backend.name, { by: 'equal', column: 'status', value: 'fail' }, inOrder)).toEqual(
          [],
        )
      } finally {
        await dispose()
      }
    })
  })
}

/**
 * Subjects for the broad-prefix paths: `app-1…` (a five-character prefix with ten six-character
 * values under it: read as ten prefix values), `node-…` (thirty-six values under it: read as the
 * four-character value `node`, the rest tested), `a…` (too many four-character values: read in sort
 * order, tested on each row). Each prefix matches at least smallSubjectSet findings.
 */
function prefixFindings(n: number): Omit<IndexedFinding, 'runId'>[] {
  let state = 11
  const next = (below: number): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return Math.floor((state / 2 ** 32) * below)
  }
  const base36 = '0123456789abcdefghijklmnopqrstuvwxyz'
  const subjectOf = (family: number): string => {
    if (family < 5) {
      const app = next(4) === 0 ? `app-${2 + next(8)}${next(10)}` : `app-1${next(12)}`
      return next(4) === 0 ? `A${app.slice(1)}` : app
    }
    if (family < 8) return next(6) === 0 ? `node${next(10)}x` : `node-${base36[next(36)]}${next(100)}`
    return `a${next(40)}-svc`
  }
  return Array.from({ length: n }, (_, ordinal) => {
    const checkNo = next(6)
    return {
      ordinal,
      check: `kubernetes/check-${checkNo}`,
      status: (['pass', 'pass', 'fail', 'no-evidence', 'error'] as const)[next(5)] as FindingStatus,
      severity: severities[(checkNo + next(2)) % 5] as Severity,
      subjectKind: 'Deployment',
      subjectName: subjectOf(next(10)),
      file: `deploy/f${next(30)}.yaml`,
      message: `finding ${ordinal}`,
      controls: [`control-${checkNo % 3}`],
      criteria: ['CC6.1'],
    }
  })
}

for (const backend of backends) {
  describe(`findings with a broad subject prefix: ${backend.name}`, () => {
    it('reads each broad prefix through its prefix values or column, with the naive results', {
      timeout: 240_000,
    }, async () => {
      const { store, dispose } = await backend.open()
      try {
        const findings = prefixFindings(9000)
        await store.indexFindings(1, findings)
        await store.indexFindings(2, prefixFindings(300))
        const reads: Record<string, { by: string; branches: number }> = {}
        const problems: string[] = []
        for (const subject of ['app-1', 'App-1', 'node-', 'a', 'app-'])
          expect(
            findings.filter((f) => f.subjectName.toLowerCase().startsWith(subject.toLowerCase())).length,
            subject,
          ).toBeGreaterThanOrEqual(smallSubjectSet)
        for (const subject of ['app-1', 'App-1', 'node-', 'a', 'app-', 'app-1x'])
          for (const sort of ['severity', 'check', 'subject', 'file'] as const)
            for (const order of ['asc', 'desc'] as const)
              for (const filters of [
                {},
                { status: ['fail', 'no-evidence'] as FindingStatus[] },
                { severity: ['critical', 'high'] as Severity[] },
              ]) {
                const shape = { subject, sort, order, ...filters }
                const name = JSON.stringify(shape)
                const query: FindingQuery = { runId: 1, limit: 200, ...shape }
                const { ordinals, secondPage } = await walk(store, query)
                expect(ordinals, name).toEqual(expectedOrdinals(findings, shape))
                for (const q of [
                  query,
                  ...(secondPage === undefined ? [] : [{ ...query, after: secondPage }]),
                ])
                  for (const branch of splitFilter(q) ?? [q]) {
                    const { access, plan } = await store.explainFindings(branch, {
                      planner: 'index-only-choice',
                    })
                    // One index read per prefix value, in one statement.
                    const values = plan.match(/subject_prefix\d ?= ?/g)?.length ?? 0
                    if (sort !== 'subject' && Object.keys(filters).length === 0)
                      reads[subject] = { by: access.by, branches: values }
                    // The prefix reads (other accesses are checked by the shapes above).
                    if (access.by === 'prefix')
                      for (const problem of planProblems(backend.name, access, plan))
                        problems.push(`${name}: ${problem}\n${plan}`)
                  }
              }
        expect(problems).toEqual([])
        expect(reads).toEqual({
          'app-1': { by: 'prefix', branches: 10 },
          'App-1': { by: 'prefix', branches: 10 },
          'node-': { by: 'prefix', branches: 1 },
          a: { by: 'sort', branches: 0 },
          'app-': { by: 'prefix', branches: 1 },
          'app-1x': { by: 'subject', branches: 0 },
        })
      } finally {
        await dispose()
      }
    })
  })
}

describe('findings index migrations upgrade existing stores', () => {
  it('SQLite: the side tables of an existing run get its sort keys (migration 5)', async () => {
    const file = path.join(tmp, 'upgrade.db')
    const old = new SqliteDriver(file)
    old.migrate(
      { ...sqliteTeamMigrations, steps: sqliteTeamMigrations.steps.slice(0, 4) },
      { table: 'team_migration' },
    )
    await old.close()
    const findings = shapeFindings(200)
    const db = new Database(file)
    try {
      // The run as the release before wrote it: side rows without sort keys.
      const row = db.prepare(
        `INSERT INTO team_finding (${findingColumnList.join(', ')}) VALUES (${findingColumnList.map(() => '?').join(', ')})`,
      )
      const side = db.prepare('INSERT INTO team_finding_control (run_id, control, ordinal) VALUES (?, ?, ?)')
      for (const f of findings) {
        const r = findingRowOf(1, f)
        row.run(...findingColumnList.map((c) => r[c]))
        for (const control of new Set(f.controls)) side.run(1, control, f.ordinal)
      }
      db.prepare("INSERT INTO team_finding_run (run_id, findings, indexed_at) VALUES (1, 200, 'then')").run()
    } finally {
      db.close()
    }
    const store = new SqliteTeamStore(file)
    try {
      expect(await store.findingsIndexed(1)).toBe(true)
      for (const sort of ['subject', 'file', 'severity'] as const) {
        const query = { runId: 1, control: 'control-2', sort, order: 'desc' as const, limit: 500 }
        const page = await store.queryFindings(query)
        expect(page.items.map((f) => f.ordinal)).toEqual(expectedOrdinals(findings, query))
        expect(page.items.length).toBeGreaterThan(0)
      }
    } finally {
      await store.close()
    }
  })

  it('SQLite: a run indexed before migration 6 is read by its subject prefixes, not indexed again', async () => {
    const file = path.join(tmp, 'upgrade-prefix.db')
    const old = new SqliteDriver(file)
    old.migrate(
      { ...sqliteTeamMigrations, steps: sqliteTeamMigrations.steps.slice(0, 5) },
      { table: 'team_migration' },
    )
    const findings = prefixFindings(9000)
    // The writer writes no prefix column (they are generated): it writes a run as the release before did.
    await old.transaction((tx) => sqliteFindingsWriter.write(tx, 1, findings))
    await old.close()
    const store = new SqliteTeamStore(file)
    try {
      for (const sort of ['file', 'severity'] as const) {
        const query = { runId: 1, subject: 'app-1', sort, order: 'desc' as const, limit: 500 }
        expect((await walk(store, query)).ordinals).toEqual(expectedOrdinals(findings, query))
        expect((await store.explainFindings(query)).access.by).toBe('prefix')
      }
    } finally {
      await store.close()
    }
  })

  it('PostgreSQL: a run indexed before migration 8 gains the prefix columns and is read by them', async () => {
    const schema = `trustctl_shapes_prefix_${process.pid}_${Date.now()}`
    const old = await openTeamSchemaAt(schema, 7)
    const findings = prefixFindings(9000)
    // Run 1 as the release before stored it: partitions of the tables of migration 7, without prefixes.
    await old.transaction(async (tx) => {
      await tx.script(`CREATE TABLE team_finding_1_old PARTITION OF team_finding FOR VALUES IN (1);
        CREATE TABLE team_finding_control_1_old PARTITION OF team_finding_control FOR VALUES IN (1);
        CREATE TABLE team_finding_criterion_1_old PARTITION OF team_finding_criterion FOR VALUES IN (1);`)
      const rows = findings.map((f) => findingRowOf(1, f))
      for (let i = 0; i < rows.length; i += 1000)
        await tx.insertRows(
          'team_finding',
          findingColumnList,
          rows.slice(i, i + 1000).map((row) => findingColumnList.map((c) => row[c])),
        )
      await tx.exec(
        "INSERT INTO team_finding_run (run_id, findings, indexed_at, partition_suffix) VALUES (1, ?, 'then', '1_old')",
        [rows.length],
      )
    })
    await old.close()
    const store = await PostgresTeamStore.open(pgUrl, schema)
    try {
      expect(await store.findingsIndexed(1)).toBe(true)
      for (const sort of ['file', 'check'] as const) {
        const query = { runId: 1, subject: 'app-1', sort, order: 'desc' as const, limit: 500 }
        expect((await walk(store, query)).ordinals).toEqual(expectedOrdinals(findings, query))
        const { access, plan } = await store.explainFindings(query, { planner: 'index-only-choice' })
        expect(access.by).toBe('prefix')
        expect(planProblems('postgres', access, plan)).toEqual([])
      }
      // Indexed again, the run's new partition (made with the prefix columns) replaces the old one.
      await store.indexFindings(1, findings)
      const query = {
        runId: 1,
        subject: 'app-1',
        sort: 'severity' as const,
        order: 'asc' as const,
        limit: 500,
      }
      expect((await walk(store, query)).ordinals).toEqual(expectedOrdinals(findings, query))
    } finally {
      await store.dropSchema()
      await store.close()
    }
  })

  it('PostgreSQL: an index made before migration 7 is dropped, and the run indexed again on request', async () => {
    const schema = `trustctl_shapes_upgrade_${process.pid}_${Date.now()}`
    const old = await openTeamSchemaAt(schema, 6)
    await old.exec("INSERT INTO team_finding_run (run_id, findings, indexed_at) VALUES (1, 10, 'then')")
    await old.exec(
      "INSERT INTO team_finding_count (run_id, check_id, status, severity, n) VALUES (1, 'c', 'fail', 'high', 10)",
    )
    await old.close()
    const store = await PostgresTeamStore.open(pgUrl, schema)
    try {
      expect(await store.findingsIndexed(1)).toBe(false)
      const findings = shapeFindings(300)
      await store.indexFindings(1, findings)
      const query = {
        runId: 1,
        control: 'control-2',
        sort: 'file' as const,
        order: 'asc' as const,
        limit: 500,
      }
      expect((await store.queryFindings(query)).items.map((f) => f.ordinal)).toEqual(
        expectedOrdinals(findings, query),
      )
    } finally {
      await store.dropSchema()
      await store.close()
    }
  })
})
