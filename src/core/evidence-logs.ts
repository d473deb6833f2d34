import { z } from 'zod'
import { deferredSchema } from './deferred-schema.js'
import { type EvidenceTypes, evidenceSchema } from './evidence-base.js'

/**
 * Logs: Kubernetes audit logs and CloudTrail, reduced to the events an auditor asks about.
 * Collectors fill these shapes; checks read them. Evidence states facts only.
 */

export const logSourceSchema = deferredSchema(() => z.enum(['k8s-audit', 'cloudtrail']))
export type LogSource = z.output<typeof logSourceSchema>

/**
 * Why an event was kept:
 * - `pod-exec`: `exec`, `attach` or `portforward` into a pod;
 * - `rbac-change`: a Role, ClusterRole or binding created, changed or deleted;
 * - `secret-read`: a Secret read by a person (not a service account or control-plane component);
 * - `human-change`: any other change a person made through the Kubernetes API;
 * - `root-use`: the AWS root user acted (not a service acting on its behalf);
 * - `console-login`: a sign-in to the AWS console;
 * - `audit-logging-change`: CloudTrail itself stopped, deleted or changed;
 * - `iam-change`: an IAM user, role, group, policy or access key created, changed or deleted.
 */
export const logEventCategorySchema = deferredSchema(() =>
  z.enum([
    'pod-exec',
    'rbac-change',
    'secret-read',
    'human-change',
    'root-use',
    'console-login',
    'audit-logging-change',
    'iam-change',
  ]),
)
export type LogEventCategory = z.output<typeof logEventCategorySchema>

export const logActorSchema = deferredSchema(() =>
  z.strictObject({
    /** The user name or ARN as the log records it. */
    name: z.string(),
    /** `user`, `service-account`, `system`; for CloudTrail the userIdentity type (`Root`, `IAMUser`, `AssumedRole`…). */
    type: z.string(),
    groups: z.array(z.string()),
  }),
)
export type LogActor = z.output<typeof logActorSchema>

/** One event kept from a log file. */
export const logEventSchema = deferredSchema(() =>
  evidenceSchema('log.event', {
    resourceKind: z.enum(['KubernetesAuditEvent', 'CloudTrailEvent']),
    source: logSourceSchema,
    category: logEventCategorySchema,
    time: z.string(),
    actor: logActorSchema,
    /** The verb (`create`, `delete`) or the CloudTrail event name (`StopLogging`). */
    action: z.string(),
    /** What was acted on: a namespace/resource/name for Kubernetes, a service and resource for AWS. */
    target: z.strictObject({
      namespace: z.string().exactOptional(),
      resource: z.string().exactOptional(),
      subresource: z.string().exactOptional(),
      name: z.string().exactOptional(),
      service: z.string().exactOptional(),
    }),
    /** False when the API refused the request (an HTTP error code or a CloudTrail errorCode). */
    succeeded: z.boolean(),
    /** Console logins only: whether the sign-in used MFA, and whether it was federated (MFA at the IdP). */
    mfa: z.boolean().exactOptional(),
    federated: z.boolean().exactOptional(),
    sourceIp: z.string().exactOptional(),
    /** Where in the file: `Records[17]` for CloudTrail (line is the line for JSON lines). */
    at: z.string().exactOptional(),
    /**
     * How many events of the file this one stands for, when more than one: events alike in everything
     * a check judges (who, what, on what, with what outcome) are kept once, with the time of the last.
     */
    occurrences: z.number().int().min(2).exactOptional(),
    lastTime: z.string().exactOptional(),
  }),
)
export type LogEvent = z.output<typeof logEventSchema>

/** What one log file held: events read, the period they cover, lines that could not be read. */
export const logSummarySchema = deferredSchema(() =>
  evidenceSchema('log.summary', {
    resourceKind: z.enum(['KubernetesAuditLog', 'CloudTrailLog']),
    source: logSourceSchema,
    eventsRead: z.number().int().nonnegative(),
    /** Events of a category an auditor asks about (kept as samples, counted in them, or not retained). */
    eventsKept: z.number().int().nonnegative(),
    firstEvent: z.string().exactOptional(),
    lastEvent: z.string().exactOptional(),
    parseErrors: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative(),
    /**
     * Events of a category read but not kept because the reader already held as many distinct ones as
     * it keeps: a check reading that category cannot pass this file.
     */
    notRetained: z
      .array(z.strictObject({ category: logEventCategorySchema, events: z.number().int().positive() }))
      .exactOptional(),
  }),
)
export type LogSummary = z.output<typeof logSummarySchema>

/** Evidence kinds of this domain by name; `evidence.ts` joins them into the registry. */
export const logEvidenceSchemas = {
  'log.event': logEventSchema,
  'log.summary': logSummarySchema,
} as const
export type LogEvidenceKinds = EvidenceTypes<typeof logEvidenceSchemas>
