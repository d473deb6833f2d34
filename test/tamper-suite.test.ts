import { generateKeyPairSync } from 'node:crypto'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeAnchor } from '../src/app/ledger-trust.js'
import { type LoadedConfig, loadConfig } from '../src/app/load-config.js'
import { openStore } from '../src/app/open-store.js'
import { parseStoreKey, StoredParseCache } from '../src/app/parse-cache.js'
import { defaultVerifyOptions, verifyConfiguredStore, verifyWithTrust } from '../src/app/verify.js'
import {
  canonicalBytes,
  chainRecords,
  genesisHash,
  type LedgerEntry,
  type LedgerRecord,
  sha256,
} from '../src/core/ledger.js'
import { composeManifest, runStartEntry, signingKeyEntry } from '../src/core/ledger-entries.js'
import { ed25519Signer, type SignedManifest, type Signer, signManifest } from '../src/core/ledger-manifest.js'
import type { AssessmentStore } from '../src/core/store.js'
import { recordColumns, recordValues } from '../src/store/ledger-store.js'
import type { SqlValue } from '../src/store/sql/driver.js'
import { recordBlobRefSql } from '../src/store/sqlite/record-layout.js'

// The tamper suite: an attacker with database access (SQL on the store's real tables, no signing
// key) alters a signed ledger in one of ten ways, thousands of times at random, on SQLite and on
// PostgreSQL. Every trial is judged by what `trustctl verify` runs with no flags (the key pinned in
// trustctl.yaml, the head in trustctl.anchor); a cache poisoning is caught when the parse cache
// refuses the forged result (or, if the forgery reached the chain, verify fails). 100% must be caught.

const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
const rotated = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
const intruder = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
const version = '9.9.9'
const pgUrl = process.env.TRUSTCTL_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const tmp = mkdtempSync(path.join(os.tmpdir(), 'trustctl-tamper-'))

interface Statement {
  sql: string
  params?: SqlValue[]
}

/** A backend's live store, its snapshot, and raw SQL as the attacker has it. */
interface Target {
  name: 'sqlite' | 'postgres'
  loaded: LoadedConfig
  restore(): Promise<void>
  exec(statements: readonly Statement[]): Promise<void>
  dispose(): Promise<void>
}

/** A deterministic PRNG (mulberry32): a failing trial is replayed from its seed. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
type Rng = () => number
const pick = <T>(rng: Rng, items: readonly T[]): T => {
  const item = items[Math.floor(rng() * items.length)]
  if (item === undefined) throw new Error('pick from an empty list')
  return item
}

// --- the base ledger: four runs, a parse cache, a key rotation -------------------------------------

const cacheKey = (n: number): string => `kubernetes:${sha256(`input-${n}`)}:deploy/api-${n}.yaml`
const parseResult = (n: number): Buffer =>
  canonicalBytes({
    isManifest: true,
    evidence: [],
    errors: [{ file: `deploy/api-${n}.yaml`, message: `m${n}` }],
  })

const evidenceEntry = (n: number, at: string): LedgerEntry => ({
  kind: 'evidence',
  id: `k8s.workload:prod/api-${n}`,
  source: `deploy/api-${n}.yaml`,
  collector: 'kubernetes',
  collectorVersion: version,
  collectedAt: at,
  effectiveAt: at,
  content: canonicalBytes({ kind: 'k8s.workload', name: `api-${n}`, replicas: n % 4 }),
})

const setEntry = (n: number, at: string): LedgerEntry => ({
  kind: 'evidence-set',
  id: cacheKey(n),
  source: `deploy/api-${n}.yaml`,
  collector: 'kubernetes',
  collectorVersion: version,
  collectedAt: at,
  effectiveAt: at,
  content: parseResult(n),
})

const genuineResult = (key: string): Buffer => parseResult(Number(/api-(\d+)/.exec(key)?.[1] ?? -1))

/** Builds the ledger through the store as `assess` does, and remembers its parse results. */
async function buildBase(store: AssessmentStore): Promise<void> {
  for (const run of [1, 2, 3, 4]) {
    const at = `2026-11-0${run}T10:00:00.000Z`
    const key = run === 4 ? rotated : signer
    const runId = await store.beginRun({ startedAt: at, toolVersion: version, signer: key })
    if (run === 3) {
      // The rotation: the old key endorses the new one, in a run it signs.
      await store.append(runId, [signingKeyEntry(rotated, { collectedAt: at, toolVersion: version }, signer)])
    } else {
      const items = [0, 1, 2, 3, 4].map((i) => i + run * 3)
      await store.append(runId, [
        ...items.map((n) => evidenceEntry(n, at)),
        ...items.map((n) => setEntry(n, at)),
        { ...evidenceEntry(99, at), kind: 'findings', id: 'findings', content: canonicalBytes([{ run }]) },
      ])
    }
    await store.finishRun(runId, `2026-11-0${run}T10:05:00.000Z`, key)
    if (run !== 3)
      await store.remember(
        [0, 1, 2, 3, 4].map((i) => ({
          key: parseStoreKey(version, cacheKey(i + run * 3)),
          blobRef: `sha256:${sha256(parseResult(i + run * 3))}`,
        })),
      )
  }
}

