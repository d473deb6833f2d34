import { z } from 'zod'
import type { ScanSecretFinding } from '../../core/evidence-scan.js'
import { type Importer, reportOf, targetOf } from './importer.js'
import { fingerprintSecret, maskSecret, prune } from './normalise.js'
import { parseReport } from './parse-json.js'

const text = z.string().nullish()

// Secret and Match are read only to build the masked preview; they are never kept.
const finding = z.object({
  RuleID: z.string(),
  Description: text,
  File: z.string(),
  StartLine: z.number().nullish(),
  Commit: text,
  Secret: text,
  Match: text,
  Fingerprint: text,
  Date: text,
})

const report = z.array(finding)

/** gitleaks JSON (`gitleaks detect --report-format json`): an array of findings, `[]` when none. */
export const importGitleaks: Importer = (document, context) => {
  const parsed = parseReport(report, document, context.file, 'gitleaks')
  const target = targetOf(undefined, context)
  const findings = parsed.map((f) => {
    const line = f.StartLine ?? undefined
    const secret = f.Secret || f.Match || ''
    return prune<ScanSecretFinding>({
      kind: 'scan.secret-finding',
      resourceKind: 'SecretFinding',
      name: `${f.RuleID} ${f.File}${line === undefined ? '' : `:${line}`}`,
      file: context.file,
      tool: 'gitleaks',
      ruleId: f.RuleID,
      severity: 'unknown',
      target,
      location: prune({ path: f.File, line, commit: f.Commit || undefined }),
      preview: maskSecret(secret),
      // gitleaks' fingerprint is commit:file:rule:line, which holds no secret.
      fingerprint: f.Fingerprint || undefined,
      secretFingerprint: fingerprintSecret(f.Secret ?? '', context.fingerprintSalt),
    })
  })
  const scanReport = reportOf(
    { format: 'gitleaks', tool: 'gitleaks', target, targetType: 'repository', covers: ['secret'] },
    findings,
    context.file,
  )
  return [scanReport, ...findings]
}
