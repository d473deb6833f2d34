import type { LogActor, LogEvent, LogEventCategory } from '../../core/evidence-logs.js'

/**
 * Reduces one Kubernetes audit event (audit.k8s.io/v1 `Event`) to what an auditor asks about, or
 * undefined when it is routine (reads by controllers, health checks, watch streams…).
 */

const mutating = new Set(['create', 'update', 'patch', 'delete', 'deletecollection'])
const execSubresources = new Set(['exec', 'attach', 'portforward'])
const rbacResources = new Set(['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'])

interface AuditEvent {
  stage?: unknown
  verb?: unknown
  user?: { username?: unknown; groups?: unknown }
  impersonatedUser?: { username?: unknown; groups?: unknown }
  objectRef?: {
    resource?: unknown
    subresource?: unknown
    namespace?: unknown
    name?: unknown
    apiGroup?: unknown
  }
  responseStatus?: { code?: unknown }
  sourceIPs?: unknown
  stageTimestamp?: unknown
  requestReceivedTimestamp?: unknown
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []

function actorOf(event: AuditEvent): LogActor {
  // Who the request acted as: an impersonated user is the identity the API server authorised.
  const user = event.impersonatedUser ?? event.user ?? {}
  const name = str(user.username) ?? '(unknown)'
  const type = name.startsWith('system:serviceaccount:')
    ? 'service-account'
    : name.startsWith('system:') || name.startsWith('eks:')
      ? 'system'
      : 'user'
  return { name, type, groups: strings(user.groups) }
}

/** The event's time: when the server finished it (stageTimestamp), else when it was received. */
export function auditEventTime(event: AuditEvent): string | undefined {
  return str(event.stageTimestamp) ?? str(event.requestReceivedTimestamp)
}

function categorize(event: AuditEvent, actor: LogActor): LogEventCategory | undefined {
  const verb = str(event.verb) ?? ''
  const ref = event.objectRef ?? {}
  const resource = str(ref.resource) ?? ''
  const subresource = str(ref.subresource)
  if (resource === 'pods' && subresource !== undefined && execSubresources.has(subresource)) return 'pod-exec'
  if (str(ref.apiGroup) === 'rbac.authorization.k8s.io' && rbacResources.has(resource) && mutating.has(verb))
    return 'rbac-change'
  if (actor.type !== 'user') return undefined
  if (resource === 'secrets' && (verb === 'get' || verb === 'list' || verb === 'watch')) return 'secret-read'
  if (mutating.has(verb)) return 'human-change'
  return undefined
}

/** Reduces a parsed audit event; `file` and `line` locate it for the auditor. */
export function reduceAuditEvent(event: AuditEvent, file: string, line: number): LogEvent | undefined {
  // One request can be logged at several stages; only the final one says whether it succeeded.
  const stage = str(event.stage)
  if (stage !== undefined && stage !== 'ResponseComplete' && stage !== 'Panic') return undefined
  const actor = actorOf(event)
  const category = categorize(event, actor)
  if (category === undefined) return undefined
  const ref = event.objectRef ?? {}
  const code = typeof event.responseStatus?.code === 'number' ? event.responseStatus.code : undefined
  const verb = str(event.verb) ?? '(unknown)'
  const target: LogEvent['target'] = {}
  const namespace = str(ref.namespace)
  const resource = str(ref.resource)
  const subresource = str(ref.subresource)
  const name = str(ref.name)
  if (namespace !== undefined) target.namespace = namespace
  if (resource !== undefined) target.resource = resource
  if (subresource !== undefined) target.subresource = subresource
  if (name !== undefined) target.name = name
  const what = [resource, name].filter((x) => x !== undefined).join('/')
  const reduced: LogEvent = {
    kind: 'log.event',
    resourceKind: 'KubernetesAuditEvent',
    name: `${actor.name} ${verb} ${what}${subresource === undefined ? '' : `/${subresource}`}`,
    file,
    line,
    source: 'k8s-audit',
    category,
    time: auditEventTime(event) ?? '',
    actor,
    action: verb,
    target,
    succeeded: code === undefined || code < 400,
  }
  if (namespace !== undefined) reduced.namespace = namespace
  const ip = strings(event.sourceIPs)[0]
  if (ip !== undefined) reduced.sourceIp = ip
  return reduced
}
