import type { LedgerRecord } from '../core/ledger.js'
import { runEvidenceId } from '../core/ledger-entries.js'
import type { SignedManifest, Signer } from '../core/ledger-manifest.js'
import {
  buildPopulation,
  evidenceKindOf,
  type Population,
  type PopulationMember,
} from '../core/ledger-population.js'
import type { AssessmentStore } from '../core/store.js'
import { evidenceList, recordSingleEntryRun } from './ledger-operations.js'

/** What a population is drawn for: a control, the evidence kinds its tests read, and a period. */
export interface PopulationRequest {
  control: string
  kinds: readonly string[]
  /** Manual evidence the control asks for: attestation records `<control>:<evidence id>`. */
  attestations: readonly string[]
  /** Inclusive calendar dates, YYYY-MM-DD. */
  from: string
  to: string
  extractedAt: string
}

/**
 * Every evidence item of the control's kinds that was true of the system in the period, from signed
 * runs only (an interrupted run proves nothing). One member per distinct content.
 */
export async function extractPopulation(
  store: AssessmentStore,
  request: PopulationRequest,
): Promise<Population> {
  // A signed run's members are the records between its start and its manifest: one appended after
  // the manifest was never covered by the signature (verify reports it) and is left out.
  const sealedAt = new Map(
    (await store.runs()).flatMap((r) =>
      r.status === 'complete' && r.manifestSeq !== undefined ? [[r.id, r.manifestSeq] as const] : [],
    ),
  )
  const kinds = new Set(request.kinds)
  const chainHead = await store.head()
  const members: PopulationMember[] = []
  const attestations = new Set(request.attestations.map((id) => `${request.control}:${id}`))
  // The first record of each content: what a later run that only lists the content (by hash) read.
  const firstOf = new Map<string, Pick<LedgerRecord, 'id' | 'source' | 'collectedAt' | 'effectiveAt'>>()
  for await (const { record } of store.scan({
    kinds: ['evidence', 'attestation', 'evidence-set'],
    toSeq: chainHead.seq,
    withBlobs: false,
  })) {
    const sealed = sealedAt.get(record.runId)
    const inSealedRun = sealed !== undefined && record.seq <= sealed
    if (record.kind === 'evidence-set') {
      // A re-run's list of what it read: each item listed is true of the system when the run read it
      // (or on its own date, when it has one), exactly as if the run had recorded it again.
      if (record.id !== runEvidenceId || !inSealedRun) continue
      for (const hash of await evidenceList(store, record)) {
        const first = firstOf.get(hash)
        if (first === undefined || !kinds.has(evidenceKindOf(first.id))) continue
        const ownDate = first.effectiveAt !== first.collectedAt
        const effectiveAt = ownDate ? first.effectiveAt : record.effectiveAt
        const day = effectiveAt.slice(0, 10)
        if (day < request.from || day > request.to) continue
        members.push({
          id: first.id,
          evidenceKind: evidenceKindOf(first.id),
          contentHash: hash,
          source: first.source,
          collectedAt: record.collectedAt,
          effectiveAt,
          seq: record.seq,
          runId: record.runId,
        })
      }
      continue
    }
    if (record.kind === 'evidence' && !firstOf.has(record.contentHash))
      firstOf.set(record.contentHash, {
        id: record.id,
        source: record.source,
        collectedAt: record.collectedAt,
        effectiveAt: record.effectiveAt,
      })
    const evidenceKind = record.kind === 'attestation' ? 'attestation' : evidenceKindOf(record.id)
    const day = record.effectiveAt.slice(0, 10)
    const wanted = record.kind === 'attestation' ? attestations.has(record.id) : kinds.has(evidenceKind)
    if (!inSealedRun || !wanted || day < request.from || day > request.to) continue
    members.push({
      id: record.id,
      evidenceKind,
      contentHash: record.contentHash,
      source: record.source,
      collectedAt: record.collectedAt,
      effectiveAt: record.effectiveAt,
      seq: record.seq,
      runId: record.runId,
    })
  }
  const what = [
    ...(kinds.size > 0 ? [`evidence of kind ${[...kinds].sort().join(', ')}`] : []),
    ...(attestations.size > 0 ? [`attestations ${[...attestations].sort().join(', ')}`] : []),
  ]
  const query = `${what.join(' and ') || 'nothing (the control reads no evidence)'} with an effective date from ${request.from} to ${request.to}, in signed runs, up to record ${chainHead.seq}`
  return buildPopulation(
    {
      control: request.control,
      from: request.from,
      to: request.to,
      query,
      extractedAt: request.extractedAt,
      chainHead,
    },
    members,
  )
}

/**
 * Records a population or a sample in the ledger as a run of its own, closed by a signed manifest,
 * so what was drawn can never be quietly redrawn.
 */
export async function recordDrawing(
  store: AssessmentStore,
  entry: { kind: 'population' | 'sample'; id: string; content: unknown; at: string },
  signer: Signer,
  toolVersion: string,
): Promise<{ runId: number; manifest: SignedManifest }> {
  return recordSingleEntryRun(store, { ...entry, source: 'ledger' }, signer, toolVersion)
}
