import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { z } from 'zod'
import { parserVersions } from '../collectors/parser-versions.js'
import type { ParseCache, ParsedInput } from '../collectors/source-collector.js'
import { canonicalBytesOf } from '../core/canonical-json.js'
import { checkEvidence, type EvidenceItem, evidenceKinds, evidenceSchemaVersion } from '../core/evidence.js'
import { canonicalBytes, type LedgerEntry, type LedgerRecord, sha256 } from '../core/ledger.js'
import {
  anchoredRecordsValid,
  type RunSeal,
  runSeal,
  type SealedRecord,
  signedAnchors,
  trustedSigningKeys,
} from '../core/run-seal.js'
import type { AssessmentStore } from '../core/store.js'

/**
 * Incremental runs: parse results kept in the ledger, found again by collector, path and content
 * hash. A result is reused only when a sealed run's evidence-set record vouches for it and that run's
 * manifest is signed by the pinned key (or a key it endorsed), so an altered cache, a forged blob or
 * a whole run forged under another key never feeds a check; new results become `evidence-set` records
 * of the run and are remembered only after the run is committed, so a crash never leaves a cache
 * entry pointing at nothing.
 */
export class StoredParseCache implements ParseCache {
  /** Each input parsed in this run: its record without content, and the content held until recorded. */
  private readonly fresh = new Map<string, { entry: Omit<LedgerEntry, 'content'>; held: HeldBytes }>()
  /** Bytes of content held as they are (see heldRawBudget); past that, content is held compressed. */
  private heldRaw = 0

  constructor(
    private readonly store: AssessmentStore,
    /** The tool version: a new trustctl re-parses everything, as its collectors may read more. */
    private readonly version: string,
    private readonly collectedAt: string,
    /**
     * The key a reused result's run must be signed by (hex fingerprint): the key pinned in
     * trustctl.yaml, or, with none pinned, the key this run signs with. Keys it endorsed count too.
     */
    rootKey: string,
    /** Parser version by collector (tests pass their own to see a bump invalidate the cache). */
    private readonly parsers: Readonly<Record<string, number>> = parserVersions,
  ) {
    this.trust = new SealedRuns(store, rootKey)
  }

  /** Which runs are sealed by a trusted key; shared with the check-result cache of the same run. */
  readonly trust: SealedRuns
  /** Why results were not reused although a sealed run recorded them (each reason once). */
  get untrusted(): Set<string> {
    return this.trust.untrusted
  }

  private storeKey(key: string): string {
    return parseStoreKey(this.version, key, this.parsers)
  }

  /** Cache entries found but not vouched for by a sealed evidence-set record (or not a parse result). */
  ignored = 0

  /**
   * Whether the store remembered any result when this run first looked, asked once: a store with an
   * empty cache (every first run) answers no lookup, and asking it about each input of a 500-file
   * estate cost ~30 ms of statements. A result remembered by another process during the run is then
   * not reused, which costs a parse, never a wrong result.
   */
  private anyRemembered: Promise<boolean> | undefined

  async get(key: string): Promise<ParsedInput | undefined> {
    this.anyRemembered ??= this.store.anyCached?.() ?? Promise.resolve(true)
    if (!(await this.anyRemembered)) return undefined
    // Only through the chain: the evidence-set record of a signed run that recorded this key (its id)
    // with this content. A cache row alone is a pointer anyone with database access can rewrite.
    const { found, ignored } = await this.store.chainedCache([{ key: this.storeKey(key), id: key }])
    this.ignored += ignored
    const hit = found.get(this.storeKey(key))
    if (hit === undefined) return undefined
    if (!(await this.trust.vouches(hit))) {
      this.ignored += 1
      return undefined
    }
    const parsed = parsedInputOf(JSON.parse(Buffer.from(hit.bytes).toString('utf8')))
    if (parsed === undefined) this.ignored += 1
    return parsed
  }

