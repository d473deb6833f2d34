import { z } from 'zod'
import type { ScanMisconfiguration } from '../../core/evidence-scan.js'
import { type Importer, reportOf, type ScanEvidence } from './importer.js'
import { cleanText, normaliseSeverity, prune } from './normalise.js'
import { parseReport } from './parse-json.js'

const text = z.string().nullish()

/** Groups findings by cloud account: each account is a scanned target with its own report. */
function byAccount(
  findings: readonly ScanMisconfiguration[],
  facts: (target: string, findings: ScanMisconfiguration[]) => Parameters<typeof reportOf>[0],
  file: string,
): ScanEvidence[] {
  const groups = new Map<string, ScanMisconfiguration[]>()
  for (const f of findings) {
    const group = groups.get(f.target)
    if (group === undefined) groups.set(f.target, [f])
    else group.push(f)
  }
  return [...groups].flatMap(([target, group]) => [reportOf(facts(target, group), group, file), ...group])
}

const latest = (dates: readonly (string | undefined)[]): string | undefined =>
  dates
    .filter((d): d is string => d !== undefined)
    .sort()
    .at(-1)

// ---------------------------------------------------------------------------------------------
// AWS Security Finding Format (Prowler `-M json-asff`, Security Hub exports)

const asffFinding = z.object({
  SchemaVersion: z.string(),
  GeneratorId: z.string(),
  AwsAccountId: z.string(),
  Title: text,
  Description: text,
  Severity: z.object({ Label: text }).nullish(),
  Compliance: z.object({ Status: text }).nullish(),
  Resources: z.array(z.object({ Type: text, Id: text, Region: text })).nullish(),
  ProductFields: z.record(z.string(), z.string()).nullish(),
  FirstObservedAt: text,
  UpdatedAt: text,
  CreatedAt: text,
  RecordState: text,
})

const asffReport = z.union([z.object({ Findings: z.array(asffFinding) }), z.array(asffFinding)])

const asffStatuses: Readonly<Record<string, ScanMisconfiguration['status']>> = {
  PASSED: 'pass',
  FAILED: 'fail',
  WARNING: 'manual',
  NOT_AVAILABLE: 'manual',
}

/** Prowler's ASFF output (`{"Findings": [...]}` or a bare array): one report per AWS account. */
export const importProwlerAsff: Importer = (document, context) => {
  const parsed = parseReport(asffReport, document, context.file, 'Prowler ASFF')
  // An archived finding was resolved or superseded: it no longer describes the account.
  const findings = (Array.isArray(parsed) ? parsed : parsed.Findings).filter(
    (f) => f.RecordState !== 'ARCHIVED',
  )
  const versions = new Map<string, string>()
  const scanned = new Map<string, string>()
  const misconfigurations = findings.map((f) => {
    const target = context.target ?? `aws:${f.AwsAccountId}`
    const version = f.ProductFields?.ProviderVersion ?? f.ProductFields?.ProwlerVersion
    if (version !== undefined) versions.set(target, version)
    // The scan ran when its last finding was written.
    const written = f.UpdatedAt ?? f.CreatedAt
    if (written && written > (scanned.get(target) ?? '')) scanned.set(target, written)
    const resource = f.Resources?.[0]
    const ruleId = f.GeneratorId.replace(/^prowler-/, '')
    const status = (f.Compliance?.Status ?? 'FAILED').toUpperCase()
    const message = cleanText(f.Description)
    return prune<ScanMisconfiguration>({
      kind: 'scan.misconfiguration',
      resourceKind: 'Misconfiguration',
      name: `${ruleId} ${resource?.Id ?? f.AwsAccountId}${message === undefined ? '' : `: ${message}`}`,
      file: context.file,
      tool: 'prowler',
      ruleId,
      severity: normaliseSeverity(f.Severity?.Label),
      toolSeverity: f.Severity?.Label ?? undefined,
      target,
      title: cleanText(f.Title),
      message,
      resource: resource?.Id ?? undefined,
      location: prune({
        path: [resource?.Region, resource?.Type].filter(Boolean).join('/') || f.AwsAccountId,
      }),
      status: asffStatuses[status] ?? 'fail',
      toolStatus: status,
      firstSeenAt: f.FirstObservedAt ?? undefined,
    })
  })
  return byAccount(
    misconfigurations,
    (target) => ({
      format: 'prowler-asff',
      tool: 'prowler',
      toolVersion: versions.get(target),
      schemaVersion: findings[0]?.SchemaVersion,
      target,
      targetType: 'cloud-account',
      scannedAt: scanned.get(target),
      covers: ['misconfiguration'],
    }),
    context.file,
  )
}

