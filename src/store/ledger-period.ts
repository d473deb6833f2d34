import type { SignedManifest, Signer } from '../core/ledger-manifest.js'
import {
  buildPopulation,
  evidenceKindOf,
  type Population,
  type PopulationMember,
} from '../core/ledger-population.js'
import type { AssessmentStore } from '../core/store.js'
import { recordSingleEntryRun } from './ledger-operations.js'

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
  for await (const { record } of store.scan({ kinds: ['evidence', 'attestation'], toSeq: chainHead.seq })) {
    const evidenceKind = record.kind === 'attestation' ? 'attestation' : evidenceKindOf(record.id)
    const day = record.effectiveAt.slice(0, 10)
    const wanted = record.kind === 'attestation' ? attestations.has(record.id) : kinds.has(evidenceKind)
    const sealed = sealedAt.get(record.runId)
    if (sealed === undefined || record.seq > sealed || !wanted || day < request.from || day > request.to)
      continue
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
