import { defineCheck } from '../../../src/core/check.js'
import {
  count,
  describeReport,
  findingsOf,
  listSome,
  missingScan,
  reportsCovering,
} from '../shared/reports.js'

export default defineCheck({
  id: 'scan/no-fixable-critical-vulnerabilities',
  title: 'No scanned target has a critical vulnerability that a published fix resolves',
  description:
    'A critical vulnerability with a fixed version available is the clearest case for patching: the risk is ' +
    'severe and the remedy exists. The check reads each vulnerability scan report and fails a target with any ' +
    'critical finding whose fix is available, whatever its age. Critical findings without a known fix are ' +
    'counted in the message but do not fail, since only an exception or a mitigation can address them.',
  remediation:
    'Upgrade the listed packages to their fixed versions, rebuild and redeploy, then rescan. If a fix cannot ' +
    'ship immediately, record a time-limited exception with the mitigation in place.',
  severity: 'critical',
  reads: ['scan.report', 'scan.vulnerability'],
  evaluate({ evidence, result }) {
    const scans = reportsCovering(evidence['scan.report'], 'vulnerability')
    if (scans.length === 0)
      return [
        result.undetermined(missingScan('vulnerability'), 'no imported report scanned for vulnerabilities'),
      ]
    return scans.map((report) => {
      const critical = findingsOf(report, evidence['scan.vulnerability']).filter(
        (v) => v.severity === 'critical',
      )
      const fixable = critical.filter((v) => v.fixAvailable === true)
      if (fixable.length > 0) {
        return result.fail(
          report,
          `${count(fixable.length, 'critical vulnerability', 'critical vulnerabilities')} with a fix available (${describeReport(report)}): ${listSome(
            fixable,
            (v) =>
              `${v.ruleId} in ${v.package.name}@${v.package.version}, fixed in ${v.fixedVersions.join(', ')}`,
          )}`,
        )
      }
      const open =
        critical.length === 0
          ? 'no critical vulnerability'
          : `${count(critical.length, 'critical vulnerability', 'critical vulnerabilities')}, none with a known fix`
      return result.pass(report, `${open} (${describeReport(report)})`)
    })
  },
})
