import { assessmentRuns } from '../app/ledger.js'
import type { AssessmentModel, ControlResult, CriterionResult } from '../core/assessment.js'
import { NotFoundError } from '../core/errors.js'
import type { EvidenceItem } from '../core/evidence.js'
import { type LedgerRecord, sha256 } from '../core/ledger.js'
import type { SignedManifest } from '../core/ledger-manifest.js'
import { evidenceKindOf } from '../core/ledger-population.js'
import type { RecordQuery, ScannedRecord, StoredRun } from '../core/store.js'
import type { AuditPeriod, RunSummary } from '../core/team.js'
import { runSummaryOf } from '../core/team-rows.js'
import type { ServerContext } from './context.js'
import type { EvidenceMeta, FailingSubject } from './contract/assessment.js'
import { commaList } from './contract/common.js'
import type { Actor } from './route.js'

/**
 * What the dashboard and the API read of an assessment: the run an actor may see, and the views of
 * its model (overview, controls, evidence). Choosing the run lives here, once, so that an auditor's
 * audit period is applied on every route that picks a run.
 */

/** The calendar day a run speaks for: its as-of date, else the day it was generated. */
export function runDay(run: { asOf?: string; generatedAt: string }): string {
  return (run.asOf ?? run.generatedAt).slice(0, 10)
}

/** Whether a run falls inside an audit period (inclusive); no period means every run. */
export function inAuditPeriod(run: { asOf?: string; generatedAt: string }, period?: AuditPeriod): boolean {
  if (period === undefined) return true
  const day = runDay(run)
  return day >= period.from && day <= period.to
}

/** A run the actor may not see: answered like a run that does not exist, so nothing is revealed. */
function hiddenRun(id: number): NotFoundError {
  return new NotFoundError(`no assessment run ${id}`)
}

/** Record kinds as strings: the ledger gains kinds (`change`) that older type versions do not list. */
type AnyKinds = NonNullable<RecordQuery['kinds']>
const kinds = (...names: string[]): AnyKinds => names as unknown as AnyKinds

/** Ids of the complete runs that recorded an assessment, oldest first. */
export function assessmentRunIds(context: ServerContext): Promise<number[]> {
  return assessmentRuns(context.ledger)
}

/**
 * The trend figures of every assessment run, oldest first. Runs assessed before the server kept
 * figures (or by the CLI) are summarised from their stored model once and the figures saved.
 */
export async function assessmentRunSummaries(context: ServerContext): Promise<RunSummary[]> {
  const ids = await assessmentRunIds(context)
  const saved = new Map((await context.team.runSummaries()).map((s) => [s.runId, s]))
  const out: RunSummary[] = []
  for (const id of ids) {
    let summary = saved.get(id)
    if (summary === undefined) {
      const run = await context.run(id)
      summary = runSummaryOf(id, run.model)
      await context.team.saveRunSummary(summary)
    }
    out.push(summary)
  }
  return out
}

/** The assessment runs an actor may see, oldest first. */
export async function visibleRunSummaries(context: ServerContext, actor: Actor): Promise<RunSummary[]> {
  const summaries = await assessmentRunSummaries(context)
  return summaries.filter((s) => inAuditPeriod(s, actor.auditPeriod))
}

/**
 * The run a request reads: the one asked for, else the latest. An auditor only reaches runs of the
 * audit period; any other run answers 404, exactly like a run that does not exist.
 */
