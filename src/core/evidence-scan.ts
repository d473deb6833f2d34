/**
 * Scanner reports imported as evidence: that a scan ran (and over what), and what it found —
 * vulnerabilities, misconfigurations, secrets, code findings (SARIF) and SBOM components.
 * Collectors fill these shapes; checks read them. Evidence states facts only: every finding keeps
 * the tool's own rule id, severity, fix availability and age, and secrets are kept only redacted.
 */
import type { EvidenceBase } from './evidence.js'

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
export type ScanSeverity = 'critical' | 'high' | 'medium' | 'low' | 'info' | 'unknown'

/** What a scan looked for: a report that covers `vulnerability` and found none is evidence of none. */
export type ScanCoverage = 'vulnerability' | 'misconfiguration' | 'secret' | 'sbom' | 'code'

/** What was scanned, as far as the report says. */
export type ScanTargetType = 'image' | 'repository' | 'filesystem' | 'cloud-account' | 'unknown'

/** A place in the scanned target (not in the report): a file and line, or a cloud resource. */
export interface ScanLocation {
  path: string
  line?: number | undefined
  /** The commit a secret was found in, for scans of git history. */
  commit?: string | undefined
}

/** Fields every imported finding carries. `file` is the report it came from. */
interface ScanFindingBase extends EvidenceBase {
  /** The tool that found it, lower case: `trivy`, `grype`, `checkov`, or a SARIF driver's name. */
  tool: string
  /** The tool's rule, check or advisory id: `CVE-2019-1549`, `CKV_AWS_145`, `aws-access-key-id`. */
  ruleId: string
  severity: ScanSeverity
  /** The severity as the tool wrote it (`HIGH`, `Medium`, `error`), when it gave one. */
  toolSeverity?: string | undefined
  /** The scanned target, equal to the `name` of its `scan.report`. */
  target: string
}

/** One imported report: a scan was configured and ran, over this target, at this time. */
export interface ScanReport extends EvidenceBase {
  kind: 'scan.report'
  resourceKind: 'ScanReport'
  /** The scanned target (image reference, repository, account): equal to its findings' `target`. */
  name: string
  format: ScanFormat
  tool: string
  toolVersion?: string | undefined
  /** The report's own schema version (`2` for Trivy, `2.1.0` for SARIF, `1.6` for CycloneDX). */
  schemaVersion?: string | undefined
  target: string
  targetType: ScanTargetType
  /** When the scan ran, ISO 8601, as the report says. */
  scannedAt?: string | undefined
  covers: ScanCoverage[]
  counts: {
    vulnerabilities: number
    misconfigurationsFailed: number
    misconfigurationsPassed: number
    secrets: number
    codeFindings: number
    components: number
  }
}

/** A known vulnerability in an installed package. */
export interface ScanVulnerability extends ScanFindingBase {
  kind: 'scan.vulnerability'
  resourceKind: 'Vulnerability'
  package: { name: string; version: string; type?: string | undefined; purl?: string | undefined }
  /** Versions that fix it; empty when the tool knows none. */
  fixedVersions: string[]
  /** True when a fixed version exists, false when the tool says none does, undefined when it cannot tell. */
  fixAvailable?: boolean | undefined
  /** Highest CVSS base score the report gives. */
  cvssScore?: number | undefined
  title?: string | undefined
  /** When the vulnerability was published (or first seen), ISO 8601, where the report gives it. */
  publishedAt?: string | undefined
  /** Whole days from `publishedAt` to the collection clock. */
  ageDays?: number | undefined
}

/** A configuration rule evaluated on infrastructure code, a manifest or a cloud resource. */
export interface ScanMisconfiguration extends ScanFindingBase {
  kind: 'scan.misconfiguration'
  resourceKind: 'Misconfiguration'
  title?: string | undefined
  /** What the tool said about this resource (`Bucket has logging disabled`), credentials masked. */
  message?: string | undefined
  /** The resource the rule was evaluated on: `aws_s3_bucket.logs`, an ARN, `module.bucket`. */
  resource?: string | undefined
  location?: ScanLocation | undefined
  /** The outcome as the tool said it, normalised: `manual` needs a person to judge. */
  status: 'pass' | 'fail' | 'skip' | 'manual'
  toolStatus: string
  /** When the tool first saw the failure, where it says (Prowler). */
  firstSeenAt?: string | undefined
}

/** A credential a scanner found. The secret itself is never kept: only a masked preview. */
export interface ScanSecretFinding extends ScanFindingBase {
  kind: 'scan.secret-finding'
  resourceKind: 'SecretFinding'
  location: ScanLocation
  /** The first characters and the length, e.g. `AKIA…(20)`. */
  preview: string
  /** True when the tool confirmed the credential works (TruffleHog verification). */
  verified?: boolean | undefined
  /** The tool's fingerprint when it holds no secret (gitleaks: commit:file:rule:line). */
  fingerprint?: string | undefined
  /**
   * HMAC-SHA256 of the secret under the store's salt (32 hex digits), as the secrets scanner computes
   * it: the same credential found by two tools is recognisably one, and can be allow-listed.
   */
  secretFingerprint?: string | undefined
}

/** A result of a static analysis tool in SARIF. */
export interface ScanCodeFinding extends ScanFindingBase {
  kind: 'scan.code-finding'
  resourceKind: 'CodeFinding'
  /** The SARIF level after defaults: result, then rule configuration, then `warning`. */
  level: 'error' | 'warning' | 'note' | 'none'
  message: string
  location?: ScanLocation | undefined
  /** True when the result carries an accepted suppression (in source or external). */
  suppressed: boolean
  /** SARIF `baselineState`: `absent` means it was fixed since the baseline run. */
  baselineState?: string | undefined
}

/** A component listed in a software bill of materials. */
export interface ScanComponent extends EvidenceBase {
  kind: 'scan.component'
  resourceKind: 'Component'
  tool: string
  target: string
  componentType: string
  version?: string | undefined
  purl?: string | undefined
  /** SPDX ids or expressions, or license names as written. */
  licenses: string[]
}

/** Evidence kinds of this domain by name; `evidence.ts` joins them into `EvidenceKinds`. */
export interface ScanEvidenceKinds {
  'scan.report': ScanReport
  'scan.vulnerability': ScanVulnerability
  'scan.misconfiguration': ScanMisconfiguration
  'scan.secret-finding': ScanSecretFinding
  'scan.code-finding': ScanCodeFinding
  'scan.component': ScanComponent
}

export const scanEvidenceKinds: readonly (keyof ScanEvidenceKinds)[] = [
  'scan.report',
  'scan.vulnerability',
  'scan.misconfiguration',
  'scan.secret-finding',
  'scan.code-finding',
  'scan.component',
]