interface Snapshot {
  records: LedgerRecord[]
  blobs: Map<string, Buffer>
  cacheKeys: string[]
}

async function snapshotOf(store: AssessmentStore): Promise<Snapshot> {
  const records: LedgerRecord[] = []
  const blobs = new Map<string, Buffer>()
  for await (const { record, blob } of store.scan()) {
    records.push(record)
    if (blob !== undefined) blobs.set(record.blobRef, Buffer.from(blob))
  }
  const cacheKeys = [1, 2, 4].flatMap((run) => [0, 1, 2, 3, 4].map((i) => cacheKey(i + run * 3)))
  return { records, blobs, cacheKeys }
}

// --- what the attacker writes ------------------------------------------------------------------------

const insertRecord = (r: LedgerRecord): Statement => ({
  sql: `INSERT INTO ledger_record (${recordColumns.join(', ')}) VALUES (${recordColumns.map(() => '?').join(', ')})`,
  params: recordValues(r),
})
/** Both dialects skip a blob already there. */
const insertBlob = (ref: string, bytes: Buffer): Statement => ({
  sql: 'INSERT INTO ledger_blob (ref, bytes) VALUES (?, ?) ON CONFLICT DO NOTHING',
  params: [ref, bytes],
})

const entryOf = (record: LedgerRecord, blob: Buffer): LedgerEntry => ({
  kind: record.kind,
  id: record.id,
  source: record.source,
  collector: record.collector,
  collectorVersion: record.collectorVersion,
  collectedAt: record.collectedAt,
  effectiveAt: record.effectiveAt,
  content: blob,
})

/**
 * Re-chains a list of entries from the genesis, as an attacker who rewrites the whole ledger does:
 * every hash and link recomputed. Manifests are either kept as they were (`keep`) or re-signed over
 * the new records by `resign` (a key the attacker holds).
 */
function rechain(
  items: readonly { runId: number; entry: LedgerEntry }[],
  resign: Signer | undefined,
): { records: LedgerRecord[]; blobs: Map<string, Buffer> } {
  const records: LedgerRecord[] = []
  const blobs = new Map<string, Buffer>()
  let head = { seq: 0, hash: genesisHash }
  const runHashes = new Map<number, string[]>()
  for (const { runId, entry } of items) {
    let content = entry.content
    if (entry.kind === 'manifest' && resign !== undefined) {
      const old = JSON.parse(Buffer.from(entry.content).toString('utf8')) as SignedManifest
      content = canonicalBytes(
        signManifest(
          composeManifest({
            runId,
            startedAt: old.manifest.startedAt,
            finishedAt: old.manifest.finishedAt,
            recordHashes: runHashes.get(runId) ?? [],
            head,
            keyFingerprint: resign.fingerprint,
          }),
          resign,
        ),
      )
    }
    const chained = chainRecords(head, runId, [{ ...entry, content }])
    for (const record of chained.records) {
      records.push(record)
      if (record.kind !== 'manifest') runHashes.set(runId, [...(runHashes.get(runId) ?? []), record.hash])
      head = { seq: record.seq, hash: record.hash }
    }
    for (const b of chained.blobs) blobs.set(b.ref, Buffer.from(b.bytes))
  }
  return { records, blobs }
}

