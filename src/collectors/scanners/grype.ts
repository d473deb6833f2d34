import { z } from 'zod'
import type { ScanTargetType, ScanVulnerability } from '../../core/evidence-scan.js'
import { type Importer, reportOf, targetOf } from './importer.js'
import { normaliseSeverity, prune } from './normalise.js'
import { parseReport } from './parse-json.js'

const text = z.string().nullish()
const cvss = z.array(z.object({ metrics: z.object({ baseScore: z.number().nullish() }).nullish() })).nullish()

const match = z.object({
  vulnerability: z.object({
    id: z.string(),
    severity: text,
    cvss,
    fix: z.object({ versions: z.array(z.string()).nullish(), state: text }).nullish(),
  }),
  relatedVulnerabilities: z.array(z.object({ cvss })).nullish(),
  artifact: z.object({ name: z.string(), version: z.string(), type: text, purl: text }),
})

const report = z.object({
  matches: z.array(match),
  source: z
    .object({
      type: text,
      target: z.union([z.string(), z.object({ userInput: text }).loose()]).nullish(),
    })
    .nullish(),
  descriptor: z.object({ name: text, version: text, timestamp: text }).nullish(),
})

const targetTypes: Readonly<Record<string, ScanTargetType>> = {
  image: 'image',
  directory: 'filesystem',
  file: 'filesystem',
}

function highestScore(m: z.output<typeof match>): number | undefined {
  const all = [
    m.vulnerability.cvss ?? [],
    ...(m.relatedVulnerabilities ?? []).map((r) => r.cvss ?? []),
  ].flat()
  const scores = all.map((c) => c.metrics?.baseScore ?? 0)
  return scores.length === 0 ? undefined : Math.max(...scores)
}

/** Grype's fix states: `fixed` has versions, `not-fixed` and `wont-fix` have none, `unknown` cannot tell. */
function fixAvailable(state: string | null | undefined, versions: readonly string[]): boolean | undefined {
  if (versions.length > 0 || state === 'fixed') return true
  if (state === 'not-fixed' || state === 'wont-fix') return false
  return undefined
}

/** Grype JSON (`grype -o json`): `matches[]` of vulnerability and artifact. Grype gives no publication dates. */
export const importGrype: Importer = (document, context) => {
  const parsed = parseReport(report, document, context.file, 'Grype')
  const named = parsed.source?.target
  const target = targetOf(typeof named === 'string' ? named : named?.userInput, context)
  const findings = parsed.matches.map((m) => {
    const versions = m.vulnerability.fix?.versions ?? []
    return prune<ScanVulnerability>({
      kind: 'scan.vulnerability',
      resourceKind: 'Vulnerability',
      name: `${m.vulnerability.id} ${m.artifact.name}@${m.artifact.version}`,
      file: context.file,
      tool: 'grype',
      ruleId: m.vulnerability.id,
      severity: normaliseSeverity(m.vulnerability.severity),
      toolSeverity: m.vulnerability.severity ?? undefined,
      target,
      package: prune({
        name: m.artifact.name,
        version: m.artifact.version,
        type: m.artifact.type ?? undefined,
        purl: m.artifact.purl || undefined,
      }),
      fixedVersions: versions,
      fixAvailable: fixAvailable(m.vulnerability.fix?.state, versions),
      cvssScore: highestScore(m),
    })
  })
  const scanReport = reportOf(
    {
      format: 'grype',
      tool: 'grype',
      toolVersion: parsed.descriptor?.version ?? undefined,
      target,
      targetType: targetTypes[parsed.source?.type ?? ''] ?? 'unknown',
      scannedAt: parsed.descriptor?.timestamp ?? undefined,
      covers: ['vulnerability'],
    },
    findings,
    context.file,
  )
  return [scanReport, ...findings]
}
