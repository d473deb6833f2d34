import { genesisHash, type LedgerRecord, RecordDigest, recordHash, sha256 } from './ledger.js'
import {
  isAnchoredRecord,
  keyEndorsementValid,
  keyFingerprint,
  type ManifestAnchor,
  manifestAnchors,
  manifestSignatureValid,
  type SignedManifest,
  signingKeyContentSchema,
} from './ledger-manifest.js'

export type VerifyProblemType =
  | 'record-edited'
  | 'record-missing'
  | 'record-out-of-order'
  | 'chain-broken'
  | 'blob-missing'
  | 'blob-mismatch'
  | 'manifest-unreadable'
  | 'manifest-mismatch'
  | 'manifest-unknown-key'
  | 'manifest-other-key'
  | 'manifest-bad-signature'
  | 'record-after-manifest'
  | 'key-not-endorsed'
  | 'run-table-mismatch'
  | 'anchor-mismatch'
  | 'bundle-boundary'
  | 'bundle-extra-file'

/** One thing that is wrong, precise enough to find it in the store. */
export interface VerifyProblem {
  type: VerifyProblemType
  seq?: number
  message: string
}

/** A run as its own records tell it: what a run table must agree with. */
export interface DerivedRun {
  id: number
  /** From the run's signed manifest, else its run-start record. */
  startedAt?: string
  finishedAt?: string
  status: 'complete' | 'incomplete'
  records: number
}

export interface VerifyReport {
  ok: boolean
  records: number
  blobBytes: number
  manifests: number
  /** Runs that never wrote a signed manifest (interrupted, or still running). */
  incompleteRuns: number[]
  /** Every run met, in order of its first record, with status and times derived from its records. */
  runs: DerivedRun[]
  keys: { fingerprint: string; publicKeyPem: string }[]
  chainHead: { seq: number; hash: string }
  /** Problems found; the first `problemLimit` are kept with their message, all are counted. */
  problems: VerifyProblem[]
  problemCount: number
  notices: string[]
}

export interface VerifyOptions {
  /** Where the records start: the genesis for a whole store, the record before a bundle's first. */
  start?: { seq: number; hash: string }
  /** Keys known before the first record (a bundle's keys recorded earlier in the ledger). */
  keys?: readonly { fingerprint: string; publicKeyPem: string }[]
  /**
   * The trust root: when set, every manifest must be signed by this key or by a key it endorsed
   * (a rotation), directly or through a chain of endorsements. Unset, the ledger's first key is the root.
   */
  pinnedKey?: string
  /** Runs the store lists as finished: each must end in a signed manifest. */
  completeRuns?: readonly number[]
  /** Record hashes that must be in the chain, e.g. the chain head printed in an earlier report. */
  expectHashes?: readonly string[]
  problemLimit?: number
}

/**
 * What is wrong with a manifest's anchors (RunManifest.anchors), compared with those its run's records
 * give (manifestAnchors): every anchor must name, by position and hash, the run's last record of its
 * kind and id before the manifest, and none may be left out. Undefined when they agree.
 */
export function anchorMismatch(signed: unknown, expected: readonly ManifestAnchor[]): string | undefined {
  if (!Array.isArray(signed)) return 'its anchors are not a list'
  const name = (a: ManifestAnchor): string => `${a.kind} ${a.id}`
  const byName = new Map(expected.map((a) => [name(a), a]))
  const named = new Set<string>()
  for (const anchor of signed as ManifestAnchor[]) {
    if (typeof anchor !== 'object' || anchor === null) return 'an anchor is not a record position and hash'
    const found = byName.get(name(anchor))
    if (named.has(name(anchor))) return `it anchors ${name(anchor)} twice`
    named.add(name(anchor))
    if (found === undefined)
      return `it anchors ${name(anchor)} at record ${anchor.seq}, but the run holds no such record before its manifest`
    if (found.seq !== anchor.seq || found.hash !== anchor.hash)
      return `it anchors ${name(anchor)} at record ${anchor.seq} with hash ${short(String(anchor.hash))}, but the run's last such record before its manifest is record ${found.seq} with hash ${short(found.hash)}`
  }
  const left = expected.find((a) => !named.has(name(a)))
  if (left !== undefined) return `it does not anchor the run's ${name(left)} record ${left.seq}`
  return undefined
}

