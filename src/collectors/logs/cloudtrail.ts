import type { LogEvent, LogEventCategory } from '../../core/evidence-logs.js'

/** Reduces one CloudTrail record to what an auditor asks about, or undefined when it is routine. */

interface CloudTrailRecord {
  eventTime?: unknown
  eventSource?: unknown
  eventName?: unknown
  eventType?: unknown
  awsRegion?: unknown
  sourceIPAddress?: unknown
  errorCode?: unknown
  userIdentity?: {
    type?: unknown
    arn?: unknown
    userName?: unknown
    invokedBy?: unknown
    principalId?: unknown
  }
  additionalEventData?: { MFAUsed?: unknown }
  responseElements?: { ConsoleLogin?: unknown } | null
  requestParameters?: Record<string, unknown> | null
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

// Actions on the trail itself: stopping or deleting it blinds every other control that reads it.
const trailChanges = new Set([
  'StopLogging',
  'DeleteTrail',
  'UpdateTrail',
  'PutEventSelectors',
  'PutInsightSelectors',
])

const iamChange =
  /^(?:Create|Delete|Put|Attach|Detach|Update|Add|Remove|Set|Upload|Deactivate|Enable)(?:User|Role|Group|Policy|PolicyVersion|DefaultPolicyVersion|UserPolicy|RolePolicy|GroupPolicy|AccessKey|LoginProfile|UserToGroup|UserFromGroup|AssumeRolePolicy|MFADevice|VirtualMFADevice|RolePermissionsBoundary|UserPermissionsBoundary|AccountPasswordPolicy|SAMLProvider|OpenIDConnectProvider)$/

export function recordTime(record: CloudTrailRecord): string | undefined {
  return str(record.eventTime)
}

function categorize(record: CloudTrailRecord): LogEventCategory | undefined {
  const name = str(record.eventName) ?? ''
  const source = str(record.eventSource) ?? ''
  const identity = record.userIdentity ?? {}
  if (name === 'ConsoleLogin') return 'console-login'
  if (source === 'cloudtrail.amazonaws.com' && trailChanges.has(name)) return 'audit-logging-change'
  // The root user acting itself, not a service acting on its behalf (invokedBy) or AWS's own events.
  if (
    str(identity.type) === 'Root' &&
    identity.invokedBy === undefined &&
    str(record.eventType) !== 'AwsServiceEvent'
  )
    return 'root-use'
  if (source === 'iam.amazonaws.com' && iamChange.test(name)) return 'iam-change'
  return undefined
}

/** Reduces a record; `at` is its place in the file (`Records[17]`). */
export function reduceCloudTrailRecord(
  record: CloudTrailRecord,
  file: string,
  at: string,
): LogEvent | undefined {
  const category = categorize(record)
  if (category === undefined) return undefined
  const identity = record.userIdentity ?? {}
  const type = str(identity.type) ?? '(unknown)'
  const actorName = str(identity.arn) ?? str(identity.userName) ?? str(identity.principalId) ?? type
  const action = str(record.eventName) ?? '(unknown)'
  const service = str(record.eventSource)
  const event: LogEvent = {
    kind: 'log.event',
    resourceKind: 'CloudTrailEvent',
    name: `${actorName} ${action}`,
    file,
    at,
    source: 'cloudtrail',
    category,
    time: recordTime(record) ?? '',
    actor: { name: actorName, type, groups: [] },
    action,
    target: service === undefined ? {} : { service },
    succeeded: record.errorCode === undefined || record.errorCode === null,
  }
  const params = record.requestParameters ?? {}
  const targetName = str(params.name) ?? str(params.roleName) ?? str(params.userName) ?? str(params.policyArn)
  if (targetName !== undefined) event.target.name = targetName
  const ip = str(record.sourceIPAddress)
  if (ip !== undefined) event.sourceIp = ip
  if (category === 'console-login') {
    event.mfa = str(record.additionalEventData?.MFAUsed) === 'Yes'
    // Federated sign-ins (SSO through an identity provider) do their MFA at the provider, so the
    // console records MFAUsed: No even when MFA was used.
    event.federated =
      type === 'AssumedRole' || type === 'FederatedUser' || type === 'SAMLUser' || type === 'WebIdentityUser'
    const outcome = str(record.responseElements?.ConsoleLogin)
    if (outcome !== undefined) event.succeeded = outcome === 'Success' && event.succeeded
  }
  return event
}
