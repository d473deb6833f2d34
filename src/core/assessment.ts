import type { CategoryId, Control, OwnerRole } from './catalog.js'
import type { Finding, FindingStatus, Severity } from './check.js'
import type { Coverage } from './coverage.js'
import type { CollectionError } from './evidence.js'
import type { ExceptionOutcome } from './exceptions.js'
import type { Gap } from './gap.js'
import type { ThirdPartiesSection } from './third-parties/index.js'

// Gap lives in gap.ts, which third-parties also imports: one module each way, no cycle.
export type { Gap, GapTracking, GapType } from './gap.js'

export const controlStatuses = ['pass', 'fail', 'partial', 'no-evidence', 'error', 'not-applicable'] as const
export type ControlStatus = (typeof controlStatuses)[number]
export const criterionStatuses = ['ready', 'partial', 'not-ready', 'no-control', 'not-applicable'] as const
export type CriterionStatus = (typeof criterionStatuses)[number]

/** A test of a control by one check: the population it covered and the exceptions it found. */
export interface ControlTest {
  check: string
  title: string
  status: FindingStatus
  population: number
  exceptions: number
  conclusion: string
}

export const manualEvidenceStatuses = ['current', 'overdue', 'missing'] as const
export type ManualEvidenceStatus = (typeof manualEvidenceStatuses)[number]

export interface ManualEvidenceResult {
  id: string
  title: string
  every: string
  status: ManualEvidenceStatus
  lastDate?: string
  dueDate?: string
  by?: string
  reference?: string
}

export interface ControlResult {
  id: string
  title: string
  statement: string
  /** The traditional control an auditor expects, and how the cloud-native practice meets it. */
  analogy?: { traditional: string; cloudNative: string }
  /** Answers to questions an auditor may ask; `evidence` names the tests that show the answer holds. */
  auditorQuestions: { question: string; answer: string; evidence?: string[] | undefined }[]
  family: string
  type: Control['type']
  ownerRole: OwnerRole
  owner: string
  status: ControlStatus
  criteria: string[]
  tests: ControlTest[]
  manualEvidence: ManualEvidenceResult[]
  notApplicable?: { justification: string }
}

export interface CriterionResult {
  id: string
  category: CategoryId
  series: string
  title: string
  status: CriterionStatus
  /** Share of applicable controls that pass, 0–100; partial controls count half. */
  readiness: number
  controls: string[]
}

export interface AssessmentInput {
  file: string
  collector: string
  sha256: string
  bytes: number
  items: number
  /** True when an earlier run parsed these same bytes and its evidence was read back instead. */
  reused?: boolean
}

export interface AssessmentSummary {
  criteria: number
  controls: number
  controlsByStatus: Record<ControlStatus, number>
  /** Passing controls proven by at least one passing automated test (the rest rest on attestations). */
  controlsPassingByTest: number
  tests: { passed: number; failed: number; noEvidence: number; errors: number; notApplicable: number }
  findingsByStatus: Record<FindingStatus, number>
  gaps: number
  gapsBySeverity: Record<Severity, number>
  readiness: number
  inputErrors: number
}

/** Everything one assessment found; reports, the JSON result and `explain` all render this. */
export interface AssessmentModel {
  schemaVersion: 1
  /** The tool that made it; `informationUri` only where trustctl's package.json names a real home page. */
  tool: { name: 'trustctl'; version: string; informationUri?: string }
  generatedAt: string
  /** Content hash of the configuration assessed, so a stale stored run can be told apart. */
  configHash: string
  organization: string
  system: { name: string; description: string }
  asOf: string
  scope: {
    categories: CategoryId[]
    criteria: string[]
    notApplicable: { control: string; justification: string; criteria: string[] }[]
  }
  checks: { id: string; title: string; severity: Severity; description: string; remediation: string }[]
  findings: (Finding & { controls: string[]; criteria: string[] })[]
  controls: ControlResult[]
  criteria: CriterionResult[]
  gaps: Gap[]
  /** Accepted exceptions from trustctl.yaml and what became of each. */
  exceptions: ExceptionOutcome[]
  errors: CollectionError[]
  inputs: AssessmentInput[]
  summary: AssessmentSummary
  /**
   * Every collected resource, assessed by a check or listed as not assessed (coverage.ts). Optional
   * only because runs stored before it existed are read back without it.
   */
  coverage?: Coverage
  /** Shared responsibility, vendors, policies, risks and crosswalks (third-parties/index.ts). */
  thirdParties?: ThirdPartiesSection
  /** Where the run is kept in the evidence ledger and the key that signed it (set once stored). */
  ledger?: LedgerReference
}

/** How an auditor checks a report against the ledger: `trustctl verify --key <fingerprint>`. */
export interface LedgerReference {
  runId: number
  /** SHA-256 of the signed manifest that closed the run. */
  runManifestHash: string
  chainHead: string
  publicKeyFingerprint: string
  publicKey: string
}
