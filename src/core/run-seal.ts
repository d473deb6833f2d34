import { type LedgerRecord, RecordDigest, recordHash, sha256 } from './ledger.js'
import {
  isAnchoredRecord,
  keyEndorsementValid,
  keyFingerprint,
  type ManifestAnchor,
  manifestSignatureValid,
  type RunManifest,
  type SignedManifest,
  signingKeyContentSchema,
} from './ledger-manifest.js'

/**
 * Whether one run is sealed by a key we trust, checked from its own records: what the parse cache
 * asks before it reuses a result the run recorded. A narrower question than `verify` answers for the
 * whole chain, and cheap enough to ask at lookup: one run's records, one signature.
 */

/** A record with its blob, as a store's scan gives them. */
export interface SealedRecord {
  record: LedgerRecord
  blob?: Uint8Array | undefined
}

/**
 * The keys a ledger's signing-key records make trusted, by fingerprint (hex) with their public key:
 * the root (the pinned key), then every key endorsed by a key already trusted, in ledger order. A
 * record whose key does not hash to the fingerprint it is filed under, or that no trusted key
 * endorsed, adds nothing.
 */
export function trustedSigningKeys(keyRecords: Iterable<SealedRecord>, root: string): Map<string, string> {
  const trusted = new Map<string, string>()
  for (const { record, blob } of keyRecords) {
    if (record.kind !== 'signing-key' || blob === undefined || sha256(blob) !== record.contentHash) continue
    let content: ReturnType<typeof signingKeyContentSchema.parse>
    try {
      content = signingKeyContentSchema.parse(JSON.parse(Buffer.from(blob).toString('utf8')))
    } catch {
      continue
    }
    let fingerprint: string
    try {
      fingerprint = keyFingerprint(content.publicKeyPem)
    } catch {
      continue
    }
    if (fingerprint !== record.id || trusted.has(fingerprint)) continue
    const endorser = content.endorsement?.keyFingerprint
    const endorserPem = endorser === undefined ? undefined : trusted.get(endorser)
    if (fingerprint === root || (endorserPem !== undefined && keyEndorsementValid(content, endorserPem)))
      trusted.set(fingerprint, content.publicKeyPem)
  }
  return trusted
}

/**
 * Whether `ref` is blobRefOf(contentHash), compared in place: no address string is built per record
 * (11k a seal after a first run on 10k objects). Equal exactly when the lengths match and `ref` is
 * `sha256:` followed by the content hash.
 */
export function isDefaultRef(ref: string, contentHash: string): boolean {
  return ref.length === 7 + contentHash.length && ref.startsWith('sha256:') && ref.endsWith(contentHash)
}

/** A run sealed by a trusted key: the sequence number of its manifest (records before it are vouched for). */
export type RunSeal = { ok: true; manifestSeq: number } | { ok: false; reason: string }

const short = (hex: string): string => `${hex.slice(0, 16)}…`

function signedManifestOf(blob: Uint8Array): SignedManifest | undefined {
  try {
    const signed = JSON.parse(Buffer.from(blob).toString('utf8')) as SignedManifest
    return typeof signed.signature === 'string' &&
      typeof signed.manifest?.keyFingerprint === 'string' &&
      signed.manifest.format === 1
      ? signed
      : undefined
  } catch {
    return undefined
  }
}

/**
 * A run's manifest from its blob, when it is readable and signed by a trusted key; else why not. What
 * both proofs of a run ask first (runSeal over all its records, signedAnchors over the ones it anchors).
 */
function trustedManifest(
  runId: number,
  blob: Uint8Array | undefined,
  trusted: ReadonlyMap<string, string>,
): { ok: true; manifest: RunManifest } | { ok: false; reason: string } {
  const signed = blob === undefined ? undefined : signedManifestOf(blob)
  if (signed === undefined) return { ok: false, reason: `run ${runId}: its manifest is unreadable` }
  const { manifest } = signed
  const publicKeyPem = trusted.get(manifest.keyFingerprint)
  if (publicKeyPem === undefined)
    return {
      ok: false,
      reason: `run ${runId} is signed by key ${short(manifest.keyFingerprint)}, not the pinned key or one it endorsed`,
    }
  if (!manifestSignatureValid(signed, publicKeyPem))
    return { ok: false, reason: `run ${runId}: the manifest's signature does not verify` }
  return { ok: true, manifest }
}

/**
 * Checks that a run's first manifest was signed by a trusted key and covers exactly the run's
 * records before it: each record's hash recomputed from its fields, each blob against its hash, their
 * count and digest against what the manifest signed. `records` are the run's records in ledger order;
 * a blob given is checked against its record (the manifest's must be given), one left out is not.
 */
