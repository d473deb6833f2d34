import { accessReviewEvidence } from '../../app/access-review.js'
import { assessmentRuns, recordAssessment, runEvidence } from '../../app/ledger.js'
import { cacheRootKey } from '../../app/ledger-trust.js'
import type { LoadedConfig } from '../../app/load-config.js'
import { StoredParseCache } from '../../app/parse-cache.js'
import { policyAcceptanceEvidence } from '../../app/policy-acceptance.js'
import type { CollectedInput, FileCollection } from '../../app/run-assessment.js'
import { assessCollection, collectConfiguredSources } from '../../app/run-assessment.js'
import { toolVersion } from '../../app/version.js'
import { canonicalJson } from '../../core/canonical-json.js'
import type { Config } from '../../core/config.js'
import { StoreError } from '../../core/errors.js'
import type { CollectionError } from '../../core/evidence.js'
import { sha256 } from '../../core/ledger.js'
import type { AssessmentStore } from '../../core/store.js'
import type { TeamStore } from '../../core/team.js'
import { findingRows, runSummaryOf } from '../../core/team-rows.js'
import type { ServerContext } from '../context.js'
import { type JobProgress, jobHandlers } from '../jobs.js'
import { type PushSetContent, pushSource } from '../push.js'

/** A collector's latest collection, as it pushed it (in one batch or several). */
export interface PushedCollection {
  collector: string
  collectedAt: string
  runIds: number[]
  collection: FileCollection
}

/** The evidence set a push run recorded, read back and checked against its hash. */
async function pushSet(
  ledger: AssessmentStore,
  runId: number,
  collector: string,
): Promise<PushSetContent | undefined> {
  for await (const { record, blob } of ledger.scan({ runId, kinds: ['evidence-set'] })) {
    if (record.id !== pushSource(collector)) continue
    if (blob === undefined || sha256(blob) !== record.contentHash)
      throw new StoreError(
        `run ${runId}: the push record ${record.seq} does not match its blob; the store was altered`,
      )
    return JSON.parse(Buffer.from(blob).toString('utf8')) as PushSetContent
  }
  return undefined
}

/**
 * The latest collection of every collector that pushed. One `collect --push` may send several
 * batches; they share the collection time, so a collector's latest collection is its newest push
 * runs with the newest push's collection time.
 */
export async function latestPushes(ledger: AssessmentStore, team: TeamStore): Promise<PushedCollection[]> {
  const byCollector = new Map<string, number[]>()
  for (const receipt of await team.pushReceipts()) {
    const runs = byCollector.get(receipt.collector) ?? []
    runs.push(receipt.runId)
    byCollector.set(receipt.collector, runs)
  }
  const out: PushedCollection[] = []
  for (const [collector, runIds] of [...byCollector].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    let latest: { collectedAt: string; sets: { runId: number; set: PushSetContent }[] } | undefined
    for (const runId of [...runIds].sort((a, b) => b - a)) {
      const set = await pushSet(ledger, runId, collector)
      if (set === undefined) continue
      if (latest === undefined) latest = { collectedAt: set.collectedAt, sets: [] }
      else if (set.collectedAt !== latest.collectedAt) break
      latest.sets.push({ runId, set })
    }
    if (latest === undefined) continue
    const collection: FileCollection = { evidence: [], errors: [], inputs: [] }
    for (const { runId, set } of latest.sets.reverse()) {
      for (const { item } of await runEvidence(ledger, runId)) collection.evidence.push(item)
      // Read back from JSON: optional fields are absent, never undefined.
      collection.errors.push(...(set.errors as CollectionError[]))
      collection.inputs.push(...(set.inputs as CollectedInput[]))
    }
    out.push({
      collector,
      collectedAt: latest.collectedAt,
      runIds: latest.sets.map((s) => s.runId),
      collection,
    })
  }
  return out
}

/**
 * Adds pushed collections to the server's own. Identical evidence (two clusters reporting the same
 * manifest, a file the server also reads) is assessed once.
 */
export function mergeCollections(own: FileCollection, pushed: readonly PushedCollection[]): FileCollection {
  const merged: FileCollection = {
    evidence: [...own.evidence],
    errors: [...own.errors],
    inputs: [...own.inputs],
  }
  const seen = new Set(own.evidence.map((item) => canonicalJson(item)))
  for (const push of pushed) {
    for (const item of push.collection.evidence) {
      const key = canonicalJson(item)
      if (seen.has(key)) continue
      seen.add(key)
      merged.evidence.push(item)
    }
    merged.errors.push(
      ...push.collection.errors.map((e) => ({ ...e, message: `${push.collector}: ${e.message}` })),
    )
    merged.inputs.push(...push.collection.inputs)
  }
  return merged
}

