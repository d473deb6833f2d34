import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  canonicalBytes,
  chainRecords,
  genesisHash,
  type LedgerEntry,
  type LedgerRecord,
  recordHash,
  sha256,
} from '../src/core/ledger.js'
import { composeManifest, runStartEntry, signingKeyEntry } from '../src/core/ledger-entries.js'
import { ed25519Signer, type Signer, signManifest } from '../src/core/ledger-manifest.js'
import { LedgerVerifier, type VerifyOptions } from '../src/core/ledger-verify.js'

const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
const intruder = ed25519Signer(generateKeyPairSync('ed25519').privateKey)

interface Ledger {
  records: LedgerRecord[]
  blobs: Map<string, Buffer>
}

/** A deterministic PRNG (mulberry32), so a failing trial can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const evidence = (n: number, at: string): LedgerEntry => ({
  kind: 'evidence',
  id: `k8s.workload:prod/api-${n}`,
  source: `deploy/api-${n}.yaml`,
  collector: 'kubernetes',
  collectorVersion: '0.1.0',
  collectedAt: at,
  effectiveAt: at,
  content: canonicalBytes({ kind: 'k8s.workload', name: `api-${n}`, replicas: n % 4 }),
})

/**
 * Two signed runs that share some evidence (so some blobs are referenced twice). With `rotateTo`, run 2
 * is signed by a new key that run 1's key endorsed (a rotation).
 */
function buildLedger(key: Signer = signer, rotateTo?: Signer): Ledger {
  const records: LedgerRecord[] = []
  const blobs = new Map<string, Buffer>()
  let head = { seq: 0, hash: genesisHash }
  const push = (runId: number, entries: LedgerEntry[]): void => {
    const chained = chainRecords(head, runId, entries)
    records.push(...chained.records)
    for (const b of chained.blobs) blobs.set(b.ref, Buffer.from(b.bytes))
    const last = chained.records.at(-1)
    if (last !== undefined) head = { seq: last.seq, hash: last.hash }
  }
  for (const runId of [1, 2]) {
    const at = `2026-11-0${runId}T10:00:00.000Z`
    const context = { collectedAt: at, toolVersion: '0.1.0' }
    const runKey = runId === 2 && rotateTo !== undefined ? rotateTo : key
    push(runId, [
      ...(runId === 1 ? [signingKeyEntry(key, context)] : []),
      ...(runKey !== key ? [signingKeyEntry(runKey, context, key)] : []),
      runStartEntry(runId, context),
      ...Array.from({ length: 12 }, (_, i) => evidence(i + runId * 4, at)),
      { ...evidence(99, at), kind: 'findings', id: 'findings', content: canonicalBytes([{ run: runId }]) },
    ])
    const manifest = signManifest(
      composeManifest({
        runId,
        startedAt: at,
        finishedAt: at,
        recordHashes: records.filter((r) => r.runId === runId).map((r) => r.hash),
        head,
        keyFingerprint: runKey.fingerprint,
      }),
      runKey,
    )
    push(runId, [
      { ...evidence(0, at), kind: 'manifest', id: `run-${runId}`, content: canonicalBytes(manifest) },
    ])
  }
  return { records, blobs }
}

function verify(ledger: Ledger, options: VerifyOptions = {}) {
  const verifier = new LedgerVerifier({ completeRuns: [1, 2], ...options })
  for (const record of ledger.records) verifier.add(record, ledger.blobs.get(record.blobRef))
  return verifier.finish()
}

const stringFields = [
  'id',
  'kind',
  'source',
  'collector',
  'collectorVersion',
  'collectedAt',
  'effectiveAt',
  'contentHash',
  'blobRef',
  'prevHash',
  'hash',
] as const