interface RunState {
  digest: RecordDigest
  signed: boolean
  startedAt?: string
  finishedAt?: string
  /** The run began before the first record checked (a bundle's slice): its totals cannot be compared. */
  partial: boolean
  /** The run's records of the kinds and ids a manifest anchors (a handful), to compare its anchors with. */
  anchorable?: ManifestAnchor[]
}

/**
 * Checks a ledger record by record, in the order it was stored: each record's hash, its link to the
 * one before, its blob, and every manifest's signature and totals. Streaming, so a store of any size
 * verifies in constant memory per run.
 */
export class LedgerVerifier {
  private readonly problems: VerifyProblem[] = []
  private readonly notices: string[] = []
  private problemCount = 0
  private readonly limit: number
  /** Keys whose manifests are accepted: the root and the keys it endorsed. */
  private readonly keys = new Map<string, string>()
  /** Fingerprints that descend from the pinned root (all trusted keys when nothing is pinned). */
  private readonly rooted = new Set<string>()
  private readonly runs = new Map<number, RunState>()
  private head: { seq: number; hash: string }
  private records = 0
  private readonly expected: Set<string>
  private blobBytes = 0
  private manifests = 0

  constructor(private readonly options: VerifyOptions = {}) {
    this.head = options.start ?? { seq: 0, hash: genesisHash }
    this.limit = options.problemLimit ?? 200
    for (const key of options.keys ?? []) {
      this.keys.set(key.fingerprint, key.publicKeyPem)
      if (options.pinnedKey === undefined || key.fingerprint === options.pinnedKey)
        this.rooted.add(key.fingerprint)
    }
    this.expected = new Set(options.expectHashes ?? [])
  }

  private problem(type: VerifyProblemType, message: string, seq?: number): void {
    this.problemCount += 1
    if (this.problems.length < this.limit)
      this.problems.push(seq === undefined ? { type, message } : { type, seq, message })
  }

