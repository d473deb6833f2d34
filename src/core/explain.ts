import { compareCriteria } from './assess.js'
import type { AssessmentModel, ControlResult } from './assessment.js'
import type { Catalog, Control, Criterion } from './catalog.js'
import type { Check, Finding } from './check.js'
import { didYouMean } from './did-you-mean.js'
import { NotFoundError } from './errors.js'

/** The latest result of one check, with the files (and their hashes) its findings came from. */
export interface CheckEvidence {
  check: string
  findings: (Finding & { inputSha256?: string })[]
}

/** What an explanation says about a check: its metadata, without the code. */
export type CheckInfo = Pick<Check, 'id' | 'title' | 'description' | 'remediation' | 'severity' | 'reads'>

function checkInfo(check: Check): CheckInfo {
  const { id, title, description, remediation, severity, reads } = check
  return { id, title, description, remediation, severity, reads }
}

export interface ControlExplanation {
  control: Control
  criteria: Criterion[]
  checks: CheckInfo[]
  result?: ControlResult
  evidence: CheckEvidence[]
}

export type Explanation =
  | { type: 'criterion'; criterion: Criterion; controls: ControlExplanation[]; inScope: boolean | undefined }
  | ({ type: 'control' } & ControlExplanation)
  | { type: 'check'; check: CheckInfo; controls: Control[]; criteria: Criterion[]; evidence?: CheckEvidence }

export interface ExplainSources {
  catalog: Catalog
  checks: readonly Check[]
  /** The latest stored assessment, when there is one. */
  model?: AssessmentModel
}

function latestEvidence(checkId: string, model: AssessmentModel | undefined): CheckEvidence | undefined {
  if (model === undefined) return undefined
  const hashes = new Map(model.inputs.map((i) => [i.file, i.sha256]))
  const findings = model.findings
    .filter((f) => f.check === checkId)
    .map(({ controls: _controls, criteria: _criteria, ...finding }) => {
      const sha = hashes.get(finding.subject.file)
      return sha === undefined ? finding : { ...finding, inputSha256: sha }
    })
  return { check: checkId, findings }
}

function explainControl(control: Control, sources: ExplainSources): ControlExplanation {
  const checks = control.testedBy.flatMap((id) => sources.checks.filter((c) => c.id === id).map(checkInfo))
  const explanation: ControlExplanation = {
    control,
    criteria: control.satisfies.soc2.flatMap((id) => {
      const c = sources.catalog.criteria.get(id)
      return c === undefined ? [] : [c]
    }),
    checks,
    evidence: checks.flatMap((c) => {
      const evidence = latestEvidence(c.id, sources.model)
      return evidence === undefined ? [] : [evidence]
    }),
  }
  const result = sources.model?.controls.find((c) => c.id === control.id)
  if (result !== undefined) explanation.result = result
  return explanation
}

/** Every id `explain` answers for, in the spelling it is listed under: what a typo is matched against. */
function knownIds(sources: ExplainSources): string[] {
  return [
    ...sources.catalog.criteria.keys(),
    ...sources.catalog.controls.map((c) => c.id),
    ...sources.checks.map((c) => c.id),
  ]
}

/** Finds what an id names (criterion, control or check) and gathers what an auditor needs about it. */
export function explain(id: string, sources: ExplainSources): Explanation {
  const criterion = sources.catalog.criteria.get(id.toUpperCase())
  if (criterion !== undefined) {
    return {
      type: 'criterion',
      criterion,
      controls: sources.catalog.controls
        .filter((c) => c.satisfies.soc2.includes(criterion.id))
        .map((c) => explainControl(c, sources)),
      inScope: sources.model?.scope.criteria.includes(criterion.id),
    }
  }
  const control = sources.catalog.controls.find((c) => c.id === id)
  if (control !== undefined) return { type: 'control', ...explainControl(control, sources) }
  const check = sources.checks.find((c) => c.id === id)
  if (check !== undefined) {
    const controls = sources.catalog.controls.filter((c) => c.testedBy.includes(check.id))
    const criteriaIds = [...new Set(controls.flatMap((c) => c.satisfies.soc2))].sort(compareCriteria)
    const explanation: Explanation = {
      type: 'check',
      check: checkInfo(check),
      controls,
      criteria: criteriaIds.flatMap((cid) => {
        const c = sources.catalog.criteria.get(cid)
        return c === undefined ? [] : [c]
      }),
    }
    const evidence = latestEvidence(check.id, sources.model)
    if (evidence !== undefined) explanation.evidence = evidence
    return explanation
  }
  throw new NotFoundError(
    `'${id}' is not a criterion, control or check id${didYouMean(id, knownIds(sources))}`,
    {
      hint: 'criteria look like CC6.1, controls like access.production-access-restricted, checks like kubernetes/workload-runs-as-non-root',
    },
  )
}
