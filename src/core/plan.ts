import { compareCriteria, controlStatus, overallReadiness, rollUpCriterion } from './assess.js'
import type { AssessmentModel, ControlResult, CriterionResult, Gap } from './assessment.js'
import { type Severity, severityRank } from './check.js'

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
  const sets = closedSets(closed)
  const controls = new Map(model.controls.map((control) => [control.id, projectControl(control, sets)]))
  // Each criterion names the controls mapped to it: rolling up only those keeps ranking every gap cheap.
  const criteria = model.criteria.map((criterion) => rollUpMapped(criterion, controls))
  return {
    readiness: overallReadiness(criteria),
    points: criteria.reduce((sum, c) => sum + criterionPoints(c), 0),
    criteriaReady: criteria.filter((c) => c.status === 'ready').length,
  }
}

/** What closed gaps change, by kind: checks counted as passing, evidence as current, controls justified. */
interface ClosedSets {
  passingChecks: ReadonlySet<string>
  currentEvidence: ReadonlySet<string>
  justified: ReadonlySet<string>
}

type ClosedKind = keyof ClosedSets

/** Which set closing this gap adds to, and the key it adds; undefined for a gap no projection shows. */
function closedKey(gap: Gap): { kind: ClosedKind; key: string } | undefined {
  const [type, ...rest] = gap.id.split(':')
  const key = rest.join(':')
  if (type === 'failing-test' || type === 'test-error' || type === 'test-without-evidence')
    return { kind: 'passingChecks', key }
  if (type === 'manual-evidence-missing' || type === 'manual-evidence-overdue')
    return { kind: 'currentEvidence', key }
  if (type === 'not-applicable-without-justification') return { kind: 'justified', key }
  return undefined
}

function closedSets(closed: readonly Gap[]): ClosedSets {
  const sets = {
    passingChecks: new Set<string>(),
    currentEvidence: new Set<string>(),
    justified: new Set<string>(),
  }
  for (const gap of closed) {
    const closes = closedKey(gap)
    if (closes !== undefined) sets[closes.kind].add(closes.key)
  }
  return sets
}

type ProjectedControl = Pick<ControlResult, 'id' | 'criteria' | 'status'>

function rollUpMapped(
  criterion: CriterionResult,
  controls: ReadonlyMap<string, ProjectedControl>,
): CriterionResult {
  return rollUpCriterion(
    criterion,
    criterion.controls.flatMap((id) => {
      const control = controls.get(id)
      return control === undefined ? [] : [control]
    }),
  )
}

const criterionPoints = (c: Pick<CriterionResult, 'status' | 'readiness'>): number =>
  c.status === 'not-applicable' ? 0 : c.readiness

function projectControl(control: ControlResult, closed: ClosedSets): ProjectedControl {
  const { passingChecks, currentEvidence, justified } = closed
  if (control.status === 'not-applicable' || justified.has(control.id))
    return { id: control.id, criteria: control.criteria, status: 'not-applicable' }
  const tests = control.tests.map((t) =>
    passingChecks.has(t.check) && t.status !== 'not-applicable' ? { ...t, status: 'pass' as const } : t,
  )
  const manual = control.manualEvidence.map((m) =>
    currentEvidence.has(`${control.id}:${m.id}`) ? { ...m, status: 'current' as const } : m,
  )
  return { id: control.id, criteria: control.criteria, status: controlStatus(tests, manual) }
}

/**
 * The projection of `closed`, and what closing one more gap on top of it changes. Closing a gap
 * touches only the controls it names (through a check, a piece of manual evidence or the control
 * itself) and the criteria those controls meet: only they are rolled up again, so ranking every gap
 * (the summary of each `assess` does) costs one whole projection, not one per gap. Each figure is
 * the one projectReadiness gives for `[...closed, gap]`: the same roll-up of the same controls.
 */
