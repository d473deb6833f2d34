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
  id: 'scan/code-scan-errors-resolved',
  title: 'Static analysis results of error level are resolved',
  description:
    'Static analysis tools (CodeQL, Semgrep, Bandit, gosec, Flawfinder and any other tool that writes SARIF) ' +
    'mark results that are likely defects as `error`. A change process that runs them but ships their errors ' +
    'anyway has a review step in name only. The check fails each SARIF run with an error-level result that is ' +
    'neither suppressed with a reason nor marked absent (fixed) against its baseline.',
  remediation:
    'Fix the reported code, or suppress a confirmed false positive in the tool with a justification (an inline ' +
    'suppression or a SARIF `suppressions` entry), then rerun the scan in CI and upload the new SARIF.',
  severity: 'medium',
  reads: ['scan.report', 'scan.code-finding'],
  evaluate({ evidence, result }) {
    const scans = reportsCovering(evidence['scan.report'], 'code')
    if (scans.length === 0) {
      // The importer leaves `code` out of a run that holds no results array or says its tool failed.
      const unfinished = evidence['scan.report'].filter((report) => report.format === 'sarif')
      return [
        result.undetermined(
          missingScan('static analysis'),
          unfinished.length === 0
            ? 'no SARIF report was imported'
            : `no imported SARIF run shows a finished analysis: ${listSome(unfinished, describeReport)} ${unfinished.length === 1 ? 'has' : 'have'} no results array or say${unfinished.length === 1 ? 's' : ''} the tool did not run successfully`,
        ),
      ]
    }
    return scans.map((report) => {
      const findings = findingsOf(report, evidence['scan.code-finding']).filter((f) => f.tool === report.tool)
      const open = findings.filter(
        (f) => f.level === 'error' && !f.suppressed && f.baselineState !== 'absent',
      )
      if (open.length === 0) {
        const suppressed = findings.filter((f) => f.level === 'error' && f.suppressed).length
        return result.pass(
          report,
          `no open error-level result among ${findings.length}${suppressed > 0 ? ` (${suppressed} suppressed)` : ''} (${describeReport(report)})`,
        )
      }
      return result.fail(
        report,
        `${count(open.length, 'error-level result')} open (${describeReport(report)}): ${listSome(
          open,
          (f) =>
            `${f.ruleId} at ${f.location?.path ?? report.target}${f.location?.line === undefined ? '' : `:${f.location.line}`}`,
        )}`,
      )
    })
  },
})