  set(key: string, parsed: ParsedInput): void {
    // Serialised now, not when the run is recorded: what is recorded is the result as parsed, whatever
    // happens to the items later (a Dockerfile's copies are annotated after every file is read). Item
    // by item, spliced into the result's bytes: the same bytes as the whole serialised at once, and
    // the items that nothing changes after parsing keep theirs for their evidence records (itemBytes).
    const items = new Map<unknown, Buffer>()
    for (const item of parsed.evidence)
      if (!items.has(item)) items.set(item, this.keepItemBytes(item, canonicalBytes(item)))
    const content = canonicalBytesOf(parsed, items)
    const raw = this.heldRaw + content.byteLength <= this.rawBudget
    if (raw) this.heldRaw += content.byteLength
    this.fresh.set(key, {
      entry: {
        kind: 'evidence-set',
        id: key,
        source: key.slice(key.indexOf(':', key.indexOf(':') + 1) + 1),
        collector: key.slice(0, key.indexOf(':')),
        collectorVersion: this.version,
        collectedAt: this.collectedAt,
        effectiveAt: this.collectedAt,
      },
      held: raw
        ? { bytes: content, hash: sha256(content) }
        : { bytes: compact(deflateRawSync(content, { level: 1 })), hash: sha256(content), deflated: true },
    })
  }

  /**
   * The canonical bytes an evidence item was given when its parse result was serialised, when the
   * item is still that object and of a kind nothing changes after parsing (unchangedAfterParsing); taken
   * once: the caller holds them from then on. Undefined otherwise (the caller serialises the item).
   */
  itemBytes(item: EvidenceItem): Buffer | undefined {
    const bytes = this.parsedItems.get(item)
    if (bytes !== undefined) this.parsedItems.delete(item)
    return bytes
  }

  /** Lets go of the item bytes not taken (the run's evidence is written). */
  releaseItems(): void {
    this.parsedItems.clear()
  }

  /** Canonical bytes of items kept for itemBytes, by item, up to heldItemBytes in all. */
  private readonly parsedItems = new Map<EvidenceItem, Buffer>()
  private parsedItemsBytes = 0

  private keepItemBytes(item: EvidenceItem, bytes: Buffer): Buffer {
    if (unchangedAfterParsing(item) && this.parsedItemsBytes + bytes.byteLength <= heldItemBytes) {
      this.parsedItemsBytes += bytes.byteLength
      this.parsedItems.set(item, bytes)
    }
    return bytes
  }

  /**
   * The records to append to the run, one per input parsed in it, each with its content as it was
   * serialised when parsed. Lazy: a compressed content is expanded only when its record is taken, so
   * the run's writer holds a slice of them at a time, not the whole estate's.
   */
  *entries(): Generator<LedgerEntry> {
    for (const held of this.fresh.values()) yield recordOf(held)
  }

  /**
   * entries() for the run's writer, each content let go once taken: what the writer has appended no
   * longer sits beside the findings and model it writes next. A second call is a defect, not an
   * empty list of records.
   */
  *takeEntries(): Generator<LedgerEntry> {
    if (this.taken) throw new Error('the parse results were already taken for recording')
    this.taken = true
    for (const held of this.fresh.values()) {
      const entry = recordOf(held)
      // The hash stays: remembered() names the result by it once the run is committed.
      held.held = { bytes: emptyBytes, hash: held.held.hash }
      yield entry
    }
  }

  private taken = false

  /** What to remember once the run is committed. */
  remembered(): { key: string; blobRef: string }[] {
    return [...this.fresh].map(([key, { held }]) => ({
      key: this.storeKey(key),
      blobRef: `sha256:${held.hash}`,
    }))
  }

  /** Bytes of parse results held uncompressed before the rest is compressed (tests set it low). */
  rawBudget = heldRawBudget
}

/**
 * Parse results are held until the run is recorded. The first 16 MiB are held as they are (a 10k-object
 * estate fits: no time spent compressing); past that, each is held compressed (Kubernetes results
 * shrink about 7×): at 100k objects they were 56 MB held beside the evidence, they are now about 20.
 */
export const heldRawBudget = 16 * 1024 * 1024

/**
 * Item bytes kept from parsing for the evidence records, up to this many (16 MiB): a 10k-object estate's
 * Kubernetes items (~6 MB) are serialised once, not once for the parse cache and again for the ledger;
 * a larger estate keeps no more than this beside its evidence and serialises the rest again.
 */
export const heldItemBytes = 16 * 1024 * 1024

/**
 * Kinds that nothing changes between parsing and recording: the Kubernetes collector's, and the secrets
 * scan's findings (made whole, allowance included, before a shard's are handed to the cache; the scan's
 * summary is made after and never cached). Other items may be (a Dockerfile's copies are annotated in
 * place after every file is read), and reusing their parse-time bytes would record an item other than
 * the one assessed, so theirs are made again.
 */
