import type { ControlStatus, CriterionStatus, Gap, ManualEvidenceStatus } from './assessment.js'
import type { FindingStatus, Severity } from './check.js'
import { type RemediationStatus, type RunKind, roles } from './team.js'
import type { ReportCoverage } from './third-parties/vendors.js'

/**
 * Words a reader sees for each status, in every human-readable format and in the dashboard (which
 * reads them from `GET /api/labels`): one table, so a report and the screen never disagree.
 */
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

// Keyed by string: reports look categories up by the ids a stored model holds, which may be newer.
export const categoryLabel: Record<string, string> = {
  security: 'Security',
  availability: 'Availability',
  confidentiality: 'Confidentiality',
  'processing-integrity': 'Processing Integrity',
  privacy: 'Privacy',
}

export const severityLabel: Record<Severity, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
}

export const remediationStatusLabel: Record<RemediationStatus, string> = {
  open: 'Open',
  'in-progress': 'In progress',
  resolved: 'Resolved',
  'risk-accepted': 'Risk accepted',
}

export const reportCoverageLabel: Record<ReportCoverage, string> = {
  current: 'Current report',
  bridged: 'Covered by bridge letter',
  'period-gap': 'Gap between periods',
  expired: 'Report expired',
  missing: 'No report',
  'not-required': 'Not required',
}

export const manualEvidenceStatusLabel: Record<ManualEvidenceStatus, string> = {
  current: 'Current',
  overdue: 'Overdue',
  missing: 'Missing',
}

export const runKindLabel: Record<RunKind, string> = {
  assessment: 'Assessment',
  push: 'Collector push',
  change: 'Change',
  sample: 'Sample',
  population: 'Population',
  other: 'Other',
}

/** How readiness is computed, said once wherever the readiness table or heatmap appears. */
export const readinessExplanation =
  'Ready: every control that meets the criterion passes. Not ready: at least one has exceptions, or none passes. ' +
  'Readiness is the share of those controls that pass, a partly evidenced control counting half.'

/** Every table above, as GET /api/labels serves them to the dashboard (with the roles it offers, in order). */
export const labelTables = {
  controlStatus: controlStatusLabel,
  criterionStatus: criterionStatusLabel,
  findingStatus: findingStatusLabel,
  severity: severityLabel,
  remediationStatus: remediationStatusLabel,
  reportCoverage: reportCoverageLabel,
  manualEvidenceStatus: manualEvidenceStatusLabel,
  runKind: runKindLabel,
  category: categoryLabel,
  roles: [...roles],
  readinessExplanation,
}

/** Where a gap's remediation stands, in words: `Open` until someone records otherwise on the server. */
export function gapStatusLabel(gap: Pick<Gap, 'tracking'>): string {
  return remediationStatusLabel[gap.tracking?.status ?? 'open']
}

/** The latest comment on a gap as one attributed, dated line, or '' without one. */
export function latestGapNote(gap: Pick<Gap, 'tracking'>): string {
  const note = gap.tracking?.comments.at(-1)
  return note === undefined ? '' : `Latest note (${note.author}, ${note.at.slice(0, 10)}): ${note.body}`
}