export function runSeal(
  runId: number,
  records: Iterable<SealedRecord>,
  trusted: ReadonlyMap<string, string>,
): RunSeal {
  const digest = new RecordDigest()
  for (const { record, blob } of records) {
    if (record.runId !== runId) return { ok: false, reason: `record ${record.seq} is not of run ${runId}` }
    // The record itself, not a copy without its hash: recordHash reads the fields it hashes by name,
    // and a copy of every record (11k after a first run on 10k objects) is a cost the seal need not pay.
    const { hash } = record
    if (recordHash(record) !== hash || !isDefaultRef(record.blobRef, record.contentHash))
      return { ok: false, reason: `record ${record.seq} was altered` }
    if (blob !== undefined && sha256(blob) !== record.contentHash)
      return { ok: false, reason: `the content of record ${record.seq} was altered` }
    if (record.kind !== 'manifest') {
      digest.add(hash)
      continue
    }
    const signed = trustedManifest(runId, blob, trusted)
    if (!signed.ok) return signed
    const { manifest } = signed
    if (
      manifest.runId !== runId ||
      manifest.recordCount !== digest.count ||
      manifest.recordsDigest !== digest.digest()
    )
      return { ok: false, reason: `run ${runId}: its records are not the ones its manifest signed` }
    return { ok: true, manifestSeq: record.seq }
  }
  return { ok: false, reason: `run ${runId} has no manifest` }
}

/** A run's manifest proved on its own: its position and the records it anchors. */
export type SignedAnchors =
  | { ok: true; manifestSeq: number; anchors: readonly ManifestAnchor[] }
  | { ok: false; reason: string }

/**
 * Whether a manifest record (the run's first) and its blob are a manifest of this run signed by a
 * trusted key, and what it anchors (RunManifest.anchors). A narrower proof than runSeal: nothing of
 * the run's other records is read, so only the anchored ones are vouched for, each by
 * anchoredRecordsValid once read. A manifest without anchors (older ledgers) is no answer here: the
 * caller proves the run with runSeal.
 */
export function signedAnchors(
  runId: number,
  { record, blob }: SealedRecord,
  trusted: ReadonlyMap<string, string>,
): SignedAnchors {
  if (record.kind !== 'manifest' || record.runId !== runId)
    return { ok: false, reason: `record ${record.seq} is not the manifest of run ${runId}` }
  if (recordHash(record) !== record.hash || !isDefaultRef(record.blobRef, record.contentHash))
    return { ok: false, reason: `record ${record.seq} was altered` }
  if (blob === undefined || sha256(blob) !== record.contentHash)
    return { ok: false, reason: `the content of record ${record.seq} was altered` }
  const signed = trustedManifest(runId, blob, trusted)
  if (!signed.ok) return signed
  const { manifest } = signed
  // The signed fields must place the manifest where it sits: the run it closes, the record before it.
  if (
    manifest.runId !== runId ||
    manifest.chainLength !== record.seq - 1 ||
    manifest.chainHead !== record.prevHash
  )
    return { ok: false, reason: `run ${runId}: its manifest is not where it was signed` }
  if (!Array.isArray(manifest.anchors))
    return { ok: false, reason: `run ${runId}: its manifest anchors nothing` }
  // Signed, yet read as untrusted input: an anchor that is not a position and hash is no answer.
  if (!manifest.anchors.every(isAnchorShaped))
    return { ok: false, reason: `run ${runId}: its manifest's anchors are not ones this trustctl reads` }
  return { ok: true, manifestSeq: record.seq, anchors: manifest.anchors }
}

/** Whether a value is a ManifestAnchor: a positive integer seq, string kind, id and hash. */
function isAnchorShaped(value: unknown): value is ManifestAnchor {
  if (typeof value !== 'object' || value === null) return false
  const { seq, kind, id, hash } = value as Record<string, unknown>
  return (
    Number.isSafeInteger(seq) &&
    (seq as number) > 0 &&
    typeof kind === 'string' &&
    typeof id === 'string' &&
    typeof hash === 'string'
  )
}

/**
 * Whether `records` are exactly the records `anchors` name: one each, in the run, before its
 * manifest, of the kind and id anchored (one a manifest may anchor, each once), each hashing to its
 * fields and to the hash the manifest signed for it.
 */
export function anchoredRecordsValid(
  runId: number,
  manifestSeq: number,
  anchors: readonly ManifestAnchor[],
  records: readonly LedgerRecord[],
): boolean {
  if (records.length !== anchors.length) return false
  const named = new Set<string>()
  return anchors.every((anchor, i) => {
    const record = records[i]
    const name = `${anchor.kind}\0${anchor.id}`
    if (record === undefined || named.has(name) || !isAnchoredRecord(anchor)) return false
    named.add(name)
    return (
      record.seq === anchor.seq &&
      record.runId === runId &&
      record.seq < manifestSeq &&
      record.kind === anchor.kind &&
      record.id === anchor.id &&
      record.hash === anchor.hash &&
      recordHash(record) === record.hash &&
      isDefaultRef(record.blobRef, record.contentHash)
    )
  })
}
