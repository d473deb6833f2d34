import { generateKeyPairSync } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it, vi } from 'vitest'
import type { AssessmentModel } from '../../core/assessment.js'
import type { ContainerDockerfile } from '../../core/evidence.js'
import { canonicalBytes, type LedgerEntry, sha256 } from '../../core/ledger.js'
import { ed25519Signer } from '../../core/ledger-manifest.js'
import type { AssessmentStore } from '../../core/store.js'
import { ingestInputs, type LedgerInput } from '../ingest.js'
import { latestRun, recordAssessment, verifyStore } from '../ledger-operations.js'
import { runAnchorsQuery, SqlLedgerStore } from '../ledger-store.js'
import type { SqlRunner, SqlValue } from '../sql/driver.js'
import { contentKeyDigits, inlineBlobMax, oneRowRecordLayout } from './record-layout.js'
import { sqliteLedgerMigrations } from './schema.js'
import { SqliteDriver } from './sqlite-driver.js'
import { SqliteStore } from './sqlite-store.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-store-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey)

const model = (generatedAt: string): AssessmentModel =>
  ({
    generatedAt,
    asOf: '2026-11-30',
    configHash: 'abc',
    findings: [],
    controls: [],
    gaps: [],
  }) as unknown as AssessmentModel

const evidence = (name: string): ContainerDockerfile => ({
  kind: 'container.dockerfile',
  resourceKind: 'Dockerfile',
  name,
  file: name,
  line: 1,
  stages: [],
  finalStage: 0,
  variables: [],
  copies: [],
})

/** An evidence record of the second run, named and sourced `id`, holding `content`. */
const evidenceEntry = (id: string, content: Buffer): LedgerEntry => ({
  kind: 'evidence',
  id,
  source: id,
  collector: 't',
  collectorVersion: '1',
  collectedAt: '2026-11-02T00:00:00.000Z',
  effectiveAt: '2026-11-02T00:00:00.000Z',
  content,
})

const save = (store: AssessmentStore, at: string, items: ContainerDockerfile[]) =>
  recordAssessment(store, { model: model(at), evidence: items, inputs: [], signer, toolVersion: '0.1.0' })

