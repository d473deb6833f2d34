import type {
  ControlStatus,
  CriterionStatus,
  FindingStatus,
  ManualEvidenceStatus,
  RemediationStatus,
  ReportCoverage,
  RunKind,
  Severity,
} from './api-types'

// The same words as the HTML report (src/reports/labels.ts): readiness words, not the auditor's.
export const controlStatusLabel: Record<ControlStatus, string> = {
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

export const coverageLabel: Record<ReportCoverage, string> = {
  current: 'Current report',
  bridged: 'Covered by bridge letter',
  'period-gap': 'Gap between periods',
  expired: 'Report expired',
  missing: 'No report',
  'not-required': 'Not required',
}

export const manualEvidenceLabel: Record<ManualEvidenceStatus, string> = {
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

export const readinessExplanation =
  'Ready: every control that meets the criterion passes. Not ready: at least one has exceptions, or none passes. ' +
  'Readiness is the share of those controls that pass, a partly evidenced control counting half.'

/** A label for a value the table above may not know yet (a newer server): the raw value, readable. */
export function labelOf<K extends string>(table: Record<K, string>, value: string): string {
  return (table as Record<string, string>)[value] ?? value
}

/** 2026-11-28T19:44:01.000Z → 2026-11-28 19:44 UTC: unambiguous for a team across time zones. */
export function formatTime(iso: string | undefined): string {
  if (iso === undefined || iso === '') return '—'
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}

export function shortHash(hash: string): string {
  return hash.length > 16 ? `${hash.slice(0, 12)}…` : hash
}

/** "Priya Raman <priya@acme.example>" → "Priya Raman": tables show the name, the title holds the rest. */
export function ownerName(owner: string): string {
  const name = owner.replace(/\s*<[^>]*>\s*$/, '').trim()
  return name === '' ? owner : name
}
