import { defineCheck } from '../../../src/core/check.js'
import type { SecretFinding, SecretScan } from '../../../src/core/evidence-secrets.js'

function inScan(finding: SecretFinding, scan: SecretScan): boolean {
  return scan.file === '.' || finding.file === scan.file || finding.file.startsWith(`${scan.file}/`)
}

export default defineCheck({
  id: 'secrets/no-secrets-in-repository',
  title: 'Repositories hold no credentials in their files or history',
  description:
    'A credential committed to a repository is readable by everyone who can clone it, for as long as the ' +
    'history exists, and is copied into every fork, CI cache and laptop. Findings covered by an allow-list ' +
    'entry (a test fixture path, a known fake key by fingerprint) pass with the entry named; a clean scan ' +
    'passes with what it covered, so an auditor sees the scan happened.',
  remediation:
    'Revoke and rotate each credential found (removing it from the file does not make it safe: it stays ' +
    'in the history), move it to the secret manager, and rewrite the history if the repository is shared ' +
    'outside the company. For a fake key in a test fixture, add an `allow:` entry with its path or fingerprint and a reason.',
  severity: 'critical',
  reads: ['secret.scan', 'secret.finding'],
  evaluate({ evidence, result }) {
    const findings = evidence['secret.finding']
    const outcomes = findings.map((f) => {
      const where =
        f.commit === undefined
          ? `${f.file}:${f.line}:${f.column}`
          : `${f.file}:${f.line} in commit ${f.commit.slice(0, 12)}`
      const what = `${f.ruleTitle} ${f.preview} (fingerprint ${f.fingerprint}) at ${where}`
      if (f.allowed !== undefined)
        return result.pass(
          f,
          `${what} is allow-listed by ${f.allowed.by} ${f.allowed.entry}${f.allowed.reason === undefined ? '' : `: ${f.allowed.reason}`}`,
        )
      return result.fail(f, what)
    })
    for (const scan of evidence['secret.scan']) {
      const open = findings.filter((f) => f.allowed === undefined && inScan(f, scan))
      if (open.length > 0) continue
      outcomes.push(
        result.pass(
          scan,
          `no credentials found: ${scan.filesScanned} files (${(scan.bytesScanned / 1e6).toFixed(1)} MB), ${scan.rules.length} rules, ` +
            `${scan.history ? `${scan.commitsScanned} commits of history` : 'working tree only'}${scan.allowedFindings > 0 ? `, ${scan.allowedFindings} allow-listed` : ''}`,
        ),
      )
    }
    return outcomes
  },
})
