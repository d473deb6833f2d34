import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { canonicalBytes, chainRecords, genesisHash, type LedgerEntry, recordHash } from './ledger.js'
import { composeManifest, runStartEntry, signingKeyEntry } from './ledger-entries.js'
import {
  ed25519Signer,
  manifestAnchors,
  type RunManifest,
  type Signer,
  signManifest,
} from './ledger-manifest.js'
import {
  anchoredRecordsValid,
  isDefaultRef,
  runSeal,
  type SealedRecord,
  signedAnchors,
  trustedSigningKeys,
} from './run-seal.js'

const root = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
const next = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
const intruder = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
const context = { collectedAt: '2026-11-01T00:00:00.000Z', toolVersion: 't' }

const evidenceSet: LedgerEntry = {
  kind: 'evidence-set',
  id: 'kubernetes:abc:deploy/api.yaml',
  source: 'deploy/api.yaml',
  collector: 'kubernetes',
  collectorVersion: 't',
  collectedAt: context.collectedAt,
  effectiveAt: context.collectedAt,
  content: canonicalBytes({ isManifest: true, evidence: [], errors: [] }),
}

/** A run of `entries` chained from the genesis and sealed by `signer` (as the store writes one). */
function sealedRun(
  runId: number,
  entries: LedgerEntry[],
  signer: Signer,
  change: (manifest: RunManifest) => unknown = (manifest) => manifest,
): SealedRecord[] {
  const built = chainRecords({ seq: 0, hash: genesisHash }, runId, [
    runStartEntry(runId, context),
    ...entries,
  ])
  const head = built.records.at(-1)
  if (head === undefined) throw new Error('empty run')
  const manifest = signManifest(
    change(
      composeManifest({
        runId,
        startedAt: context.collectedAt,
        finishedAt: context.collectedAt,
        recordHashes: built.records.map((r) => r.hash),
        head: { seq: head.seq, hash: head.hash },
        keyFingerprint: signer.fingerprint,
        anchors: manifestAnchors(built.records),
      }),
    ) as RunManifest,
    signer,
  )
  const sealed = chainRecords({ seq: head.seq, hash: head.hash }, runId, [
    {
      ...runStartEntry(runId, context),
      kind: 'manifest',
      id: `run-${runId}`,
      content: canonicalBytes(manifest),
    },
  ])
  const blobs = new Map([...built.blobs, ...sealed.blobs].map((b) => [b.ref, b.bytes]))
  return [...built.records, ...sealed.records].map((record) => ({ record, blob: blobs.get(record.blobRef) }))
}

const keyRecords = (entries: LedgerEntry[]): SealedRecord[] => {
  const built = chainRecords({ seq: 0, hash: genesisHash }, 1, entries)
  const blobs = new Map(built.blobs.map((b) => [b.ref, b.bytes]))
  return built.records.map((record) => ({ record, blob: blobs.get(record.blobRef) }))
}

describe('trusted signing keys', () => {
  it('are the root and the keys it endorsed; an unendorsed, misfiled or forged-endorsement key adds nothing', () => {
    const trusted = trustedSigningKeys(
      keyRecords([
        signingKeyEntry(root, context),
        signingKeyEntry(next, context, root),
        signingKeyEntry(intruder, context),
        { ...signingKeyEntry(intruder, context), id: root.fingerprint },
        signingKeyEntry(intruder, context, { ...intruder, fingerprint: root.fingerprint }),
      ]),
      root.fingerprint,
    )
    expect([...trusted.keys()].sort()).toEqual([root.fingerprint, next.fingerprint].sort())
    expect(trusted.get(root.fingerprint)).toBe(root.publicKeyPem)
  })
})

