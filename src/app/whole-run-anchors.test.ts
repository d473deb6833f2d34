import { createHash, createPrivateKey, generateKeyPairSync } from 'node:crypto'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { config, type RerunEstate, rerunEstate } from '../../test/rerun-estate.js'
import { canonicalBytes, type LedgerRecord, recordHash } from '../core/ledger.js'
import { runEvidenceId } from '../core/ledger-entries.js'
import {
  ed25519Signer,
  isAnchoredRecord,
  type RunManifest,
  type SignedManifest,
  signManifest,
} from '../core/ledger-manifest.js'
import type { RecordQuery } from '../core/store.js'
import { findingsPartsId, verifyStore } from '../store/ledger-operations.js'
import { SqlLedgerStore } from '../store/ledger-store.js'
import { setContentHashSql } from '../store/sqlite/record-layout.js'
import { loadConfig } from './load-config.js'
import { storeFile } from './run-assessment.js'
import { wholeRunId } from './whole-run.js'

// The first re-run after a run that evaluated reads that run's signed manifest and the few records
// it anchors, not every record of the run; anything that does not match falls back to the whole
// run's seal, and `verify` holds every manifest's anchors to the records they name.

let estate: RerunEstate
beforeAll(async () => {
  estate = await rerunEstate('trustctl-anchors-')
}, 120_000)
afterAll(() => estate.remove())
// Each case starts from an empty store (the key, and so the pin the first run writes, stay the same).
beforeEach(async () => {
  rmSync(path.dirname(storeFile(await loadConfig(undefined, estate.dir))), { recursive: true, force: true })
  writeFileSync(path.join(estate.dir, 'trustctl.yaml'), config())
})

/** Every record the store's scans give back while `use` runs. */
async function recordsRead<T>(use: () => Promise<T>): Promise<{ result: T; read: LedgerRecord[] }> {
  const scan = SqlLedgerStore.prototype.scan
  const read: LedgerRecord[] = []
  const spy = vi.spyOn(SqlLedgerStore.prototype, 'scan').mockImplementation(async function* (
    this: SqlLedgerStore,
    query?: RecordQuery,
  ) {
    for await (const scanned of scan.call(this, query)) {
      read.push(scanned.record)
      yield scanned
    }
  })
  try {
    return { result: await use(), read }
  } finally {
    spy.mockRestore()
  }
}

/** The raw database, as someone with access to the file has it. */
async function raw<T>(use: (db: Database.Database) => T): Promise<T> {
  const db = new Database(storeFile(await loadConfig(undefined, estate.dir)))
  try {
    return use(db)
  } finally {
    db.close()
  }
}

/** The manifest record of a run and its signed manifest. */
async function manifestOf(runId: number): Promise<{ record: LedgerRecord; signed: SignedManifest }> {
  return estate.withStore(async (store) => {
    for await (const { record, blob } of store.scan({ runId, kinds: ['manifest'] }))
      return { record, signed: JSON.parse(Buffer.from(blob ?? []).toString('utf8')) as SignedManifest }
    throw new Error(`run ${runId} has no manifest`)
  })
}

/**
 * Signs the latest run's manifest again, changed, with the ledger's own key, and rewrites its record
 * (the last of the ledger, so no later record's link breaks): a manifest as that key could have signed.
 */
async function resignManifest(runId: number, change: (manifest: RunManifest) => RunManifest): Promise<void> {
  const { record, signed } = await manifestOf(runId)
  const signer = ed25519Signer(createPrivateKey(readFileSync(path.join(estate.dir, 'signing-key.pem'))))
  const bytes = canonicalBytes(signManifest(change(signed.manifest), signer))
  const contentHash = createHash('sha256').update(bytes).digest('hex')
  const { hash: _hash, ...fields } = { ...record, contentHash, blobRef: `sha256:${contentHash}` }
  await raw((db) => {
    const last = db.prepare('SELECT max(seq) AS seq FROM ledger_record').get() as { seq: number }
    expect(last.seq).toBe(record.seq)
    for (const sql of setContentHashSql) db.prepare(sql).run(contentHash, record.seq)
    db.prepare('UPDATE ledger_record SET bytes = ?, hash = ? WHERE seq = ?').run(
      bytes,
      recordHash(fields),
      record.seq,
    )
  })
}

