import type { ControlStatus, CriterionStatus, FindingStatus, RemediationStatus, Severity } from '../api-types'
import {
  controlStatusLabel,
  criterionStatusLabel,
  findingStatusLabel,
  labelOf,
  remediationStatusLabel,
  severityLabel,
} from '../labels'

// Every badge shows its word: colour is never the only signal.
function Badge({ tone, text }: { tone: string; text: string }) {
  return <span className={`badge tone-${tone}`}>{text}</span>
}

export function ControlStatusBadge({ status }: { status: ControlStatus }) {
  return <Badge tone={status} text={labelOf(controlStatusLabel, status)} />
}

export function CriterionStatusBadge({ status }: { status: CriterionStatus }) {
  return <Badge tone={status} text={labelOf(criterionStatusLabel, status)} />
}

export function FindingStatusBadge({ status }: { status: FindingStatus }) {
  return <Badge tone={status} text={labelOf(findingStatusLabel, status)} />
}

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <Badge tone={`sev-${severity}`} text={labelOf(severityLabel, severity)} />
}

export function RemediationBadge({ status }: { status: RemediationStatus }) {
  return <Badge tone={`rem-${status}`} text={labelOf(remediationStatusLabel, status)} />
}
