import { z } from 'zod'
import { kindPatternProblems } from '../../core/evidence-kind-pattern.js'
import { roles } from '../../core/team.js'
import { auditPeriodSchema, idParams, listOf } from './common.js'
import { empty, endpoint, json } from './endpoint.js'
import { userSchema } from './session.js'

const tag = 'admin'

export { minimumPasswordLength } from '../../core/team.js'

import { minimumPasswordLength } from '../../core/team.js'

const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(320)
  .regex(/^[^\s@]+@[^\s@]+$/, 'expected an email address')

/**
 * An auditor reads only what its audit period holds; without one there would be nothing to limit it
 * to, so the period is required for the auditor role wherever one is given.
 */
const auditorNeedsPeriod = (value: { role?: string; auditPeriod?: unknown }, ctx: z.RefinementCtx): void => {
  if (value.role === 'auditor' && value.auditPeriod === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['auditPeriod'],
      message: 'the auditor role needs an audit period ({ from, to })',
    })
}

/**
 * Evidence kinds limit what a collector pushes; on any other role they would limit nothing, so they
 * are refused there rather than silently ignored. Every pattern must match some evidence kind.
 */
const kindsForCollectors = (
  value: { role?: string; kinds?: string[] | undefined },
  ctx: z.RefinementCtx,
): void => {
  if (value.kinds === undefined) return
  if (value.role !== 'collector') {
    ctx.addIssue({
      code: 'custom',
      path: ['kinds'],
      message: 'only a collector token is limited to evidence kinds',
    })
    return
  }
  for (const message of kindPatternProblems(value.kinds))
    ctx.addIssue({ code: 'custom', path: ['kinds'], message })
}

const newUserBody = z
  .strictObject({
    email,
    name: z.string().trim().min(1).max(200),
    role: z.enum(roles),
    password: z.string().min(minimumPasswordLength).max(1024),
    auditPeriod: auditPeriodSchema.optional(),
  })
  .superRefine(auditorNeedsPeriod)

const userChangeBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    role: z.enum(roles).optional(),
    disabled: z.boolean().optional(),
    auditPeriod: auditPeriodSchema.optional(),
  })
  .refine((change) => Object.keys(change).length > 0, 'nothing to change')

const newTokenBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    role: z.enum(roles),
    auditPeriod: auditPeriodSchema.optional(),
    /** Glob patterns over evidence kinds (`k8s.*`); absent: every kind. Collector tokens only. */
    kinds: z.array(z.string().max(100)).max(100).optional(),
  })
  .superRefine(auditorNeedsPeriod)
  .superRefine(kindsForCollectors)

/** An API token as the API shows it: never its secret nor the secret's hash. */
export const tokenSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  role: z.enum(roles),
  createdBy: z.string(),
  /** The user the token is bound to (absent: created from the CLI by the store's operator). */
  createdByUserId: z.number().int().optional(),
  createdAt: z.string(),
  lastUsedAt: z.string().optional(),
  revoked: z.boolean(),
  auditPeriod: z.object({ from: z.string(), to: z.string() }).optional(),
  /** A collector token's evidence kinds (glob patterns); absent: every kind. */
  kinds: z.array(z.string()).optional(),
})
export type ApiToken = z.output<typeof tokenSchema>

export const listUsers = endpoint({
  method: 'GET',
  url: '/api/users',
  operationId: 'listUsers',
  summary: 'Every user and their role',
  tag,
  permission: 'admin',
  response: json(listOf(userSchema)),
})

export const createUser = endpoint({
  method: 'POST',
  url: '/api/users',
  operationId: 'createUser',
  summary: 'Add a user with a role (and an audit period for an auditor)',
  tag,
  permission: 'admin',
  body: newUserBody,
  response: json(userSchema),
})

export const updateUser = endpoint({
  method: 'PATCH',
  url: '/api/users/:id',
  operationId: 'updateUser',
  summary: "Change a user's name, role, audit period, or disable them",
  tag,
  permission: 'admin',
  params: idParams,
  body: userChangeBody,
  response: json(userSchema),
})

export const listTokens = endpoint({
  method: 'GET',
  url: '/api/tokens',
  operationId: 'listTokens',
  summary: 'Every API token (never its secret)',
  tag,
  permission: 'admin',
  response: json(listOf(tokenSchema)),
})

export const createToken = endpoint({
  method: 'POST',
  url: '/api/tokens',
  operationId: 'createToken',
  summary: 'Create an API token; its secret is in this answer and nowhere else, ever',
  tag,
  permission: 'admin',
  body: newTokenBody,
  response: json(z.object({ token: tokenSchema, secret: z.string() })),
})

export const revokeToken = endpoint({
  method: 'DELETE',
  url: '/api/tokens/:id',
  operationId: 'revokeToken',
  summary: 'Revoke an API token: it is refused from the next request on',
  tag,
  permission: 'admin',
  params: idParams,
  response: empty,
})