/** What an attestation recorded through the server holds (routes/evidence.ts). */
interface ServerAttestation {
  id: string
  lastDate: string
  by: string
  reference?: string
  recordedBy: string
}

/**
 * Attestations people recorded through the server (`POST /api/attestations`), as trustctl.yaml
 * entries, so the next assessment counts them. Those an assessment itself recorded (copies of the
 * file's own) are skipped: they are already in the configuration.
 */
export async function serverAttestations(ledger: AssessmentStore): Promise<Config['attestations']> {
  const assessed = new Set(await assessmentRuns(ledger))
  const out: Config['attestations'] = []
  for await (const { record, blob } of ledger.scan({ kinds: ['attestation'] })) {
    if (assessed.has(record.runId)) continue
    if (blob === undefined || sha256(blob) !== record.contentHash)
      throw new StoreError(`attestation record ${record.seq} does not match its blob; the store was altered`)
    const content = JSON.parse(Buffer.from(blob).toString('utf8')) as ServerAttestation
    out.push({
      evidence: content.id,
      date: content.lastDate,
      by: content.by,
      ...(content.reference === undefined ? {} : { reference: content.reference }),
      note: `recorded through the trustctl server by ${content.recordedBy} (ledger record ${record.seq})`,
    })
  }
  return out
}

/** The configuration with the server's attestations added to the file's. */
async function withServerAttestations(loaded: LoadedConfig, ledger: AssessmentStore): Promise<LoadedConfig> {
  const recorded = await serverAttestations(ledger)
  if (recorded.length === 0) return loaded
  const config = { ...loaded.config, attestations: [...loaded.config.attestations, ...recorded] }
  return { ...loaded, config }
}

const steps = [
  'collecting the configured sources',
  'reading pushed evidence',
  'assessing',
  'recording the run',
  'indexing findings',
]

/**
 * The server's assessment: its own configured sources and the latest push of every collector,
 * assessed together, recorded as a signed run, its findings indexed and its trend figures saved.
 * Pushed evidence older than its freshness window is still used: the assessment marks it stale.
 */
export async function assessOnServer(
  context: ServerContext,
  progress: JobProgress = () => undefined,
): Promise<{
  runId: number
  evidence: number
  pushes: { collector: string; collectedAt: string; items: number }[]
}> {
  const now = context.now()
  const step = (i: number) => progress(i, steps.length, steps[i] ?? '')
  step(0)
  const parseCache = new StoredParseCache(
    context.ledger,
    toolVersion(),
    now.toISOString(),
    cacheRootKey(context.loaded, context.signer),
  )
  const own = await collectConfiguredSources(context.loaded, context.env, now, parseCache)
  step(1)
  const pushed = await latestPushes(context.ledger, context.team)
  const merged = mergeCollections(own, pushed)
  // Access-review campaigns are in the server's ledger, as `trustctl access-review` recorded them.
  const reviews = await accessReviewEvidence(context.ledger, now)
  // Policy acceptances made in the dashboard are there too, beside the CSV exports' rows.
  const acceptances = await policyAcceptanceEvidence(context.ledger, now)
  const collection = { ...merged, evidence: [...merged.evidence, ...reviews, ...acceptances] }
  step(2)
  const loaded = await withServerAttestations(context.loaded, context.ledger)
  const model = await assessCollection(loaded, context.library, now, collection)
  step(3)
  const { runId } = await recordAssessment(context.ledger, {
    model,
    evidence: collection.evidence,
    inputs: collection.inputs,
    signer: context.signer,
    toolVersion: toolVersion(),
    extraEntries: parseCache.entries(),
    remember: parseCache.remembered(),
  })
  step(4)
  await context.team.indexFindings(runId, findingRows(model))
  await context.team.saveRunSummary(runSummaryOf(runId, model))
  return {
    runId,
    evidence: collection.evidence.length,
    pushes: pushed.map((p) => ({
      collector: p.collector,
      collectedAt: p.collectedAt,
      items: p.collection.evidence.length,
    })),
  }
}

jobHandlers.assess = async (_parameters, progress, context) => assessOnServer(context, progress)
