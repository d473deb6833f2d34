import type { EvidenceBase } from './evidence.js'

/**
 * Logs: Kubernetes audit logs and CloudTrail, reduced to the events an auditor asks about.
 * Collectors fill these shapes; checks read them. Evidence states facts only.
 */

export type LogSource = 'k8s-audit' | 'cloudtrail'

/** Why an event was kept. */
export type LogEventCategory =
  /** `exec`, `attach` or `portforward` into a pod. */
  | 'pod-exec'
  /** A Role, ClusterRole or binding created, changed or deleted. */
  | 'rbac-change'
  /** A Secret read by a person (not a service account or control-plane component). */
  | 'secret-read'
  /** Any other change a person made through the Kubernetes API. */
  | 'human-change'
  /** The AWS root user acted (not a service acting on its behalf). */
  | 'root-use'
  /** A sign-in to the AWS console. */
  | 'console-login'
  /** CloudTrail itself stopped, deleted or changed. */
  | 'audit-logging-change'
  /** An IAM user, role, group, policy or access key created, changed or deleted. */
  | 'iam-change'

export interface LogActor {
  /** The user name or ARN as the log records it. */
  name: string
  /** `user`, `service-account`, `system`; for CloudTrail the userIdentity type (`Root`, `IAMUser`, `AssumedRole`…). */
  type: string
  groups: string[]
}

/** One event kept from a log file. */
export interface LogEvent extends EvidenceBase {
  kind: 'log.event'
  resourceKind: 'KubernetesAuditEvent' | 'CloudTrailEvent'
  source: LogSource
  category: LogEventCategory
  time: string
  actor: LogActor
  /** The verb (`create`, `delete`) or the CloudTrail event name (`StopLogging`). */
  action: string
  /** What was acted on: a namespace/resource/name for Kubernetes, a service and resource for AWS. */
  target: { namespace?: string; resource?: string; subresource?: string; name?: string; service?: string }
  /** False when the API refused the request (an HTTP error code or a CloudTrail errorCode). */
  succeeded: boolean
  /** Console logins only: whether the sign-in used MFA, and whether it was federated (MFA at the IdP). */
  mfa?: boolean
  federated?: boolean
  sourceIp?: string
  /** Where in the file: `Records[17]` for CloudTrail (line is the line for JSON lines). */
  at?: string
}

/** What one log file held: events read, the period they cover, lines that could not be read. */
export interface LogSummary extends EvidenceBase {
  kind: 'log.summary'
  resourceKind: 'KubernetesAuditLog' | 'CloudTrailLog'
  source: LogSource
  eventsRead: number
  eventsKept: number
  firstEvent?: string
  lastEvent?: string
  parseErrors: number
  bytes: number
}

/** Evidence kinds of this domain by name; `evidence.ts` joins them into `EvidenceKinds`. */
export interface LogEvidenceKinds {
  'log.event': LogEvent
  'log.summary': LogSummary
}

export const logEvidenceKinds: readonly (keyof LogEvidenceKinds)[] = ['log.event', 'log.summary']