const rewriteAll = (ledger: { records: LedgerRecord[]; blobs: Map<string, Buffer> }): Statement[] => [
  { sql: 'DELETE FROM ledger_record' },
  ...[...ledger.blobs].map(([ref, bytes]) => insertBlob(ref, bytes)),
  ...ledger.records.map(insertRecord),
]

const itemsOf = (base: Snapshot): { runId: number; entry: LedgerEntry }[] =>
  base.records.map((r) => ({
    runId: r.runId,
    entry: entryOf(r, base.blobs.get(r.blobRef) ?? Buffer.alloc(0)),
  }))

const forgedEvidence = (rng: Rng, at: string): LedgerEntry => ({
  ...evidenceEntry(1000 + Math.floor(rng() * 1000), at),
  content: canonicalBytes({ kind: 'k8s.workload', name: 'forged', privileged: false, n: rng() }),
})

/** Mutates a string so it differs (and stays a plausible value). */
function mutate(rng: Rng, value: string): string {
  if (value.length === 0) return 'x'
  const i = Math.floor(rng() * value.length)
  const c = value[i] === 'a' ? 'b' : 'a'
  return value.slice(0, i) + c + value.slice(i + 1)
}

const tamperKinds = [
  'field-edit',
  'blob-edit',
  'deletion',
  'reorder',
  'insert',
  'key-swap',
  'truncation',
  'cache-poisoning',
  'append-after-manifest',
  'run-table-edit',
  'cache-foreign-key',
] as const
type TamperKind = (typeof tamperKinds)[number]

interface Tamper {
  statements: Statement[]
  /** For cache poisoning: the key whose forged result must not be reused, and the forged bytes. */
  poisoned?: { key: string; forged: Buffer }
  /** Caught only if the parse cache itself refuses the forgery (verify failing later is too late). */
  cacheOnly?: boolean
}

/**
 * A parse result forged by someone with their own key: a whole run (run-start, evidence set,
 * manifest) chained after the head and sealed by a manifest the cache must not trust, in one of five
 * shapes: the intruder's key unendorsed; an endorsement the intruder forged in the pinned key's name;
 * the intruder's key filed under the pinned fingerprint; a manifest naming the pinned key but signed
 * by the intruder; or a genuine manifest of another run copied in.
 */
function forgedRunStatements(rng: Rng, base: Snapshot, key: string, forged: Buffer): Statement[] {
  const last = base.records.at(-1)
  if (last === undefined) throw new Error('empty base')
  const at = last.collectedAt
  const context = { collectedAt: at, toolVersion: version }
  const fakeRun = 50 + Math.floor(rng() * 50)
  const shape = Math.floor(rng() * 5)
  const pinnedName: Signer = { ...intruder, fingerprint: signer.fingerprint }
  const keyEntries: LedgerEntry[] =
    shape === 0
      ? [signingKeyEntry(intruder, context)]
      : shape === 1
        ? [signingKeyEntry(intruder, context, pinnedName)]
        : shape === 2
          ? [{ ...signingKeyEntry(intruder, context), id: signer.fingerprint }]
          : []
  const set: LedgerEntry = { ...setEntry(0, at), id: key, content: forged }
  const built = chainRecords({ seq: last.seq, hash: last.hash }, fakeRun, [
    ...keyEntries,
    runStartEntry(fakeRun, context),
    set,
  ])
  const head = built.records.at(-1)
  if (head === undefined) throw new Error('nothing built')
  let manifestBytes: Buffer
  if (shape === 4) {
    const genuine = base.records.find((r) => r.kind === 'manifest')
    manifestBytes = base.blobs.get(genuine?.blobRef ?? '') ?? Buffer.from('{}')
  } else {
    const claimed = shape === 0 || shape === 1 ? intruder.fingerprint : signer.fingerprint
    manifestBytes = canonicalBytes(
      signManifest(
        composeManifest({
          runId: fakeRun,
          startedAt: at,
          finishedAt: at,
          recordHashes: built.records.map((r) => r.hash),
          head: { seq: head.seq, hash: head.hash },
          keyFingerprint: shape === 1 ? intruder.fingerprint : claimed,
        }),
        intruder,
      ),
    )
  }
  const sealed = chainRecords({ seq: head.seq, hash: head.hash }, fakeRun, [
    { ...runStartEntry(fakeRun, context), kind: 'manifest', id: `run-${fakeRun}`, content: manifestBytes },
  ])
  return [
    ...[...built.blobs, ...sealed.blobs].map((b) => insertBlob(b.ref, Buffer.from(b.bytes))),
    ...[...built.records, ...sealed.records].map(insertRecord),
    {
      sql: "INSERT INTO ledger_run (id, started_at, finished_at, status, host, pid) VALUES (?, ?, ?, 'complete', 'x', 1)",
      params: [fakeRun, at, at],
    },
  ]
}