function unchangedAfterParsing(item: EvidenceItem): boolean {
  return item.kind.startsWith('k8s.') || item.kind === 'secret.finding'
}

const emptyBytes = Buffer.alloc(0)

/**
 * The record of a result parsed in this run, its content as it was serialised when parsed (expanded
 * here if it was held compressed) and hashed then: the ledger does not hash the content again.
 */
const recordOf = ({
  entry,
  held,
}: {
  entry: Omit<LedgerEntry, 'content'>
  held: HeldBytes
}): LedgerEntry => ({
  ...entry,
  content: held.deflated === true ? inflateRawSync(held.bytes) : held.bytes,
  contentHash: held.hash,
})

/**
 * The bytes in a buffer of their own size: zlib hands back a view of its 16 KiB output chunk, and each
 * such view held a whole chunk alive for a result that compressed to a tenth of it.
 */
const compact = (bytes: Buffer): Buffer => {
  const own = Buffer.allocUnsafeSlow(bytes.byteLength)
  bytes.copy(own)
  return own
}

/** One parse result's canonical bytes as held until recorded: as they are, or compressed (deflate). */
interface HeldBytes {
  bytes: Buffer
  /** SHA-256 of the canonical bytes (not of the compressed ones). */
  hash: string
  deflated?: true
}

/**
 * Whether the run that recorded a cached result is sealed by the pinned key (or a key it endorsed),
 * with the result before its manifest. The keys are read once, each run's seal once.
 */
export class SealedRuns {
  private trusted: Promise<Map<string, string>> | undefined
  private readonly seals = new Map<number, Promise<RunSeal>>()
  /** Each sealed run's records up to its manifest, as scanned for the seal (fields, no blobs). */
  private readonly scanned = new Map<number, LedgerRecord[]>()
  /** Why results were not reused although a sealed run recorded them (each reason once). */
  readonly untrusted = new Set<string>()

  constructor(
    private readonly store: AssessmentStore,
    /** The trust root's fingerprint (hex): the pinned key, or failing a pin the key this run signs with. */
    private readonly rootKey: string,
  ) {}

  /** The trusted keys, read once from the ledger's signing-key records. */
  private trustedKeys(): Promise<Map<string, string>> {
    this.trusted ??= (async () => {
      const records: SealedRecord[] = []
      for await (const scanned of this.store.scan({ kinds: ['signing-key'] })) records.push(scanned)
      return trustedSigningKeys(records, this.rootKey)
    })()
    return this.trusted
  }

  /** Whether a run's manifest is signed by a trusted key over the run's records; once per run. */
  private sealOf(runId: number): Promise<RunSeal> {
    let seal = this.seals.get(runId)
    if (seal === undefined) {
      seal = (async () => {
        const trusted = await this.trustedKeys()
        const records: SealedRecord[] = []
        // Record fields only: their hashes are what the manifest signed (a blob is bound to its record
        // through contentHash, and the reused blob was checked against it). Only the manifest is read.
        for await (const { record } of this.store.scan({ runId, withBlobs: false })) {
          if (record.kind !== 'manifest') {
            records.push({ record })
            continue
          }
          // Records after the first manifest are no part of what it signed.
          records.push({ record, blob: await this.store.blob(record.blobRef) })
          break
        }
        const seal = runSeal(runId, records, trusted)
        if (seal.ok)
          this.scanned.set(
            runId,
            records.map((r) => r.record),
          )
        return seal
      })()
      this.seals.set(runId, seal)
    }
    return seal
  }

  /**
   * The records of a run sealed by a trusted key, up to its manifest, in order (their fields, which
   * the seal proved are what the manifest signed); undefined when the run is not one so sealed. One
   * scan serves the seal and the caller (a whole-run repeat reads the run's records list this way).
   */
  async sealedRecords(runId: number): Promise<readonly LedgerRecord[] | undefined> {
    const seal = await this.sealOf(runId)
    if (!seal.ok) {
      this.untrusted.add(seal.reason)
      return undefined
    }
    return this.scanned.get(runId)
  }

