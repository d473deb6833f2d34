import { renderResponsibilitySvg } from '../../app/rendering.js'
import type { FindingStatus, Severity } from '../../core/check.js'
import { NotFoundError } from '../../core/errors.js'
import type { RecordKind } from '../../core/ledger.js'
import { sha256 } from '../../core/ledger.js'
import type { RunInfo } from '../../core/store.js'
import type { AuditPeriod, RunKind, RunSummary } from '../../core/team.js'
import { findingRows } from '../../core/team-rows.js'
import type { ServerContext } from '../context.js'
import * as assessment from '../contract/assessment.js'
import {
  assessmentRunSummaries,
  chooseRun,
  commaList,
  controlEvidence,
  controlFailures,
  controlGaps,
  controlOf,
  controlRows,
  overviewOf,
  visibleRunSummaries,
} from '../read-model.js'
import { type Actor, defineRoute, type RouteDefinition } from '../route.js'

/**
 * Findings of a run are indexed on first request; concurrent first requests share one indexing, and
 * a run known to be indexed is not asked about again (the findings list must stay cheap).
 */
const indexing = new WeakMap<ServerContext, { indexed: Set<number>; pending: Map<number, Promise<void>> }>()

async function ensureFindingsIndexed(
  context: ServerContext,
  run: { id: number; model: Parameters<typeof findingRows>[0] },
): Promise<void> {
  let state = indexing.get(context)
  if (state === undefined) {
    state = { indexed: new Set(), pending: new Map() }
    indexing.set(context, state)
  }
  const { indexed, pending } = state
  if (indexed.has(run.id)) return
  const running = pending.get(run.id)
  if (running !== undefined) return running
  const work = (async () => {
    if (!(await context.team.findingsIndexed(run.id)))
      await context.team.indexFindings(run.id, findingRows(run.model))
    indexed.add(run.id)
  })().finally(() => pending.delete(run.id))
  pending.set(run.id, work)
  return work
}

/** What a run recorded, from the kinds of its records: an assessment outranks what it also holds. */
export function runKindOf(recordKinds: ReadonlySet<string>): RunKind {
  for (const kind of ['assessment', 'change', 'sample', 'population'] as const)
    if (recordKinds.has(kind)) return kind
  // Evidence without an assessment: a collector's push.
  return recordKinds.has('evidence') ? 'push' : 'other'
}

/** The record kinds of each run: from the store's index when it keeps one, else by scanning. */
async function recordKindsOf(
  context: ServerContext,
  runs: readonly RunInfo[],
): Promise<Map<number, Set<string>>> {
  const indexed = await context.ledger.completeRunKinds?.()
  const out = new Map<number, Set<string>>()
  for (const run of runs) {
    const known = indexed?.get(run.id)
    if (known !== undefined) {
      out.set(run.id, new Set(known))
      continue
    }
    const found = new Set<string>()
    const telling = ['assessment', 'change', 'sample', 'population'] as unknown as RecordKind[]
    for await (const { record } of context.ledger.scan({ runId: run.id, kinds: telling }))
      found.add(record.kind)
    if (found.size === 0)
      for await (const _ of context.ledger.scan({ runId: run.id, kinds: ['evidence'] })) {
        found.add('evidence')
        break
      }
    out.set(run.id, found)
  }
  return out
}

async function runsOf(context: ServerContext, actor: Actor) {
  const summaries = new Map<number, RunSummary>(
    (actor.auditPeriod === undefined
      ? await assessmentRunSummaries(context)
      : await visibleRunSummaries(context, actor)
    ).map((s) => [s.runId, s]),
  )
  const runs: RunInfo[] = await context.ledger.runs()
  const kinds = actor.auditPeriod === undefined ? await recordKindsOf(context, runs) : new Map()
  const items = []
  for (const run of runs) {
    const summary = summaries.get(run.id)
    // An auditor sees the assessment runs of the audit period only.
    if (actor.auditPeriod !== undefined && summary === undefined) continue
    const kind = summary === undefined ? runKindOf(kinds.get(run.id) ?? new Set()) : 'assessment'
    items.push({
      id: run.id,
      startedAt: run.startedAt,
      ...(run.finishedAt === undefined ? {} : { finishedAt: run.finishedAt }),
      status: run.status,
      records: run.records,
      kind,
      ...(summary === undefined ? {} : { summary }),
    })
  }
  return { items }
}

/** A member of a recorded population or sample as far as the period filter reads it. */
const datedMember = (value: unknown): value is { effectiveAt: string } =>
  typeof value === 'object' &&
  value !== null &&
  'effectiveAt' in value &&
  typeof value.effectiveAt === 'string'

/**
 * A population's `members` and a sample's `drawn` cut to those effective inside the audit period: a
 * population drawn over a wider period must not show an auditor evidence dated outside theirs. A
 * member without a date is withheld. Says how many were withheld (the record's hash is over the whole).
 */
export function membersInPeriod(
  content: Record<string, unknown>,
  period: AuditPeriod,
): { content: Record<string, unknown>; hidden: number } {
  let hidden = 0
  const cut: Record<string, unknown> = { ...content }
  for (const field of ['members', 'drawn'] as const) {
    const list = content[field]
    if (!Array.isArray(list)) continue
    const kept = list.filter((member) => {
      const day = datedMember(member) ? member.effectiveAt.slice(0, 10) : undefined
      return day !== undefined && day >= period.from && day <= period.to
    })
    hidden += list.length - kept.length
    cut[field] = kept
  }
  return { content: cut, hidden }
}