export async function chooseRun(context: ServerContext, actor: Actor, runId?: number): Promise<StoredRun> {
  if (actor.auditPeriod === undefined) {
    if (runId !== undefined) {
      // A run that recorded no assessment (a push, a change) is not one to read here.
      if (!(await assessmentRunIds(context)).includes(runId)) throw hiddenRun(runId)
      return context.run(runId)
    }
    const latest = await context.latestRun()
    if (latest === undefined)
      throw new NotFoundError('no assessment has been recorded yet', { hint: 'run `trustctl assess` first' })
    return latest
  }
  const visible = await visibleRunSummaries(context, actor)
  if (runId !== undefined) {
    if (!visible.some((s) => s.runId === runId)) throw hiddenRun(runId)
    return context.run(runId)
  }
  const latest = visible.at(-1)
  if (latest === undefined)
    throw new NotFoundError(
      `no assessment run falls in the audit period ${actor.auditPeriod.from} to ${actor.auditPeriod.to}`,
    )
  return context.run(latest.runId)
}

/** The key and chain head that sealed a run, read from its signed manifest record. */
export async function runSeal(
  context: ServerContext,
  runId: number,
): Promise<{ runId: number; chainHead: string; publicKeyFingerprint: string }> {
  for await (const { record, blob } of context.ledger.scan({ runId, kinds: kinds('manifest') })) {
    if (blob === undefined || sha256(blob) !== record.contentHash) break
    const signed = JSON.parse(Buffer.from(blob).toString('utf8')) as SignedManifest
    return {
      runId,
      chainHead: signed.manifest.chainHead,
      publicKeyFingerprint: signed.manifest.keyFingerprint,
    }
  }
  return { runId, chainHead: '', publicKeyFingerprint: context.signer.fingerprint }
}

export interface OverviewCriterion {
  id: string
  title: string
  status: CriterionResult['status']
  readiness: number
  controls: string[]
}

export interface OverviewCategory {
  id: string
  title: string
  /** Mean readiness of the category's criteria in scope (not-applicable ones left out). */
  readiness: number
  criteria: OverviewCriterion[]
}

/** The readiness heatmap: categories in scope, each with its criteria. */
export function overviewCategories(
  model: Pick<AssessmentModel, 'criteria' | 'scope'>,
  categoryTitles: ReadonlyMap<string, string>,
): OverviewCategory[] {
  return model.scope.categories.map((category) => {
    const criteria = model.criteria.filter((c) => c.category === category)
    const applicable = criteria.filter((c) => c.status !== 'not-applicable')
    const readiness =
      applicable.length === 0
        ? 0
        : Math.round(applicable.reduce((sum, c) => sum + c.readiness, 0) / applicable.length)
    return {
      id: category,
      title: categoryTitles.get(category) ?? category,
      readiness,
      criteria: criteria.map((c) => ({
        id: c.id,
        title: c.title,
        status: c.status,
        readiness: c.readiness,
        controls: [...c.controls],
      })),
    }
  })
}

/** GET /api/overview: the run, the organisation, the summary, the heatmap and the ledger seal. */
export async function overviewOf(context: ServerContext, run: StoredRun) {
  const { model } = run
  const titles = new Map(context.library.catalog.framework.categories.map((c) => [c.id as string, c.title]))
  return {
    run: { id: run.id, generatedAt: model.generatedAt, asOf: model.asOf },
    configuredAsOf: context.loaded.config.scope.asOf,
    organization: model.organization,
    system: { name: model.system.name, description: model.system.description },
    summary: model.summary,
    categories: overviewCategories(model, titles),
    ledger: await runSeal(context, run.id),
  }
}

export interface ControlRow {
  id: string
  title: string
  family: string
  type: ControlResult['type']
  status: ControlResult['status']
  owner: string
  ownerRole: ControlResult['ownerRole']
  criteria: string[]
  tests: { total: number; passed: number; failed: number; noEvidence: number }
}

export interface ControlFilter {
  status?: readonly string[]
  family?: readonly string[]
  /** Case-insensitive part of the owner's name or role. */
  owner?: string
  /** Case-insensitive part of the id, title or statement. */
  q?: string
}