// ---------------------------------------------------------------------------------------------
// OCSF Detection Finding (Prowler 4 and later, `-M json-ocsf`)

const ocsfFinding = z.object({
  metadata: z.object({
    event_code: z.string(),
    version: text,
    product: z.object({ name: text, version: text }).nullish(),
  }),
  severity: text,
  status_code: z.string(),
  status_detail: text,
  finding_info: z.object({
    uid: text,
    title: text,
    first_seen_time_dt: text,
    created_time_dt: text,
  }),
  resources: z.array(z.object({ uid: text, name: text, type: text, region: text })).nullish(),
  cloud: z.object({ provider: text, account: z.object({ uid: text }).nullish(), region: text }).nullish(),
  time_dt: text,
})

const ocsfReport = z.array(ocsfFinding)

const ocsfStatuses: Readonly<Record<string, ScanMisconfiguration['status']>> = {
  PASS: 'pass',
  FAIL: 'fail',
  MANUAL: 'manual',
  MUTED: 'skip',
}

/** Prowler's OCSF JSON: an array of Detection Findings; one report per cloud account. */
export const importProwlerOcsf: Importer = (document, context) => {
  const parsed = parseReport(ocsfReport, document, context.file, 'Prowler OCSF')
  const targetOfFinding = (f: z.output<typeof ocsfFinding>): string =>
    context.target ?? `${f.cloud?.provider ?? 'cloud'}:${f.cloud?.account?.uid ?? 'unknown'}`
  const misconfigurations = parsed.map((f) => {
    const resource = f.resources?.[0]
    const status = f.status_code.toUpperCase()
    const ruleId = f.metadata.event_code
    return prune<ScanMisconfiguration>({
      kind: 'scan.misconfiguration',
      resourceKind: 'Misconfiguration',
      name: `${ruleId} ${resource?.uid ?? resource?.name ?? targetOfFinding(f)}`,
      file: context.file,
      tool: 'prowler',
      ruleId,
      severity: normaliseSeverity(f.severity),
      toolSeverity: f.severity ?? undefined,
      target: targetOfFinding(f),
      title: cleanText(f.finding_info.title),
      message: cleanText(f.status_detail),
      resource: resource?.uid ?? resource?.name ?? undefined,
      location: prune({
        path: [resource?.region ?? f.cloud?.region, resource?.type].filter(Boolean).join('/') || 'account',
      }),
      status: ocsfStatuses[status] ?? 'fail',
      toolStatus: status,
      firstSeenAt: f.finding_info.first_seen_time_dt ?? f.finding_info.created_time_dt ?? undefined,
    })
  })
  return byAccount(
    misconfigurations,
    (target) => {
      const first = parsed.find((f) => targetOfFinding(f) === target)
      return {
        format: 'prowler-ocsf',
        tool: 'prowler',
        toolVersion: first?.metadata.product?.version ?? undefined,
        schemaVersion: first?.metadata.version ?? undefined,
        target,
        targetType: 'cloud-account',
        scannedAt: latest(
          parsed.filter((f) => targetOfFinding(f) === target).map((f) => f.time_dt ?? undefined),
        ),
        covers: ['misconfiguration'],
      }
    },
    context.file,
  )
}