/**
 * On SQLite a small blob sits in the row of every record that names it (sqlite/record-layout.ts): the
 * statement that sets (or, with null, removes) those copies too, as an attacker editing a blob would.
 */
const inlineBlob = (dialect: Target['name'], ref: string, bytes: Buffer | null): Statement[] =>
  dialect === 'sqlite'
    ? [
        {
          sql: `UPDATE ledger_record SET bytes = ? WHERE bytes IS NOT NULL AND ${recordBlobRefSql} = ?`,
          params: [bytes, ref],
        },
      ]
    : []

/** One random alteration of the given kind, as SQL statements on the store's tables. */
function tamper(kind: TamperKind, rng: Rng, base: Snapshot, dialect: Target['name']): Tamper {
  const records = base.records
  const last = records.at(-1)
  if (last === undefined) throw new Error('empty base')
  const anyRecord = (): LedgerRecord => pick(rng, records)
  switch (kind) {
    case 'field-edit': {
      const r = anyRecord()
      const field = pick(rng, [
        ['id', r.id],
        ['source', r.source],
        ['collector', r.collector],
        ['collector_version', r.collectorVersion],
        ['collected_at', r.collectedAt],
        ['effective_at', r.effectiveAt],
        ['content_hash', r.contentHash],
        ['blob_ref', r.blobRef],
        ['prev_hash', r.prevHash],
        ['hash', r.hash],
        ['kind', r.kind],
        ['run_id', String(r.runId)],
      ] as const)
      const [column, value] = field
      const next: SqlValue =
        column === 'run_id'
          ? r.runId + 1 + Math.floor(rng() * 3)
          : column === 'kind'
            ? pick(
                rng,
                ['evidence', 'findings', 'attestation'].filter((k) => k !== value),
              )
            : mutate(rng, value)
      return {
        statements: [{ sql: `UPDATE ledger_record SET ${column} = ? WHERE seq = ?`, params: [next, r.seq] }],
      }
    }
    case 'blob-edit': {
      const r = anyRecord()
      const bytes = Buffer.from(base.blobs.get(r.blobRef) ?? Buffer.from('x'))
      const i = Math.floor(rng() * bytes.length)
      bytes[i] = (bytes[i] ?? 0) ^ (1 + Math.floor(rng() * 255))
      const swap = rng() < 0.3 ? base.blobs.get(anyRecord().blobRef) : undefined
      const value =
        swap !== undefined && !swap.equals(base.blobs.get(r.blobRef) ?? Buffer.alloc(0)) ? swap : bytes
      return {
        statements: [
          { sql: 'UPDATE ledger_blob SET bytes = ? WHERE ref = ?', params: [value, r.blobRef] },
          ...inlineBlob(dialect, r.blobRef, value),
        ],
      }
    }
    case 'deletion': {
      const r = anyRecord()
      const mode = rng()
      if (mode < 0.4)
        return { statements: [{ sql: 'DELETE FROM ledger_record WHERE seq = ?', params: [r.seq] }] }
      if (mode < 0.6)
        return {
          statements: [
            { sql: 'DELETE FROM ledger_blob WHERE ref = ?', params: [r.blobRef] },
            ...inlineBlob(dialect, r.blobRef, null),
          ],
        }
      if (mode < 0.75)
        return { statements: [{ sql: 'DELETE FROM ledger_record WHERE run_id = ?', params: [r.runId] }] }
      // Delete a record and re-chain everything after it, keeping the signed manifests.
      const items = itemsOf(base).filter((_, i) => records[i]?.seq !== r.seq)
      return { statements: rewriteAll(rechain(items, rng() < 0.5 ? undefined : intruder)) }
    }
    case 'reorder': {
      const i = Math.floor(rng() * (records.length - 1))
      const j = rng() < 0.5 ? i + 1 : Math.floor(rng() * records.length)
      const a = records[i]
      const b = records[j === i ? (i + 1) % records.length : j]
      if (a === undefined || b === undefined) throw new Error('no records to swap')
      if (rng() < 0.5) {
        // Swap the rows' contents, keeping each seq.
        return {
          statements: [
            { sql: 'DELETE FROM ledger_record WHERE seq IN (?, ?)', params: [a.seq, b.seq] },
            insertRecord({ ...b, seq: a.seq }),
            insertRecord({ ...a, seq: b.seq }),
          ],
        }
      }
      const items = itemsOf(base)
      const ia = records.indexOf(a)
      const ib = records.indexOf(b)
      const x = items[ia]
      const y = items[ib]
      if (x === undefined || y === undefined) throw new Error('no items to swap')
      items[ia] = y
      items[ib] = x
      return { statements: rewriteAll(rechain(items, rng() < 0.5 ? undefined : intruder)) }
    }
    case 'insert': {
      const at = anyRecord()
      const items = itemsOf(base)
      const index = records.indexOf(at)
      items.splice(index, 0, { runId: at.runId, entry: forgedEvidence(rng, at.collectedAt) })
      const mode = rng()
      if (mode < 0.34) {
        // Shift the later rows and slot a well-formed record in, without re-chaining the rest.
        const chained = chainRecords({ seq: at.seq - 1, hash: at.prevHash }, at.runId, [
          forgedEvidence(rng, at.collectedAt),
        ])
        const forged = chained.records[0]
        const blob = chained.blobs[0]
        if (forged === undefined || blob === undefined) throw new Error('nothing forged')
        return {
          statements: [
            { sql: 'DELETE FROM ledger_record WHERE seq >= ?', params: [at.seq] },
            ...records.filter((r) => r.seq >= at.seq).map((r) => insertRecord({ ...r, seq: r.seq + 1 })),
            insertBlob(blob.ref, Buffer.from(blob.bytes)),
            insertRecord(forged),
          ],
        }
      }
      return { statements: rewriteAll(rechain(items, mode < 0.67 ? undefined : intruder)) }
    }
    case 'key-swap': {
      // Re-sign the whole ledger with another key: its key record replaces the real ones, every
      // manifest is re-signed, and (usually) some evidence is forged on the way.
      const items = itemsOf(base)
        .filter(({ entry }) => entry.kind !== 'signing-key')
        .map((item) =>
          item.entry.kind === 'evidence' && rng() < 0.2
            ? { ...item, entry: { ...item.entry, content: canonicalBytes({ forged: rng() }) } }
            : item,
        )
      const first = items[0]
      const context = {
        collectedAt: first?.entry.collectedAt ?? '2026-11-01T10:00:00.000Z',
        toolVersion: version,
      }
      const endorsedByIntruder = rng() < 0.5
      const keys = endorsedByIntruder
        ? [signingKeyEntry(intruder, context), signingKeyEntry(rotated, context, intruder)]
        : [signingKeyEntry(intruder, context)]
      items.unshift(...keys.map((entry) => ({ runId: 1, entry })))
      return { statements: rewriteAll(rechain(items, intruder)) }
    }
    case 'truncation': {
      // Cut the newest run (or several) off the end; usually hide it from the run table too.
      const runIds = [...new Set(records.map((r) => r.runId))]
      const from = runIds[runIds.length - 1 - Math.floor(rng() * Math.min(3, runIds.length - 1))]
      const cut = records.find((r) => r.runId === from)?.seq ?? last.seq
      const statements: Statement[] = [{ sql: 'DELETE FROM ledger_record WHERE seq >= ?', params: [cut] }]
      const table = rng()
      if (table < 0.5) statements.push({ sql: 'DELETE FROM ledger_run WHERE id >= ?', params: [from ?? 0] })
      else if (table < 0.75)
        statements.push({
          sql: "UPDATE ledger_run SET status = 'incomplete', finished_at = NULL WHERE id >= ?",
          params: [from ?? 0],
        })
      return { statements }
    }
    case 'cache-poisoning': {
      const key = pick(rng, base.cacheKeys)
      const storeKey = parseStoreKey(version, key)
      const mode = rng()
      // A well-formed parse result that hides every failure: no evidence, no errors.
      const forged = canonicalBytes({
        isManifest: rng() < 0.5,
        evidence: [],
        errors: [],
        n: Math.floor(rng() * 1e9),
      })
      const ref = `sha256:${sha256(forged)}`
      const point: Statement = {
        sql: 'UPDATE ledger_cache SET blob_ref = ? WHERE key = ?',
        params: [ref, storeKey],
      }
      if (mode < 0.3) return { statements: [insertBlob(ref, forged), point], poisoned: { key, forged } }
      if (mode < 0.5) {
        // Point the entry at another input's genuine, signed parse result.
        const other = pick(
          rng,
          base.cacheKeys.filter((k) => k !== key),
        )
        const otherBytes = genuineResult(other)
        return {
          statements: [
            {
              sql: 'UPDATE ledger_cache SET blob_ref = ? WHERE key = ?',
              params: [`sha256:${sha256(otherBytes)}`, storeKey],
            },
          ],
          poisoned: { key, forged: otherBytes },
        }
      }
      // The forged result also gets an evidence-set record, chained after the head, in a sealed run.
      const runId = pick(rng, [1, 2, 4])
      const entry: LedgerEntry = { ...setEntry(0, last.collectedAt), id: key, content: forged }
      const chained = chainRecords({ seq: last.seq, hash: last.hash }, runId, [entry])
      const statements = [insertBlob(ref, forged), point, ...chained.records.map(insertRecord)]
      if (mode < 0.8) return { statements, poisoned: { key, forged } }
      // ... or in a new run closed by a manifest the attacker signs with a key of their own.
      const at = last.collectedAt
      const context = { collectedAt: at, toolVersion: version }
      const fakeRun = 50 + Math.floor(rng() * 50)
      const items = [signingKeyEntry(intruder, context), runStartEntry(fakeRun, context), entry]
      const built = chainRecords({ seq: last.seq, hash: last.hash }, fakeRun, items)
      const head = built.records.at(-1)
      if (head === undefined) throw new Error('nothing built')
      const manifest = signManifest(
        composeManifest({
          runId: fakeRun,
          startedAt: at,
          finishedAt: at,
          recordHashes: built.records.map((r) => r.hash),
          head: { seq: head.seq, hash: head.hash },
          keyFingerprint: intruder.fingerprint,
        }),
        intruder,
      )
      const sealed = chainRecords({ seq: head.seq, hash: head.hash }, fakeRun, [
        {
          ...runStartEntry(fakeRun, context),
          kind: 'manifest',
          id: `run-${fakeRun}`,
          content: canonicalBytes(manifest),
        },
      ])
      return {
        statements: [
          point,
          ...[...built.blobs, ...sealed.blobs].map((b) => insertBlob(b.ref, Buffer.from(b.bytes))),
          ...[...built.records, ...sealed.records].map(insertRecord),
          {
            sql: "INSERT INTO ledger_run (id, started_at, finished_at, status, host, pid) VALUES (?, ?, ?, 'complete', 'x', 1)",
            params: [fakeRun, at, at],
          },
        ],
        poisoned: { key, forged },
      }
    }
    case 'append-after-manifest': {
      // A well-formed record chained after the head, claiming a run its manifest already sealed.
      const runId = pick(rng, [1, 2, 3, 4])
      const entry =
        rng() < 0.5
          ? forgedEvidence(rng, last.collectedAt)
          : { ...setEntry(1000, last.collectedAt), content: canonicalBytes({ n: rng() }) }
      const chained = chainRecords({ seq: last.seq, hash: last.hash }, runId, [entry])
      return {
        statements: [
          ...chained.blobs.map((b) => insertBlob(b.ref, Buffer.from(b.bytes))),
          ...chained.records.map(insertRecord),
        ],
      }
    }
    case 'cache-foreign-key': {
      // The cache row points at a forged result that a run sealed under another key vouches for.
      const key = pick(rng, base.cacheKeys)
      const forged = canonicalBytes({
        isManifest: true,
        evidence: [],
        errors: [],
        n: Math.floor(rng() * 1e9),
      })
      const point: Statement = {
        sql: 'UPDATE ledger_cache SET blob_ref = ? WHERE key = ?',
        params: [`sha256:${sha256(forged)}`, `parse:${version}:${key}`],
      }
      return {
        statements: [point, ...forgedRunStatements(rng, base, key, forged)],
        poisoned: { key, forged },
        cacheOnly: true,
      }
    }
    case 'run-table-edit': {
      const runId = pick(rng, [1, 2, 3, 4])
      return {
        statements: [
          pick(rng, [
            { sql: "UPDATE ledger_run SET status = 'incomplete' WHERE id = ?", params: [runId] },
            { sql: "UPDATE ledger_run SET status = 'open' WHERE id = ?", params: [runId] },
            { sql: 'DELETE FROM ledger_run WHERE id = ?', params: [runId] },
            {
              sql: "UPDATE ledger_run SET started_at = '2025-01-01T00:00:00.000Z' WHERE id = ?",
              params: [runId],
            },
            {
              sql: "UPDATE ledger_run SET finished_at = '2025-01-02T00:00:00.000Z' WHERE id = ?",
              params: [runId],
            },
            { sql: 'UPDATE ledger_run SET finished_at = NULL WHERE id = ?', params: [runId] },
            {
              sql: "INSERT INTO ledger_run (id, started_at, status, host, pid) VALUES (?, '2026-11-05T00:00:00.000Z', 'incomplete', 'x', 1)",
              params: [40 + runId],
            },
          ] satisfies Statement[]),
        ],
      }
    }
  }
}

