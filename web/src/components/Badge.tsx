import type {
  ControlStatus,
  CriterionStatus,
  FindingStatus,
  RemediationStatus,
  Severity,
} from '../../../src/server/contract/types'
import { labelOf, labels } from '../labels'

// Every badge shows its word: colour is never the only signal.
function Badge({ tone, text }: { tone: string; text: string }) {
  return <span className={`badge tone-${tone}`}>{text}</span>
}

export function ControlStatusBadge({ status }: { status: ControlStatus }) {
  return <Badge tone={status} text={labelOf(labels().controlStatus, status)} />
}

export function CriterionStatusBadge({ status }: { status: CriterionStatus }) {
  return <Badge tone={status} text={labelOf(labels().criterionStatus, status)} />
}

export function FindingStatusBadge({ status }: { status: FindingStatus }) {
  return <Badge tone={status} text={labelOf(labels().findingStatus, status)} />
}

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <Badge tone={`sev-${severity}`} text={labelOf(labels().severity, severity)} />
}

export function RemediationBadge({ status }: { status: RemediationStatus }) {
  return <Badge tone={`rem-${status}`} text={labelOf(labels().remediationStatus, status)} />
}
