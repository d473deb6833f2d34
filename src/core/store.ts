import type { AssessmentModel } from './assessment.js'
import type { LedgerEntry, LedgerRecord, RecordKind } from './ledger.js'
import type { SignedManifest, Signer } from './ledger-manifest.js'

/** A stored assessment run. */
export interface StoredRun {
  id: number
  generatedAt: string
  asOf: string
  /**
   * SHA-256 of the assessment record's content. Not a name for the run: runs that repeat an unchanged
   * assessment record the same content (its time is the record's, see assessmentEntry).
   */
  modelHash: string
  evidenceCount: number
  model: AssessmentModel
}

/** A run of the store; `incomplete` runs were interrupted before their signed manifest. */
export interface RunInfo {
  id: number
  startedAt: string
  finishedAt?: string
  status: 'open' | 'complete' | 'incomplete'
  records: number
  /** The position of the manifest that sealed the run: a record of the run after it is not part of it. */
  manifestSeq?: number
}

/** A record read back in ledger order, with its blob (undefined when the blob is missing). */
export interface ScannedRecord {
  record: LedgerRecord
  blob: Uint8Array | undefined
}

/** A cache lookup: the cache key and the id of the evidence-set record that must vouch for it. */
export interface CacheLookup {
  key: string
  id: string
}

/** What the cache gave back: results the chain vouches for, and how many entries were ignored. */
export interface CachedResults {
  /** By key: the result, and the evidence-set record that vouches for it (its run and sequence number). */
  found: Map<string, { blobRef: string; bytes: Uint8Array; runId: number; seq: number }>
  ignored: number
}

/** Which records to read: a sequence range, one run, some kinds. */
export interface RecordQuery {
  fromSeq?: number
  toSeq?: number
  runId?: number
  kinds?: readonly LedgerRecord['kind'][]
  /** False: the records only, every blob left unread (undefined); for checks that need only hashes. */
  withBlobs?: boolean
}

/** What opens a run: when, by which trustctl, signed by whom. */
export interface RunStart {
  startedAt: string
  toolVersion: string
  signer: Signer
}

/** A whole run written at once (recordRun): its start, its entries, and when it finished. */
export interface WholeRun extends RunStart {
  entries: readonly LedgerEntry[]
  /** Asked once the entries are written, so the manifest's time is after them. */
  finishedAt(): string
  /**
   * Cache entries (as `remember` takes them) written in the run's own transaction, after its manifest:
   * they name its blobs only once the run is committed, without a commit of their own.
   */
  remember?: readonly { key: string; blobRef: string }[]
}

/**
 * Where the evidence ledger lives. One async interface, several backends (SQLite, PostgreSQL), one
 * contract suite. The store only appends: nothing here edits or deletes a record.
 */
export interface AssessmentStore {
  /** Opens a run: records the signing key (once per key) and a run-start record; returns the run id. */
  beginRun(start: RunStart): Promise<number>
  /**
   * Appends records to an open run in one transaction: all are written, or none. `contentHashes`:
   * the SHA-256 of each entry's content when the caller already has it (see chainRecords).
   */
  append(
    runId: number,
    entries: readonly LedgerEntry[],
    contentHashes?: readonly string[],
  ): Promise<LedgerRecord[]>
  /** Closes a run with a manifest of its records and the chain head, signed; returns it. */
  finishRun(runId: number, finishedAt: string, signer: Signer): Promise<SignedManifest>
  /**
   * Begins, appends and finishes a run in one transaction: a failure anywhere leaves no trace of it
   * (no run, no record, no blob). Optional: without it, callers begin, append and finish.
   */
  recordRun?(run: WholeRun): Promise<{ runId: number; manifest: SignedManifest }>
  /**
   * Every run, oldest first, as its records tell it: a run-start record opens it, a manifest record
   * completes it (status and times come from those records, never from the editable run table).
   */
  runs(): Promise<RunInfo[]>
  /** The run table as stored (unprotected): what `verify` compares with the runs the records tell. */
  runTable(): Promise<RunInfo[]>
  /**
   * The kinds of record each complete run holds, by run id (oldest first), in one query that reads
   * no record contents. Optional: without it, callers scan the records of the kinds they need.
   */
  completeRunKinds?(): Promise<Map<number, RecordKind[]>>
  /** Records in ledger order, with their blobs, read in pages. */
  scan(query?: RecordQuery): AsyncIterable<ScannedRecord>
  /** The blob at an address, or undefined. */
  blob(ref: string): Promise<Uint8Array | undefined>
  /** The last record of the ledger (seq 0 and the genesis hash when empty). */
  head(): Promise<{ seq: number; hash: string }>
  /**
   * The raw cache entry for a key: a pointer anyone with database access can write, so never a
   * reason to reuse anything (that is `chainedCache`); kept for inspection and tests.
   */
  cached(key: string): Promise<string | undefined>
  /**
   * Whether the cache holds any entry at all. Optional: a caller that would look up every input of a
   * run asks first, so a store that remembers nothing yet (a first run) is not asked about each one.
   */
  anyCached?(): Promise<boolean>
  /**
   * Remembered results the chain vouches for, in one round trip per batch: an entry is returned only
   * when an `evidence-set` record with the lookup's id and the entry's content hash lies in a run
   * sealed by a manifest record after it, and the blob still hashes to its address. Entries that
   * exist but fail this are counted as ignored (a poisoned or stale cache).
   */
  chainedCache(lookups: readonly CacheLookup[]): Promise<CachedResults>
  /** Remembers results in one transaction. */
  remember(entries: readonly { key: string; blobRef: string }[]): Promise<void>
  close(): Promise<void>
}