  /**
   * The records a run's manifest anchors (RunManifest.anchors), in order, when a trusted key signed
   * the manifest and each record, read alone by its position, is the one anchored; undefined when
   * the manifest anchors nothing (older ledgers) or anything does not match: the caller then asks
   * sealedRecords, which proves the whole run. Reads the manifest and the anchored records only.
   */
  async anchoredRecords(runId: number): Promise<readonly LedgerRecord[] | undefined> {
    let manifest: SealedRecord | undefined
    // The run's first manifest: records after it are no part of what it signed.
    for await (const scanned of this.store.scan({ runId, kinds: ['manifest'] })) {
      manifest = scanned
      break
    }
    if (manifest === undefined) return undefined
    const signed = signedAnchors(runId, manifest, await this.trustedKeys())
    if (!signed.ok) return undefined
    const records: LedgerRecord[] = []
    for (const { seq } of signed.anchors) {
      for await (const { record } of this.store.scan({ fromSeq: seq, toSeq: seq, withBlobs: false }))
        records.push(record)
    }
    return anchoredRecordsValid(runId, signed.manifestSeq, signed.anchors, records) ? records : undefined
  }

  /** True when the record that vouches for a cached result lies in a trusted, sealed run, before its manifest. */
  async vouches(hit: { runId: number; seq: number }): Promise<boolean> {
    const seal = await this.sealOf(hit.runId)
    if (seal.ok && hit.seq <= seal.manifestSeq) return true
    this.untrusted.add(seal.ok ? `run ${hit.runId}: the result was recorded after its manifest` : seal.reason)
    return false
  }
}

/**
 * What a parse result depends on besides the input's bytes: the collector's parser version and the
 * evidence schema version, as a short hash. Within one tool version a parser fix or a changed
 * evidence shape still gets a new key, so a stale parse is never reused. A collector with no
 * recorded parser version is keyed as `unversioned` (its results still change with the tool version).
 */
export function parserFingerprint(
  collector: string,
  parsers: Readonly<Record<string, number>> = parserVersions,
  evidence: number = evidenceSchemaVersion,
): string {
  const shipped = parsers === parserVersions && evidence === evidenceSchemaVersion
  const known = shipped ? shippedFingerprints.get(collector) : undefined
  if (known !== undefined) return known
  const versions = { collector, parser: parsers[collector] ?? 'unversioned', evidence }
  const fingerprint = sha256(JSON.stringify(versions)).slice(0, 16)
  if (shipped) shippedFingerprints.set(collector, fingerprint)
  return fingerprint
}

/**
 * parserFingerprint of the shipped versions by collector, made once: a first run on a 5,000-file tree
 * asks it for each of its 351 secrets cache entries (a hash of the same text each time).
 */
const shippedFingerprints = new Map<string, string>()

/**
 * The cache key under which a parse result is remembered: tool version, parser fingerprint, then the
 * input's key (`<collector>:<sha256>:<file>`).
 */
export function parseStoreKey(
  toolVersion: string,
  key: string,
  parsers: Readonly<Record<string, number>> = parserVersions,
): string {
  const collector = key.slice(0, Math.max(0, key.indexOf(':')))
  return `parse:${toolVersion}:${parserFingerprint(collector, parsers)}:${key}`
}

const storedParseSchema = z.object({
  isManifest: z.boolean(),
  // The reader that recognised the input when not the one its name chose (a YAML CloudFormation
  // template found by a Kubernetes walk): without it a reused result was reported as Kubernetes.
  collector: z.string().exactOptional(),
  items: z.array(z.number().int().nonnegative()).exactOptional(),
  evidence: z.array(z.unknown()),
  errors: z.array(
    z.object({
      file: z.string(),
      line: z.number().int().exactOptional(),
      message: z.string(),
      hint: z.string().exactOptional(),
      kinds: z.array(z.enum(evidenceKinds)).exactOptional(),
    }),
  ),
})

/**
 * A stored parse result, parsed again with the evidence registry; anything that is not one (an older
 * layout, a hand-edited blob) is no result at all, so the input is simply parsed afresh.
 */
function parsedInputOf(value: unknown): ParsedInput | undefined {
  const stored = storedParseSchema.safeParse(value)
  if (!stored.success) return undefined
  const evidence: EvidenceItem[] = []
  for (const item of stored.data.evidence) {
    const checked = checkEvidence(item)
    if (!checked.ok) return undefined
    evidence.push(checked.item)
  }
  return {
    isManifest: stored.data.isManifest,
    evidence,
    errors: stored.data.errors,
    ...(stored.data.collector === undefined ? {} : { collector: stored.data.collector }),
    ...(stored.data.items === undefined ? {} : { items: stored.data.items }),
  }
}