function projector(model: AssessmentModel, closed: readonly Gap[]) {
  const sets = closedSets(closed)
  const controls = new Map(model.controls.map((control) => [control.id, projectControl(control, sets)]))
  const criteria = model.criteria.map((criterion) => rollUpMapped(criterion, controls))
  const base = {
    points: criteria.reduce((sum, c) => sum + criterionPoints(c), 0),
    criteriaReady: criteria.filter((c) => c.status === 'ready').length,
  }
  const touchedBy: Record<ClosedKind, Map<string, ControlResult[]>> = {
    passingChecks: new Map(),
    currentEvidence: new Map(),
    justified: new Map(),
  }
  const add = (kind: ClosedKind, key: string, control: ControlResult): void => {
    const list = touchedBy[kind].get(key)
    if (list === undefined) touchedBy[kind].set(key, [control])
    else if (!list.includes(control)) list.push(control)
  }
  for (const control of model.controls) {
    add('justified', control.id, control)
    for (const t of control.tests) add('passingChecks', t.check, control)
    for (const m of control.manualEvidence) add('currentEvidence', `${control.id}:${m.id}`, control)
  }
  const criteriaOf = new Map<string, number[]>()
  model.criteria.forEach((criterion, i) => {
    for (const id of criterion.controls) criteriaOf.set(id, [...(criteriaOf.get(id) ?? []), i])
  })
  const after = (gap: Gap): { points: number; criteriaReady: number } => {
    const closes = closedKey(gap)
    const touched = closes === undefined ? undefined : touchedBy[closes.kind].get(closes.key)
    if (closes === undefined || touched === undefined || sets[closes.kind].has(closes.key)) return base
    const more: ClosedSets = { ...sets, [closes.kind]: new Set([...sets[closes.kind], closes.key]) }
    const changed = new Map(controls)
    const affected = new Set<number>()
    for (const control of touched) {
      changed.set(control.id, projectControl(control, more))
      for (const i of criteriaOf.get(control.id) ?? []) affected.add(i)
    }
    let { points, criteriaReady } = base
    for (const i of affected) {
      const criterion = model.criteria[i]
      const before = criteria[i]
      if (criterion === undefined || before === undefined) continue
      const now = rollUpMapped(criterion, changed)
      points += criterionPoints(now) - criterionPoints(before)
      criteriaReady += (now.status === 'ready' ? 1 : 0) - (before.status === 'ready' ? 1 : 0)
    }
    return { points, criteriaReady }
  }
  return { base, after }
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
  const { base, after } = projector(model, closed)
  const applicable = Math.max(1, model.criteria.filter((c) => c.status !== 'not-applicable').length)
  return gaps
    .map((gap) => {
      const projected = after(gap)
      return {
        gap,
        gain: (projected.points - base.points) / applicable,
        unblocks: projected.criteriaReady - base.criteriaReady,
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

/** The few gaps to start with: the top of the ranking, grouped by owner (owners in rank order). */
export function startHere(model: AssessmentModel, count = 5): { owner: string; gaps: RankedGap[] }[] {
  return groupByOwner(rankGaps(model, model.gaps).slice(0, count))
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
  const closed: Gap[] = []
  let remaining = [...model.gaps]
  const cycles: PlanCycle[] = []
  while (remaining.length > 0 && (options.maxCycles === undefined || cycles.length < options.maxCycles)) {
    const ranked = rankGaps(model, remaining, closed)
    const before = projectReadiness(model, closed)
    let chosen = ranked.filter((r) => r.gain > 0 || r.unblocks > 0).slice(0, perCycle)
    if (chosen.length === 0) {
      // No single gap moves readiness now (a control with several failing tests needs them all), yet
      // the rest may together: then the cycle takes the most severe of those the model can project.
      const all = projectReadiness(model, [...closed, ...remaining])
      if (all.points === before.points && all.criteriaReady === before.criteriaReady) break
      chosen = ranked.filter((r) => projectable(r.gap)).slice(0, perCycle)
      if (chosen.length === 0) break
    }
    const together = projectReadiness(model, [...closed, ...chosen.map((r) => r.gap)])
    closed.push(...chosen.map((r) => r.gap))
    const ids = new Set(chosen.map((r) => r.gap.id))
    remaining = remaining.filter((g) => !ids.has(g.id))
    cycles.push({
      cycle: cycles.length + 1,
      gaps: chosen,
      readiness: together.readiness,
      criteriaReady: together.criteriaReady,
    })
  }
  const now = projectReadiness(model, [])
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
