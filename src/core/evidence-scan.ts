/**
 * Scanner reports imported as evidence: that a scan ran (and over what), and what it found —
 * vulnerabilities, misconfigurations, secrets, code findings (SARIF) and SBOM components.
 * Collectors fill these shapes; checks read them. Evidence states facts only: every finding keeps
 * the tool's own rule id, severity, fix availability and age, and secrets are kept only redacted.
 *
 * Optional fields here admit `undefined` (`.optional()`, not `.exactOptional()`): the importers
 * copy fields straight from reports that may lack them.
 */
import { z } from 'zod'
import { deferredSchema } from './deferred-schema.js'
import { type EvidenceTypes, evidenceSchema, lineNumber } from './evidence-base.js'

const optionalString = deferredSchema(() => z.string().optional())
const count = deferredSchema(() => z.number().int().nonnegative())

/** The report formats trustctl imports. */
export const scanFormats = [
  'trivy',
  'grype',
  'sarif',
  'checkov',
  'gitleaks',
  'trufflehog',
  'prowler-ocsf',
  'prowler-asff',
  'cyclonedx',
] as const
export type ScanFormat = (typeof scanFormats)[number]

/** A severity on trustctl's scale; `unknown` when the tool gave none (Checkov without its platform). */
export const scanSeveritySchema = deferredSchema(() =>
  z.enum(['critical', 'high', 'medium', 'low', 'info', 'unknown']),
)
export type ScanSeverity = z.output<typeof scanSeveritySchema>

/** What a scan looked for: a report that covers `vulnerability` and found none is evidence of none. */
export const scanCoverageSchema = deferredSchema(() =>
  z.enum(['vulnerability', 'misconfiguration', 'secret', 'sbom', 'code']),
)
export type ScanCoverage = z.output<typeof scanCoverageSchema>

/** What was scanned, as far as the report says. */
export const scanTargetTypeSchema = deferredSchema(() =>
  z.enum(['image', 'repository', 'filesystem', 'cloud-account', 'unknown']),
)
export type ScanTargetType = z.output<typeof scanTargetTypeSchema>

/** A place in the scanned target (not in the report): a file and line, or a cloud resource. */
export const scanLocationSchema = deferredSchema(() =>
  z.strictObject({
    path: z.string(),
    line: lineNumber.optional(),
    /** The commit a secret was found in, for scans of git history. */
    commit: optionalString,
  }),
)
export type ScanLocation = z.output<typeof scanLocationSchema>

/** Fields every imported finding carries. `file` is the report it came from. */
const scanFindingShape = {
  /** The tool that found it, lower case: `trivy`, `grype`, `checkov`, or a SARIF driver's name. */
  tool: z.string(),
  /** The tool's rule, check or advisory id: `CVE-2019-1549`, `CKV_AWS_145`, `aws-access-key-id`. */
  ruleId: z.string(),
  severity: scanSeveritySchema,
  /** The severity as the tool wrote it (`HIGH`, `Medium`, `error`), when it gave one. */
  toolSeverity: optionalString,
  /** The scanned target, equal to the `name` of its `scan.report`. */
  target: z.string(),
}

/** The schema of a finding kind: the evidence base, the finding fields, then the kind's own fields. */
function scanFindingSchema<const K extends string, const S extends z.ZodRawShape>(kind: K, shape: S) {
  return evidenceSchema(kind, scanFindingShape).extend(shape)
}

/** One imported report: a scan was configured and ran, over this target, at this time. */
export const scanReportSchema = deferredSchema(() =>
  evidenceSchema('scan.report', {
    resourceKind: z.literal('ScanReport'),
    /** The scanned target (image reference, repository, account): equal to its findings' `target`. */
    name: z.string().min(1),
    format: z.enum(scanFormats),
    tool: z.string(),
    toolVersion: optionalString,
    /** The report's own schema version (`2` for Trivy, `2.1.0` for SARIF, `1.6` for CycloneDX). */
    schemaVersion: optionalString,
    target: z.string(),
    targetType: scanTargetTypeSchema,
    /** When the scan ran, ISO 8601, as the report says. */
    scannedAt: optionalString,
    covers: z.array(scanCoverageSchema),
    counts: z.strictObject({
      vulnerabilities: count,
      misconfigurationsFailed: count,
      misconfigurationsPassed: count,
      secrets: count,
      codeFindings: count,
      components: count,
    }),
  }),
)
export type ScanReport = z.output<typeof scanReportSchema>

