import { z } from 'zod'
import type {
  ScanCoverage,
  ScanMisconfiguration,
  ScanSecretFinding,
  ScanTargetType,
  ScanVulnerability,
} from '../../core/evidence-scan.js'
import { type ImportContext, type Importer, reportOf, type ScanEvidence, targetOf } from './importer.js'
import { ageInDays, cleanText, normaliseSeverity, prune } from './normalise.js'
import { parseReport } from './parse-json.js'
import * as plain from './plain-json.js'
import { ScanReportError } from './scan-report-error.js'

const text = z.string().nullish()

/** Exported for the fast path's test (plain-json.test.ts). */
export const vulnerabilitySchema = z.object({
  VulnerabilityID: z.string(),
  PkgName: z.string(),
  PkgIdentifier: z.object({ PURL: text }).nullish(),
  InstalledVersion: text,
  FixedVersion: text,
  Status: text,
  Severity: text,
  Title: text,
  CVSS: z
    .record(z.string(), z.object({ V3Score: z.number().nullish(), V2Score: z.number().nullish() }))
    .nullish(),
  PublishedDate: text,
})

const misconfiguration = z.object({
  ID: z.string(),
  AVDID: text,
  Title: text,
  Message: text,
  Severity: text,
  Status: text,
  CauseMetadata: z.object({ Resource: text, StartLine: z.number().nullish() }).nullish(),
})

const secret = z.object({
  RuleID: z.string(),
  Severity: text,
  Title: text,
  StartLine: z.number().nullish(),
  Match: text,
})

const result = z.object({
  Target: z.string(),
  Class: text,
  Type: text,
  Vulnerabilities: z.array(vulnerabilitySchema).nullish(),
  Misconfigurations: z.array(misconfiguration).nullish(),
  MisconfSummary: z.object({ Successes: z.number(), Failures: z.number() }).nullish(),
  Secrets: z.array(secret).nullish(),
})

const report = z.object({
  SchemaVersion: z.number(),
  ArtifactName: text,
  ArtifactType: text,
  CreatedAt: text,
  Trivy: z.object({ Version: text }).nullish(),
  Results: z.array(result).nullish(),
})

type Result = z.output<typeof result>

/**
 * The report with each result's vulnerabilities left unchecked, for the fast path (parseTrivy checks
 * them, and that they are an array or absent). Not `z.array(z.unknown())`: zod would still visit and
 * copy every one of 10k vulnerabilities for nothing.
 */
const reportEnvelope = report.extend({
  Results: z.array(result.extend({ Vulnerabilities: z.unknown() })).nullish(),
})

/** True only for a vulnerability `vulnerability` accepts: the fast path's test, no wider. */
export function plainVulnerability(v: unknown): boolean {
  return (
    plain.record(v) &&
    typeof v.VulnerabilityID === 'string' &&
    typeof v.PkgName === 'string' &&
    plain.optionalRecord(v.PkgIdentifier, (p) => plain.text(p.PURL)) &&
    plain.text(v.InstalledVersion) &&
    plain.text(v.FixedVersion) &&
    plain.text(v.Status) &&
    plain.text(v.Severity) &&
    plain.text(v.Title) &&
    plain.optionalRecord(v.CVSS, (sources) =>
      Object.values(sources).every((c) => plain.record(c) && plain.num(c.V3Score) && plain.num(c.V2Score)),
    ) &&
    plain.text(v.PublishedDate)
  )
}

/** The report as `report` reads it; vulnerabilities checked by hand, and by zod on a miss. */
function parseTrivy(document: unknown, file: string): z.output<typeof report> {
  const envelope = reportEnvelope.safeParse(document)
  if (
    envelope.success &&
    (envelope.data.Results ?? []).every((r) => plain.optionalArray(r.Vulnerabilities, plainVulnerability))
  )
    return envelope.data as z.output<typeof report>
  return parseReport(report, document, file, 'Trivy')
}

const targetTypes: Readonly<Record<string, ScanTargetType>> = {
  container_image: 'image',
  repository: 'repository',
  filesystem: 'filesystem',
  vm: 'filesystem',
  aws_account: 'cloud-account',
}

/** Trivy's fix state: a fixed version is a fix; a stated other status means none exists yet. */
function fixAvailable(v: z.output<typeof vulnerabilitySchema>): boolean | undefined {
  if (v.FixedVersion) return true
  if (v.Status === 'unknown') return undefined
  return false
}

