import { compareCriteria, controlStatus, overallReadiness, rollUpCriterion } from './assess.js'
import type { AssessmentModel, ControlResult, CriterionResult, Gap } from './assessment.js'
import { ownerRoles } from './catalog.js'
import { type Severity, severityRank } from './check.js'
import type { Config } from './config.js'
import { didYouMean } from './did-you-mean.js'

/** Which gaps `trustctl gaps` shows. Every field narrows; none given shows every gap. */
export interface GapFilter {
  /** The owner's name or role, case-insensitive. */
  owner?: string
  /** A criterion id the gap leaves unmet. */
  criterion?: string
  /** At or above this severity. */
  minimum?: Severity
}

/** The gaps that match every given filter, in the model's order. */
export function filterGaps(gaps: readonly Gap[], filter: GapFilter): Gap[] {
  const owner = filter.owner?.toLowerCase()
  const criterion = filter.criterion?.toUpperCase()
  return gaps.filter(
    (g) =>
      (owner === undefined || g.owner.toLowerCase() === owner || g.ownerRole.toLowerCase() === owner) &&
      (criterion === undefined || g.criteria.includes(criterion)) &&
      (filter.minimum === undefined || severityRank(g.severity) >= severityRank(filter.minimum)),
  )
}

/** What a gap filter's values may name: owners (roles, configured people, gaps' owners) and criterion ids. */
export interface GapFilterNames {
  owners: Iterable<string>
  criteria: Iterable<string>
}

/**
 * Every owner trustctl.yaml names (the roles' people, controls', vendors' and risks' owners) besides
 * the roles themselves: each is a name `gaps --owner` knows even when it owns no gap today.
 */
export function configuredOwners(
  config: Pick<Config, 'owners' | 'controls' | 'vendors' | 'risks'>,
): string[] {
  return [
    ...ownerRoles,
    ...Object.values(config.owners),
    ...Object.values(config.controls).flatMap((control) =>
      control.owner === undefined ? [] : [control.owner],
    ),
    ...config.vendors.flatMap((vendor) => (vendor.owner === undefined ? [] : [vendor.owner])),
    ...config.risks.flatMap((risk) => (risk.owner === undefined ? [] : [risk.owner])),
  ]
}

/**
 * The filter values that name nothing known, each as a usage error with the nearest known name. A
 * mistyped owner or criterion would otherwise match no gap and answer "No gaps.", which reads as an
 * all-clear; a known name with no gap still answers that, since it is true.
 */
export function unknownGapFilterValues(filter: GapFilter, known: GapFilterNames): string[] {
  const problems: string[] = []
  const owners = [...new Set(known.owners)]
  const owner = filter.owner?.toLowerCase()
  if (owner !== undefined && !owners.some((o) => o.toLowerCase() === owner))
    problems.push(
      `--owner: '${filter.owner}' is no owner role, configured owner or gap owner${didYouMean(owner, owners)}`,
    )
  const criteria = [...known.criteria]
  const criterion = filter.criterion?.toUpperCase()
  if (criterion !== undefined && !criteria.includes(criterion))
    problems.push(
      `--criterion: '${filter.criterion}' is not a criterion id${didYouMean(criterion, criteria)}`,
    )
  return problems
}

/** What closing a set of gaps changes, as the model's own roll-up computes it. */
export interface Projection {
  readiness: number
  /**
   * The criteria's readiness summed (0–100 each): finer than the rounded overall figure, so a gap that
   * moves one criterion a few points still ranks above one that moves nothing.
   */
  points: number
  /** Criteria that would be ready (every applicable control passing). */
  criteriaReady: number
}

/**
 * Readiness if the given gaps were closed: each closed gap's test is counted as passing, its
 * attestation as current, a control marked not applicable without a reason as given one; then the
 * controls and criteria are rolled up again by the same rules `assess` uses. A gap the model cannot
 * project (a criterion with no control, a third party's shortfall) changes nothing: the projection
 * never promises more than the evaluation would grant.
 */
export function projectReadiness(model: AssessmentModel, closed: readonly Gap[]): Projection {
  return readinessProjector(model, closed)()
}

