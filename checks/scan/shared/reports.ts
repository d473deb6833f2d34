import type { SubjectLike } from '../../../src/core/check.js'
import type { ScanCoverage, ScanReport, ScanSeverity } from '../../../src/core/evidence-scan.js'
import { parseImageReference } from '../../../src/core/image-reference.js'

/** What every imported finding carries to tie it to its report: the report file and the target. */
interface FromReport {
  file: string
  target: string
}

/** The imported reports whose scan looked for this kind of problem. */
export function reportsCovering(reports: readonly ScanReport[], coverage: ScanCoverage): ScanReport[] {
  return reports.filter((report) => report.covers.includes(coverage))
}

/** The findings a report produced: same report file, same target. */
export function findingsOf<F extends FromReport>(report: ScanReport, findings: readonly F[]): F[] {
  return findings.filter((f) => f.file === report.file && f.target === report.target)
}

/** A subject for "no scan of this kind among the reports", which is never a pass. */
export function missingScan(coverage: string): SubjectLike {
  return { resourceKind: 'ScanReport', name: `${coverage} scan`, file: '' }
}

/**
 * `a, b, c and 4 more`: messages stay readable on reports with thousands of findings. Only the items
 * shown are described: a report with 10k findings has 10k strings made for the 8 a message lists.
 */
export function listSome<T>(items: readonly T[], describe: (item: T) => string, shown = 8): string {
  const listed = items.slice(0, shown).map(describe).join('; ')
  return items.length <= shown ? listed : `${listed} and ${items.length - shown} more`
}

/** `ghcr.io/acme/api:1.4 (trivy, scanned 2026-06-01)`: where a result comes from, for an auditor. */
export function describeReport(report: ScanReport): string {
  const when = report.scannedAt === undefined ? '' : `, scanned ${report.scannedAt.slice(0, 10)}`
  return `${report.tool} report ${report.file}${when}`
}

const severityOrder: readonly ScanSeverity[] = ['info', 'low', 'medium', 'high', 'critical']

/** True when a severity is at least the minimum; `unknown` is never ranked here. */
export function atLeast(severity: ScanSeverity, minimum: ScanSeverity): boolean {
  return (
    severityOrder.indexOf(severity) >= 0 && severityOrder.indexOf(severity) >= severityOrder.indexOf(minimum)
  )
}

/** An image reference without tag or digest, registry defaults applied: `docker.io/library/alpine`. */
function imageRepository(reference: string): string {
  const ref = parseImageReference(reference)
  return `${ref.registry}/${ref.repository}`
}

/**
 * Whether a scanned target is the one named: equal, or the same image repository when the name
 * carries no tag or digest (`ghcr.io/acme/api` names every tag of it), or the same repository URL
 * with or without scheme and `.git`.
 */
export function sameTarget(named: string, target: string): boolean {
  if (named === target) return true
  const url = (s: string): string =>
    s
      .replace(/^[a-z]+:\/\//, '')
      .replace(/\.git$/, '')
      .replace(/\/$/, '')
  if (url(named) === url(target)) return true
  const ref = parseImageReference(named)
  if (ref.tag !== undefined || ref.digest !== undefined) return false
  return imageRepository(named) === imageRepository(target)
}

/** Whether two image references name the same image: same repository and same tag or digest. */
export function sameImage(a: string, b: string): boolean {
  const left = parseImageReference(a)
  const right = parseImageReference(b)
  if (imageRepository(a) !== imageRepository(b)) return false
  if (left.digest !== undefined && left.digest === right.digest) return true
  return left.tag !== undefined && left.tag === right.tag
}

/** `1 secret`, `3 secrets`: counts in messages read as sentences. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`
}