  /**
   * Checks the next record and its blob (undefined when the store has no blob at its address). The
   * blob is read during the call and never kept: a bundle's reader passes a view of a buffer it reuses.
   */
  add(record: LedgerRecord, blob: Uint8Array | undefined): void {
    this.records += 1
    // Built only for a problem: a million good records a run need no message.
    const where = (): string => `record ${record.seq} (${record.kind} ${record.id})`
    const expectedSeq = this.head.seq + 1
    if (record.seq > expectedSeq) {
      const missing =
        record.seq - 1 === expectedSeq
          ? `record ${expectedSeq} is`
          : `records ${expectedSeq}–${record.seq - 1} are`
      this.problem('record-missing', `${missing} missing: deleted from the ledger`, expectedSeq)
    } else if (record.seq < expectedSeq) {
      this.problem(
        'record-out-of-order',
        `${where()} comes after record ${this.head.seq}: records were reordered or duplicated`,
        record.seq,
      )
    } else if (record.prevHash !== this.head.hash) {
      this.problem(
        'chain-broken',
        `${where()} does not follow record ${this.head.seq}: it links to ${short(record.prevHash)} but that record hashes to ${short(this.head.hash)} (a record was replaced, inserted or reordered)`,
        record.seq,
      )
    }
    const hash = record.hash
    this.expected.delete(hash)
    // recordHash reads the fields it hashes by name (never `hash`): no copy of the record without it.
    const recomputed = recordHash(record)
    if (recomputed !== hash) {
      this.problem(
        'record-edited',
        `${where()}: its fields do not match its hash: the record was edited`,
        record.seq,
      )
    }
    if (!isBlobRefOf(record.blobRef, record.contentHash)) {
      this.problem(
        'record-edited',
        `${where()}: blob reference ${record.blobRef} does not match its content hash`,
        record.seq,
      )
    }
    let blobOk = false
    if (blob === undefined) {
      this.problem('blob-missing', `${where()}: blob ${record.blobRef} is missing from the store`, record.seq)
    } else {
      this.blobBytes += blob.byteLength
      if (sha256(blob) === record.contentHash) blobOk = true
      else
        this.problem(
          'blob-mismatch',
          `${where()}: blob ${record.blobRef} does not hash to its address: its content was edited or swapped`,
          record.seq,
        )
    }
    // A sealed run takes no more records: one appended after its manifest would otherwise pass as
    // part of the run (and enter Type 2 populations) although the signature never covered it.
    if (this.runs.get(record.runId)?.signed === true) {
      this.problem(
        'record-after-manifest',
        `${where()} belongs to run ${record.runId}, which its signed manifest already closed: a record was appended to a sealed run`,
        record.seq,
      )
    }
    if (record.kind === 'manifest') this.checkManifest(record, blobOk ? blob : undefined)
    else {
      if (record.kind === 'signing-key' && blobOk && blob !== undefined) this.learnKey(record, blob)
      const run = this.runs.get(record.runId) ?? {
        digest: new RecordDigest(),
        signed: false,
        partial: record.kind !== 'run-start' && record.kind !== 'signing-key',
      }
      if (record.kind === 'run-start') run.startedAt ??= record.collectedAt
      if (isAnchoredRecord(record)) {
        run.anchorable ??= []
        run.anchorable.push({ seq: record.seq, kind: record.kind, id: record.id, hash })
      }
      this.runs.set(record.runId, run)
      run.digest.add(hash)
    }
    // Follow the stored hash, so one edited record is reported once, not again at every later link.
    this.head = { seq: Math.max(record.seq, this.head.seq), hash }
  }

  /**
   * A key record is trusted when it is the root (pinned, given, or the ledger's first key) or carries an
   * endorsement signed by a key already trusted: a rotation. Any other key is reported and not learnt,
   * so a key slipped into the chain cannot vouch for manifests.
   */
  private learnKey(record: LedgerRecord, blob: Uint8Array): void {
    let content: ReturnType<typeof signingKeyContentSchema.parse>
    let fingerprint: string
    try {
      content = signingKeyContentSchema.parse(JSON.parse(Buffer.from(blob).toString('utf8')))
      fingerprint = keyFingerprint(content.publicKeyPem)
    } catch {
      this.problem(
        'manifest-unreadable',
        `record ${record.seq}: the signing key it records cannot be read`,
        record.seq,
      )
      return
    }
    if (record.id !== fingerprint)
      this.problem(
        'record-edited',
        `record ${record.seq}: a signing-key record named ${short(record.id)} holds key ${short(fingerprint)}`,
        record.seq,
      )
    if (this.keys.has(fingerprint)) return
    const root = this.options.pinnedKey
    const isRoot = root === undefined ? this.keys.size === 0 : fingerprint === root
    const by = content.endorsement?.keyFingerprint
    const endorser = by !== undefined && this.rooted.has(by) ? this.keys.get(by) : undefined
    if (isRoot || (endorser !== undefined && keyEndorsementValid(content, endorser))) {
      this.keys.set(fingerprint, content.publicKeyPem)
      this.rooted.add(fingerprint)
      return
    }
    this.problem(
      'key-not-endorsed',
      `record ${record.seq}: key ${short(fingerprint)} enters the ledger without an endorsement by a trusted key${root === undefined ? '' : ` (the pinned key is ${short(root)})`}: a foreign key, or a key replaced without \`trustctl key rotate\``,
      record.seq,
    )
  }

