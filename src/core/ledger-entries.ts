import type { AssessmentModel } from './assessment.js'
import { canonicalBytesOf } from './canonical-json.js'
import type { EvidenceItem } from './evidence.js'
import { canonicalBytes, type LedgerEntry, RecordDigest, sha256 } from './ledger.js'
import { endorseKey, type RunManifest, type Signer } from './ledger-manifest.js'

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
    entries.push({
      kind: 'evidence',
      id: evidenceId(item),
      source: item.file,
      collector: collectorOf(item.file),
      collectorVersion: context.toolVersion,
      collectedAt: context.collectedAt,
      effectiveAt: effectiveAtOf(item, context.collectedAt),
      content,
    })
  }
  return entries
}

/** The records that close an assessment: manual attestations, the finding set and the model. */
export function assessmentEntries(model: AssessmentModel, context: EntryContext): LedgerEntry[] {
  const base = {
    source: 'trustctl',
    collector: 'trustctl',
    collectorVersion: context.toolVersion,
    collectedAt: context.collectedAt,
  }
  const manual = model.controls.flatMap((control) =>
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
  // The findings are most of the model: their bytes are made once and spliced into the model's.
  const findings = canonicalBytesOf(model.findings)
  return [
    ...manual,
    {
      ...base,
      kind: 'findings',
      id: 'findings',
      effectiveAt: model.asOf,
      content: findings,
    },
    {
      ...base,
      kind: 'assessment',
      id: 'assessment',
      effectiveAt: model.asOf,
      content: canonicalBytesOf(model, new Map([[model.findings, findings]])),
    },
  ]
}

/** The manifest that closes a run, before signing. */
export function composeManifest(input: {
  runId: number
  startedAt: string
  finishedAt: string
  recordHashes: Iterable<string>
  head: { seq: number; hash: string }
  keyFingerprint: string
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
  }
}
