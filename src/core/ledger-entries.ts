import type { AssessmentModel } from './assessment.js'
import { canonicalBytesOf } from './canonical-json.js'
import { StoreError } from './errors.js'
import type { EvidenceItem } from './evidence.js'
import type { FindingsView } from './findings-columns.js'
import { findingsPartBytes } from './findings-part.js'
import { canonicalBytes, type LedgerEntry, RecordDigest, sha256 } from './ledger.js'
import { endorseKey, type ManifestAnchor, type RunManifest, type Signer } from './ledger-manifest.js'

/** Who wrote the records and when: the same for every record of one run. */
export interface EntryContext {
  collectedAt: string
  toolVersion: string
}

/**
 * The record that puts a public key in the ledger, so manifests signed with it can be checked. Every
 * key after the first must be endorsed by the key it replaces (`previous`).
 */
export function signingKeyEntry(signer: Signer, context: EntryContext, previous?: Signer): LedgerEntry {
  return {
    kind: 'signing-key',
    id: signer.fingerprint,
    source: 'trustctl',
    collector: 'trustctl',
    collectorVersion: context.toolVersion,
    collectedAt: context.collectedAt,
    effectiveAt: context.collectedAt,
    content: canonicalBytes({
      publicKeyPem: signer.publicKeyPem,
      ...(previous === undefined ? {} : { endorsement: endorseKey(signer, previous) }),
    }),
  }
}

/** The first record of a run. */
export function runStartEntry(runId: number, context: EntryContext): LedgerEntry {
  return {
    kind: 'run-start',
    id: `run-${runId}`,
    source: 'trustctl',
    collector: 'trustctl',
    collectorVersion: context.toolVersion,
    collectedAt: context.collectedAt,
    effectiveAt: context.collectedAt,
    content: canonicalBytes({ runId, startedAt: context.collectedAt, toolVersion: context.toolVersion }),
  }
}

/** The name an evidence item is recorded under: its kind and subject. */
export function evidenceId(item: EvidenceItem): string {
  const ns = item.namespace === undefined ? '' : `${item.namespace}/`
  return `${item.kind}:${ns}${item.name}`
}

/** Fields that say when an item is true of the system, most specific first (a merge, a log event). */
const effectiveFields = ['mergedAt', 'committedAt', 'time', 'effectiveAt'] as const

/** When an evidence item is true of the system: its own date when it has one, else the collection time. */
export function effectiveAtOf(item: EvidenceItem, collectedAt: string): string {
  const fields = item as unknown as Record<string, unknown>
  for (const field of effectiveFields) {
    const value = fields[field]
    if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return value
  }
  return collectedAt
}

/**
 * One record per evidence item (identical items once), then an evidence set listing what the run
 * read. `collectorOf` names the collector that read a file.
 */
export function evidenceEntries(
  items: readonly EvidenceItem[],
  collectorOf: (file: string) => string,
  context: EntryContext,
  /** Hashes of items already recorded, shared when a long list is turned into entries a slice at a time. */
  seen = new Set<string>(),
): LedgerEntry[] {
  const entries: LedgerEntry[] = []
  for (const item of items) {
    const content = canonicalBytes(item)
    // Keyed by hash, not by text: the set would otherwise hold every item's bytes a second time.
    const key = sha256(content)
    if (seen.has(key)) continue
    seen.add(key)
    entries.push(evidenceEntry(item, content, collectorOf(item.file), context, key))
  }
  return entries
}

/** The record of one evidence item whose canonical bytes are `content`. */
export function evidenceEntry(
  item: EvidenceItem,
  content: Uint8Array,
  collector: string,
  context: EntryContext,
  /** SHA-256 of `content` when the caller computed it already: the ledger then does not hash it again. */
  contentHash?: string,
): LedgerEntry {
  return {
    kind: 'evidence',
    id: evidenceId(item),
    source: item.file,
    collector,
    collectorVersion: context.toolVersion,
    collectedAt: context.collectedAt,
    effectiveAt: effectiveAtOf(item, context.collectedAt),
    content,
    ...(contentHash === undefined ? {} : { contentHash }),
  }
}