// --- the backends ------------------------------------------------------------------------------------

function projectFolder(name: string, store: string): string {
  const dir = path.join(tmp, name)
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    path.join(dir, 'trustctl.yaml'),
    `version: 1
organization: Tamper
system: { name: ledger, description: tamper suite }
scope: { categories: [security], asOf: 2026-11-05 }
sources: []
${store}
ledger:
  key: sha256:${signer.fingerprint}
`,
  )
  return dir
}

async function sqliteTarget(): Promise<Target> {
  const dir = projectFolder('sqlite', 'store: { path: .trustctl }')
  const loaded = await loadConfig(undefined, dir)
  const file = path.join(dir, '.trustctl', 'trustctl.db')
  const store = await openStore(loaded, {})
  await buildBase(store)
  writeAnchor(path.join(dir, 'trustctl.anchor'), await store.head())
  await store.close()
  const db = new Database(file)
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
  const snapshot = path.join(tmp, 'sqlite-base.db')
  copyFileSync(file, snapshot)
  return {
    name: 'sqlite',
    loaded,
    restore: async () => {
      for (const suffix of ['-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true })
      copyFileSync(snapshot, file)
    },
    exec: async (statements) => {
      const conn = new Database(file)
      try {
        conn.transaction(() => {
          for (const s of statements) conn.prepare(s.sql).run(...(s.params ?? []))
        })()
      } finally {
        conn.close()
      }
    },
    dispose: async () => undefined,
  }
}

async function postgresTarget(): Promise<Target> {
  // A database of its own: the store lives in its default schema, exactly as trustctl opens it.
  const database = `trustctl_tamper_${process.pid}_${Date.now().toString(36)}`
  const admin = new pg.Client({ connectionString: pgUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${database}`)
  await admin.end()
  const url = new URL(pgUrl)
  url.pathname = `/${database}`
  const dir = projectFolder('postgres', `store: { backend: postgres, url: "${url.toString()}" }`)
  const loaded = await loadConfig(undefined, dir)
  const store = await openStore(loaded, {})
  await buildBase(store)
  writeAnchor(path.join(dir, 'trustctl.anchor'), await store.head())
  await store.close()
  const client = new pg.Client({ connectionString: url.toString() })
  await client.connect()
  const tables = ['ledger_record', 'ledger_blob', 'ledger_run', 'ledger_cache']
  await client.query('CREATE SCHEMA snap')
  for (const t of tables) await client.query(`CREATE TABLE snap.${t} AS SELECT * FROM trustctl.${t}`)
  // The attacker's writes need no durability: a trial's snapshot is restored the next moment.
  await client.query('SET search_path TO trustctl; SET synchronous_commit = off')
  return {
    name: 'postgres',
    loaded,
    restore: async () => {
      await client.query(
        `BEGIN; ${tables.map((t) => `DELETE FROM ${t};`).join(' ')} ${tables.map((t) => `INSERT INTO ${t} SELECT * FROM snap.${t};`).join(' ')} COMMIT;`,
      )
    },
    exec: async (statements) => {
      await client.query('BEGIN')
      try {
        for (const s of statements) {
          let n = 0
          await client.query(
            s.sql.replace(/\?/g, () => `$${++n}`),
            s.params ?? [],
          )
        }
        await client.query('COMMIT')
      } catch (error) {
        await client.query('ROLLBACK')
        throw error
      }
    },
    dispose: async () => {
      await client.end()
      const drop = new pg.Client({ connectionString: pgUrl })
      await drop.connect()
      await drop.query(`DROP DATABASE IF EXISTS ${database}`)
      await drop.end()
    },
  }
}

/**
 * Is the alteration caught? By what `trustctl verify` runs with no flags (the same options and the
 * anchor, on a store opened once per backend to keep the suite fast), or, for a poisoned cache, by the
 * parse cache refusing the forgery.
 */
async function detected(target: Target, store: AssessmentStore, applied: Tamper): Promise<boolean> {
  if (applied.poisoned !== undefined) {
    let reused: boolean
    {
      const cache = new StoredParseCache(store, version, '2026-11-06T00:00:00.000Z', signer.fingerprint)
      // Anything but the genuine result for this input is the forgery getting through.
      const got = await cache.get(applied.poisoned.key)
      reused = got !== undefined && !canonicalBytes(got).equals(genuineResult(applied.poisoned.key))
    }
    if (!reused) return true
    if (applied.cacheOnly === true) return false
  }
  const report = await verifyWithTrust(store, target.loaded, defaultVerifyOptions(target.loaded, {}).options)
  return !report.ok
}

const trialsPerKind = { sqlite: 130, postgres: 80 } as const
const results: string[] = []
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true })
  if (results.length > 0) console.log(`tamper suite, detected/total by kind:\n${results.join('\n')}`)
})

describe('tamper suite: every alteration of a signed ledger is caught by the default verify', () => {
  for (const name of ['sqlite', 'postgres'] as const) {
    describe(name, () => {
      let target: Target
      let base: Snapshot
      beforeAll(async () => {
        target = name === 'sqlite' ? await sqliteTarget() : await postgresTarget()
        const store = await openStore(target.loaded, {})
        try {
          base = await snapshotOf(store)
        } finally {
          await store.close()
        }
      }, 60_000)
      afterAll(async () => target?.dispose())

      it('the untouched store verifies, and its cache is reused', async () => {
        const report = await verifyConfiguredStore(target.loaded, {}, {})
        expect(report.problems).toEqual([])
        expect(report.ok).toBe(true)
        const store = await openStore(target.loaded, {})
        try {
          // Run 1 (the pinned key) and run 4 (the key it endorsed in run 3) are both trusted.
          for (const key of [base.cacheKeys[0] ?? '', base.cacheKeys.at(-1) ?? '']) {
            const got = await new StoredParseCache(store, version, 'x', signer.fingerprint).get(key)
            expect(got === undefined ? undefined : canonicalBytes(got)).toEqual(genuineResult(key))
          }
        } finally {
          await store.close()
        }
      })

      it(`catches ${trialsPerKind[name] * tamperKinds.length} random alterations, 100%`, async () => {
        const missed: string[] = []
        const line: string[] = []
        let total = 0
        let caught = 0
        // PostgreSQL: one store for every trial (the snapshot is restored under it). SQLite: the file is
        // replaced each trial, so each is verified through a store opened on it, as the CLI does.
        const shared = name === 'postgres' ? await openStore(target.loaded, {}) : undefined
        for (const [k, kind] of tamperKinds.entries()) {
          let kindCaught = 0
          for (let trial = 0; trial < trialsPerKind[name]; trial++) {
            const seed = (k + 1) * 100_000 + trial
            await target.restore()
            const applied = tamper(kind, random(seed), base, target.name)
            await target.exec(applied.statements)
            const store = shared ?? (await openStore(target.loaded, {}))
            const caughtIt = await detected(target, store, applied)
            if (shared === undefined) await store.close()
            if (caughtIt) kindCaught += 1
            else missed.push(`${kind} seed ${seed}`)
          }
          total += trialsPerKind[name]
          caught += kindCaught
          line.push(`${kind} ${kindCaught}/${trialsPerKind[name]}`)
        }
        await shared?.close()
        results.push(`  ${name}: ${caught}/${total} — ${line.join(', ')}`)
        expect(missed).toEqual([])
      }, 180_000)
    })
  }
})
