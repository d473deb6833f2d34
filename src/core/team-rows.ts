import type { AssessmentModel } from './assessment.js'
import type { IndexedFinding, RunSummary } from './team.js'

/**
 * What the team store keeps of an assessment model: one index row per finding (in model order, so
 * `ordinal` points back into `model.findings`) and the figures of the readiness trend. Pure.
 */

/** The findings of a model as index rows; a generator, so a million findings never sit twice in memory. */
export function* findingRows(
  model: Pick<AssessmentModel, 'findings'>,
): Generator<Omit<IndexedFinding, 'runId'>> {
  let ordinal = 0
  for (const finding of model.findings) {
    const { subject } = finding
    yield {
      ordinal: ordinal++,
      check: finding.check,
      status: finding.status,
      severity: finding.severity,
      subjectKind: subject.kind,
      subjectName: subject.name,
      ...(subject.namespace === undefined ? {} : { namespace: subject.namespace }),
      file: subject.file,
      ...(subject.line === undefined ? {} : { line: subject.line }),
      message: finding.message,
      controls: [...finding.controls],
      criteria: [...finding.criteria],
    }
  }
}

/** Mean of a list of readiness figures, rounded; undefined when there is none to average. */
function meanReadiness(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined
  return Math.round(values.reduce((sum, v) => sum + v, 0) / values.length)
}

/**
 * The trend figures of a run. A category's readiness is the mean readiness of its criteria; criteria
 * out of scope (not-applicable) count neither for nor against it, and a category with none in scope is
 * left out rather than shown as 0.
 */
export function runSummaryOf(
  runId: number,
  model: Pick<AssessmentModel, 'generatedAt' | 'asOf' | 'criteria' | 'gaps' | 'summary'>,
): RunSummary {
  const applicable = model.criteria.filter((c) => c.status !== 'not-applicable')
  const byCriterion: Record<string, number> = {}
  const readinessByCategory = new Map<string, number[]>()
  for (const criterion of applicable) {
    byCriterion[criterion.id] = criterion.readiness
    const list = readinessByCategory.get(criterion.category) ?? []
    list.push(criterion.readiness)
    readinessByCategory.set(criterion.category, list)
  }
  const byCategory: Record<string, number> = {}
  for (const [category, values] of readinessByCategory) {
    const mean = meanReadiness(values)
    if (mean !== undefined) byCategory[category] = mean
  }
  return {
    runId,
    generatedAt: model.generatedAt,
    asOf: model.asOf,
    readiness: model.summary.readiness,
    byCategory,
    byCriterion,
    gaps: model.gaps.length,
    controlsByStatus: { ...model.summary.controlsByStatus },
  }
}
