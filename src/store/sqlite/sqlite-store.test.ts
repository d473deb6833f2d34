import { generateKeyPairSync } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import type { AssessmentModel } from '../../core/assessment.js'
import type { ContainerDockerfile } from '../../core/evidence.js'
import { ed25519Signer } from '../../core/ledger-manifest.js'
import { latestRun, recordAssessment, verifyStore } from '../ledger-operations.js'
import { sqliteLedgerMigrations } from './schema.js'
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

const save = (store: SqliteStore, at: string, items: ContainerDockerfile[]) =>
  recordAssessment(store, { model: model(at), evidence: items, inputs: [], signer, toolVersion: '0.1.0' })

describe('SqliteStore on a real file', () => {
  it('returns nothing before the first run, then the latest run; identical evidence is stored once', async () => {
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
      .prepare("SELECT COUNT(DISTINCT blob_ref) AS n FROM ledger_record WHERE kind = 'evidence'")
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
    db.prepare(
      "UPDATE ledger_blob SET bytes = CAST(replace(CAST(bytes AS TEXT), '2026-11-30', '2026-12-31') AS BLOB)",
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
  it('upgrades a version-2 ledger (hash-keyed blobs) to append-ordered blobs, and it still verifies', async () => {
    const file = path.join(dir, 'v2', 'trustctl.db')
    const store = new SqliteStore(file)
    await save(store, '2026-11-01T00:00:00Z', [evidence('a'), evidence('b')])
    await store.close()
    // Put the store back in the version-2 layout: blobs keyed by their hash, the (kind, id) index.
    const db = new Database(file)
    db.exec(`CREATE TABLE blob_v2 (ref TEXT PRIMARY KEY, bytes BLOB NOT NULL) WITHOUT ROWID;
      INSERT INTO blob_v2 SELECT ref, bytes FROM ledger_blob;
      DROP TABLE ledger_blob; ALTER TABLE blob_v2 RENAME TO ledger_blob;
      DROP INDEX ledger_record_signing_key;
      DROP INDEX ledger_record_evidence_set;
      DROP INDEX ledger_record_run_start;
      DROP TABLE ledger_object;
      CREATE INDEX ledger_record_kind ON ledger_record (kind, id);
      PRAGMA user_version = 2;`)
    const blobs = db.prepare('SELECT COUNT(*) AS n FROM ledger_blob').get()
    db.close()

    const upgraded = new SqliteStore(file)
    expect((await verifyStore(upgraded)).ok).toBe(true)
    await save(upgraded, '2026-11-02T00:00:00Z', [evidence('a'), evidence('c')])
    const report = await verifyStore(upgraded)
    expect(report).toMatchObject({ ok: true, manifests: 2 })
    await upgraded.close()
    const check = new Database(file, { readonly: true })
    expect(check.pragma('user_version', { simple: true })).toBe(sqliteLedgerMigrations.steps.length)
    // Every blob survived the move; the second run added only what was new (c, its model, manifests…).
    const after = check.prepare('SELECT COUNT(*) AS n FROM ledger_blob').get() as { n: number }
    expect(after.n).toBeGreaterThan((blobs as { n: number }).n)
    const first = check.prepare('SELECT MIN(id) AS id FROM ledger_blob').get() as { id: number }
    expect(first.id).toBe(1)
    check.close()
  })
})
