// The words live in core so the dashboard (over GET /api/labels) and every report share one table.
export {
  categoryLabel,
  controlStatusLabel,
  criterionStatusLabel,
  findingStatusLabel,
  gapStatusLabel,
  latestGapNote,
  readinessExplanation,
} from '../core/labels.js'

import type { AssessmentModel } from '../core/assessment.js'

/** `file:line`, or just the file. */
export function location(subject: { file: string; line?: number }): string {
  return subject.line === undefined ? subject.file : `${subject.file}:${subject.line}`
}

/** `namespace/name`, or just the name. */
export function qualifiedName(subject: { name: string; namespace?: string | undefined }): string {
  return subject.namespace === undefined ? subject.name : `${subject.namespace}/${subject.name}`
}

/** One line on coverage: how many collected resources a check examined, for the report summary. */
export function coverageSentence(coverage: NonNullable<AssessmentModel['coverage']>): string {
  return coverage.notAssessed === 0
    ? `Every one of the ${coverage.resources} collected resources was examined by at least one test.`
    : `${coverage.assessed} of ${coverage.resources} collected resources were examined by at least one test; ${coverage.notAssessed} were not assessed and are listed below with where they are declared and why.`
}

/** Coverage rows by resource type: source, type, collected, assessed, not assessed. */
export function coverageRows(coverage: NonNullable<AssessmentModel['coverage']>): string[][] {
  return coverage.byType.map((g) => [
    g.source,
    g.resourceKind,
    String(g.count),
    String(g.assessed),
    String(g.notAssessed),
  ])
}

/** Every resource not assessed: type, where (file:line), name, why. */
export function notAssessedRows(coverage: NonNullable<AssessmentModel['coverage']>): string[][] {
  return coverage.byType.flatMap((g) =>
    g.notAssessedResources.map((r) => [
      `${g.source} ${g.resourceKind}`,
      r.line === undefined ? r.file : `${r.file}:${r.line}`,
      r.namespace === undefined ? r.name : `${r.namespace}/${r.name}`,
      r.reason,
    ]),
  )
}