/** The highest score any source gives (V3, else V2); a plain loop: it runs once per vulnerability. */
function cvssOf(v: z.output<typeof vulnerabilitySchema>): number | undefined {
  let best: number | undefined
  for (const source in v.CVSS ?? {}) {
    const s = v.CVSS?.[source]
    const score = s?.V3Score ?? s?.V2Score ?? 0
    if (best === undefined || score > best) best = score
  }
  return best
}

/**
 * What a report repeats across its vulnerabilities, worked out once per distinct value: a large
 * image's report names the same few severity words and a few hundred publication dates across 10k
 * vulnerabilities (an age is a date parsed against the run's clock).
 */
class RepeatedValues {
  private readonly severities = new Map<string | null | undefined, ScanVulnerability['severity']>()
  private readonly ages = new Map<string | undefined, number | undefined>()

  constructor(private readonly now: Date) {}

  severity(word: string | null | undefined): ScanVulnerability['severity'] {
    let severity = this.severities.get(word)
    if (severity === undefined) {
      severity = normaliseSeverity(word)
      this.severities.set(word, severity)
    }
    return severity
  }

  ageDays(publishedAt: string | undefined): number | undefined {
    if (this.ages.has(publishedAt)) return this.ages.get(publishedAt)
    const age = ageInDays(publishedAt, this.now)
    this.ages.set(publishedAt, age)
    return age
  }
}

/** Trivy's comma-separated fixed versions (`1.2.3, 1.3.1`); one version, the usual case, is not split. */
function fixedVersionsOf(fixed: string | null | undefined): string[] {
  if (!fixed) return []
  return fixed.includes(',') ? fixed.split(/,\s*/) : [fixed]
}

/**
 * One vulnerability's item, its keys set in canonical (sorted) order, nested objects too, and an
 * optional key only when it has a value: the same item prune() made of a literal, without the literal
 * copied key by key (10k of them on a large image's report). In canonical order, the canonical writer
 * hashes and records each item as it is.
 */
function vulnerabilityOf(
  v: z.output<typeof vulnerabilitySchema>,
  packageType: string | undefined,
  target: string,
  file: string,
  repeated: RepeatedValues,
): ScanVulnerability {
  const version = v.InstalledVersion ?? ''
  const publishedAt = v.PublishedDate ?? undefined
  const item: Record<string, unknown> = {}
  const ageDays = repeated.ageDays(publishedAt)
  if (ageDays !== undefined) item.ageDays = ageDays
  const cvssScore = cvssOf(v)
  if (cvssScore !== undefined) item.cvssScore = cvssScore
  item.file = file
  const fix = fixAvailable(v)
  if (fix !== undefined) item.fixAvailable = fix
  item.fixedVersions = fixedVersionsOf(v.FixedVersion)
  item.kind = 'scan.vulnerability'
  item.name = `${v.VulnerabilityID} ${v.PkgName}@${version}`
  const pkg: Record<string, unknown> = { name: v.PkgName }
  const purl = v.PkgIdentifier?.PURL ?? undefined
  if (purl !== undefined) pkg.purl = purl
  if (packageType !== undefined) pkg.type = packageType
  pkg.version = version
  item.package = pkg
  if (publishedAt !== undefined) item.publishedAt = publishedAt
  item.resourceKind = 'Vulnerability'
  item.ruleId = v.VulnerabilityID
  item.severity = repeated.severity(v.Severity)
  item.target = target
  const title = cleanText(v.Title)
  if (title !== undefined) item.title = title
  item.tool = 'trivy'
  const toolSeverity = v.Severity ?? undefined
  if (toolSeverity !== undefined) item.toolSeverity = toolSeverity
  return item as ScanVulnerability
}

/**
 * Findings are built with their keys in canonical (sorted) order, nested objects too: the canonical
 * writer then hashes and records each item as it is, where an item out of order was copied key by key
 * first (10k of them on a large image's report).
 */
