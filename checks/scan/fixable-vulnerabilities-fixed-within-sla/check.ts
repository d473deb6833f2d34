import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import type { ScanSeverity, ScanVulnerability } from '../../../src/core/evidence-scan.js'
import {
  count,
  describeReport,
  findingsOf,
  listSome,
  missingScan,
  reportsCovering,
} from '../shared/reports.js'

const days = z.number().int().positive()

export default defineCheck({
  id: 'scan/fixable-vulnerabilities-fixed-within-sla',
  title: 'Vulnerabilities with a fix available are fixed within the deadline for their severity',
  description:
    'A known vulnerability with a published fix is a risk the team can remove: the remediation standard gives ' +
    'each severity a deadline, counted from the day the vulnerability was published. The check reads the ' +
    'vulnerability scanner reports (Trivy, Grype) and, for each scanned target, lists the fixable ' +
    'vulnerabilities older than their deadline on the run date. A report that gives no publication date for a ' +
    'fixable vulnerability cannot prove the deadline was kept, and no vulnerability scan at all is no evidence, ' +
    'never a pass.',
  remediation:
    'Upgrade the listed packages to the fixed version (rebuild the image on a patched base, bump the lockfile) ' +
    'and rescan. Where a fix cannot ship in time, record a time-limited exception with its reason and approver. ' +
    'Use a scanner output that includes publication dates (Trivy JSON does) so ages can be measured.',
  severity: 'high',
  reads: ['scan.report', 'scan.vulnerability'],
  params: z.object({
    /** Days from publication to fix, per severity; a severity without a number has no deadline. */
    days: z
      .object({
        critical: days.default(15),
        high: days.default(30),
        medium: days.default(90),
        low: days.optional(),
      })
      .prefault({}),
  }),
  evaluate({ evidence, params, result }) {
    const scans = reportsCovering(evidence['scan.report'], 'vulnerability')
    if (scans.length === 0)
      return [
        result.undetermined(missingScan('vulnerability'), 'no imported report scanned for vulnerabilities'),
      ]
    const deadline = (severity: ScanSeverity): number | undefined =>
      severity === 'critical' || severity === 'high' || severity === 'medium' || severity === 'low'
        ? params.days[severity]
        : undefined
    return scans.map((report) => {
      const fixable = findingsOf(report, evidence['scan.vulnerability']).filter(
        (v) => v.fixAvailable === true && deadline(v.severity) !== undefined,
      )
      const overdue = fixable.filter(
        (v) => v.ageDays !== undefined && v.ageDays > (deadline(v.severity) ?? Infinity),
      )
      const undated = fixable.filter((v) => v.ageDays === undefined)
      const describe = (v: ScanVulnerability): string =>
        `${v.ruleId} (${v.severity}) in ${v.package.name}@${v.package.version}, fixed in ${v.fixedVersions.join(', ') || 'a newer version'}` +
        (v.ageDays === undefined ? '' : `, ${v.ageDays} days old against ${deadline(v.severity)}`)
      if (overdue.length > 0) {
        return result.fail(
          report,
          `${count(overdue.length, 'fixable vulnerability', 'fixable vulnerabilities')} past the deadline (${describeReport(report)}): ${listSome(overdue, describe)}`,
        )
      }
      if (undated.length > 0) {
        return result.undetermined(
          report,
          `${count(undated.length, 'fixable vulnerability', 'fixable vulnerabilities')} without a publication date in the ${report.tool} report, so their age against the deadline cannot be told: ${listSome(undated, describe)}`,
        )
      }
      return result.pass(
        report,
        fixable.length === 0
          ? `no fixable vulnerability with a deadline (${describeReport(report)})`
          : `${count(fixable.length, 'fixable vulnerability', 'fixable vulnerabilities')}, all within the deadline (${describeReport(report)})`,
      )
    })
  },
})