describe('SqliteStore on a real file', () => {
  it('returns nothing before the first run, then the latest run; identical evidence has one address', async () => {
    const file = path.join(dir, 'a', 'trustctl.db')
    const store = new SqliteStore(file)
    expect(await latestRun(store)).toBeUndefined()
    await save(store, '2026-11-01T00:00:00Z', [evidence('a')])
    const second = await save(store, '2026-11-02T00:00:00Z', [evidence('a'), evidence('b')])
    await store.close()

    const reopened = new SqliteStore(file)
    expect(await latestRun(reopened)).toMatchObject({
      id: second.runId,
      generatedAt: '2026-11-02T00:00:00Z',
      evidenceCount: 2,
    })
    await reopened.close()
    const db = new Database(file, { readonly: true })
    const blobs = db
      .prepare("SELECT COUNT(DISTINCT content_hash) AS n FROM ledger_record WHERE kind = 'evidence'")
      .get() as { n: number }
    expect(blobs).toEqual({ n: 2 })
    db.close()
  })

  it('refuses a stored result that was edited after it was written', async () => {
    const file = path.join(dir, 'b', 'trustctl.db')
    const store = new SqliteStore(file)
    await save(store, '2026-11-01T00:00:00Z', [])
    await store.close()
    const db = new Database(file)
    // Small results sit in their record's row (record-layout.ts), large ones in ledger_blob: edit both.
    for (const table of ['ledger_blob', 'ledger_record'])
      db.prepare(
        `UPDATE ${table} SET bytes = CAST(replace(CAST(bytes AS TEXT), '2026-11-30', '2026-12-31') AS BLOB) WHERE bytes IS NOT NULL`,
      ).run()
    db.close()
    const tampered = new SqliteStore(file)
    await expect(latestRun(tampered)).rejects.toThrow(/does not match its hash/)
    await tampered.close()
  })

  it('upgrades a store written before the ledger, keeping what it held', async () => {
    const file = path.join(dir, 'legacy', 'trustctl.db')
    mkdirSync(path.dirname(file), { recursive: true })
    const db = new Database(file)
    db.exec(`CREATE TABLE run (id INTEGER PRIMARY KEY AUTOINCREMENT, generated_at TEXT NOT NULL, as_of TEXT NOT NULL,
      model_hash TEXT NOT NULL, model_json TEXT NOT NULL);
      CREATE TABLE evidence (hash TEXT PRIMARY KEY, kind TEXT NOT NULL, json TEXT NOT NULL);
      CREATE TABLE run_evidence (run_id INTEGER NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (run_id, hash));
      INSERT INTO run (generated_at, as_of, model_hash, model_json) VALUES ('2025-01-01', '2025-01-01', 'h', '{}');
      PRAGMA user_version = 1;`)
    db.close()
    const store = new SqliteStore(file)
    await save(store, '2026-11-01T00:00:00Z', [])
    await store.close()
    const check = new Database(file, { readonly: true })
    expect(check.pragma('user_version', { simple: true })).toBe(sqliteLedgerMigrations.steps.length)
    expect(check.prepare('SELECT COUNT(*) AS n FROM run').get()).toEqual({ n: 1 })
    check.close()
  })

  it('names the file when the store cannot be opened', () => {
    const blocker = path.join(dir, 'a-file')
    writeFileSync(blocker, '')
    expect(() => new SqliteStore(path.join(blocker, 'nope.db'))).toThrow(
      /cannot open the store at .*a-file\/nope\.db/,
    )
  })

  it('refuses a corrupted database file without changing a byte of it', () => {
    const file = path.join(dir, 'corrupt', 'trustctl.db')
    mkdirSync(path.dirname(file), { recursive: true })
    const garbage = Buffer.from('this is not an SQLite database, but it was somebody’s file\n'.repeat(100))
    writeFileSync(file, garbage)
    expect(() => new SqliteStore(file)).toThrow(
      /cannot open the store at .*corrupt\/trustctl\.db: file is not a database/,
    )
    expect(readFileSync(file).equals(garbage)).toBe(true)
  })
  /** A store at an earlier migration, written as that version wrote it (a record row and a blob row). */
  function storeAt(file: string, version: number): SqlLedgerStore {
    const driver = new SqliteDriver(file)
    driver.migrate(
      { ...sqliteLedgerMigrations, steps: sqliteLedgerMigrations.steps.slice(0, version) },
      {
        pragma: 'user_version',
      },
    )
    return new SqlLedgerStore(driver)
  }

  /** The content table's (key, seq) pairs as the records make them (migration 8: a prefix of the hash). */
  const recordKeysSql = `SELECT substr(content_hash, 1, ${contentKeyDigits}) AS hash_prefix, seq FROM ledger_record`

  /** Every record and blob as a reader sees them, in order. */
  async function contents(store: AssessmentStore): Promise<string[]> {
    const out: string[] = []
    for await (const { record, blob } of store.scan())
      out.push(
        `${JSON.stringify(record)} ${blob === undefined ? 'no blob' : Buffer.from(blob).toString('base64')}`,
      )
    return out
  }

  /**
   * Closes a store rewritten to an older layout and opens it again: the upgraded store holds what it
   * held before, and every content hash recorded finds its bytes by address.
   */
  async function reopenedAfterDowngrade(
    raw: Database.Database,
    file: string,
    before: string[],
  ): Promise<SqliteStore> {
    const hashes = raw
      .prepare('SELECT DISTINCT content_hash FROM ledger_record ORDER BY content_hash')
      .pluck()
      .all() as string[]
    raw.close()
    const upgraded = new SqliteStore(file)
    expect(await contents(upgraded)).toEqual(before)
    for (const hash of hashes) {
      const blob = await upgraded.blob(`sha256:${hash}`)
      expect(blob === undefined ? undefined : sha256(blob)).toBe(hash)
    }
    return upgraded
  }

  it('upgrades a version-2 ledger (hash-keyed blobs) to the current layout, and it still verifies', async () => {
    const file = path.join(dir, 'v2', 'trustctl.db')
    const old = storeAt(file, 2)
    await save(old, '2026-11-01T00:00:00Z', [evidence('a'), evidence('b')])
    await old.close()

    const upgraded = new SqliteStore(file)
    expect((await verifyStore(upgraded)).ok).toBe(true)
    expect((await latestRun(upgraded))?.evidenceCount).toBe(2)
    await save(upgraded, '2026-11-02T00:00:00Z', [evidence('a'), evidence('c')])
    const report = await verifyStore(upgraded)
    expect(report).toMatchObject({ ok: true, manifests: 2 })
    await upgraded.close()
    const check = new Database(file, { readonly: true })
    expect(check.pragma('user_version', { simple: true })).toBe(sqliteLedgerMigrations.steps.length)
    check.close()
  })

  it('keeps a large blob once however many records name it, and a small one in each record', async () => {
    const file = path.join(dir, 'dedup', 'trustctl.db')
    const store = new SqliteStore(file)
    const runId = await store.beginRun({ startedAt: '2026-11-02T00:00:00.000Z', toolVersion: 't', signer })
    const entry = evidenceEntry
    const large = Buffer.alloc(inlineBlobMax + 1, 1)
    const small = Buffer.alloc(inlineBlobMax, 2)
    await store.append(runId, [entry('l1', large), entry('s1', small)])
    await store.append(runId, [entry('l2', large), entry('s2', small)])
    await store.finishRun(runId, '2026-11-02T00:00:01.000Z', signer)
    expect(await store.blob(`sha256:${sha256(large)}`)).toEqual(large)
    expect(await store.blob(`sha256:${sha256(small)}`)).toEqual(small)
    expect(await store.blob(`sha256:${sha256('absent')}`)).toBeUndefined()
    expect((await verifyStore(store)).ok).toBe(true)
    await store.close()
    const check = new Database(file, { readonly: true })
    expect(check.prepare('SELECT ref FROM ledger_blob').pluck().all()).toEqual([`sha256:${sha256(large)}`])
    const rows = check
      .prepare("SELECT id, length(bytes) AS n FROM ledger_record WHERE kind = 'evidence' ORDER BY seq")
      .all()
    expect(rows).toEqual([
      { id: 'l1', n: null },
      { id: 's1', n: inlineBlobMax },
      { id: 'l2', n: null },
      { id: 's2', n: inlineBlobMax },
    ])
    check.close()
  })

  it('writes a large append a chunk of rows at a time: every record, its blob, and each large blob once', async () => {
    const file = path.join(dir, 'chunks', 'trustctl.db')
    const store = new SqliteStore(file)
    const runId = await store.beginRun({ startedAt: '2026-11-02T00:00:00.000Z', toolVersion: 't', signer })
    // Large blobs in the first and the last chunk (one of them in both), small ones everywhere.
    const large = (n: number) => Buffer.alloc(inlineBlobMax + 1, n)
    const content = (i: number) =>
      i === 3 || i === 2500 ? large(1) : i === 2501 ? large(2) : canonicalBytes({ i })
    const entries = Array.from({ length: 2502 }, (_, i) => evidenceEntry(`e${i}`, content(i)))
    const written = await store.append(runId, entries)
    await store.finishRun(runId, '2026-11-02T00:00:01.000Z', signer)
    expect(written.map((r) => r.id)).toEqual(entries.map((e) => e.id))
    for (const i of [0, 3, 1023, 1024, 2047, 2048, 2500, 2501])
      expect(await store.blob(`sha256:${sha256(content(i))}`)).toEqual(content(i))
    expect(await verifyStore(store)).toMatchObject({ ok: true, manifests: 1 })
    await store.close()
    const check = new Database(file, { readonly: true })
    expect(check.prepare('SELECT ref FROM ledger_blob ORDER BY ref').pluck().all()).toEqual(
      [`sha256:${sha256(large(1))}`, `sha256:${sha256(large(2))}`].sort(),
    )
    expect(check.prepare("SELECT count(*) FROM ledger_record WHERE kind = 'evidence'").pluck().get()).toBe(
      2502,
    )
    check.close()
  })

  it('finds an evidence item kept in its row by address through the content index, not a table scan', async () => {
    // A re-run lists the evidence it shares with earlier runs by hash; reading it looks each item up
    // by address, so a scan per item would make reading a 10k-item re-run quadratic in the ledger.
    const file = path.join(dir, 'by-address', 'trustctl.db')
    const store = new SqliteStore(file)
    await save(store, '2026-11-01T00:00:00Z', [evidence('a'), evidence('b')])
    const db = new Database(file, { readonly: true })
    const hash = db
      .prepare("SELECT content_hash FROM ledger_record WHERE kind = 'evidence' ORDER BY seq DESC")
      .pluck()
      .get() as string
    // The statement the store runs for a blob by address, planned by SQLite on this file.
    let asked: { sql: string; params: SqlValue[] } | undefined
    await oneRowRecordLayout.blobRows(
      {
        query: async (sql: string, params: SqlValue[] = []) => {
          asked = { sql, params }
          return []
        },
      } as Pick<SqlRunner, 'query'>,
      `sha256:${hash}`,
    )
    const plan = (
      db.prepare(`EXPLAIN QUERY PLAN ${asked?.sql}`).all(...(asked?.params ?? [])) as { detail: string }[]
    )
      .map((row) => row.detail)
      .join('\n')
    db.close()
    expect(plan).toMatch(/SEARCH k USING PRIMARY KEY \(hash_prefix=\?\)/)
    expect(plan).toMatch(/SEARCH r USING INTEGER PRIMARY KEY \(rowid=\?\)/)
    expect(plan).not.toMatch(/SCAN (ledger_record|ledger_content|r|k)\b/)
    const found = await store.blob(`sha256:${hash}`)
    expect(found === undefined ? undefined : sha256(found)).toBe(hash)
    await store.close()
  })

  it('lists the kinds of complete runs from the run-start index, not a table scan', async () => {
    // Every assessment asks which runs recorded a model; reading every record for that (an automatic
    // index SQLite built for each query) grew with the ledger.
    const file = path.join(dir, 'run-kinds', 'trustctl.db')
    const store = new SqliteStore(file)
    await save(store, '2026-11-01T00:00:00Z', [evidence('a'), evidence('b')])
    await save(store, '2026-11-02T00:00:00Z', [evidence('c')])
    let asked: { sql: string; params: readonly SqlValue[] } | undefined
    const query = SqliteDriver.prototype.query
    const spy = vi.spyOn(SqliteDriver.prototype, 'query').mockImplementation(function <R>(
      this: SqliteDriver,
      sql: string,
      params: readonly SqlValue[] = [],
    ) {
      if (sql.includes('VALUES')) asked = { sql, params }
      return query.call(this, sql, params) as Promise<R[]>
    })
    try {
      const kinds = await store.completeRunKinds?.()
      expect([...(kinds ?? new Map()).keys()]).toHaveLength(2)
      for (const listed of (kinds ?? new Map()).values()) expect(listed).toContain('assessment')
    } finally {
      spy.mockRestore()
      await store.close()
    }
    const db = new Database(file, { readonly: true })
    const plan = (
      db.prepare(`EXPLAIN QUERY PLAN ${asked?.sql}`).all(...(asked?.params ?? [])) as { detail: string }[]
    )
      .map((row) => row.detail)
      .join('\n')
    db.close()
    expect(plan).toMatch(/ledger_record_run_start/)
    expect(plan).not.toMatch(/AUTOMATIC/)
    expect(plan).not.toMatch(/SCAN s\b(?! USING COVERING INDEX ledger_record_run_start)/)
  })

  it('scans by kind alone within the span of those kinds, read from the index, and none for a kind not held', async () => {
    // Every assessment looks for access reviews and policy acceptances, which most ledgers hold none of:
    // the scan's pages (by seq, over every record and its inline evidence) are not read for them.
    const file = path.join(dir, 'by-kind', 'trustctl.db')
    const store = new SqliteStore(file)
    await save(store, '2026-11-01T00:00:00Z', [evidence('a'), evidence('b')])
    await save(store, '2026-11-02T00:00:00Z', [evidence('c')])
    const pages: { sql: string; params: readonly SqlValue[] }[] = []
    const queryArrays = SqliteDriver.prototype.queryArrays
    const spy = vi.spyOn(SqliteDriver.prototype, 'queryArrays').mockImplementation(function (
      this: SqliteDriver,
      sql: string,
      params: readonly SqlValue[] = [],
    ) {
      if (/ORDER BY r\.seq LIMIT/.test(sql)) pages.push({ sql, params })
      return queryArrays.call(this, sql, params)
    })
    const scanned = async (query: Parameters<AssessmentStore['scan']>[0]) => {
      const seqs: number[] = []
      for await (const { record } of store.scan(query)) seqs.push(record.seq)
      return seqs
    }
    try {
      expect(await scanned({ kinds: ['access-review', 'policy-acceptance'] })).toEqual([])
      expect(pages).toEqual([])
      const db = new Database(file, { readonly: true })
      const all = db.prepare('SELECT seq, kind FROM ledger_record ORDER BY seq').all() as {
        seq: number
        kind: string
      }[]
      db.close()
      const manifests = all.filter((r) => r.kind === 'manifest').map((r) => r.seq)
      expect(manifests).toHaveLength(2)
      expect(await scanned({ kinds: ['manifest'] })).toEqual(manifests)
      // The page starts after the first manifest's predecessor and ends at the last manifest.
      expect(pages.at(-1)?.params[0]).toBe((manifests[0] as number) - 1)
      expect(pages.at(-1)?.params).toContain(manifests[1])
      // Bounds asked for still hold inside the span.
      expect(await scanned({ kinds: ['manifest'], fromSeq: (manifests[0] as number) + 1 })).toEqual([
        manifests[1],
      ])
      expect(await scanned({ kinds: ['manifest'], toSeq: manifests[0] as number })).toEqual([manifests[0]])
      expect(await scanned({ kinds: ['evidence', 'manifest'] })).toEqual(
        all.filter((r) => r.kind === 'evidence' || r.kind === 'manifest').map((r) => r.seq),
      )
    } finally {
      spy.mockRestore()
      await store.close()
    }
  })

  it('keeps one (content hash prefix, seq) pair per record in ledger_content, and finds nothing through a pair its record no longer matches', async () => {
    const file = path.join(dir, 'content-keys', 'trustctl.db')
    const store = new SqliteStore(file)
    await save(store, '2026-11-01T00:00:00Z', [evidence('a'), evidence('b')])
    const runId = await store.beginRun({ startedAt: '2026-11-02T00:00:00.000Z', toolVersion: 't', signer })
    const entry = (id: string): LedgerEntry => evidenceEntry(id, canonicalBytes({ id }))
    await store.append(runId, ['c', 'd', 'e'].map(entry))
    // A record whose (given) content hash shares the key of c's: each address finds its own bytes.
    const c = sha256(canonicalBytes({ id: 'c' }))
    const twin = `${c.slice(0, contentKeyDigits)}${'f'.repeat(64 - contentKeyDigits)}`
    await store.append(
      runId,
      [entry('f'), entry('a'), entry('twin')],
      [sha256(canonicalBytes({ id: 'f' })), sha256(canonicalBytes({ id: 'a' })), twin],
    )
    await store.finishRun(runId, '2026-11-02T00:00:01.000Z', signer)
    expect(await store.blob(`sha256:${twin}`)).toEqual(canonicalBytes({ id: 'twin' }))
    expect(await store.blob(`sha256:${c}`)).toEqual(canonicalBytes({ id: 'c' }))
    expect(await store.blob(`sha256:${c.slice(0, contentKeyDigits)}`)).toBeUndefined()
    const raw = new Database(file)
    const pairs = (sql: string) => raw.prepare(sql).all() as { hash_prefix: string; seq: number }[]
    const keys = pairs('SELECT hash_prefix, seq FROM ledger_content ORDER BY 1, 2')
    expect(keys).toEqual(pairs(`${recordKeysSql} ORDER BY 1, 2`))
    expect(keys.length).toBeGreaterThan(7)
    // A row whose content hash was edited is not found through the pair written for its old hash.
    const edited = sha256(canonicalBytes({ id: 'd' }))
    raw
      .prepare('UPDATE ledger_record SET content_hash = ? WHERE content_hash = ?')
      .run('0'.repeat(64), edited)
    raw.close()
    expect(await store.blob(`sha256:${edited}`)).toBeUndefined()
    expect(await store.blob(`sha256:${sha256(canonicalBytes({ id: 'c' }))}`)).toEqual(
      canonicalBytes({ id: 'c' }),
    )
    await store.close()
  })

  it('moves a version-6 ledger (an index on content_hash) to the content table: every blob still found by address', async () => {
    const file = path.join(dir, 'v6', 'trustctl.db')
    const store = new SqliteStore(file)
    await save(store, '2026-11-01T00:00:00Z', [evidence('a'), evidence('b')])
    await save(store, '2026-11-02T00:00:00Z', [evidence('a'), evidence('c')])
    const before = await contents(store)
    await store.close()
    // The rows of version 6 are those of version 7; only the content index differs.
    const raw = new Database(file)
    raw.exec(`DROP TABLE ledger_content;
      CREATE INDEX ledger_record_content ON ledger_record (content_hash);
      PRAGMA user_version = 6;`)
    const upgraded = await reopenedAfterDowngrade(raw, file, before)
    await save(upgraded, '2026-11-03T00:00:00Z', [evidence('a'), evidence('d')])
    expect(await verifyStore(upgraded)).toMatchObject({ ok: true, manifests: 3 })
    await upgraded.close()
    const check = new Database(file, { readonly: true })
    expect(check.pragma('user_version', { simple: true })).toBe(sqliteLedgerMigrations.steps.length)
    expect(
      check.prepare("SELECT name FROM sqlite_master WHERE name = 'ledger_record_content'").all(),
    ).toEqual([])
    expect(check.prepare('SELECT hash_prefix, seq FROM ledger_content ORDER BY 1, 2').all()).toEqual(
      check.prepare(`${recordKeysSql} ORDER BY 1, 2`).all(),
    )
    check.close()
  })

  it('moves a version-7 ledger (full content hashes as keys) to prefix keys: every blob and cached input still found', async () => {
    const file = path.join(dir, 'v7', 'trustctl.db')
    const store = new SqliteStore(file)
    const inputs = (names: string[]): LedgerInput[] =>
      names.map((name) => ({
        source: name,
        collector: 't',
        collectorVersion: '1',
        sha256: sha256(name),
        parse: () => [evidenceEntry(`e:${name}`, canonicalBytes({ name }))],
      }))
    const ingest = async (at: string, names: string[]) => {
      const runId = await store.beginRun({ startedAt: at, toolVersion: 't', signer })
      const result = await ingestInputs(store, runId, inputs(names), { collectedAt: at })
      await store.finishRun(runId, at, signer)
      return result
    }
    await ingest('2026-11-01T00:00:00.000Z', ['a', 'b'])
    await save(store, '2026-11-02T00:00:00Z', [evidence('a'), evidence('c')])
    const before = await contents(store)
    await store.close()
    // The rows of version 7 are those of version 8; only the content table's key differs.
    const raw = new Database(file)
    raw.exec(`DROP TABLE ledger_content;
      CREATE TABLE ledger_content (content_hash TEXT NOT NULL, seq INTEGER NOT NULL,
        PRIMARY KEY (content_hash, seq)) WITHOUT ROWID;
      INSERT INTO ledger_content SELECT content_hash, seq FROM ledger_record;
      PRAGMA user_version = 7;`)
    const upgraded = await reopenedAfterDowngrade(raw, file, before)
    // The parse cache finds the evidence sets of the first ingest through the new keys.
    const runId = await upgraded.beginRun({ startedAt: '2026-11-03T00:00:00.000Z', toolVersion: 't', signer })
    const again = await ingestInputs(upgraded, runId, inputs(['a', 'b', 'd']), {
      collectedAt: '2026-11-03T00:00:00.000Z',
    })
    await upgraded.finishRun(runId, '2026-11-03T00:00:01.000Z', signer)
    expect(again).toMatchObject({ inputs: 3, reused: 2, ignoredCacheEntries: 0 })
    expect(await verifyStore(upgraded)).toMatchObject({ ok: true, manifests: 3 })
    await upgraded.close()
    const check = new Database(file, { readonly: true })
    expect(check.pragma('user_version', { simple: true })).toBe(sqliteLedgerMigrations.steps.length)
    expect(check.prepare('SELECT hash_prefix, seq FROM ledger_content ORDER BY 1, 2').all()).toEqual(
      check.prepare(`${recordKeysSql} ORDER BY 1, 2`).all(),
    )
    check.close()
  })

  it('reads the records a manifest anchors on (run_id, kind), not every record of the run', async () => {
    // Sealing a run of 200k records read all of them to find its three or four anchors.
    const file = path.join(dir, 'anchors', 'trustctl.db')
    const store = new SqliteStore(file)
    const { runId } = await save(store, '2026-11-01T00:00:00Z', [evidence('a')])
    await store.close()
    const db = new Database(file, { readonly: true })
    const { sql, params } = runAnchorsQuery(runId)
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
      .map((row) => row.detail)
      .join('\n')
    const anchors = db.prepare(sql).all(...params) as { kind: string; id: string }[]
    db.close()
    expect(plan).toMatch(/USING INDEX ledger_record_run \(run_id=\? AND kind=\?\)/)
    expect(anchors.map((a) => `${a.kind}:${a.id}`).sort()).toEqual(
      ['assessment:assessment', 'evidence-set:run-evidence'].sort(),
    )
  })

  it('moves a version-5 ledger to one row per record in one step: nothing lost, the chain unchanged', async () => {
    const file = path.join(dir, 'v5', 'trustctl.db')
    const old = storeAt(file, 5)
    await save(old, '2026-11-01T00:00:00Z', [evidence('a'), evidence('b')])
    // A large blob (stays in ledger_blob, by address), one no record names, and a record whose content
    // hash is not its blob's (kept as it was; verify still reports it).
    const runId = await old.beginRun({ startedAt: '2026-11-02T00:00:00.000Z', toolVersion: 't', signer })
    const entry = evidenceEntry
    const large = Buffer.alloc(inlineBlobMax + 1, 7)
    await old.append(runId, [entry('large', large), entry('odd', Buffer.from('{}'))], [sha256(large), 'ABC'])
    await old.finishRun(runId, '2026-11-02T00:00:01.000Z', signer)
    const before = await contents(old)
    const problemsBefore = (await verifyStore(old)).problems.map((p) => p.message)
    await old.close()
    const raw = new Database(file)
    raw
      .prepare('INSERT INTO ledger_blob (ref, bytes) VALUES (?, ?)')
      .run('sha256:unreferenced', Buffer.from('x'))
    const blobsBefore = (raw.prepare('SELECT COUNT(*) AS n FROM ledger_blob').get() as { n: number }).n
    raw.close()

    const upgraded = new SqliteStore(file)
    expect(await contents(upgraded)).toEqual(before)
    expect((await verifyStore(upgraded)).problems.map((p) => p.message)).toEqual(problemsBefore)
    expect(problemsBefore.join('\n')).toMatch(/record .* content hash|edited or swapped|does not match/)
    expect(await upgraded.blob('sha256:unreferenced')).toEqual(Buffer.from('x'))
    await upgraded.close()

    const check = new Database(file, { readonly: true })
    expect(check.pragma('user_version', { simple: true })).toBe(sqliteLedgerMigrations.steps.length)
    const kept = check.prepare('SELECT ref FROM ledger_blob ORDER BY ref').pluck().all()
    // Left by address: the large blob and the unreferenced one; the rest moved into their records.
    expect(kept).toEqual([`sha256:${sha256(large)}`, 'sha256:unreferenced'].sort())
    expect(kept.length).toBeLessThan(blobsBefore)
    const odd = check
      .prepare("SELECT content_hash, blob_ref, bytes FROM ledger_record WHERE id = 'odd'")
      .get()
    expect(odd).toEqual({ content_hash: 'ABC', blob_ref: null, bytes: Buffer.from('{}') })
    const big = check.prepare("SELECT blob_ref, bytes FROM ledger_record WHERE id = 'large'").get()
    expect(big).toEqual({ blob_ref: null, bytes: null })
    check.close()
  })
})