/** One random single change of the kinds an attacker (or a bad disk) could make. */
function tamper(ledger: Ledger, rand: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T
  const index = Math.floor(rand() * ledger.records.length)
  const record = ledger.records[index] as LedgerRecord
  switch (Math.floor(rand() * 8)) {
    case 0: {
      const field = pick(stringFields)
      const value = record[field]
      const at = Math.floor(rand() * value.length)
      const old = value.charCodeAt(at)
      const replacement = String.fromCharCode(old === 0x7e ? 0x21 : old + 1)
      ledger.records[index] = { ...record, [field]: value.slice(0, at) + replacement + value.slice(at + 1) }
      return `edit byte ${at} of ${field} of record ${record.seq}`
    }
    case 1: {
      const field = pick(['seq', 'runId'] as const)
      ledger.records[index] = { ...record, [field]: record[field] + (rand() < 0.5 ? -1 : 1) }
      return `edit ${field} of record ${record.seq}`
    }
    case 2: {
      const bytes = Buffer.from(ledger.blobs.get(record.blobRef) as Buffer)
      const at = Math.floor(rand() * bytes.length)
      bytes[at] = (bytes[at] as number) ^ (1 << Math.floor(rand() * 8))
      ledger.blobs.set(record.blobRef, bytes)
      return `flip a bit of byte ${at} of blob ${record.blobRef}`
    }
    case 3:
      ledger.records.splice(index, 1)
      return `delete record ${record.seq}`
    case 4:
      ledger.blobs.delete(record.blobRef)
      return `delete blob of record ${record.seq}`
    case 5: {
      let other = Math.floor(rand() * ledger.records.length)
      if (other === index) other = (index + 1) % ledger.records.length
      const [a, b] = [ledger.records[index] as LedgerRecord, ledger.records[other] as LedgerRecord]
      ledger.records[index] = b
      ledger.records[other] = a
      return `swap records ${a.seq} and ${b.seq} in storage order`
    }
    case 6: {
      // Swap sequence numbers, as an UPDATE in the database would; the store reads in seq order.
      let other = Math.floor(rand() * ledger.records.length)
      if (other === index) other = (index + 1) % ledger.records.length
      const [a, b] = [ledger.records[index] as LedgerRecord, ledger.records[other] as LedgerRecord]
      ledger.records[index] = { ...a, seq: b.seq }
      ledger.records[other] = { ...b, seq: a.seq }
      ledger.records.sort((x, y) => x.seq - y.seq)
      return `swap seq of records ${a.seq} and ${b.seq}`
    }
    default: {
      const refs = [...ledger.blobs.keys()]
      const a = record.blobRef
      let b = pick(refs)
      if (b === a) b = refs[(refs.indexOf(a) + 1) % refs.length] as string
      const [x, y] = [ledger.blobs.get(a) as Buffer, ledger.blobs.get(b) as Buffer]
      ledger.blobs.set(a, y)
      ledger.blobs.set(b, x)
      return `swap blobs ${a} and ${b}`
    }
  }
}

/** Rewrites the chain from `from` on with correct hashes: what an attacker with database access could do. */
function rechain(ledger: Ledger, from: number): void {
  for (let i = from; i < ledger.records.length; i++) {
    const record = ledger.records[i] as LedgerRecord
    const prevHash = i === 0 ? genesisHash : (ledger.records[i - 1] as LedgerRecord).hash
    const { hash: _old, ...fields } = { ...record, prevHash }
    ledger.records[i] = { ...fields, hash: recordHash(fields) }
  }
}