/**
 * The id of the evidence-set record that lists, by content hash and in order, every evidence item a
 * run read, whether recorded in the run itself or, because an earlier run recorded the same content,
 * only listed (an unchanged re-run records none). Every assessment run that read evidence writes one
 * (runs before the manifest anchors did so only when some item was not recorded in the run): its
 * manifest anchors it, so a run that repeats this one reads the list, not every evidence record.
 * Without one, a run's evidence is its own records.
 */
export const runEvidenceId = 'run-evidence'

/** The evidence-set record listing a run's evidence by content hash (see runEvidenceId). */
export function runEvidenceEntry(hashes: readonly string[] | Uint8Array, context: EntryContext): LedgerEntry {
  return {
    kind: 'evidence-set',
    id: runEvidenceId,
    source: 'trustctl',
    collector: 'trustctl',
    collectorVersion: context.toolVersion,
    collectedAt: context.collectedAt,
    effectiveAt: context.collectedAt,
    // A list of hex strings under one key is canonical as JSON.stringify writes it: 10k hashes need no
    // walk by the canonical writer. Bytes given are such a list already (a repeat's, proved by hash).
    content: hashes instanceof Uint8Array ? hashes : Buffer.from(JSON.stringify({ evidence: hashes })),
  }
}

/** Who wrote an assessment's own records (attestations, findings, the model) and when. */
export function assessmentBase(context: EntryContext) {
  return {
    source: 'trustctl',
    collector: 'trustctl',
    collectorVersion: context.toolVersion,
    collectedAt: context.collectedAt,
  }
}

/** One record per dated manual attestation of the model's controls. */
export function attestationEntries(model: AssessmentModel, context: EntryContext): LedgerEntry[] {
  const base = assessmentBase(context)
  return model.controls.flatMap((control) =>
    control.manualEvidence
      .filter((m) => m.lastDate !== undefined)
      .map(
        (m): LedgerEntry => ({
          ...base,
          kind: 'attestation',
          id: `${control.id}:${m.id}`,
          source: m.by ?? 'trustctl.yaml',
          collector: 'attestation',
          effectiveAt: m.lastDate ?? context.collectedAt,
          content: canonicalBytes({ control: control.id, ...m }),
        }),
      ),
  )
}

/**
 * Findings per `findings` record, written in the compact layout (findings-part.ts; older records hold
 * the plain list). The findings are most of a model (about 360 bytes each written out; a 100k-object
 * estate has close to a million), so they are kept as many records of a bounded size: a run never holds
 * one giant string, and the store writes and reads them a part at a time.
 */
export const findingsPerRecord = 10_000

/** One part of a model's findings as the assessment record lists it: the record's id, hash and size. */
export interface FindingsPart {
  id: string
  contentHash: string
  count: number
}

/**
 * What the assessment record keeps in place of its findings: the parts in order. The model's hash
 * covers these hashes, so the findings are bound to the signed model as firmly as when inline.
 */
export interface FindingsParts {
  count: number
  parts: FindingsPart[]
}

/** The `findings` record of findings `index * findingsPerRecord` onwards (one part of the model's). */
export function findingsEntry(
  findings: FindingsView,
  index: number,
  model: Pick<AssessmentModel, 'asOf'>,
  context: EntryContext,
): LedgerEntry {
  const content = findingsPartBytes(
    findings.slice(index * findingsPerRecord, (index + 1) * findingsPerRecord),
  )
  return {
    ...assessmentBase(context),
    kind: 'findings',
    id: `findings:${index}`,
    effectiveAt: model.asOf,
    content,
    // Hashed once, here: the model lists the part by it (findingsPartOf) and the ledger records it.
    contentHash: sha256(content),
  }
}

/** The part an appended findings record makes. */
export function findingsPartOf(entry: LedgerEntry, count: number): FindingsPart {
  return { id: entry.id, contentHash: entry.contentHash ?? sha256(entry.content), count }
}