/** What closing gaps does to tests, attestations and justifications, by gap type. */
export interface ClosedSets {
  passingChecks: Set<string>
  currentEvidence: Set<string>
  justified: Set<string>
}

function closedSets(closed: readonly Gap[]): ClosedSets {
  const sets: ClosedSets = { passingChecks: new Set(), currentEvidence: new Set(), justified: new Set() }
  for (const gap of closed) {
    const [type, ...rest] = gap.id.split(':')
    if (type === 'failing-test' || type === 'test-error' || type === 'test-without-evidence')
      sets.passingChecks.add(rest.join(':'))
    else if (type === 'manual-evidence-missing' || type === 'manual-evidence-overdue')
      sets.currentEvidence.add(rest.join(':'))
    else if (type === 'not-applicable-without-justification') sets.justified.add(rest.join(':'))
  }
  return sets
}

/**
 * Projections of `closed` and of `closed` plus one more gap. The controls and criteria are rolled up
 * once for `closed`; one more gap re-rolls only the controls it touches and the criteria they map
 * to, with the same rules, so ranking every gap of a large estate is not every gap times every
 * control (400 gaps took a second on the 10k-object estate). Gaps that change the same controls to
 * the same statuses share one projection: every text `assess` ranks all its gaps for "Start here".
 */
export function readinessProjector(
  model: AssessmentModel,
  closed: readonly Gap[],
  index: ModelIndex = indexModel(model),
): (gap?: Gap) => Projection {
  const base: ClosedSets = { passingChecks: new Set(), currentEvidence: new Set(), justified: new Set() }
  const touchedByClosed = new Set<string>()
  for (const gap of closed) {
    const { one, touched } = index.touches(gap)
    for (const check of one.passingChecks) base.passingChecks.add(check)
    for (const key of one.currentEvidence) base.currentEvidence.add(key)
    for (const id of one.justified) base.justified.add(id)
    for (const control of touched) touchedByClosed.add(control.id)
  }
  const project = (control: ProjectedControl, sets: ClosedSets) =>
    projectControl(control, sets.passingChecks, sets.currentEvidence, sets.justified)
  // A control no closed gap touches projects as with nothing closed: that projection is made once per
  // index, so a plan's later cycles re-project only the controls their closed gaps reach.
  const baseControls = new Map(
    model.controls.map((control) => [
      control.id,
      touchedByClosed.has(control.id) ? project(control, base) : index.unclosed(control),
    ]),
  )
  // Each criterion names the controls mapped to it: rolling up only those keeps ranking every gap cheap.
  const rollUp = (
    criterion: AssessmentModel['criteria'][number],
    controlOf: (id: string) => ProjectedControl | undefined,
  ) =>
    rollUpCriterion(
      criterion,
      criterion.controls.flatMap((id) => {
        const control = controlOf(id)
        return control === undefined ? [] : [control]
      }),
    )
  const baseCriteria = model.criteria.map((criterion) => rollUp(criterion, (id) => baseControls.get(id)))
  const baseProjection = summarise(baseCriteria)
  const baseApplicable = baseCriteria.filter((c) => c.status !== 'not-applicable').length
  const { criteriaOf } = index
  const byChange = new Map<string, Projection>()
  return (gap) => {
    if (gap === undefined) return baseProjection
    const { one, touched } = index.touches(gap)
    if (touched.length === 0) return baseProjection
    // A criterion's roll-up reads only its controls' statuses: a control whose status the gap leaves
    // as it was changes no criterion, and most gaps (one of several tests without evidence) change none.
    const changed = new Map<string, ProjectedControl>()
    for (const control of touched) {
      // Projecting is closing: one more gap closed on the base projection is the base plus that gap
      // projected from the model, at the cost of the gap's own few keys instead of every closed one.
      const projected = project(baseControls.get(control.id) ?? control, one)
      if (projected.status !== baseControls.get(control.id)?.status) changed.set(control.id, projected)
    }
    if (changed.size === 0) return baseProjection
    // The projection depends only on which controls change to which status: the many gaps that move
    // one control the same way (any one of its tests without evidence) share one roll-up.
    const key = [...changed]
      .map(([id, control]) => `${id}=${control.status}`)
      .sort()
      .join('\n')
    let projection = byChange.get(key)
    if (projection === undefined) {
      projection = projectChange(changed)
      byChange.set(key, projection)
    }
    return projection
  }

  /** The base projection with the criteria the changed controls map to rolled up again. */
  function projectChange(changed: ReadonlyMap<string, ProjectedControl>): Projection {
    const controlOf = (id: string) => changed.get(id) ?? baseControls.get(id)
    const affected = new Set<number>()
    for (const id of changed.keys()) for (const i of criteriaOf.get(id) ?? []) affected.add(i)
    // Only the affected criteria's terms differ from the base sums (readiness is a whole number per
    // criterion, so the sums are exact and match summarising every criterion again).
    let { points, criteriaReady } = baseProjection
    let applicable = baseApplicable
    for (const i of affected) {
      const before = baseCriteria[i] as CriterionResult
      const after = rollUp(model.criteria[i] as AssessmentModel['criteria'][number], controlOf)
      points += pointsOf(after) - pointsOf(before)
      criteriaReady += Number(after.status === 'ready') - Number(before.status === 'ready')
      applicable += Number(after.status !== 'not-applicable') - Number(before.status !== 'not-applicable')
    }
    return { readiness: applicable === 0 ? 0 : Math.round(points / applicable), points, criteriaReady }
  }
}

