/**
 * The JSON shapes the dashboard reads from the trustctl server, copied from /work/briefs/api.md,
 * src/core/assessment.ts and src/core/team.ts. The dashboard talks to the server over HTTP only
 * (the dependency rule), so these are kept in sync by hand: change them when the API changes.
 */

export type Role = 'admin' | 'editor' | 'auditor' | 'collector'
export const roles: readonly Role[] = ['admin', 'editor', 'auditor', 'collector']

export type Permission =
  | 'self'
  | 'assessment:read'
  | 'gaps:read'
  | 'gaps:write'
  | 'evidence:write'
  | 'vendors:write'
  | 'jobs:run'
  | 'evidence:push'
  | 'admin'

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info'
export const severities: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info']

export type FindingStatus = 'pass' | 'fail' | 'not-applicable' | 'no-evidence' | 'error'
export const findingStatuses: readonly FindingStatus[] = [
  'pass',
  'fail',
  'not-applicable',
  'no-evidence',
  'error',
]

export type ControlStatus = 'pass' | 'fail' | 'partial' | 'no-evidence' | 'error' | 'not-applicable'
export const controlStatuses: readonly ControlStatus[] = [
  'pass',
  'fail',
  'partial',
  'no-evidence',
  'error',
  'not-applicable',
]
export type CriterionStatus = 'ready' | 'partial' | 'not-ready' | 'no-control' | 'not-applicable'

export interface AuditPeriod {
  from: string
  to: string
}

export interface User {
  id: number
  email: string
  name: string
  role: Role
  createdAt?: string
  disabled?: boolean
  auditPeriod?: AuditPeriod
}

export interface Me {
  user: User
  csrfToken?: string
  permissions: Permission[]
}

export interface SessionResponse {
  user: User
  csrfToken: string
}

export interface Problem {
  type?: string
  title?: string
  status?: number
  detail?: string
  code?: string
  errors?: { path: string; message: string }[]
}

export interface AssessmentSummary {
  criteria: number
  controls: number
  controlsByStatus: Record<ControlStatus, number>
  controlsPassingByTest: number
  tests: { passed: number; failed: number; noEvidence: number; errors: number; notApplicable: number }
  findingsByStatus: Record<FindingStatus, number>
  gaps: number
  gapsBySeverity: Record<Severity, number>
  readiness: number
  inputErrors: number
}

export interface CriterionCell {
  id: string
  title: string
  status: CriterionStatus
  readiness: number
  controls: string[]
}

export interface Overview {
  run: { id: number; generatedAt: string; asOf: string }
  organization: string
  system: { name: string; description: string }
  summary: AssessmentSummary
  categories: { id: string; title: string; readiness: number; criteria: CriterionCell[] }[]
  ledger: { runId: number; chainHead: string; publicKeyFingerprint: string }
}

export interface RunSummary {
  runId: number
  generatedAt: string
  asOf: string
  readiness: number
  byCategory: Record<string, number>
  byCriterion: Record<string, number>
  gaps: number
  controlsByStatus: Record<string, number>
}

export interface ControlRow {
  id: string
  title: string
  family: string
  type: string
  status: ControlStatus
  owner: string
  ownerRole: string
  criteria: string[]
  tests: { total: number; passed: number; failed: number; noEvidence: number }
}

export interface ControlTest {
  check: string
  title: string
  status: FindingStatus
  population: number
  exceptions: number
  conclusion: string
}

export type ManualEvidenceStatus = 'current' | 'overdue' | 'missing'

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
  analogy?: { traditional: string; cloudNative: string }
  auditorQuestions: { question: string; answer: string }[]
  family: string
  type: string
  ownerRole: string
  owner: string
  status: ControlStatus
  criteria: string[]
  tests: ControlTest[]
  manualEvidence: ManualEvidenceResult[]
  notApplicable?: { justification: string }
}

