import type { AssessmentModel, ControlStatus } from './assessment.js'
import type { Finding } from './check.js'

/** One finding that changed between two runs. */
export interface FindingChange {
  check: string
  subject: string
  from?: Finding['status']
  to?: Finding['status']
  message: string
}

/** What changed between two stored assessments: the gap-analysis loop, one cycle to the next. */
export interface RunDiff {
  readiness: { from: number; to: number }
  /** Failed before, passes now (or is no longer a subject because it was fixed away). */
  fixed: FindingChange[]
  /** Passed before, fails now. */
  regressed: FindingChange[]
  /** Fails now on a subject that was not there before. */
  new: FindingChange[]
  /** Failed before on a subject that no longer exists. */
  gone: FindingChange[]
  controls: { id: string; from: ControlStatus; to: ControlStatus }[]
}

/** A finding's subject, stable across runs: check, kind, namespace/name and file (not the line). */
const subjectKey = (f: Finding): string =>
  `${f.subject.kind}:${f.subject.namespace === undefined ? '' : `${f.subject.namespace}/`}${f.subject.name} (${f.subject.file})`

const failing = (status: Finding['status'] | undefined): boolean => status === 'fail' || status === 'error'

/** Compares two assessments finding by finding and control by control. */
export function diffRuns(before: AssessmentModel, after: AssessmentModel): RunDiff {
  const index = (model: AssessmentModel): Map<string, Finding> =>
    new Map(model.findings.map((f) => [`${f.check}|${subjectKey(f)}`, f]))
  const a = index(before)
  const b = index(after)
  const diff: RunDiff = {
    readiness: { from: before.summary.readiness, to: after.summary.readiness },
    fixed: [],
    regressed: [],
    new: [],
    gone: [],
    controls: [],
  }
  for (const [key, now] of b) {
    const then = a.get(key)
    const change = { check: now.check, subject: subjectKey(now), to: now.status, message: now.message }
    if (then === undefined) {
      if (failing(now.status)) diff.new.push(change)
    } else if (failing(then.status) && !failing(now.status)) diff.fixed.push({ ...change, from: then.status })
    else if (!failing(then.status) && failing(now.status))
      diff.regressed.push({ ...change, from: then.status })
  }
  for (const [key, then] of a) {
    if (!b.has(key) && failing(then.status))
      diff.gone.push({
        check: then.check,
        subject: subjectKey(then),
        from: then.status,
        message: then.message,
      })
  }
  const controlsBefore = new Map(before.controls.map((c) => [c.id, c.status]))
  for (const control of after.controls) {
    const from = controlsBefore.get(control.id)
    if (from !== undefined && from !== control.status)
      diff.controls.push({ id: control.id, from, to: control.status })
  }
  return diff
}