describe('the first re-run after a run that evaluated', () => {
  it('reads the manifest and the records it anchors, none of the run’s other records', async () => {
    const cold = await estate.assessAt('2026-12-01')
    expect(cold.repeated).toBeUndefined()
    const { signed } = await manifestOf(cold.runId)
    expect(signed.manifest.anchors?.map((a) => `${a.kind}:${a.id}`)).toEqual([
      `evidence-set:${runEvidenceId}`,
      `evidence-set:${wholeRunId}`,
      `evidence-set:${findingsPartsId}`,
      'assessment:assessment',
    ])
    const { result: repeat, read } = await recordsRead(() => estate.assessAt('2026-12-02'))
    expect(repeat.repeated).toBe(cold.runId)
    // The signing keys are read to know which keys are trusted (the first is one of this run's).
    const ofCold = read.filter((r) => r.runId === cold.runId && r.kind !== 'signing-key')
    expect(ofCold.filter((r) => r.kind !== 'manifest' && !isAnchoredRecord(r))).toEqual([])
    expect(ofCold.filter((r) => r.kind === 'manifest')).toHaveLength(1)
    // And so is the run it recorded, for the run after it.
    const { result: again, read: readAgain } = await recordsRead(() => estate.assessAt('2026-12-03'))
    expect(again.repeated).toBe(repeat.runId)
    expect(readAgain.filter((r) => r.runId === repeat.runId && r.kind === 'run-start')).toEqual([])
    await estate.withStore(async (store) => expect((await verifyStore(store)).ok).toBe(true))
  }, 120_000)

  it('reads the findings parts its signed list names before the model, and proves both', async () => {
    // The parts are read and their proofs queued first, so the thread pool hashes them while the main
    // thread parses the model; the model still decides which parts the repeat hands on.
    const cold = await estate.assessAt('2026-12-01')
    const hashes = await raw((db) => ({
      model: db
        .prepare("SELECT content_hash FROM ledger_record WHERE run_id = ? AND kind = 'assessment'")
        .pluck()
        .get(cold.runId) as string,
      parts: db
        .prepare("SELECT content_hash FROM ledger_record WHERE run_id = ? AND kind = 'findings' ORDER BY seq")
        .pluck()
        .all(cold.runId) as string[],
    }))
    expect(hashes.parts.length).toBeGreaterThan(0)
    const blob = SqlLedgerStore.prototype.blob
    const refs: string[] = []
    const spy = vi.spyOn(SqlLedgerStore.prototype, 'blob').mockImplementation(function (
      this: SqlLedgerStore,
      ref: string,
    ) {
      refs.push(ref)
      return blob.call(this, ref)
    })
    try {
      const repeat = await estate.assessAt('2026-12-02')
      expect(repeat.repeated).toBe(cold.runId)
      const at = (hash: string): number => refs.indexOf(`sha256:${hash}`)
      for (const part of hashes.parts) {
        expect(at(part)).toBeGreaterThanOrEqual(0)
        expect(at(part)).toBeLessThan(at(hashes.model))
      }
      // Each of them is read once.
      for (const hash of [hashes.model, ...hashes.parts])
        expect(refs.filter((ref) => ref === `sha256:${hash}`)).toHaveLength(1)
    } finally {
      spy.mockRestore()
    }
  }, 120_000)

  it('records a repeat with its findings cache entry in the run’s own transaction', async () => {
    // One commit (one sync to disk) for the whole repeat: the entry is not written after it on its own.
    const cold = await estate.assessAt('2026-12-01')
    const remember = vi.spyOn(SqlLedgerStore.prototype, 'remember')
    try {
      const repeat = await estate.assessAt('2026-12-02')
      expect(repeat.repeated).toBe(cold.runId)
      expect(remember).not.toHaveBeenCalled()
      const { list, cached } = await raw((db) => {
        const row = db
          .prepare(
            "SELECT content_hash, bytes FROM ledger_record WHERE run_id = ? AND kind = 'evidence-set' AND id = ?",
          )
          .get(repeat.runId, findingsPartsId) as { content_hash: string; bytes: Buffer | null }
        const key = (JSON.parse(row.bytes?.toString('utf8') ?? '{}') as { key?: string }).key
        return {
          list: row.content_hash,
          cached: db
            .prepare('SELECT blob_ref FROM ledger_cache WHERE key = ?')
            .pluck()
            .get(`findings:${key}`),
        }
      })
      expect(cached).toBe(`sha256:${list}`)
      await estate.withStore(async (store) => expect((await verifyStore(store)).ok).toBe(true))
    } finally {
      remember.mockRestore()
    }
  }, 120_000)

  it('still repeats a run whose manifest anchors nothing (an older ledger), through the whole seal', async () => {
    const cold = await estate.assessAt('2026-12-01')
    await resignManifest(cold.runId, ({ anchors: _anchors, ...older }) => older)
    const { result: repeat, read } = await recordsRead(() => estate.assessAt('2026-12-02'))
    expect(repeat.repeated).toBe(cold.runId)
    expect(read.some((r) => r.runId === cold.runId && r.kind === 'run-start')).toBe(true)
  }, 120_000)

  it('does not repeat a run whose anchored record was rewritten with a hash of its own', async () => {
    const cold = await estate.assessAt('2026-12-01')
    // The model record rewritten whole (its fields and hash agree), as by someone with the database.
    const { seq } = (await manifestOf(cold.runId)).signed.manifest.anchors?.at(-1) ?? { seq: 0 }
    const record = await estate.withStore(async (store) => {
      for await (const scanned of store.scan({ fromSeq: seq, toSeq: seq, withBlobs: false }))
        return scanned.record
      throw new Error('no anchored record')
    })
    expect(record.kind).toBe('assessment')
    const { hash: _hash, ...fields } = { ...record, effectiveAt: '2020-01-01T00:00:00.000Z' }
    await raw((db) =>
      db
        .prepare('UPDATE ledger_record SET effective_at = ?, hash = ? WHERE seq = ?')
        .run(fields.effectiveAt, recordHash(fields), seq),
    )
    const after = await estate.assessAt('2026-12-02')
    expect(after.repeated).toBeUndefined()
    expect(after.checkResults.evaluated).toBeGreaterThan(0)
  }, 120_000)

  it('does not repeat a run whose anchored blob was altered', async () => {
    const cold = await estate.assessAt('2026-12-01')
    await raw((db) => {
      const row = db
        .prepare("SELECT seq, bytes FROM ledger_record WHERE run_id = ? AND kind = 'evidence-set' AND id = ?")
        .get(cold.runId, wholeRunId) as { seq: number; bytes: Buffer }
      const text = row.bytes.toString('utf8').replace(/"key":"[0-9a-f]/, '"key":"x')
      db.prepare('UPDATE ledger_record SET bytes = ? WHERE seq = ?').run(Buffer.from(text), row.seq)
    })
    const after = await estate.assessAt('2026-12-02')
    expect(after.repeated).toBeUndefined()
  }, 120_000)

  it('does not repeat a run whose anchors, signed, name another record; verify says why', async () => {
    const cold = await estate.assessAt('2026-12-01')
    // The model anchored at the evidence list's position and hash: a manifest no honest writer signs.
    await resignManifest(cold.runId, (manifest) => {
      const anchors = manifest.anchors ?? []
      const list = anchors.find((a) => a.id === runEvidenceId)
      return {
        ...manifest,
        anchors: anchors.map((a) =>
          a.kind === 'assessment' && list !== undefined ? { ...a, seq: list.seq, hash: list.hash } : a,
        ),
      }
    })
    const report = await estate.withStore((store) => verifyStore(store))
    expect(report.ok).toBe(false)
    expect(report.problems.map((p) => p.type)).toEqual(['manifest-mismatch'])
    expect(report.problems[0]?.message).toMatch(
      /it anchors assessment assessment at record \d+ .* but the run's last such record before its manifest is record \d+/,
    )
    // The whole seal still holds (the digest is right), and that is what the run is repeated by.
    const { result: after, read } = await recordsRead(() => estate.assessAt('2026-12-02'))
    expect(after.repeated).toBe(cold.runId)
    expect(read.some((r) => r.runId === cold.runId && r.kind === 'run-start')).toBe(true)
  }, 120_000)

  it('verify reports a manifest that leaves out a record it anchors', async () => {
    const cold = await estate.assessAt('2026-12-01')
    await resignManifest(cold.runId, (manifest) => ({
      ...manifest,
      anchors: (manifest.anchors ?? []).filter((a) => a.id !== wholeRunId),
    }))
    const report = await estate.withStore((store) => verifyStore(store))
    expect(report.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/does not anchor the run's evidence-set whole-run record \d+/),
    ])
  }, 120_000)

  it('does not repeat a run whose manifest a foreign key signed', async () => {
    const cold = await estate.assessAt('2026-12-01')
    // A key of someone else's: the manifest re-signed by it names it, and the ledger trusts it not.
    const other = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
    const { record, signed } = await manifestOf(cold.runId)
    const bytes = canonicalBytes(
      signManifest({ ...signed.manifest, keyFingerprint: other.fingerprint }, other),
    )
    const contentHash = createHash('sha256').update(bytes).digest('hex')
    const { hash: _hash, ...fields } = { ...record, contentHash, blobRef: `sha256:${contentHash}` }
    await raw((db) => {
      for (const sql of setContentHashSql) db.prepare(sql).run(contentHash, record.seq)
      db.prepare('UPDATE ledger_record SET bytes = ?, hash = ? WHERE seq = ?').run(
        bytes,
        recordHash(fields),
        record.seq,
      )
    })
    const after = await estate.assessAt('2026-12-02')
    expect(after.repeated).toBeUndefined()
    expect(after.untrustedCacheRuns.length).toBeGreaterThan(0)
  }, 120_000)
})
