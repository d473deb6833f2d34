/**
 * The API's types for clients: the dashboard imports them from here, type-only
 * (`import type { Overview } from '../../src/server/contract/types'`), so no server code reaches its
 * bundle. Each is derived from the zod schema the server checks its answers against.
 */
export type { AccessReviewCampaign } from './access-reviews.js'
export type { ApiToken } from './admin.js'
export type {
  AssessmentSummary,
  ControlDetail,
  ControlResult,
  ControlRow,
  ControlStatus,
  ControlTest,
  CriterionCell,
  CriterionResult,
  CriterionStatus,
  EvidenceMeta,
  FailingSubject,
  FindingPage,
  FindingStatus,
  IndexedFinding,
  ManualEvidenceResult,
  ManualEvidenceStatus,
  Overview,
  ResponsibilityMatrix,
  RunKind,
  RunRow,
  RunSummary,
  SampleRecord,
  Severity,
} from './assessment.js'
export type { AuditPeriod } from './common.js'
export type { ResponseOf } from './endpoint.js'
export type { AttestationReceipt, EvidenceDetail, EvidencePage } from './evidence.js'
export type { Gap, GapDetail, GapRow, Remediation, RemediationComment, RemediationStatus } from './gaps.js'
export type { Job, JobStatus } from './jobs.js'
export type { PackageFile, PackageRow } from './packages.js'
export type { Permission } from './permissions.js'
export type { PolicyAcceptanceEntry, ServedPolicy } from './policies.js'
export type { Problem } from './problem.js'
export type { PushResult, Schedule } from './push.js'
export type { Labels, Me, Role, SessionResponse, User } from './session.js'
export type { ReportCoverage, Vendor, VendorReport, VendorReview } from './vendors.js'
