import type { ControlStatus, CriterionStatus } from '../core/assessment.js'
import type { FindingStatus } from '../core/check.js'

/** Words a reader sees for each status, shared by every human-readable format. */
export const controlStatusLabel: Record<ControlStatus, string> = {
  // Readiness words, not the auditor's: whether a control is effective is the auditor's opinion.
  pass: 'Passing',
  fail: 'Exceptions',
  partial: 'Partly evidenced',
  'no-evidence': 'No current evidence',
  error: 'Test error',
  'not-applicable': 'Not applicable',
}

export const criterionStatusLabel: Record<CriterionStatus, string> = {
  ready: 'Ready',
  partial: 'Partly ready',
  'not-ready': 'Not ready',
  'no-control': 'No control',
  'not-applicable': 'Not applicable',
}

export const findingStatusLabel: Record<FindingStatus, string> = {
  pass: 'Pass',
  fail: 'Fail',
  'not-applicable': 'Not applicable',
  'no-evidence': 'No evidence',
  error: 'Error',
}

export const categoryLabel: Record<string, string> = {
  security: 'Security',
  availability: 'Availability',
  confidentiality: 'Confidentiality',
  'processing-integrity': 'Processing Integrity',
  privacy: 'Privacy',
}

/** `file:line`, or just the file. */
export function location(subject: { file: string; line?: number }): string {
  return subject.line === undefined ? subject.file : `${subject.file}:${subject.line}`
}

/** `namespace/name`, or just the name. */
export function qualifiedName(subject: { name: string; namespace?: string | undefined }): string {
  return subject.namespace === undefined ? subject.name : `${subject.namespace}/${subject.name}`
}

/** How readiness is computed, said once wherever the readiness table or heatmap appears. */
export const readinessExplanation =
  'Ready: every control that meets the criterion passes. Not ready: at least one has exceptions, or none passes. ' +
  'Readiness is the share of those controls that pass, a partly evidenced control counting half.'
