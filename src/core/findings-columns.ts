import type { AssessmentModel } from './assessment.js'
import type { FindingStatus, Severity, Subject } from './check.js'

type ModelFinding = AssessmentModel['findings'][number]

/** What reads a model's findings in order without needing them as objects: a list or FindingsColumns. */
export interface FindingsView {
  readonly length: number
  /** The findings from `start` up to `end` (not included), as objects: what Array.prototype.slice gives. */
  slice(start: number, end: number): ModelFinding[]
}

/** Consecutive findings that share their check, severity and mapping, and where they end. */
interface Group {
  check: string
  severity: Severity
  controls: string[]
  criteria: string[]
  end: number
}

/**
 * A model's findings held a column per field while an assessment makes them, not as a million objects.
 * A finding object with its seven properties is ~80 bytes, and a 100k-object Kubernetes estate has
 * ~880k of them, alive beside all the evidence the checks read: the run's peak of memory. Here a
 * finding is its subject, status and message in three lists (~24 bytes), and the check, severity,
 * controls and criteria it shares with its neighbours are held once per group (compactFindings groups
 * them the same way). `slice` makes the findings as assess() always made them: one literal, the same
 * keys in the same order, the same shared subject and mapping lists.
 */
export class FindingsColumns implements FindingsView {
  private readonly subjects: Subject[] = []
  private readonly statuses: FindingStatus[] = []
  private readonly messages: string[] = []
  private readonly groups: Group[] = []

  get length(): number {
    return this.subjects.length
  }

  push(finding: ModelFinding): void {
    const last = this.groups.at(-1)
    if (
      last === undefined ||
      last.check !== finding.check ||
      last.severity !== finding.severity ||
      last.controls !== finding.controls ||
      last.criteria !== finding.criteria
    ) {
      const { check, severity, controls, criteria } = finding
      this.groups.push({ check, severity, controls, criteria, end: this.length })
    }
    this.subjects.push(finding.subject)
    this.statuses.push(finding.status)
    this.messages.push(finding.message)
    ;(this.groups.at(-1) as Group).end = this.length
  }

  /** Calls `visit` with each finding's fields in order, making no finding object. */
  forEach(
    visit: (check: string, status: FindingStatus, subject: Subject, message: string, index: number) => void,
  ): void {
    let index = 0
    for (const group of this.groups)
      for (; index < group.end; index++)
        visit(
          group.check,
          this.statuses[index] as FindingStatus,
          this.subjects[index] as Subject,
          this.messages[index] as string,
          index,
        )
  }

  /** Gives each finding's check and subject (what coverage reads) to `visit`, in order, making no object. */
  forEachCovered(visit: (check: string, subject: Subject) => void): void {
    let index = 0
    for (const group of this.groups)
      for (; index < group.end; index++) visit(group.check, this.subjects[index] as Subject)
  }

  slice(start = 0, end = this.length): ModelFinding[] {
    const from = clampIndex(start, this.length)
    const to = clampIndex(end, this.length)
    const out: ModelFinding[] = []
    let index = from
    for (const group of this.groups) {
      if (group.end <= index) continue
      const { check, severity, controls, criteria } = group
      for (; index < Math.min(group.end, to); index++)
        out.push({
          check,
          severity,
          status: this.statuses[index] as FindingStatus,
          subject: this.subjects[index] as Subject,
          message: this.messages[index] as string,
          controls,
          criteria,
        })
      if (index >= to) break
    }
    return out
  }
}

/** An index as Array.prototype.slice reads it: negative from the end, clamped to the list. */
export function clampIndex(index: number, length: number): number {
  const whole = Math.trunc(index) || 0
  return whole < 0 ? Math.max(length + whole, 0) : Math.min(whole, length)
}

/**
 * Where the findings of models not made into objects yet are read from (lazyFindings): their columns,
 * or for a repeated run the stored findings parts.
 */
const unmade = new WeakMap<object, FindingsView>()

/**
 * Gives `model` a `findings` property that makes the findings from `view` (its columns, or anything
 * that gives them a part at a time) the first time it is read (then a plain list, like any model's). A
 * run that only records its findings (findingsView, a part at a time) and prints its summary never
 * makes the million objects; whoever reads them gets them all.
 */
export function lazyFindings<M extends { findings: ModelFinding[] }>(model: M, view: FindingsView): M {
  const settle = (value: ModelFinding[]): ModelFinding[] => {
    unmade.delete(model)
    Object.defineProperty(model, 'findings', { value, writable: true, enumerable: true, configurable: true })
    return value
  }
  Object.defineProperty(model, 'findings', {
    get: () => settle(view.slice(0, view.length)),
    set: (value: ModelFinding[]) => {
      settle(value)
    },
    enumerable: true,
    configurable: true,
  })
  unmade.set(model, view)
  return model
}

/** Where a model's findings are read from while they are not made into objects; undefined once they are. */
export function unmadeFindings(model: object): FindingsView | undefined {
  return unmade.get(model)
}

/** A model's findings to read in order: its columns while they are not made into objects, else the list. */
export function findingsView(model: Pick<AssessmentModel, 'findings'>): FindingsView {
  return unmade.get(model) ?? model.findings
}

/**
 * A model's findings in order, `size` at a time: a walk over all of them (the JSON result, the gate)
 * then holds one batch of finding objects at once, never the million a large estate has.
 */
export function* findingsBatches(view: FindingsView, size = 10_000): Generator<ModelFinding[]> {
  for (let start = 0; start < view.length; start += size) yield view.slice(start, start + size)
}

/**
 * Whether any of a model's findings is one `test` accepts, read a batch at a time from its columns
 * while they are not made into objects: the exit code of `--fail-on` never makes the million of them.
 */
export function someFinding(
  model: Pick<AssessmentModel, 'findings'>,
  test: (finding: ModelFinding) => boolean,
): boolean {
  for (const batch of findingsBatches(findingsView(model))) if (batch.some(test)) return true
  return false
}

/**
 * The model with some members replaced, as `{ ...model, ...replaced }` gives it (the same keys in the
 * same order), but with its findings still columns when they were: a spread reads `findings` and so
 * makes every finding object.
 */
export function withMembers<M extends { findings: ModelFinding[] }>(model: M, replaced: Partial<M>): M {
  const columns = unmade.get(model)
  if (columns === undefined) return { ...model, ...replaced }
  const copy: Record<string, unknown> = {}
  for (const key of Object.keys(model))
    copy[key] = key === 'findings' ? [] : (model as Record<string, unknown>)[key]
  Object.assign(copy, replaced)
  // The empty list above only holds the findings key's position; lazyFindings defines it in place.
  return 'findings' in replaced ? (copy as M) : lazyFindings(copy as M, columns)
}