/**
 * What of the model does not depend on the gaps closed: the criteria each control maps to, the
 * controls each gap can change with the keys it closes, and each control projected with nothing
 * closed. Built once, it serves every projection of a plan (each cycle ranks the remaining gaps again
 * from a new set of closed ones).
 */
export interface ModelIndex {
  /** The criteria (by index in the model) each control is mapped to: a changed control re-rolls only those. */
  criteriaOf: ReadonlyMap<string, readonly number[]>
  /** The keys closing the gap closes, and the controls they can change. */
  touches(gap: Gap): { one: ClosedSets; touched: readonly ControlResult[] }
  /** The control as projected with no gap closed (shared: nothing mutates a projection). */
  unclosed(control: ControlResult): ProjectedControl
}

export function indexModel(model: AssessmentModel): ModelIndex {
  // Which controls a closed gap can change: those testing its check, holding its attestation, or itself.
  const byCheck = new Map<string, ControlResult[]>()
  const byEvidence = new Map<string, ControlResult>()
  const byId = new Map(model.controls.map((control) => [control.id, control]))
  for (const control of model.controls) {
    for (const test of control.tests) appendTo(byCheck, test.check, control)
    for (const m of control.manualEvidence) byEvidence.set(`${control.id}:${m.id}`, control)
  }
  const criteriaOf = new Map<string, number[]>()
  model.criteria.forEach((criterion, i) => {
    for (const id of criterion.controls) appendTo(criteriaOf, id, i)
  })
  const byGap = new Map<string, { one: ClosedSets; touched: ControlResult[] }>()
  const touches = (gap: Gap) => {
    const known = byGap.get(gap.id)
    if (known !== undefined) return known
    const one = closedSets([gap])
    const touched = new Set<ControlResult>()
    for (const check of one.passingChecks) for (const c of byCheck.get(check) ?? []) touched.add(c)
    for (const key of one.currentEvidence) {
      const control = byEvidence.get(key)
      if (control !== undefined) touched.add(control)
    }
    for (const id of one.justified) {
      const control = byId.get(id)
      if (control !== undefined) touched.add(control)
    }
    const entry = { one, touched: [...touched] }
    byGap.set(gap.id, entry)
    return entry
  }
  const none = closedSets([])
  const unclosedById = new Map<string, ProjectedControl>()
  const unclosed = (control: ControlResult) => {
    let projected = unclosedById.get(control.id)
    if (projected === undefined) {
      projected = projectControl(control, none.passingChecks, none.currentEvidence, none.justified)
      unclosedById.set(control.id, projected)
    }
    return projected
  }
  return { criteriaOf, touches, unclosed }
}

