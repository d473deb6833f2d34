// The words live in core so the dashboard (over GET /api/labels) and every report share one table.
export {
  categoryLabel,
  controlStatusLabel,
  criterionStatusLabel,
  findingStatusLabel,
  readinessExplanation,
} from '../core/labels.js'

/** `file:line`, or just the file. */
export function location(subject: { file: string; line?: number }): string {
  return subject.line === undefined ? subject.file : `${subject.file}:${subject.line}`
}

/** `namespace/name`, or just the name. */
export function qualifiedName(subject: { name: string; namespace?: string | undefined }): string {
  return subject.namespace === undefined ? subject.name : `${subject.namespace}/${subject.name}`
}