describe('sealing a run without reading its record hashes back', () => {
  const entry = (id: string): LedgerEntry => ({
    kind: 'evidence',
    id,
    source: `${id}.yaml`,
    collector: 'test',
    collectorVersion: '1',
    collectedAt: '2026-11-01T00:00:00.000Z',
    effectiveAt: '2026-11-01T00:00:00.000Z',
    content: canonicalBytes({ id }),
  })
  /** A store on `file` that notes each statement it runs in a transaction. */
  const watched = (file: string): { store: SqlLedgerStore; statements: string[] } => {
    const driver = new SqliteDriver(file)
    driver.migrate(sqliteLedgerMigrations, { pragma: 'user_version' })
    const statements: string[] = []
    const transaction = driver.transaction.bind(driver)
    driver.transaction = (fn) =>
      transaction((tx) =>
        fn({
          ...tx,
          query: (sql, params) => {
            statements.push(sql)
            return tx.query(sql, params)
          },
        }),
      )
    return { store: new SqlLedgerStore(driver, undefined, oneRowRecordLayout), statements }
  }
  const readsHashesBack = (statements: readonly string[]): boolean =>
    statements.some((sql) => /SELECT hash FROM ledger_record WHERE run_id/.test(sql))

  it('signs the hashes it wrote when the table holds just those, even with another run in between', async () => {
    const { store, statements } = watched(path.join(dir, 'seal-kept', 'trustctl.db'))
    const first = await store.beginRun({ startedAt: '2026-11-01T00:00:00Z', toolVersion: '1', signer })
    const second = await store.beginRun({ startedAt: '2026-11-01T00:00:00Z', toolVersion: '1', signer })
    await store.append(first, [entry('a'), entry('b')])
    await store.append(second, [entry('c')])
    await store.append(first, [entry('d')])
    statements.length = 0
    const sealed = await store.finishRun(first, '2026-11-01T00:01:00Z', signer)
    await store.finishRun(second, '2026-11-01T00:01:00Z', signer)
    expect(readsHashesBack(statements)).toBe(false)
    // signing key, run start, a, b, d
    expect(sealed.manifest.recordCount).toBe(5)
    expect((await verifyStore(store)).ok).toBe(true)
    await store.close()
  })

  it('reads the hashes back when another connection appended to the run, and the seal counts its records', async () => {
    const file = path.join(dir, 'seal-shared', 'trustctl.db')
    const { store, statements } = watched(file)
    const other = new SqliteStore(file)
    const runId = await store.beginRun({ startedAt: '2026-11-01T00:00:00Z', toolVersion: '1', signer })
    await store.append(runId, [entry('a')])
    await other.append(runId, [entry('b')])
    await store.append(runId, [entry('c')])
    statements.length = 0
    const sealed = await store.finishRun(runId, '2026-11-01T00:01:00Z', signer)
    expect(readsHashesBack(statements)).toBe(true)
    // signing key, run start, a, b (the other connection's), c
    expect(sealed.manifest.recordCount).toBe(5)
    expect((await verifyStore(store)).ok).toBe(true)
    await other.close()
    await store.close()
  })
})