/** One row of the controls table. */
export function controlRow(control: ControlResult): ControlRow {
  return {
    id: control.id,
    title: control.title,
    family: control.family,
    type: control.type,
    status: control.status,
    owner: control.owner,
    ownerRole: control.ownerRole,
    criteria: [...control.criteria],
    tests: {
      total: control.tests.length,
      passed: control.tests.filter((t) => t.status === 'pass').length,
      failed: control.tests.filter((t) => t.status === 'fail').length,
      noEvidence: control.tests.filter((t) => t.status === 'no-evidence').length,
    },
  }
}

/** The controls table, filtered: values within one filter are ORed, filters ANDed. */
export function controlRows(model: Pick<AssessmentModel, 'controls'>, filter: ControlFilter): ControlRow[] {
  const owner = filter.owner?.toLowerCase()
  const q = filter.q?.toLowerCase()
  return model.controls
    .filter((c) => filter.status === undefined || filter.status.includes(c.status))
    .filter((c) => filter.family === undefined || filter.family.includes(c.family))
    .filter(
      (c) =>
        owner === undefined ||
        c.owner.toLowerCase().includes(owner) ||
        c.ownerRole.toLowerCase().includes(owner),
    )
    .filter(
      (c) =>
        q === undefined ||
        c.id.toLowerCase().includes(q) ||
        c.title.toLowerCase().includes(q) ||
        c.statement.toLowerCase().includes(q),
    )
    .map(controlRow)
}

/** A control of the run, or 404. */
export function controlOf(model: Pick<AssessmentModel, 'controls'>, id: string): ControlResult {
  const control = model.controls.find((c) => c.id === id)
  if (control === undefined) throw new NotFoundError(`no control '${id}' in this assessment`)
  return control
}

/** What a control's evidence is: the kinds its checks read, and its manual evidence records. */
export function controlEvidenceScope(
  control: ControlResult,
  checks: readonly { id: string; reads: readonly string[] }[],
): { kinds: Set<string>; attestations: Set<string> } {
  const tested = new Set(control.tests.map((t) => t.check))
  return {
    kinds: new Set(checks.filter((c) => tested.has(c.id)).flatMap((c) => [...c.reads])),
    attestations: new Set(control.manualEvidence.map((m) => `${control.id}:${m.id}`)),
  }
}

/** Ids of the gaps that name a control. */
/** How many failing subjects a control page lists; the findings page pages through the rest. */
export const failingShown = 200

/** The subjects the control's tests failed on, so its page names them instead of only counting them. */
export function controlFailures(
  model: Pick<AssessmentModel, 'findings'>,
  id: string,
): { failing: FailingSubject[]; failingTotal: number } {
  const failed = model.findings.filter((f) => f.status === 'fail' && f.controls.includes(id))
  return {
    failing: failed.slice(0, failingShown).map((f) => ({
      check: f.check,
      kind: f.subject.kind,
      name: f.subject.name,
      ...(f.subject.namespace === undefined ? {} : { namespace: f.subject.namespace }),
      file: f.subject.file,
      ...(f.subject.line === undefined ? {} : { line: f.subject.line }),
      message: f.message,
    })),
    failingTotal: failed.length,
  }
}

export function controlGaps(model: Pick<AssessmentModel, 'gaps'>, id: string): string[] {
  return model.gaps.filter((g) => g.controls.includes(id)).map((g) => g.id)
}

/** What the API tells of one stored evidence item (or manual attestation) without its content. */
export type { EvidenceMeta }
export { commaList }

/** The ledger record kinds the evidence routes serve. */
export const evidenceRecordKinds = kinds('evidence', 'attestation')

