import type { ScanEvidenceKinds, ScanReport } from '../../core/evidence-scan.js'
import { prune } from './normalise.js'

/** Any evidence item an importer produces. */
export type ScanEvidence = ScanEvidenceKinds[keyof ScanEvidenceKinds]

/** What an importer knows besides the parsed report. */
export interface ImportContext {
  /** The report's path relative to the config folder: every item's `file`. */
  file: string
  /** The run's clock, for ages. */
  now: Date
  /** The target named in trustctl.yaml, for reports that do not say what they scanned. */
  target?: string | undefined
  /** The store's salt for fingerprints of secrets found. */
  fingerprintSalt?: string | undefined
}

/** Turns one parsed report into evidence: one `scan.report` per scanned target plus its findings. */
export type Importer = (document: unknown, context: ImportContext) => ScanEvidence[]

type ReportFacts = Omit<ScanReport, 'kind' | 'resourceKind' | 'name' | 'file' | 'counts'> & {
  /** Passed rules the report only counts (Trivy's MisconfSummary) rather than lists. */
  passedNotListed?: number
}

/** The `scan.report` item for a target, its counts taken from the findings imported with it. */
export function reportOf(facts: ReportFacts, findings: readonly ScanEvidence[], file: string): ScanReport {
  const { passedNotListed = 0, ...rest } = facts
  const counts: ScanReport['counts'] = {
    vulnerabilities: 0,
    misconfigurationsFailed: 0,
    misconfigurationsPassed: passedNotListed,
    secrets: 0,
    codeFindings: 0,
    components: 0,
  }
  for (const item of findings) {
    if (item.kind === 'scan.vulnerability') counts.vulnerabilities++
    else if (item.kind === 'scan.misconfiguration') {
      if (item.status === 'fail') counts.misconfigurationsFailed++
      else if (item.status === 'pass') counts.misconfigurationsPassed++
    } else if (item.kind === 'scan.secret-finding') counts.secrets++
    else if (item.kind === 'scan.code-finding') counts.codeFindings++
    else if (item.kind === 'scan.component') counts.components++
  }
  return prune({ kind: 'scan.report', resourceKind: 'ScanReport', name: rest.target, file, ...rest, counts })
}

/** The target a report names, else the one configured, else the report file itself. */
export function targetOf(named: string | null | undefined, context: ImportContext): string {
  return context.target ?? (named === null || named === undefined || named === '' ? context.file : named)
}