/** A known vulnerability in an installed package. */
export const scanVulnerabilitySchema = deferredSchema(() =>
  scanFindingSchema('scan.vulnerability', {
    resourceKind: z.literal('Vulnerability'),
    package: z.strictObject({
      name: z.string(),
      version: z.string(),
      type: optionalString,
      purl: optionalString,
    }),
    /** Versions that fix it; empty when the tool knows none. */
    fixedVersions: z.array(z.string()),
    /** True when a fixed version exists, false when the tool says none does, undefined when it cannot tell. */
    fixAvailable: z.boolean().optional(),
    /** Highest CVSS base score the report gives. */
    cvssScore: z.number().optional(),
    title: optionalString,
    /** When the vulnerability was published (or first seen), ISO 8601, where the report gives it. */
    publishedAt: optionalString,
    /** Whole days from `publishedAt` to the collection clock. */
    ageDays: z.number().int().optional(),
  }),
)
export type ScanVulnerability = z.output<typeof scanVulnerabilitySchema>

/** A configuration rule evaluated on infrastructure code, a manifest or a cloud resource. */
export const scanMisconfigurationSchema = deferredSchema(() =>
  scanFindingSchema('scan.misconfiguration', {
    resourceKind: z.literal('Misconfiguration'),
    title: optionalString,
    /** What the tool said about this resource (`Bucket has logging disabled`), credentials masked. */
    message: optionalString,
    /** The resource the rule was evaluated on: `aws_s3_bucket.logs`, an ARN, `module.bucket`. */
    resource: optionalString,
    location: scanLocationSchema.optional(),
    /** The outcome as the tool said it, normalised: `manual` needs a person to judge. */
    status: z.enum(['pass', 'fail', 'skip', 'manual']),
    toolStatus: z.string(),
    /** When the tool first saw the failure, where it says (Prowler). */
    firstSeenAt: optionalString,
  }),
)
export type ScanMisconfiguration = z.output<typeof scanMisconfigurationSchema>

/** A credential a scanner found. The secret itself is never kept: only a masked preview. */
export const scanSecretFindingSchema = deferredSchema(() =>
  scanFindingSchema('scan.secret-finding', {
    resourceKind: z.literal('SecretFinding'),
    location: scanLocationSchema,
    /** The first characters and the length, e.g. `AKIA…(20)`. */
    preview: z.string(),
    /** True when the tool confirmed the credential works (TruffleHog verification). */
    verified: z.boolean().optional(),
    /** The tool's fingerprint when it holds no secret (gitleaks: commit:file:rule:line). */
    fingerprint: optionalString,
    /**
     * HMAC-SHA256 of the secret under the store's salt (32 hex digits), as the secrets scanner computes
     * it: the same credential found by two tools is recognisably one, and can be allow-listed.
     */
    secretFingerprint: optionalString,
  }),
)
export type ScanSecretFinding = z.output<typeof scanSecretFindingSchema>

/** A result of a static analysis tool in SARIF. */
export const scanCodeFindingSchema = deferredSchema(() =>
  scanFindingSchema('scan.code-finding', {
    resourceKind: z.literal('CodeFinding'),
    /** The SARIF level after defaults: result, then rule configuration, then `warning`. */
    level: z.enum(['error', 'warning', 'note', 'none']),
    message: z.string(),
    location: scanLocationSchema.optional(),
    /** True when the result carries an accepted suppression (in source or external). */
    suppressed: z.boolean(),
    /** SARIF `baselineState`: `absent` means it was fixed since the baseline run. */
    baselineState: optionalString,
  }),
)
export type ScanCodeFinding = z.output<typeof scanCodeFindingSchema>

/** A component listed in a software bill of materials. */
export const scanComponentSchema = deferredSchema(() =>
  evidenceSchema('scan.component', {
    resourceKind: z.literal('Component'),
    tool: z.string(),
    target: z.string(),
    componentType: z.string(),
    version: optionalString,
    purl: optionalString,
    /** SPDX ids or expressions, or license names as written. */
    licenses: z.array(z.string()),
  }),
)
export type ScanComponent = z.output<typeof scanComponentSchema>

/** Evidence kinds of this domain by name; `evidence.ts` joins them into the registry. */
export const scanEvidenceSchemas = {
  'scan.report': scanReportSchema,
  'scan.vulnerability': scanVulnerabilitySchema,
  'scan.misconfiguration': scanMisconfigurationSchema,
  'scan.secret-finding': scanSecretFindingSchema,
  'scan.code-finding': scanCodeFindingSchema,
  'scan.component': scanComponentSchema,
} as const
export type ScanEvidenceKinds = EvidenceTypes<typeof scanEvidenceSchemas>