/** Metadata of an evidence or attestation record; the subject comes from its content when it parses. */
export function evidenceMeta(record: LedgerRecord, blob: Uint8Array | undefined): EvidenceMeta {
  const verified = blob !== undefined && sha256(blob) === record.contentHash
  let subject: { kind: string; name: string; namespace?: string; file: string } = {
    kind: record.kind === 'attestation' ? 'attestation' : evidenceKindOf(record.id),
    name: record.id,
    file: record.source,
  }
  if (verified && record.kind === 'evidence') {
    const item = JSON.parse(Buffer.from(blob).toString('utf8')) as Partial<EvidenceItem>
    subject = {
      kind: typeof item.kind === 'string' ? item.kind : subject.kind,
      name: typeof item.name === 'string' ? item.name : subject.name,
      ...(typeof item.namespace === 'string' ? { namespace: item.namespace } : {}),
      file: typeof item.file === 'string' ? item.file : subject.file,
    }
  }
  return {
    hash: record.contentHash,
    ...subject,
    recordSeq: record.seq,
    recordHash: record.hash,
    runId: record.runId,
    collectedAt: record.collectedAt,
    effectiveAt: record.effectiveAt,
    source: record.source,
    collector: record.collector,
    bytes: blob?.length ?? 0,
    verified,
  }
}

export interface EvidenceFilter {
  /** Evidence kinds to keep (a control's checks read these); `attestation` keeps attestations. */
  kinds?: ReadonlySet<string>
  /** Attestation record ids to keep (`<control>:<evidence id>`). */
  attestations?: ReadonlySet<string>
  /** Sequence number of the last record of the previous page. */
  after?: number
  limit: number
}

/**
 * Whether a record is wanted. `kinds` keeps evidence of those kinds (and every attestation when it
 * names `attestation`); `attestations` keeps those attestation records; neither keeps all.
 */
function wanted(record: LedgerRecord, filter: EvidenceFilter): boolean {
  if (record.kind === 'attestation') {
    if (filter.attestations !== undefined) return filter.attestations.has(record.id)
    return filter.kinds === undefined || filter.kinds.has('attestation')
  }
  if (filter.kinds !== undefined) return filter.kinds.has(evidenceKindOf(record.id))
  return filter.attestations === undefined
}

/** A page of a run's evidence and attestations in ledger order, with a cursor to the next page. */
export async function evidencePage(
  context: ServerContext,
  runId: number,
  filter: EvidenceFilter,
): Promise<{ items: EvidenceMeta[]; next?: string }> {
  const items: EvidenceMeta[] = []
  const query: RecordQuery = {
    runId,
    kinds: evidenceRecordKinds,
    ...(filter.after === undefined ? {} : { fromSeq: filter.after + 1 }),
  }
  for await (const { record, blob } of context.ledger.scan(query)) {
    if (!wanted(record, filter)) continue
    if (items.length === filter.limit) return { items, next: String(items.at(-1)?.recordSeq) }
    items.push(evidenceMeta(record, blob))
  }
  return { items }
}

/** Every evidence item of a control in a run (its page of the dashboard lists them all). */
export async function controlEvidence(
  context: ServerContext,
  runId: number,
  control: ControlResult,
): Promise<EvidenceMeta[]> {
  const scope = controlEvidenceScope(control, context.library.checks)
  const page = await evidencePage(context, runId, { ...scope, limit: Number.MAX_SAFE_INTEGER })
  return page.items
}

/**
 * The record that holds content with this hash, in a run the actor may see: the run asked for, else
 * the visible runs newest first. An auditor never reaches evidence outside the audit period.
 */
export async function findEvidence(
  context: ServerContext,
  actor: Actor,
  hash: string,
  runId?: number,
): Promise<ScannedRecord> {
  const runs =
    runId !== undefined
      ? [(await chooseRun(context, actor, runId)).id]
      : actor.auditPeriod !== undefined
        ? (await visibleRunSummaries(context, actor)).map((s) => s.runId).reverse()
        : (await context.ledger.runs())
            .filter((r) => r.status === 'complete')
            .map((r) => r.id)
            .reverse()
  for (const id of runs)
    for await (const scanned of context.ledger.scan({ runId: id, kinds: evidenceRecordKinds }))
      if (scanned.record.contentHash === hash) return scanned
  throw new NotFoundError(`no evidence with hash ${hash}${runId === undefined ? '' : ` in run ${runId}`}`)
}
