import { z } from 'zod'
import { controlStatuses, criterionStatuses, manualEvidenceStatuses } from '../../core/assessment.js'
import { findingStatuses, severities } from '../../core/check.js'
import { remediationStatuses, roles, runKinds } from '../../core/team.js'
import { reportCoverages } from '../../core/third-parties/vendors.js'
import { auditPeriodSchema } from './common.js'
import { empty, endpoint, json } from './endpoint.js'
import { permissions } from './permissions.js'

const tag = 'session'

export const userSchema = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string(),
  role: z.enum(roles),
  createdAt: z.string(),
  disabled: z.boolean(),
  auditPeriod: auditPeriodSchema.optional(),
})
export type User = z.output<typeof userSchema>
export type Role = User['role']

const loginBody = z.strictObject({
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(1024),
})

export const sessionSchema = z.object({ user: userSchema, csrfToken: z.string() })
export type SessionResponse = z.output<typeof sessionSchema>

export const meSchema = z.object({
  user: z.object({
    id: z.number().int(),
    email: z.string(),
    name: z.string(),
    role: z.enum(roles),
    auditPeriod: auditPeriodSchema.optional(),
  }),
  csrfToken: z.string().optional(),
  permissions: z.array(z.enum(permissions)),
})
export type Me = z.output<typeof meSchema>

/** A word for each value of an enumeration, in the order the values are listed. */
const labelTable = <const Values extends readonly [string, ...string[]]>(values: Values) =>
  z.record(z.enum(values), z.string())

/**
 * The words the reports use for each status (src/core/labels.ts), served so the dashboard says the
 * same; the order of each table's keys is the order the dashboard lists the values in.
 */
export const labelsSchema = z.object({
  controlStatus: labelTable(controlStatuses),
  criterionStatus: labelTable(criterionStatuses),
  findingStatus: labelTable(findingStatuses),
  severity: labelTable(severities),
  remediationStatus: labelTable(remediationStatuses),
  reportCoverage: labelTable(reportCoverages),
  manualEvidenceStatus: labelTable(manualEvidenceStatuses),
  runKind: labelTable(runKinds),
  category: z.record(z.string(), z.string()),
  /** Roles in the order the admin page offers them (no words of their own: the role name is shown). */
  roles: z.array(z.enum(roles)),
  readinessExplanation: z.string(),
})
export type Labels = z.output<typeof labelsSchema>

export const health = endpoint({
  method: 'GET',
  url: '/api/health',
  operationId: 'health',
  summary: 'Whether the server is up, and its version',
  tag,
  permission: 'public',
  response: json(z.object({ status: z.literal('ok'), version: z.string() })),
})

export const openapi = endpoint({
  method: 'GET',
  url: '/api/openapi.json',
  operationId: 'openapi',
  summary: 'This OpenAPI 3.1 description',
  tag,
  permission: 'public',
  response: json(
    z
      .object({ openapi: z.string(), info: z.object({ title: z.string(), version: z.string() }) })
      .catchall(z.unknown()),
  ),
})

export const getLabels = endpoint({
  method: 'GET',
  url: '/api/labels',
  operationId: 'getLabels',
  summary: 'The words for every status, severity and kind, as the reports use them',
  tag,
  permission: 'public',
  response: json(labelsSchema),
})

export const login = endpoint({
  method: 'POST',
  url: '/api/session',
  operationId: 'login',
  summary: 'Sign in with email and password; sets the session cookie and returns the CSRF token',
  tag,
  permission: 'public',
  body: loginBody,
  response: json(sessionSchema, 200),
})

export const logout = endpoint({
  method: 'DELETE',
  url: '/api/session',
  operationId: 'logout',
  summary: 'Sign out: ends the session and clears the cookie',
  tag,
  permission: 'self',
  response: empty,
})

export const me = endpoint({
  method: 'GET',
  url: '/api/me',
  operationId: 'me',
  summary: 'Who is signed in, their role and permissions, and the CSRF token of the session',
  tag,
  permission: 'self',
  response: json(meSchema),
})
