import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import type { ScanMisconfiguration } from '../../../src/core/evidence-scan.js'
import {
  atLeast,
  count,
  describeReport,
  findingsOf,
  listSome,
  missingScan,
  reportsCovering,
} from '../shared/reports.js'

const levels = ['critical', 'high', 'medium', 'low', 'info'] as const

export default defineCheck({
  id: 'scan/high-misconfigurations-resolved',
  title: 'Infrastructure and cloud misconfigurations of high severity are resolved',
  description:
    'Configuration scanners compare infrastructure code and live cloud accounts with security benchmarks ' +
    '(Checkov and Trivy on Terraform, Kubernetes and Dockerfiles; Prowler on AWS, Azure and GCP accounts). A ' +
    'failed rule of high or critical severity is a known weakness left open. The check fails each scanned ' +
    'target with such a failure. Checkov reports no severity unless connected to its platform: a failed rule ' +
    'without severity counts as high by default, because an unknown severity cannot show the weakness is minor. ' +
    'Skipped and muted rules are not failures here; they belong in the exception register.',
  remediation:
    'Fix the listed resources (the rule id names the setting) and rescan, or suppress the rule in the scanner ' +
    'with a reason (`#checkov:skip=CKV_AWS_…:reason`, a Prowler mutelist entry, `.trivyignore`) and record the ' +
    'exception with its approver and expiry.',
  severity: 'high',
  reads: ['scan.report', 'scan.misconfiguration'],
  params: z.object({
    minimumSeverity: z.enum(levels).default('high'),
    /** How a failed rule without severity counts; `ignore` leaves it out. */
    unknownSeverityAs: z.enum([...levels, 'ignore']).default('high'),
  }),
  evaluate({ evidence, params, result }) {
    const scans = reportsCovering(evidence['scan.report'], 'misconfiguration')
    if (scans.length === 0)
      return [
        result.undetermined(
          missingScan('misconfiguration'),
          'no imported report scanned for misconfigurations',
        ),
      ]
    const counts = (m: ScanMisconfiguration): boolean => {
      if (m.severity !== 'unknown') return atLeast(m.severity, params.minimumSeverity)
      return (
        params.unknownSeverityAs !== 'ignore' && atLeast(params.unknownSeverityAs, params.minimumSeverity)
      )
    }
    return scans.map((report) => {
      const failed = findingsOf(report, evidence['scan.misconfiguration']).filter(
        (m) => m.status === 'fail' && counts(m),
      )
      // A report that evaluated no rule at all (Checkov on files it could not parse, a scan of a folder
      // without infrastructure code) found nothing because it looked at nothing.
      if (
        failed.length === 0 &&
        report.counts.misconfigurationsFailed + report.counts.misconfigurationsPassed === 0
      ) {
        return result.undetermined(
          report,
          `the report evaluated no rule, passed or failed: nothing it could read was scanned (${describeReport(report)})`,
        )
      }
      if (failed.length === 0) {
        return result.pass(
          report,
          `no failed rule of ${params.minimumSeverity} severity or above among ${report.counts.misconfigurationsFailed} failures and ${report.counts.misconfigurationsPassed} passes (${describeReport(report)})`,
        )
      }
      return result.fail(
        report,
        `${count(failed.length, 'failed rule')} of ${params.minimumSeverity} severity or above (${describeReport(report)}): ${listSome(
          failed,
          (m) =>
            `${m.ruleId} (${m.severity === 'unknown' ? 'no severity given' : m.severity}) on ${m.resource ?? m.location?.path ?? report.target}` +
            (m.location?.line === undefined ? '' : ` at ${m.location.path}:${m.location.line}`),
        )}`,
      )
    })
  },
})