  private checkManifest(record: LedgerRecord, blob: Uint8Array | undefined): void {
    const where = `manifest of run ${record.runId} (record ${record.seq})`
    if (blob === undefined) return
    let signed: SignedManifest
    try {
      signed = JSON.parse(Buffer.from(blob).toString('utf8')) as SignedManifest
      if (
        typeof signed.signature !== 'string' ||
        typeof signed.manifest?.keyFingerprint !== 'string' ||
        signed.manifest.format !== 1
      )
        throw new Error('not a signed manifest of format 1')
    } catch {
      this.problem('manifest-unreadable', `${where}: not a readable signed manifest`, record.seq)
      return
    }
    this.manifests += 1
    const { manifest } = signed
    const fingerprint = manifest.keyFingerprint
    const publicKeyPem = this.keys.get(fingerprint)
    if (this.options.pinnedKey !== undefined && !this.rooted.has(fingerprint)) {
      this.problem(
        'manifest-other-key',
        `${where} is signed by another key (${short(fingerprint)}) than the pinned ${short(this.options.pinnedKey)} or a key it endorsed`,
        record.seq,
      )
    } else if (publicKeyPem === undefined) {
      this.problem(
        'manifest-unknown-key',
        `${where} is signed by key ${short(fingerprint)}, which the ledger does not hold: signed by another key`,
        record.seq,
      )
    } else if (!manifestSignatureValid(signed, publicKeyPem)) {
      this.problem(
        'manifest-bad-signature',
        `${where}: the signature does not verify with key ${short(fingerprint)}: the manifest was altered or signed by another key`,
        record.seq,
      )
    }
    const run = this.runs.get(record.runId)
    const count = run?.digest.count ?? 0
    const digest = run?.digest.digest() ?? new RecordDigest().digest()
    if (this.options.start !== undefined && (run === undefined || run.partial)) {
      this.notices.push(
        `${where}: the run began before this slice of the ledger; its record totals were not compared`,
      )
    } else if (
      manifest.runId !== record.runId ||
      manifest.recordCount !== count ||
      manifest.recordsDigest !== digest
    ) {
      this.problem(
        'manifest-mismatch',
        `${where}: signed for ${manifest.recordCount} records of run ${manifest.runId}, but the ledger holds ${count} of run ${record.runId} with a different digest: records of the run were added, removed or changed`,
        record.seq,
      )
    }
    if (manifest.anchors !== undefined) {
      if (this.options.start !== undefined && (run === undefined || run.partial))
        this.notices.push(
          `${where}: the run began before this slice of the ledger; its anchored records were not compared`,
        )
      else {
        const wrong = anchorMismatch(manifest.anchors, manifestAnchors(run?.anchorable ?? []))
        if (wrong !== undefined)
          this.problem(
            'manifest-mismatch',
            `${where}: ${wrong}: the manifest's anchors or the records they name were changed`,
            record.seq,
          )
      }
    }
    if (manifest.chainHead !== record.prevHash || manifest.chainLength !== record.seq - 1) {
      this.problem(
        'manifest-mismatch',
        `${where}: signed chain head ${manifest.chainLength}/${short(manifest.chainHead)} is not the record before it`,
        record.seq,
      )
    }
    const sealed = run ?? { digest: new RecordDigest(), signed: true, partial: true }
    sealed.signed = true
    sealed.startedAt = manifest.startedAt
    sealed.finishedAt = manifest.finishedAt
    this.runs.set(record.runId, sealed)
  }