describe('a run sealed by a trusted key', () => {
  const trusted = new Map([[root.fingerprint, root.publicKeyPem]])

  it('is sealed when its first manifest, signed by the key, covers its records', () => {
    const run = sealedRun(1, [evidenceSet], root)
    expect(runSeal(1, run, trusted)).toEqual({ ok: true, manifestSeq: 3 })
  })

  it('is not sealed by another key, an edited record, an edited blob, another run id or no manifest', () => {
    expect(runSeal(1, sealedRun(1, [evidenceSet], intruder), trusted)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not the pinned key'),
    })
    const run = sealedRun(1, [evidenceSet], root)
    const [start, set, manifest] = run as [SealedRecord, SealedRecord, SealedRecord]
    // The evidence set pointed at another blob, its record hash recomputed: the manifest no longer covers it.
    const forgedBlob = canonicalBytes({ isManifest: true, evidence: [], errors: [], forged: 1 })
    const { hash: _h, ...fields } = {
      ...set.record,
      contentHash: 'f'.repeat(64),
      blobRef: `sha256:${'f'.repeat(64)}`,
    }
    const rehashed = { record: { ...fields, hash: recordHash(fields) }, blob: undefined }
    expect(runSeal(1, [start, rehashed, manifest], trusted)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not the ones its manifest signed'),
    })
    expect(
      runSeal(1, [start, { ...set, record: { ...set.record, source: 'x' } }, manifest], trusted),
    ).toMatchObject({
      reason: expect.stringContaining('was altered'),
    })
    expect(runSeal(1, [start, { ...set, blob: forgedBlob }, manifest], trusted)).toMatchObject({
      reason: expect.stringContaining('content of record 2 was altered'),
    })
    expect(runSeal(2, run, trusted)).toMatchObject({ ok: false })
    expect(runSeal(1, [start, set], trusted)).toMatchObject({ reason: 'run 1 has no manifest' })
  })

  it('refuses a record whose blob address is not the default one for its content hash', () => {
    const run = sealedRun(1, [evidenceSet], root)
    const [start, set, manifest] = run as [SealedRecord, SealedRecord, SealedRecord]
    for (const blobRef of [
      `sha512:${set.record.contentHash}`,
      `sha256:${set.record.contentHash}0`,
      `sha256:${set.record.contentHash.slice(1)}`,
      `sha256:${'0'.repeat(64)}`,
    ]) {
      // The record's hash recomputed over the new address: only the address check can refuse it.
      const { hash: _h, ...fields } = { ...set.record, blobRef }
      const forged = { record: { ...fields, hash: recordHash(fields) } }
      expect(runSeal(1, [start, forged, manifest], trusted)).toMatchObject({
        ok: false,
        reason: 'record 2 was altered',
      })
    }
  })

  it('isDefaultRef is blobRefOf(contentHash) compared in place', () => {
    const hash = 'ab'.repeat(32)
    expect(isDefaultRef(`sha256:${hash}`, hash)).toBe(true)
    expect(isDefaultRef(`sha256:x${hash}`, hash)).toBe(false)
    expect(isDefaultRef(`sha256:${hash}`, hash.slice(2))).toBe(false)
    expect(isDefaultRef(`sha257:${hash}`, hash)).toBe(false)
    expect(isDefaultRef(`${hash}sha256:`, hash)).toBe(false)
    expect(isDefaultRef('sha256:', '')).toBe(true)
  })
})

describe('a run proved by the records its manifest anchors', () => {
  const trusted = new Map([[root.fingerprint, root.publicKeyPem]])
  const model: LedgerEntry = { ...evidenceSet, kind: 'assessment', id: 'assessment' }
  const whole: LedgerEntry = { ...evidenceSet, id: 'whole-run' }

  it('is proved from the manifest and the anchored records alone, each one checked', () => {
    const run = sealedRun(1, [evidenceSet, whole, model], root)
    const manifest = run.at(-1) as SealedRecord
    const signed = signedAnchors(1, manifest, trusted)
    if (!signed.ok) throw new Error(signed.reason)
    expect(signed.anchors.map((a) => a.id)).toEqual(['whole-run', 'assessment'])
    const [first, second] = run
      .map((r) => r.record)
      .filter((r) => r.id === 'whole-run' || r.kind === 'assessment')
    if (first === undefined || second === undefined) throw new Error('no anchored records')
    const valid = (records: (typeof first)[]) =>
      anchoredRecordsValid(1, signed.manifestSeq, signed.anchors, records)
    expect(valid([first, second])).toBe(true)
    // Another record in an anchored record's place, one edited (with or without a hash of its own), or
    // one missing: not proved.
    expect(valid([run[1]?.record ?? first, second])).toBe(false)
    const { hash: _hash, ...edited } = { ...second, effectiveAt: '2020-01-01T00:00:00.000Z' }
    expect(valid([first, { ...edited, hash: second.hash }])).toBe(false)
    expect(valid([first, { ...edited, hash: recordHash(edited) }])).toBe(false)
    expect(valid([first])).toBe(false)
    expect(signedAnchors(2, manifest, trusted)).toMatchObject({ ok: false })
  })

  it('is not proved by a manifest of another key, one without anchors or with anchors it cannot read', () => {
    expect(signedAnchors(1, sealedRun(1, [model], intruder).at(-1) as SealedRecord, trusted)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not the pinned key/),
    })
    const older = sealedRun(1, [model], root, ({ anchors: _anchors, ...rest }) => rest)
    expect(signedAnchors(1, older.at(-1) as SealedRecord, trusted)).toMatchObject({ ok: false })
    for (const anchors of [[null], [{ seq: '3', kind: 'assessment', id: 'assessment', hash: 'x' }], {}]) {
      const run = sealedRun(1, [model], root, (manifest) => ({ ...manifest, anchors }))
      expect(signedAnchors(1, run.at(-1) as SealedRecord, trusted), JSON.stringify(anchors)).toMatchObject({
        ok: false,
      })
    }
  })
})