/**
 * The model's own record: everything but the findings, which it lists by part (findingsEntry), and
 * its generatedAt, which is the record's own collectedAt (modelOfRecord gives it back). Without the
 * time, an unchanged re-run's model is byte-identical to the last one's, so the content-addressed
 * blob store keeps it once instead of a copy per run (~700 kB a run on a small repository, ~2 MB on
 * 10k objects). Readers take every layout: models recorded before parts existed hold `findings`
 * inline, and models recorded before this hold their own `generatedAt`.
 */
export function assessmentEntry(
  model: AssessmentModel,
  findings: FindingsParts,
  context: EntryContext,
): LedgerEntry {
  // The time is kept in the record alone, so it must be the model's: else the model would read back
  // with another time than it was generated at (recording checks this too, AssessmentRecording).
  if (model.generatedAt !== context.collectedAt)
    throw new StoreError(
      `the assessment is recorded as collected at ${context.collectedAt}, but its model was generated at ${model.generatedAt}`,
    )
  const rest = storedModelFields(model)
  return {
    ...assessmentBase(context),
    kind: 'assessment',
    id: 'assessment',
    effectiveAt: model.asOf,
    content: canonicalBytesOf({ ...rest, findingsParts: findings }),
  }
}

/** The model's fields an assessment record's content leaves out (see assessmentEntry). */
const modelFieldsOfRecord = ['findings', 'generatedAt'] as const

/**
 * Every own enumerable property of the model but those the record keeps elsewhere: the findings, which
 * are not read (they may still be columns, findings-columns.ts, made into a million objects only when
 * something reads them), and generatedAt, which is the record's collectedAt.
 */
function storedModelFields(model: AssessmentModel): Omit<AssessmentModel, 'findings' | 'generatedAt'> {
  const rest: Record<string, unknown> = {}
  for (const key of Object.keys(model))
    if (!(modelFieldsOfRecord as readonly string[]).includes(key))
      rest[key] = model[key as keyof AssessmentModel]
  return rest as Omit<AssessmentModel, 'findings' | 'generatedAt'>
}

/**
 * A model as an assessment record's content holds it, with its generatedAt: its own when the content
 * has one (recorded before the time was kept in the record alone: read exactly as it was), else the
 * record's collectedAt, which is hashed into the record and chained. The time goes where the canonical
 * layout puts it (keys in order), so the model reads back with the keys it was recorded with.
 * Every reader of an assessment record's content that hands the model on goes through here.
 */
export function modelOfRecord<T extends object>(
  record: { collectedAt: string },
  stored: T,
): T & { generatedAt: string } {
  const own = (stored as { generatedAt?: unknown }).generatedAt
  if (typeof own === 'string') return stored as T & { generatedAt: string }
  const model: Record<string, unknown> = {}
  let placed = false
  for (const [key, value] of Object.entries(stored)) {
    if (!placed && key > 'generatedAt') {
      model.generatedAt = record.collectedAt
      placed = true
    }
    if (key !== 'generatedAt') model[key] = value
  }
  if (!placed) model.generatedAt = record.collectedAt
  return model as T & { generatedAt: string }
}

/** The manifest that closes a run, before signing. */
export function composeManifest(input: {
  runId: number
  startedAt: string
  finishedAt: string
  recordHashes: Iterable<string>
  head: { seq: number; hash: string }
  keyFingerprint: string
  /** The run's anchored records (manifestAnchors); none: the manifest has no anchors field. */
  anchors?: readonly ManifestAnchor[]
}): RunManifest {
  const digest = new RecordDigest()
  for (const hash of input.recordHashes) digest.add(hash)
  return {
    format: 1,
    runId: input.runId,
    startedAt: input.startedAt,
    finishedAt: input.finishedAt,
    recordCount: digest.count,
    recordsDigest: digest.digest(),
    chainLength: input.head.seq,
    chainHead: input.head.hash,
    keyFingerprint: input.keyFingerprint,
    ...(input.anchors === undefined || input.anchors.length === 0 ? {} : { anchors: [...input.anchors] }),
  }
}