  finish(): VerifyReport {
    for (const id of this.options.completeRuns ?? []) {
      if (this.runs.get(id)?.signed !== true)
        this.problem(
          'record-missing',
          `run ${id} finished, but its signed manifest is not in the ledger: records were deleted (from the end?)`,
        )
    }
    for (const hash of this.expected)
      this.problem(
        'record-missing',
        `record ${short(hash)} is not in the ledger: the chain was cut or rewritten`,
      )
    const incompleteRuns = [...this.runs].filter(([, run]) => !run.signed).map(([id]) => id)
    const notices = [
      ...this.notices,
      ...incompleteRuns.map(
        (id) =>
          `run ${id} is incomplete: ${this.runs.get(id)?.digest.count ?? 0} records and no signed manifest (interrupted, or still running)`,
      ),
    ]
    return {
      ok: this.problemCount === 0,
      records: this.records,
      blobBytes: this.blobBytes,
      manifests: this.manifests,
      incompleteRuns,
      runs: [...this.runs].map(([id, run]) => ({
        id,
        ...(run.startedAt === undefined ? {} : { startedAt: run.startedAt }),
        ...(run.finishedAt === undefined ? {} : { finishedAt: run.finishedAt }),
        status: run.signed ? 'complete' : 'incomplete',
        records: run.digest.count,
      })),
      keys: [...this.keys].map(([fingerprint, publicKeyPem]) => ({ fingerprint, publicKeyPem })),
      chainHead: this.head,
      problems: this.problems,
      problemCount: this.problemCount,
      notices,
    }
  }
}

const short = (hash: string): string => hash.slice(0, 12)

/**
 * `blobRef === \`sha256:${contentHash}\``, without building that string for every record. Fields
 * of an edited record may be of any JSON type: those take the plain comparison.
 */
function isBlobRefOf(blobRef: unknown, contentHash: unknown): boolean {
  if (typeof blobRef !== 'string' || typeof contentHash !== 'string')
    return blobRef === `sha256:${contentHash}`
  return (
    blobRef.length === 'sha256:'.length + contentHash.length &&
    blobRef.startsWith('sha256:') &&
    blobRef.endsWith(contentHash)
  )
}

/** A run as a store's run table lists it (the fields `compareRunTable` reads). */
export interface TableRun {
  id: number
  startedAt: string
  finishedAt?: string
  status: 'open' | 'complete' | 'incomplete'
}

/**
 * Where the run table disagrees with the runs the records tell: a signed run hidden (row deleted,
 * status changed) or backdated (times edited), or a row no record backs. The table is what history,
 * the dashboard and export once listed, so any difference is an alteration of the store.
 */
export function compareRunTable(table: readonly TableRun[], derived: readonly DerivedRun[]): VerifyProblem[] {
  const problems: VerifyProblem[] = []
  const mismatch = (message: string): void => {
    problems.push({ type: 'run-table-mismatch', message: `run table: ${message}` })
  }
  const rows = new Map(table.map((t) => [t.id, t]))
  const known = new Set(derived.map((d) => d.id))
  for (const run of derived) {
    const row = rows.get(run.id)
    if (row === undefined) {
      mismatch(`run ${run.id} is in the ledger but its row was deleted from the run table`)
      continue
    }
    if (run.status === 'complete' && row.status !== 'complete')
      mismatch(`run ${run.id} is signed complete in the ledger but the table says ${row.status}`)
    if (run.startedAt !== undefined && row.startedAt !== run.startedAt)
      mismatch(`run ${run.id} started ${run.startedAt} by its records but the table says ${row.startedAt}`)
    if (run.finishedAt !== undefined && row.finishedAt !== run.finishedAt)
      mismatch(
        `run ${run.id} finished ${run.finishedAt} by its manifest but the table says ${row.finishedAt ?? 'never'}`,
      )
  }
  for (const row of table)
    if (!known.has(row.id) && row.status !== 'complete')
      mismatch(`run ${row.id} is listed (${row.status}) but no record of it is in the ledger`)
  return problems
}

/** Adds problems found outside the record walk (the run table, the anchor) to a report. */
export function withProblems(report: VerifyReport, problems: readonly VerifyProblem[]): VerifyReport {
  if (problems.length === 0) return report
  return {
    ...report,
    ok: false,
    problems: [...report.problems, ...problems],
    problemCount: report.problemCount + problems.length,
  }
}