/** Adds a value to a key's list (a spread copy per value made indexing a large model quadratic). */
function appendTo<K, V>(lists: Map<K, V[]>, key: K, value: V): void {
  const list = lists.get(key)
  if (list === undefined) lists.set(key, [value])
  else list.push(value)
}

/** A criterion's share of Projection.points: its readiness, or nothing when not applicable. */
const pointsOf = (criterion: CriterionResult): number =>
  criterion.status === 'not-applicable' ? 0 : criterion.readiness

/** Readiness, points and criteria ready of rolled-up criteria (overallReadiness for the first). */
function summarise(criteria: readonly CriterionResult[]): Projection {
  return {
    readiness: overallReadiness(criteria),
    points: criteria.reduce((sum, c) => sum + pointsOf(c), 0),
    criteriaReady: criteria.filter((c) => c.status === 'ready').length,
  }
}

/** A control as projected: its tests and attestations as closing gaps leaves them, and its status. */
type ProjectedControl = Pick<ControlResult, 'id' | 'criteria' | 'status' | 'tests' | 'manualEvidence'>

function projectControl(
  control: ProjectedControl,
  passingChecks: ReadonlySet<string>,
  currentEvidence: ReadonlySet<string>,
  justified: ReadonlySet<string>,
): ProjectedControl {
  if (control.status === 'not-applicable' || justified.has(control.id))
    return { ...control, status: 'not-applicable' }
  const tests = control.tests.map((t) =>
    passingChecks.has(t.check) && t.status !== 'not-applicable' ? { ...t, status: 'pass' as const } : t,
  )
  const manual = control.manualEvidence.map((m) =>
    currentEvidence.has(`${control.id}:${m.id}`) ? { ...m, status: 'current' as const } : m,
  )
  return {
    id: control.id,
    criteria: control.criteria,
    tests,
    manualEvidence: manual,
    status: controlStatus(tests, manual),
  }
}

/** One gap with what closing it alone would bring. */
export interface RankedGap {
  gap: Gap
  /** Overall readiness gained if only this gap were closed, in percentage points (unrounded). */
  gain: number
  /** Criteria that would become ready. */
  unblocks: number
}

/**
 * Gaps ordered by what closing each one brings from the state `closed` leaves: first the criteria it
 * makes ready, then readiness gained, then severity, then how many criteria it touches.
 */
export function rankGaps(
  model: AssessmentModel,
  gaps: readonly Gap[],
  closed: readonly Gap[] = [],
): RankedGap[] {
  return rankWith(readinessProjector(model, closed), applicableCriteria(model), gaps)
}

/** The ranking of `gaps` by one projector (rankGaps), so a plan's cycles share one model index. */
function rankWith(
  projected: (gap?: Gap) => Projection,
  applicable: number,
  gaps: readonly Gap[],
): RankedGap[] {
  const base = projected()
  return gaps
    .map((gap) => {
      const after = projected(gap)
      return {
        gap,
        gain: (after.points - base.points) / applicable,
        unblocks: after.criteriaReady - base.criteriaReady,
      }
    })
    .sort(
      (a, b) =>
        b.unblocks - a.unblocks ||
        b.gain - a.gain ||
        severityRank(b.gap.severity) - severityRank(a.gap.severity) ||
        b.gap.criteria.length - a.gap.criteria.length ||
        a.gap.id.localeCompare(b.gap.id),
    )
}

/** The divisor of a gap's gain: the criteria that apply (at least one). */
const applicableCriteria = (model: AssessmentModel): number =>
  Math.max(1, model.criteria.filter((c) => c.status !== 'not-applicable').length)

/**
 * The few gaps to start with, grouped by owner (owners in rank order): critical gaps first, each a
 * live exposure (a privileged container, a leaked key) that readiness alone would rank below the
 * paperwork unblocking more criteria, then the top of the ranking.
 */
export function startHere(model: AssessmentModel, count = 5): { owner: string; gaps: RankedGap[] }[] {
  const ranked = rankGaps(model, model.gaps)
  const critical = ranked.filter((r) => r.gap.severity === 'critical')
  const rest = ranked.filter((r) => r.gap.severity !== 'critical')
  return groupByOwner([...critical, ...rest].slice(0, count))
}

