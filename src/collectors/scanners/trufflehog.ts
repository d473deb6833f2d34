import { createHash } from 'node:crypto'
import { z } from 'zod'
import type { ScanSecretFinding } from '../../core/evidence-scan.js'
import { type Importer, reportOf, targetOf } from './importer.js'
import { fingerprintSecret, maskSecret, prune } from './normalise.js'
import { parseReport } from './parse-json.js'

const text = z.string().nullish()

/** Where TruffleHog found it: every source (Git, Filesystem, Github, …) names a file and line. */
const place = z.object({
  file: text,
  path: text,
  line: z.number().nullish(),
  commit: text,
  repository: text,
})

// Raw and RawV2 are read only to build the masked preview and to drop duplicates; they are never kept.
const finding = z.object({
  SourceMetadata: z.object({ Data: z.record(z.string(), place).nullish() }).nullish(),
  SourceName: text,
  DetectorName: z.string(),
  Verified: z.boolean().nullish(),
  Raw: text,
  RawV2: text,
})

const report = z.array(finding)

/** TruffleHog v3 JSON (`--json`: one finding per line, or collected into an array). */
export const importTrufflehog: Importer = (document, context) => {
  const parsed = parseReport(report, document, context.file, 'TruffleHog')
  const places = parsed.map((f) => Object.values(f.SourceMetadata?.Data ?? {})[0])
  const target = targetOf(places.find((p) => p?.repository)?.repository, context)
  const seen = new Set<string>()
  const findings: ScanSecretFinding[] = []
  parsed.forEach((f, i) => {
    const at = places[i]
    const path = at?.file ?? at?.path ?? context.file
    const line = at?.line ?? undefined
    const secret = f.RawV2 || f.Raw || ''
    // TruffleHog reports a secret once per place it decodes it; the same secret at the same place is one finding.
    const key = createHash('sha256')
      .update(`${f.DetectorName}\0${path}\0${line}\0${at?.commit ?? ''}\0${secret}`)
      .digest('hex')
    if (seen.has(key)) return
    seen.add(key)
    findings.push(
      prune<ScanSecretFinding>({
        kind: 'scan.secret-finding',
        resourceKind: 'SecretFinding',
        name: `${f.DetectorName} ${path}${line === undefined ? '' : `:${line}`}`,
        file: context.file,
        tool: 'trufflehog',
        ruleId: f.DetectorName,
        severity: 'unknown',
        target,
        location: prune({ path, line, commit: at?.commit ?? undefined }),
        preview: maskSecret(f.Raw || secret),
        verified: f.Verified ?? undefined,
        secretFingerprint: fingerprintSecret(f.Raw || secret, context.fingerprintSalt),
      }),
    )
  })
  const scanReport = reportOf(
    {
      format: 'trufflehog',
      tool: 'trufflehog',
      target,
      targetType: places.some((p) => p?.repository) ? 'repository' : 'filesystem',
      covers: ['secret'],
    },
    findings,
    context.file,
  )
  return [scanReport, ...findings]
}
