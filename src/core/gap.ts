import type { OwnerRole } from './catalog.js'
import type { Severity } from './check.js'
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
}