export interface EvidenceMeta {
  hash: string
  kind: string
  name: string
  namespace?: string
  file: string
  recordSeq: number
  recordHash: string
  collectedAt: string
  effectiveAt: string
  source: string
  collector: string
  bytes: number
  /** The run whose record holds it, and whether the stored bytes re-hash to the record (server extras). */
  runId?: number
  verified?: boolean
}

export interface ControlDetail {
  control: ControlResult
  evidence: EvidenceMeta[]
  gaps: string[]
}

export interface EvidenceDetail {
  evidence: EvidenceMeta
  verified: boolean
  content: unknown
}

export interface IndexedFinding {
  runId: number
  ordinal: number
  check: string
  status: FindingStatus
  severity: Severity
  subjectKind: string
  subjectName: string
  namespace?: string
  file: string
  line?: number
  message: string
  controls: string[]
  criteria: string[]
}

export interface Page<T> {
  items: T[]
  next?: string
  total?: number
}

export type RemediationStatus = 'open' | 'in-progress' | 'resolved' | 'risk-accepted'
export const remediationStatuses: readonly RemediationStatus[] = [
  'open',
  'in-progress',
  'resolved',
  'risk-accepted',
]

export interface Gap {
  id: string
  type: string
  severity: Severity
  title: string
  criteria: string[]
  controls: string[]
  ownerRole: string
  owner: string
  dueDate: string
  remediation: string
  subjects?: { kind: string; name: string; namespace?: string; file: string; line?: number }[]
}

export interface Remediation {
  owner?: string
  dueDate?: string
  status: RemediationStatus
  updatedAt?: string
  updatedBy?: string
}

export type GapRow = Gap & { remediation: Remediation; comments: number }

export interface RemediationComment {
  id: number
  gapId: string
  author: string
  body: string
  createdAt: string
}

export interface GapDetail {
  gap: Gap
  remediation: Remediation
  comments: RemediationComment[]
}

export type RunKind = 'assessment' | 'push' | 'change' | 'sample' | 'population' | 'other'

export interface RunRow {
  id: number
  startedAt: string
  finishedAt?: string
  status: string
  records: number
  kind: RunKind
  summary?: RunSummary
}

export interface VendorReport {
  type: 1 | 2
  periodStart?: string
  periodEnd: string
  opinion: string
  exceptions: string[]
  reviewedBy?: string
  reviewedOn?: string
  bridgeLetterEnd?: string
  file?: string
  sha256?: string
  stored: boolean
}

export type ReportCoverage = 'current' | 'bridged' | 'period-gap' | 'expired' | 'missing' | 'not-required'

export interface Vendor {
  name: string
  provider?: string
  services: string[]
  model?: string
  dataShared: string[]
  criticality: string
  subprocessor: boolean
  owner: string
  declared: boolean
  reportRequired: boolean
  coverage: ReportCoverage
  coveredThrough?: string
  report?: VendorReport
  cuecs: { id: string; text: string; mappedTo?: string; status: string }[]
  gaps: string[]
}

export interface PackageFile {
  name: string
  bytes: number
  sha256: string
}

export interface PackageRow {
  id: string
  type: 1 | 2
  createdAt: string
  createdBy: string
  files: PackageFile[]
}

export type JobStatus = 'queued' | 'running' | 'done' | 'failed'

export interface Job {
  id: string
  kind: 'assess' | 'package'
  status: JobStatus
  startedBy: string
  createdAt: string
  finishedAt?: string
  progress: { done: number; total: number; step: string }
  result?: Record<string, unknown>
  error?: string
}

export interface ApiToken {
  id: number
  name: string
  role: Role
  createdBy: string
  createdAt: string
  lastUsedAt?: string
  revoked: boolean
  auditPeriod?: AuditPeriod
}

/** A recorded population or sample (ledger kinds population/sample), as GET /api/samples lists it. */
export interface SampleRecord {
  kind: 'population' | 'sample'
  id: string
  control?: string
  runId: number
  recordSeq: number
  recordHash: string
  recordedAt: string
  verified: boolean
  content?: {
    control?: string
    from?: string
    to?: string
    population?: { from?: string; to?: string; size?: number }
    size?: number
    [field: string]: unknown
  }
}