/** The recorded populations and samples, newest last; an auditor sees those drawn over the period. */
async function samplesOf(context: ServerContext, actor: Actor, control?: string) {
  const complete = new Set(
    (await context.ledger.runs()).filter((r) => r.status === 'complete').map((r) => r.id),
  )
  const items = []
  for await (const { record, blob } of context.ledger.scan({ kinds: ['population', 'sample'] })) {
    if (!complete.has(record.runId)) continue
    const verified = blob !== undefined && sha256(blob) === record.contentHash
    const content = verified
      ? (JSON.parse(Buffer.from(blob).toString('utf8')) as {
          control?: string
          from?: string
          to?: string
          population?: { from?: string; to?: string }
        })
      : undefined
    const period = {
      from: content?.from ?? content?.population?.from,
      to: content?.to ?? content?.population?.to,
    }
    if (control !== undefined && content?.control !== control) continue
    if (
      actor.auditPeriod !== undefined &&
      (period.from === undefined ||
        period.to === undefined ||
        period.to < actor.auditPeriod.from ||
        period.from > actor.auditPeriod.to)
    )
      continue
    const shown =
      content === undefined || actor.auditPeriod === undefined
        ? { content, hidden: 0 }
        : membersInPeriod(content, actor.auditPeriod)
    items.push({
      kind: record.kind === 'population' ? ('population' as const) : ('sample' as const),
      id: record.id,
      ...(content?.control === undefined ? {} : { control: content.control }),
      runId: record.runId,
      recordSeq: record.seq,
      recordHash: record.hash,
      recordedAt: record.collectedAt,
      verified,
      ...(shown.content === undefined ? {} : { content: shown.content }),
      ...(shown.hidden === 0 ? {} : { membersOutsidePeriod: shown.hidden }),
    })
  }
  return { items }
}

export const routes: RouteDefinition<ServerContext>[] = [
  defineRoute({
    ...assessment.getOverview,
    async handler({ query, actor }, context: ServerContext) {
      return overviewOf(context, await chooseRun(context, actor, query.run))
    },
  }),
  defineRoute({
    ...assessment.getTrend,
    async handler({ actor }, context: ServerContext) {
      return { items: await visibleRunSummaries(context, actor) }
    },
  }),
  defineRoute({
    ...assessment.listCriteria,
    async handler({ query, actor }, context: ServerContext) {
      return { items: (await chooseRun(context, actor, query.run)).model.criteria }
    },
  }),
  defineRoute({
    ...assessment.listControls,
    async handler({ query, actor }, context: ServerContext) {
      const { model } = await chooseRun(context, actor, query.run)
      const status = commaList(query.status)
      const family = commaList(query.family)
      const owner = query.owner?.trim() || undefined
      const q = query.q?.trim() || undefined
      return {
        items: controlRows(model, {
          ...(status === undefined ? {} : { status }),
          ...(family === undefined ? {} : { family }),
          ...(owner === undefined ? {} : { owner }),
          ...(q === undefined ? {} : { q }),
        }),
      }
    },
  }),
  defineRoute({
    ...assessment.getControl,
    async handler({ params, query, actor }, context: ServerContext) {
      const run = await chooseRun(context, actor, query.run)
      const control = controlOf(run.model, params.id)
      return {
        control,
        evidence: await controlEvidence(context, run.id, control),
        gaps: controlGaps(run.model, control.id),
        ...controlFailures(run.model, control.id),
      }
    },
  }),
  defineRoute({
    ...assessment.listFindings,
    async handler({ query, actor }, context: ServerContext) {
      const run = await chooseRun(context, actor, query.run)
      await ensureFindingsIndexed(context, run)
      const status = commaList(query.status) as FindingStatus[] | undefined
      const severity = commaList(query.severity) as Severity[] | undefined
      const check = commaList(query.check)
      return context.team.queryFindings({
        runId: run.id,
        ...(status === undefined ? {} : { status }),
        ...(severity === undefined ? {} : { severity }),
        ...(check === undefined ? {} : { check }),
        ...(query.control === undefined ? {} : { control: query.control }),
        ...(query.criterion === undefined ? {} : { criterion: query.criterion }),
        ...(query.namespace === undefined ? {} : { namespace: query.namespace }),
        ...(query.subject === undefined ? {} : { subject: query.subject }),
        sort: query.sort,
        order: query.order,
        ...(query.after === undefined ? {} : { after: query.after }),
        limit: query.limit,
      })
    },
  }),
  defineRoute({
    ...assessment.listRuns,
    async handler({ actor }, context: ServerContext) {
      return runsOf(context, actor)
    },
  }),
  defineRoute({
    ...assessment.getMatrix,
    async handler({ query, actor }, context: ServerContext) {
      const { model } = await chooseRun(context, actor, query.run)
      if (model.thirdParties === undefined) throw new NotFoundError('this run holds no responsibility matrix')
      return model.thirdParties.matrix
    },
  }),
  defineRoute({
    ...assessment.getMatrixSvg,
    async handler({ query, actor, reply }, context: ServerContext) {
      const { model } = await chooseRun(context, actor, query.run)
      if (model.thirdParties === undefined) throw new NotFoundError('this run holds no responsibility matrix')
      const svg = renderResponsibilitySvg(model.thirdParties.matrix, {
        title: `Shared responsibility: ${model.system.name}`,
      })
      return reply.type('image/svg+xml; charset=utf-8').send(svg)
    },
  }),
  defineRoute({
    ...assessment.listSamples,
    async handler({ query, actor }, context: ServerContext) {
      return samplesOf(context, actor, query.control)
    },
  }),
]