describe('evidence ledger tamper trials', () => {
  it('verifies an untouched ledger', () => {
    const report = verify(buildLedger())
    expect(report).toMatchObject({ ok: true, problemCount: 0, manifests: 2, incompleteRuns: [] })
    expect(report.keys.map((k) => k.fingerprint)).toEqual([signer.fingerprint])
  })

  it('detects every one of 1,200 random single-byte edits, deletions, reorders and swaps', () => {
    const missed: string[] = []
    for (let seed = 1; seed <= 1200; seed++) {
      const ledger = buildLedger()
      const what = tamper(ledger, random(seed))
      const report = verify(ledger)
      if (report.ok) missed.push(`seed ${seed}: ${what}`)
      else expect(report.problems[0]?.message).toMatch(/record|blob|manifest|run/)
    }
    expect(missed).toEqual([])
  })

  it('names what is wrong: an edited byte, a deleted record, a swapped blob', () => {
    const edited = buildLedger()
    const target = edited.records[5] as LedgerRecord
    edited.records[5] = { ...target, source: `${target.source.slice(0, -1)}X` }
    expect(verify(edited).problems).toEqual([
      expect.objectContaining({
        type: 'record-edited',
        seq: 6,
        message: expect.stringMatching(/record 6 .*edited/),
      }),
    ])

    const deleted = buildLedger()
    deleted.records.splice(7, 1)
    expect(verify(deleted).problems[0]).toMatchObject({
      type: 'record-missing',
      message: 'record 8 is missing: deleted from the ledger',
    })

    const swapped = buildLedger()
    const [a, b] = [swapped.records[3] as LedgerRecord, swapped.records[4] as LedgerRecord]
    const [x, y] = [swapped.blobs.get(a.blobRef) as Buffer, swapped.blobs.get(b.blobRef) as Buffer]
    swapped.blobs.set(a.blobRef, y)
    swapped.blobs.set(b.blobRef, x)
    expect(verify(swapped).problems.map((p) => p.type)).toContain('blob-mismatch')
  })

  it('catches a manifest re-signed by another key even when the whole chain after it is rewritten', () => {
    const ledger = buildLedger()
    const index = ledger.records.findIndex((r) => r.kind === 'manifest')
    const record = ledger.records[index] as LedgerRecord
    const signed = JSON.parse((ledger.blobs.get(record.blobRef) as Buffer).toString('utf8'))
    const forged = canonicalBytes(
      signManifest({ ...signed.manifest, keyFingerprint: intruder.fingerprint }, intruder),
    )
    const contentHash = sha256(forged)
    ledger.blobs.set(`sha256:${contentHash}`, forged)
    ledger.records[index] = { ...record, contentHash, blobRef: `sha256:${contentHash}` }
    rechain(ledger, index)
    const report = verify(ledger)
    expect(report.ok).toBe(false)
    expect(report.problems[0]).toMatchObject({
      type: 'manifest-unknown-key',
      message: expect.stringMatching(/signed by another key/),
    })
  })

  it('with a pinned key, catches a ledger rewritten from scratch under another key', () => {
    const forged = buildLedger(intruder)
    expect(verify(forged).ok).toBe(true)
    const report = verify(forged, { pinnedKey: signer.fingerprint })
    expect(report.ok).toBe(false)
    expect(report.problems.map((p) => p.type)).toEqual([
      'key-not-endorsed',
      'manifest-other-key',
      'manifest-other-key',
    ])
  })

  it('reports a run without a manifest as incomplete, not as tampering', () => {
    const ledger = buildLedger()
    ledger.records.pop()
    const report = verify(ledger, { completeRuns: [1] })
    expect(report).toMatchObject({ ok: true, incompleteRuns: [2] })
    expect(report.notices[0]).toMatch(/run 2 is incomplete/)
  })

  it('refuses a correctly chained record appended to a sealed run after its manifest', () => {
    const ledger = buildLedger()
    appendAfterSeal(ledger, 1)
    const report = verify(ledger)
    expect(report.ok).toBe(false)
    expect(report.problems.map((p) => p.type)).toEqual(['record-after-manifest'])
    expect(report.problems[0]?.message).toMatch(/run 1, which its signed manifest already closed/)
  })

  it('refuses a foreign key inserted mid-chain even when the chain after it is rewritten', () => {
    const ledger = buildLedger()
    insertForeignKey(ledger)
    const report = verify(ledger)
    expect(report.ok).toBe(false)
    expect(report.problems.map((p) => p.type)).toContain('key-not-endorsed')
  })

  it('accepts a rotation endorsed by the previous key, pinned to the first key', () => {
    const rotated = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
    const ledger = buildLedger(signer, rotated)
    expect(verify(ledger)).toMatchObject({ ok: true, problemCount: 0 })
    expect(verify(ledger, { pinnedKey: signer.fingerprint })).toMatchObject({ ok: true })
    // The new key alone is not the root: pinning it rejects the first run's key.
    expect(verify(ledger, { pinnedKey: rotated.fingerprint }).ok).toBe(false)
  })

  it('derives the status and times of every run from its own records', () => {
    const ledger = buildLedger()
    ledger.records.pop()
    const report = verify(ledger, { completeRuns: [1] })
    expect(report.runs).toEqual([
      {
        id: 1,
        startedAt: '2026-11-01T10:00:00.000Z',
        finishedAt: '2026-11-01T10:00:00.000Z',
        status: 'complete',
        records: 15,
      },
      { id: 2, startedAt: '2026-11-02T10:00:00.000Z', status: 'incomplete', records: 14 },
    ])
  })

  it('detects every one of 800 random appends after a seal and foreign keys mid-chain', () => {
    const missed: string[] = []
    for (let seed = 1; seed <= 800; seed++) {
      const ledger = buildLedger()
      const rand = random(seed)
      const what =
        rand() < 0.5 ? appendAfterSeal(ledger, rand() < 0.5 ? 1 : 2, rand) : insertForeignKey(ledger, rand)
      if (verify(ledger).ok) missed.push(`seed ${seed}: ${what}`)
    }
    expect(missed).toEqual([])
  })
})