/** Ranked gaps grouped by owner, owners in the order their first gap ranks. */
export function groupByOwner(ranked: readonly RankedGap[]): { owner: string; gaps: RankedGap[] }[] {
  const groups = new Map<string, RankedGap[]>()
  for (const r of ranked) groups.set(r.gap.owner, [...(groups.get(r.gap.owner) ?? []), r])
  return [...groups].map(([owner, gaps]) => ({ owner, gaps }))
}

/** One remediation cycle: the gaps it closes and the readiness once they are closed. */
export interface PlanCycle {
  cycle: number
  gaps: RankedGap[]
  readiness: number
  criteriaReady: number
}

/** Cycles of remediation and what is left after them. */
export interface RemediationPlan {
  readiness: number
  criteriaReady: number
  criteria: number
  cycles: PlanCycle[]
  /** Gaps left for cycles beyond the `maxCycles` asked for. */
  later: Gap[]
  /** Gaps whose closing the model cannot show in readiness (no control for a criterion, third parties). */
  unprojected: Gap[]
}

/**
 * Orders the gaps into cycles of at most `perCycle`: each cycle takes the gaps that bring the most
 * from where the previous cycles leave the system (ranked again after every cycle, since closing one
 * gap changes what the next one brings), and shows the readiness once they are closed. Gaps that
 * change no projection are listed apart rather than padded into cycles.
 */
export function planRemediation(
  model: AssessmentModel,
  options: { perCycle: number; maxCycles?: number },
): RemediationPlan {
  const perCycle = Math.max(1, Math.floor(options.perCycle))
  // One index for the whole plan, and each cycle's projection of what it closes is the next cycle's
  // starting point: a cycle projects the model once, not once to rank, once before and once after.
  const index = indexModel(model)
  const applicable = applicableCriteria(model)
  const start = readinessProjector(model, [], index)
  let projector = start
  const closed: Gap[] = []
  let remaining = [...model.gaps]
  const cycles: PlanCycle[] = []
  while (remaining.length > 0 && (options.maxCycles === undefined || cycles.length < options.maxCycles)) {
    const ranked = rankWith(projector, applicable, remaining)
    const before = projector()
    let chosen = ranked.filter((r) => r.gain > 0 || r.unblocks > 0).slice(0, perCycle)
    if (chosen.length === 0) {
      // No single gap moves readiness now (a control with several failing tests needs them all), yet
      // the rest may together: then the cycle takes the most severe of those the model can project.
      const all = readinessProjector(model, [...closed, ...remaining], index)()
      if (all.points === before.points && all.criteriaReady === before.criteriaReady) break
      chosen = ranked.filter((r) => projectable(r.gap)).slice(0, perCycle)
      if (chosen.length === 0) break
    }
    closed.push(...chosen.map((r) => r.gap))
    projector = readinessProjector(model, closed, index)
    const together = projector()
    const ids = new Set(chosen.map((r) => r.gap.id))
    remaining = remaining.filter((g) => !ids.has(g.id))
    cycles.push({
      cycle: cycles.length + 1,
      gaps: chosen,
      readiness: together.readiness,
      criteriaReady: together.criteriaReady,
    })
  }
  const now = start()
  // Stopped by the cycle limit: what is left is later work, not work that changes nothing.
  const limited = options.maxCycles !== undefined && cycles.length >= options.maxCycles
  const ordered = remaining.sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || compareFirstCriterion(a, b),
  )
  return {
    readiness: now.readiness,
    criteriaReady: now.criteriaReady,
    criteria: model.criteria.length,
    cycles,
    later: limited ? ordered : [],
    unprojected: limited ? [] : ordered,
  }
}

/** Whether closing the gap can change a control's result (what a projection counts). */
function projectable(gap: Gap): boolean {
  return /^(failing-test|test-error|test-without-evidence|manual-evidence-missing|manual-evidence-overdue|not-applicable-without-justification):/.test(
    gap.id,
  )
}

function compareFirstCriterion(a: Gap, b: Gap): number {
  return compareCriteria(a.criteria[0] ?? '', b.criteria[0] ?? '') || a.id.localeCompare(b.id)
}
