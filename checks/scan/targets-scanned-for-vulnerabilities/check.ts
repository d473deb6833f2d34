import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { describeReport, missingScan, reportsCovering, sameTarget } from '../shared/reports.js'

export default defineCheck({
  id: 'scan/targets-scanned-for-vulnerabilities',
  title: 'Images and repositories are scanned for known vulnerabilities',
  description:
    'A vulnerability scan that is configured and runs is the first half of vulnerability management: what is ' +
    'never scanned is never fixed. Each imported scanner report that looked for vulnerabilities (Trivy, Grype) ' +
    'is evidence that its target was scanned, with the tool, its version and the scan date. When the images ' +
    'and repositories that must be scanned are listed, each one without a report fails.',
  remediation:
    'Run a vulnerability scanner on every shipped image and production repository in CI (for example ' +
    '`trivy image --format json --output trivy.json <image>` or `grype <image> -o json`), keep the JSON report ' +
    'as a build artifact, and point a `scan-report` source at the reports.',
  severity: 'high',
  reads: ['scan.report'],
  params: z.object({
    /** Images (`ghcr.io/acme/api`: any tag) or repositories that must have a vulnerability scan. */
    requiredTargets: z.array(z.string().min(1)).default([]),
  }),
  evaluate({ evidence, params, result }) {
    const scans = reportsCovering(evidence['scan.report'], 'vulnerability')
    if (params.requiredTargets.length > 0) {
      return params.requiredTargets.map((named) => {
        const subject = { resourceKind: 'ScanTarget', name: named, file: '' }
        const found = scans.find((report) => sameTarget(named, report.target))
        return found === undefined
          ? result.fail(subject, `no imported vulnerability scan covers ${named}`)
          : result.pass(subject, `scanned as ${found.target} (${describeReport(found)})`)
      })
    }
    if (scans.length === 0)
      return [
        result.undetermined(missingScan('vulnerability'), 'no imported report scanned for vulnerabilities'),
      ]
    return scans.map((report) =>
      result.pass(
        report,
        `${report.target} was scanned for vulnerabilities (${describeReport(report)}): ${report.counts.vulnerabilities} found`,
      ),
    )
  },
})