/** Appends a record of a sealed run at a random place after its manifest and rechains from there. */
function appendAfterSeal(ledger: Ledger, runId: number, rand: () => number = () => 1): string {
  const sealedAt = ledger.records.findIndex((r) => r.kind === 'manifest' && r.runId === runId)
  const at = sealedAt + 1 + Math.floor(rand() * (ledger.records.length - sealedAt))
  const template = ledger.records[sealedAt - 1] as LedgerRecord
  const content = canonicalBytes({ kind: 'k8s.workload', name: 'forged', replicas: 3 })
  const contentHash = sha256(content)
  ledger.blobs.set(`sha256:${contentHash}`, content)
  ledger.records.splice(at, 0, {
    ...template,
    kind: 'evidence',
    contentHash,
    blobRef: `sha256:${contentHash}`,
  })
  renumber(ledger)
  return `append a record of run ${runId} at position ${at}`
}

/** Inserts an intruder's key record before run 2, re-signs run 2's manifest with it and rechains. */
function insertForeignKey(ledger: Ledger, rand: () => number = () => 0): string {
  const runStart = ledger.records.findIndex((r) => r.kind === 'run-start' && r.runId === 2)
  const at = runStart + Math.floor(rand() * 3)
  const entry = signingKeyEntry(intruder, { collectedAt: '2026-11-02T10:00:00.000Z', toolVersion: '0.1.0' })
  const contentHash = sha256(entry.content)
  ledger.blobs.set(`sha256:${contentHash}`, Buffer.from(entry.content))
  const template = ledger.records[runStart] as LedgerRecord
  ledger.records.splice(at, 0, {
    ...template,
    kind: 'signing-key',
    id: intruder.fingerprint,
    contentHash,
    blobRef: `sha256:${contentHash}`,
  })
  renumber(ledger)
  const manifestAt = ledger.records.findIndex((r) => r.kind === 'manifest' && r.runId === 2)
  const run = ledger.records.slice(0, manifestAt).filter((r) => r.runId === 2)
  const before = ledger.records[manifestAt - 1] as LedgerRecord
  const signed = signManifest(
    composeManifest({
      runId: 2,
      startedAt: '2026-11-02T10:00:00.000Z',
      finishedAt: '2026-11-02T10:00:00.000Z',
      recordHashes: run.map((r) => r.hash),
      head: { seq: before.seq, hash: before.hash },
      keyFingerprint: intruder.fingerprint,
    }),
    intruder,
  )
  const bytes = canonicalBytes(signed)
  const manifestHash = sha256(bytes)
  ledger.blobs.set(`sha256:${manifestHash}`, bytes)
  const manifest = ledger.records[manifestAt] as LedgerRecord
  ledger.records[manifestAt] = { ...manifest, contentHash: manifestHash, blobRef: `sha256:${manifestHash}` }
  rechain(ledger, manifestAt)
  return `insert a foreign key at position ${at} and re-sign run 2 with it`
}

/** Gives every record its position as seq and rewrites the chain: a forger with database access. */
function renumber(ledger: Ledger): void {
  ledger.records.forEach((record, i) => {
    ledger.records[i] = { ...record, seq: i + 1 }
  })
  rechain(ledger, 0)
}
