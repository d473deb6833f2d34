import type { OwnerRole } from '../catalog.js'
import type { Severity } from '../check.js'

/** Gap types raised by third parties, policies and the risk register (added to the assessment's). */
export type ThirdPartyGapType =
  | 'vendor-report-missing'
  | 'vendor-report-expired'
  | 'vendor-period-gap'
  | 'vendor-opinion-unreviewed'
  | 'cuec-unmapped'
  | 'policy-not-approved'
  | 'policy-review-overdue'

/** What every gap-producing step here needs from the assessment around it. */
export interface GapContext {
  asOf: string
  /** Due date for a gap of this severity (the assessment's remediation SLA). */
  dueDate: (severity: Severity) => string
  /** The person behind a role (owners in trustctl.yaml), or the role itself. */
  ownerOf: (role: OwnerRole) => string
  /** In-scope criteria a catalog control satisfies (empty when the control is unknown or out of scope). */
  criteriaOf: (controlId: string) => string[]
  /** Where the configuration came from, to prefix errors with. */
  where: string
}