function findingsOf(
  r: Result,
  target: string,
  context: ImportContext,
  repeated: RepeatedValues,
): ScanEvidence[] {
  const file = context.file
  const items: ScanEvidence[] = []
  const packageType = r.Type ?? undefined
  for (const v of r.Vulnerabilities ?? []) items.push(vulnerabilityOf(v, packageType, target, file, repeated))
  for (const m of r.Misconfigurations ?? []) {
    const status = (m.Status ?? 'FAIL').toUpperCase()
    const line = m.CauseMetadata?.StartLine ?? undefined
    items.push(
      prune<ScanMisconfiguration>({
        file,
        kind: 'scan.misconfiguration',
        location: prune({ line, path: r.Target }),
        message: cleanText(m.Message),
        name: `${m.ID} ${r.Target}${line === undefined ? '' : `:${line}`}`,
        resource: m.CauseMetadata?.Resource ?? undefined,
        resourceKind: 'Misconfiguration',
        ruleId: m.ID,
        severity: normaliseSeverity(m.Severity),
        status: status === 'PASS' ? 'pass' : status === 'EXCEPTION' ? 'skip' : 'fail',
        target,
        title: cleanText(m.Title),
        tool: 'trivy',
        toolSeverity: m.Severity ?? undefined,
        toolStatus: status,
      }),
    )
  }
  for (const s of r.Secrets ?? []) {
    const line = s.StartLine ?? undefined
    items.push(
      prune<ScanSecretFinding>({
        file,
        kind: 'scan.secret-finding',
        location: prune({ line, path: r.Target }),
        name: `${s.RuleID} ${r.Target}${line === undefined ? '' : `:${line}`}`,
        // Trivy masks the secret in Match; redaction on top covers older versions that did not.
        preview: cleanText(s.Match, 120) ?? s.RuleID,
        resourceKind: 'SecretFinding',
        ruleId: s.RuleID,
        severity: normaliseSeverity(s.Severity),
        target,
        tool: 'trivy',
        toolSeverity: s.Severity ?? undefined,
      }),
    )
  }
  return items
}

function coverageOf(results: readonly Result[]): ScanCoverage[] {
  const covers = new Set<ScanCoverage>()
  for (const r of results) {
    if (r.Class === 'os-pkgs' || r.Class === 'lang-pkgs' || r.Vulnerabilities) covers.add('vulnerability')
    if (r.Class === 'config' || r.Misconfigurations || r.MisconfSummary) covers.add('misconfiguration')
    if (r.Class === 'secret' || r.Secrets) covers.add('secret')
  }
  return [...covers]
}

/**
 * Trivy JSON, schema version 2 (Trivy 0.20 and later): `Results[]` with vulnerabilities,
 * misconfigurations and secrets, one report for the scanned artifact.
 */
export const importTrivy: Importer = (document, context) => {
  const version = z.looseObject({ SchemaVersion: z.unknown() }).safeParse(document)
  const schemaVersion = version.success ? version.data.SchemaVersion : undefined
  if (schemaVersion === undefined) {
    throw new ScanReportError(
      `${context.file}: unsupported Trivy schema version: the report has no SchemaVersion (Trivy before 0.20)`,
      { hint: 'rescan with a current Trivy: trivy image --format json --output report.json <image>' },
    )
  }
  if (schemaVersion !== 2) {
    throw new ScanReportError(
      `${context.file}: unsupported Trivy schema version ${JSON.stringify(schemaVersion)} (trustctl reads version 2)`,
    )
  }
  const parsed = parseTrivy(document, context.file)
  const target = targetOf(parsed.ArtifactName, context)
  const results = parsed.Results ?? []
  const repeated = new RepeatedValues(context.now)
  const findings = results.flatMap((r) => findingsOf(r, target, context, repeated))
  const listedPasses = results
    .flatMap((r) => r.Misconfigurations ?? [])
    .filter((m) => m.Status === 'PASS').length
  const counted = results.reduce((sum, r) => sum + (r.MisconfSummary?.Successes ?? 0), 0)
  const scanReport = reportOf(
    {
      format: 'trivy',
      tool: 'trivy',
      toolVersion: parsed.Trivy?.Version ?? undefined,
      schemaVersion: String(parsed.SchemaVersion),
      target,
      targetType: targetTypes[parsed.ArtifactType ?? ''] ?? 'unknown',
      scannedAt: parsed.CreatedAt ?? undefined,
      covers: coverageOf(results),
      passedNotListed: Math.max(0, counted - listedPasses),
    },
    findings,
    context.file,
  )
  return [scanReport, ...findings]
}
