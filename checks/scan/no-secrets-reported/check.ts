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
  id: 'scan/no-secrets-reported',
  title: 'Secret scanners report no credentials in code, images or history',
  description:
    'A credential committed to a repository or baked into an image can be read by anyone with access to it, ' +
    'and stays in the history after it is deleted from the files. The check reads the reports of secret ' +
    'scanners (gitleaks, TruffleHog, Trivy secret scanning) and fails each scanned target with a finding; ' +
    'a report that looked for secrets and found none passes. Secrets are shown only as masked previews.',
  remediation:
    'Revoke and rotate each reported credential first (deleting it from the code does not make it safe), then ' +
    "remove it from the code and move it to a secret manager. Add confirmed false positives to the scanner's " +
    'allow-list (`.gitleaksignore`, `--exclude-paths`) so the report stays clean.',
  severity: 'critical',
  reads: ['scan.report', 'scan.secret-finding'],
  evaluate({ evidence, result }) {
    const scans = reportsCovering(evidence['scan.report'], 'secret')
    if (scans.length === 0)
      return [result.undetermined(missingScan('secret'), 'no imported report scanned for secrets')]
    return scans.map((report) => {
      const found = findingsOf(report, evidence['scan.secret-finding'])
      if (found.length === 0) return result.pass(report, `no secrets reported (${describeReport(report)})`)
      const verified = found.filter((f) => f.verified === true).length
      return result.fail(
        report,
        `${count(found.length, 'secret')} reported${verified > 0 ? `, ${verified} verified live by the scanner` : ''} (${describeReport(report)}): ${listSome(
          found,
          (f) =>
            `${f.ruleId} at ${f.location.path}${f.location.line === undefined ? '' : `:${f.location.line}`}` +
            `${f.location.commit === undefined ? '' : ` in commit ${f.location.commit.slice(0, 12)}`} (${f.preview})`,
        )}`,
      )
    })
  },
})
