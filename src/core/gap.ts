import type { OwnerRole } from './catalog.js'
import type { Severity } from './check.js'
import type { RemediationStatus } from './team.js'
import type { ThirdPartyGapType } from './third-parties/gap-context.js'

/** Why a gap exists: a missing control, a failing or unevidenced test, a third party's shortfall. */
export type GapType =
  | 'criterion-without-control'
  | 'failing-test'
  | 'test-error'
  | 'test-without-evidence'
  | 'manual-evidence-missing'
  | 'manual-evidence-overdue'
  | 'not-applicable-without-justification'
  | ThirdPartyGapType

/** What stands between the system and a criterion being met, with who fixes it and by when. */
export interface Gap {
  id: string
  type: GapType
  severity: Severity
  title: string
  /** Why it matters: the criteria it leaves unmet. */
  criteria: string[]
  controls: string[]
  ownerRole: OwnerRole
  owner: string
  dueDate: string
  remediation: string
  /** Subjects that failed, for failing tests. */
  subjects?: { kind: string; name: string; namespace?: string; file: string; line?: number }[]
  /**
   * Where remediation stands as people recorded it on the team server (signed `change` records in
   * the ledger). Absent when nobody has edited the gap: the assessment's owner and due date stand.
   */
  tracking?: GapTracking
}

/** The remediation workflow of a gap, as recorded in the ledger. */
export interface GapTracking {
  status: RemediationStatus
  /** The latest edit of owner, due date or status (absent when the gap only has comments). */
  updatedAt?: string
  updatedBy?: string
  comments: { author: string; body: string; at: string }[]
}
