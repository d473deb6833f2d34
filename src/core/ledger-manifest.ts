import { createPublicKey, type KeyObject, sign, verify } from 'node:crypto'
import { z } from 'zod'
import { canonicalBytes, type LedgerRecord, sha256 } from './ledger.js'

/**
 * The signed manifest that closes a run: how many records the run wrote, a digest of their hashes
 * in order, and the chain head it ended on, signed with the organisation's Ed25519 key.
 */
export interface RunManifest {
  format: 1
  runId: number
  startedAt: string
  finishedAt: string
  /** Records of this run before the manifest, and the digest of their hashes in ledger order. */
  recordCount: number
  recordsDigest: string
  /** The record the manifest follows: its sequence number and hash. */
  chainLength: number
  chainHead: string
  keyFingerprint: string
  /**
   * The few records of the run a later run reads when it repeats this one (see anchoredRecordIds),
   * by position and hash, in ledger order; absent when the run holds none (and in older manifests).
   * Why: the records digest vouches for them only once every record of the run is read and hashed
   * again (11k on 10k objects); signed here, each can be proved on its own by reading it alone.
   */
  anchors?: ManifestAnchor[]
}

/** A record of the run the manifest names by position, kind, id and hash (RunManifest.anchors). */
export interface ManifestAnchor {
  seq: number
  kind: LedgerRecord['kind']
  id: string
  hash: string
}

/**
 * The records a manifest anchors, by kind and id: what a run that repeats this one reads (the key it
 * was assessed under, its model, its findings parts and the list of its evidence). Of each, the last
 * record of the run before the manifest is anchored: the one a reader of the whole run would take.
 * Fixed here, not chosen by the writer, so `verify` can tell an anchor list that leaves one out.
 * The ids are those of wholeRunId (app), findingsPartsId (store) and runEvidenceId, which core
 * cannot import; src/app/whole-run-anchors.test.ts fails if they part.
 */
export const anchoredRecordIds: Readonly<Partial<Record<LedgerRecord['kind'], readonly string[]>>> = {
  assessment: ['assessment'],
  'evidence-set': ['whole-run', 'findings-parts', 'run-evidence'],
}

/** Whether a record of this kind and id is one a manifest anchors. */
export function isAnchoredRecord(record: Pick<LedgerRecord, 'kind' | 'id'>): boolean {
  return anchoredRecordIds[record.kind]?.includes(record.id) === true
}

/**
 * A run's anchors from its records before the manifest (any order, any kinds): the last record of
 * each anchored kind and id, in ledger order. Empty when the run holds none.
 */
export function manifestAnchors(
  records: Iterable<Pick<LedgerRecord, 'seq' | 'kind' | 'id' | 'hash'>>,
): ManifestAnchor[] {
  const last = new Map<string, ManifestAnchor>()
  for (const { seq, kind, id, hash } of records) {
    if (!isAnchoredRecord({ kind, id })) continue
    const key = `${kind}\0${id}`
    const seen = last.get(key)
    if (seen === undefined || seen.seq < seq) last.set(key, { seq, kind, id, hash })
  }
  return [...last.values()].sort((a, b) => a.seq - b.seq)
}

/** A manifest and its Ed25519 signature (base64) over the manifest's canonical bytes. */
export interface SignedManifest {
  manifest: RunManifest
  signature: string
}

/** Signs manifests; the private key stays with the caller (outside the store). */
export interface Signer {
  /** SHA-256 of the public key (SPKI DER), hex: how reports and `verify --key` name the key. */
  fingerprint: string
  /** The public key, PEM (SPKI). */
  publicKeyPem: string
  sign(data: Uint8Array): string
}

/** The fingerprint of a public key given as PEM: SHA-256 of its SPKI DER bytes. */
export function keyFingerprint(publicKeyPem: string): string {
  return sha256(createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' }))
}

/** A signer over an Ed25519 private key. */
export function ed25519Signer(privateKey: KeyObject): Signer {
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(`expected an Ed25519 private key, got ${privateKey.asymmetricKeyType ?? 'none'}`)
  }
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString()
  return {
    fingerprint: keyFingerprint(publicKeyPem),
    publicKeyPem,
    sign: (data) => sign(null, data, privateKey).toString('base64'),
  }
}

/** Signs a manifest. */
export function signManifest(manifest: RunManifest, signer: Signer): SignedManifest {
  return { manifest, signature: signer.sign(canonicalBytes(manifest)) }
}

/** True when the signature over the manifest was made by the key with this public PEM. */
export function manifestSignatureValid(signed: SignedManifest, publicKeyPem: string): boolean {
  try {
    return verify(
      null,
      canonicalBytes(signed.manifest),
      createPublicKey(publicKeyPem),
      Buffer.from(signed.signature, 'base64'),
    )
  } catch {
    return false
  }
}

/**
 * What a `signing-key` record holds: the public key and, for every key after the first, an endorsement:
 * the previous key's signature over the new key, so a rotation is provable and a key slipped into the
 * chain is not.
 */
export const signingKeyContentSchema = z.object({
  publicKeyPem: z.string(),
  endorsement: z.object({ keyFingerprint: z.string(), signature: z.string() }).optional(),
})
export type SigningKeyContent = z.infer<typeof signingKeyContentSchema>

/** The bytes an endorsing key signs: the new key's fingerprint and PEM, canonical. */
const endorsedBytes = (publicKeyPem: string): Uint8Array =>
  canonicalBytes({ endorse: keyFingerprint(publicKeyPem), publicKeyPem })

/** The endorsement of a new key by the key it replaces. */
export function endorseKey(next: Signer, previous: Signer): NonNullable<SigningKeyContent['endorsement']> {
  return { keyFingerprint: previous.fingerprint, signature: previous.sign(endorsedBytes(next.publicKeyPem)) }
}

/** True when the key record's endorsement was signed by the key with this public PEM. */
export function keyEndorsementValid(content: SigningKeyContent, endorserPem: string): boolean {
  if (content.endorsement === undefined) return false
  try {
    return verify(
      null,
      endorsedBytes(content.publicKeyPem),
      createPublicKey(endorserPem),
      Buffer.from(content.endorsement.signature, 'base64'),
    )
  } catch {
    return false
  }
}
