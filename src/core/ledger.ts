import crypto, { createHash } from 'node:crypto'
import { canonicalBytesOf } from './canonical-json.js'

/**
 * The evidence ledger: an append-only, hash-chained list of records. Each record names the content
 * it stands for by the SHA-256 of its canonical serialization (the blob), and carries the hash of the
 * record before it, so editing, removing or reordering any record breaks the chain. Pure: stores
 * persist records and blobs; this module only computes and checks hashes.
 */

/** Version of the record layout that is hashed; a new layout gets a new number, never a reuse. */
export const ledgerFormat = 1

/** The previous-record hash of the very first record. */
export const genesisHash = '0'.repeat(64)

/** Kinds of record trustctl writes. */
export const recordKinds = [
  'signing-key',
  'run-start',
  'evidence',
  'evidence-set',
  'attestation',
  'findings',
  'assessment',
  'population',
  'sample',
  'manifest',
  // A change made through the team server (who changed what, when); the tables hold current state only.
  'change',
  // A batch of admission webhook decisions (object, user, operation, verdict, checks): the population
  // of changes judged at the cluster's door.
  'admission',
  // One step of an access-review campaign (opened, an account decided, closed), each its own signed run.
  'access-review',
  // A person's acceptance of one version of one policy, made in the dashboard, each its own signed run.
  'policy-acceptance',
] as const
export type RecordKind = (typeof recordKinds)[number]

/** What a caller appends: the metadata of a record and the canonical bytes of its content. */
export interface LedgerEntry {
  kind: RecordKind
  /** Stable name of what the record describes (an evidence subject, a run, a control). */
  id: string
  /** Where the content was read: a file, an API, a person. */
  source: string
  collector: string
  collectorVersion: string
  /** When trustctl collected it (ISO 8601). */
  collectedAt: string
  /** When the content is true of the system (ISO 8601); may differ from collection. */
  effectiveAt: string
  /** The canonical serialization of the content: the blob. */
  content: Uint8Array
  /**
   * SHA-256 (hex) of `content`, when the caller already computed it (to deduplicate evidence or list it
   * in an evidence set): the ledger then does not hash the content a second time. A wrong value makes a
   * record whose content hash its blob does not match, which verify reports like any altered blob.
   */
  contentHash?: string
}

/** A record as the ledger keeps it. */
export interface LedgerRecord {
  seq: number
  id: string
  runId: number
  kind: RecordKind
  source: string
  collector: string
  collectorVersion: string
  collectedAt: string
  effectiveAt: string
  /** SHA-256 (hex) of the blob bytes. */
  contentHash: string
  /** Address of the blob in the store: `sha256:<contentHash>`. */
  blobRef: string
  prevHash: string
  /** SHA-256 (hex) of the record's fields, prevHash included. */
  hash: string
}

/** SHA-256 (hex) of bytes or a string. The one-shot hash skips a Hash object per call: a million records a run. */
export function sha256(data: Uint8Array | string): string {
  return oneShot === undefined
    ? createHash('sha256').update(data).digest('hex')
    : oneShot('sha256', data, 'hex')
}
// crypto.hash exists from Node 20.12 (typed from @types/node 21); older Node falls back to createHash.
const oneShot = (
  crypto as { hash?: (algorithm: string, data: Uint8Array | string, encoding: 'hex') => string }
).hash

/** The blob address of content with this hash. */
export const blobRefOf = (contentHash: string): string => `sha256:${contentHash}`

/** The canonical bytes of a JSON value: what an evidence item or a result is stored and hashed as. */
export function canonicalBytes(value: unknown): Buffer {
  // The writer, not JSON.stringify with a sorting replacer: the same bytes at about half the time
  // (the replacer copies every object to sort it), and every evidence item of a run passes here.
  return canonicalBytesOf(value)
}

/**
 * The hash of a record. Fields are serialized as a JSON array in a fixed order: as canonical as
 * sorted-key JSON, and cheap enough for a million records a run. About 1.8 µs a record (200k
 * records), half serializing, half hashing; the same bytes built by hand (quoting only strings that
 * need it) or written into a reused Buffer and hashed from there measured no faster, so the format
 * (which every stored record is verified against) has no cheaper writing to gain.
 */
export function recordHash(record: Omit<LedgerRecord, 'hash'>): string {
  return sha256(
    JSON.stringify([
      ledgerFormat,
      record.seq,
      record.id,
      record.runId,
      record.kind,
      record.source,
      record.collector,
      record.collectorVersion,
      record.collectedAt,
      record.effectiveAt,
      record.contentHash,
      record.blobRef,
      record.prevHash,
    ]),
  )
}

/**
 * Chains entries after `head`: the records (with hashes) a store must write, in order. `contentHashes`,
 * when given, are the SHA-256 of each entry's content that the caller already computed (ingest hashes
 * every evidence item once, to list it in its evidence set): the content is then not hashed again here.
 */
export function chainRecords(
  head: { seq: number; hash: string },
  runId: number,
  entries: readonly LedgerEntry[],
  contentHashes?: readonly string[],
): { records: LedgerRecord[]; blobs: { ref: string; bytes: Uint8Array }[] } {
  if (contentHashes !== undefined && contentHashes.length !== entries.length)
    throw new Error(`chainRecords: ${contentHashes.length} content hashes for ${entries.length} entries`)
  const records: LedgerRecord[] = new Array(entries.length)
  const blobs: { ref: string; bytes: Uint8Array }[] = new Array(entries.length)
  let { seq, hash: prevHash } = head
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as LedgerEntry
    const contentHash = contentHashes?.[i] ?? entry.contentHash ?? sha256(entry.content)
    const blobRef = blobRefOf(contentHash)
    seq += 1
    // Built once, hash last: no copy of the record per entry (a million records a run).
    const record: LedgerRecord = {
      seq,
      id: entry.id,
      runId,
      kind: entry.kind,
      source: entry.source,
      collector: entry.collector,
      collectorVersion: entry.collectorVersion,
      collectedAt: entry.collectedAt,
      effectiveAt: entry.effectiveAt,
      contentHash,
      blobRef,
      prevHash,
      hash: '',
    }
    record.hash = recordHash(record)
    records[i] = record
    blobs[i] = { ref: blobRef, bytes: entry.content }
    prevHash = record.hash
  }
  return { records, blobs }
}

/**
 * The entries in slices of about `maxBytes` of content each (at least one entry a slice), so a
 * store can write a large run a slice at a time and let other work in between.
 */
export function contentSlices(entries: readonly LedgerEntry[], maxBytes: number): LedgerEntry[][] {
  const slices: LedgerEntry[][] = []
  let current: LedgerEntry[] = []
  let bytes = 0
  for (const entry of entries) {
    if (current.length > 0 && bytes + entry.content.byteLength > maxBytes) {
      slices.push(current)
      current = []
      bytes = 0
    }
    current.push(entry)
    bytes += entry.content.byteLength
  }
  if (current.length > 0) slices.push(current)
  return slices
}

/** Folds the hashes of a run's records, in order, into one digest the manifest signs. */
export class RecordDigest {
  private readonly hash = createHash('sha256')
  count = 0

  add(recordHash: string): void {
    this.hash.update(recordHash)
    this.count += 1
  }

  digest(): string {
    return this.hash.copy().digest('hex')
  }
}
