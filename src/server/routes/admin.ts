import { z } from 'zod'
import {
  hashPassword,
  minimumPasswordLength,
  newTokenSecret,
  publicToken,
  publicUser,
} from '../../app/credentials.js'
import { ConflictError, NotFoundError } from '../../core/errors.js'
import { sha256 } from '../../core/ledger.js'
import { type Role, roles, type TeamStore, type User } from '../../core/team.js'
import { forgetCachedTokens } from '../auth.js'
import type { ServerContext } from '../context.js'
import { defineRoute, type RouteDefinition } from '../route.js'
import { auditPeriodSchema, idParams } from '../schemas.js'
import { userSchema } from './auth.js'

const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(320)
  .regex(/^[^\s@]+@[^\s@]+$/, 'expected an email address')

const newUserBody = z.strictObject({
  email,
  name: z.string().trim().min(1).max(200),
  role: z.enum(roles),
  password: z.string().min(minimumPasswordLength).max(1024),
  auditPeriod: auditPeriodSchema.optional(),
})

const userChangeBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    role: z.enum(roles).optional(),
    disabled: z.boolean().optional(),
    auditPeriod: auditPeriodSchema.optional(),
  })
  .refine((change) => Object.keys(change).length > 0, 'nothing to change')

const newTokenBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  role: z.enum(roles),
  auditPeriod: auditPeriodSchema.optional(),
})

const tokenSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  role: z.enum(roles),
  createdBy: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().optional(),
  revoked: z.boolean(),
  auditPeriod: z.object({ from: z.string(), to: z.string() }).optional(),
})

/** Refuses a change that would leave the server without an active admin: nobody could manage it. */
async function keepAnAdmin(team: TeamStore, user: User, role: Role, disabled: boolean): Promise<void> {
  if (user.role !== 'admin' || user.disabled || (role === 'admin' && !disabled)) return
  const activeAdmins = (await team.users()).filter((u) => u.role === 'admin' && !u.disabled)
  if (activeAdmins.length <= 1)
    throw new ConflictError(`${user.email} is the last active admin`, {
      hint: 'make another user admin first',
    })
}

export const routes: RouteDefinition<ServerContext>[] = [
  defineRoute<ServerContext>({
    method: 'GET',
    url: '/api/users',
    operationId: 'listUsers',
    summary: 'Every user and their role',
    tag: 'admin',
    permission: 'admin',
    response: z.object({ items: z.array(userSchema) }),
    handler: async (_input, context) => ({ items: (await context.team.users()).map(publicUser) }),
  }),
  defineRoute<ServerContext, unknown, unknown, z.infer<typeof newUserBody>>({
    method: 'POST',
    url: '/api/users',
    operationId: 'createUser',
    summary: 'Add a user with a role (and an audit period for an auditor)',
    tag: 'admin',
    permission: 'admin',
    body: newUserBody,
    response: userSchema,
    handler: async ({ body, actor, reply }, context) => {
      if ((await context.team.userByEmail(body.email)) !== undefined)
        throw new ConflictError(`a user with email ${body.email} exists already`)
      const user = await context.team.createUser({
        email: body.email,
        name: body.name,
        role: body.role,
        passwordHash: await hashPassword(body.password),
        createdAt: context.now().toISOString(),
        ...(body.auditPeriod === undefined ? {} : { auditPeriod: body.auditPeriod }),
      })
      const shown = publicUser(user)
      await context.recordChange(actor, { action: 'user.create', target: user.email, after: shown })
      return reply.code(201).send(shown)
    },
  }),
  defineRoute<ServerContext, z.infer<typeof idParams>, unknown, z.infer<typeof userChangeBody>>({
    method: 'PATCH',
    url: '/api/users/:id',
    operationId: 'updateUser',
    summary: "Change a user's name, role, audit period, or disable them",
    tag: 'admin',
    permission: 'admin',
    params: idParams,
    body: userChangeBody,
    response: userSchema,
    handler: async ({ params, body, actor }, context) => {
      const stored = await context.team.userById(params.id)
      if (stored === undefined) throw new NotFoundError(`no user ${params.id}`)
      const before = publicUser(stored)
      await keepAnAdmin(context.team, before, body.role ?? before.role, body.disabled ?? before.disabled)
      const change: Parameters<TeamStore['updateUser']>[1] = {
        ...(body.name === undefined ? {} : { name: body.name }),
        ...(body.role === undefined ? {} : { role: body.role }),
        ...(body.disabled === undefined ? {} : { disabled: body.disabled }),
        ...(body.auditPeriod === undefined ? {} : { auditPeriod: body.auditPeriod }),
      }
      const updated = await context.team.updateUser(params.id, change)
      if (updated === undefined) throw new NotFoundError(`no user ${params.id}`)
      const after = publicUser(updated)
      await context.recordChange(actor, { action: 'user.update', target: after.email, before, after })
      return after
    },
  }),
  defineRoute<ServerContext>({
    method: 'GET',
    url: '/api/tokens',
    operationId: 'listTokens',
    summary: 'Every API token (never its secret)',
    tag: 'admin',
    permission: 'admin',
    response: z.object({ items: z.array(tokenSchema) }),
    handler: async (_input, context) => ({ items: (await context.team.tokens()).map(publicToken) }),
  }),
  defineRoute<ServerContext, unknown, unknown, z.infer<typeof newTokenBody>>({
    method: 'POST',
    url: '/api/tokens',
    operationId: 'createToken',
    summary: 'Create an API token; its secret is in this answer and nowhere else, ever',
    tag: 'admin',
    permission: 'admin',
    body: newTokenBody,
    response: z.object({ token: tokenSchema, secret: z.string() }),
    handler: async ({ body, actor, reply }, context) => {
      const secret = newTokenSecret()
      const token = await context.team.createToken({
        name: body.name,
        role: body.role,
        tokenHash: sha256(secret),
        createdBy: actor.name,
        createdAt: context.now().toISOString(),
        ...(body.auditPeriod === undefined ? {} : { auditPeriod: body.auditPeriod }),
      })
      const shown = publicToken(token)
      await context.recordChange(actor, {
        action: 'token.create',
        target: `${token.id}:${token.name}`,
        after: shown,
      })
      return reply.code(201).send({ token: shown, secret })
    },
  }),
  defineRoute<ServerContext, z.infer<typeof idParams>>({
    method: 'DELETE',
    url: '/api/tokens/:id',
    operationId: 'revokeToken',
    summary: 'Revoke an API token: it is refused from the next request on',
    tag: 'admin',
    permission: 'admin',
    params: idParams,
    handler: async ({ params, actor, reply }, context) => {
      const before = (await context.team.tokens()).find((token) => token.id === params.id)
      if (before === undefined) throw new NotFoundError(`no token ${params.id}`)
      const revoked = await context.team.revokeToken(params.id)
      forgetCachedTokens(context.team)
      if (revoked === undefined) throw new NotFoundError(`no token ${params.id}`)
      await context.recordChange(actor, {
        action: 'token.revoke',
        target: `${revoked.id}:${revoked.name}`,
        before: publicToken(before),
        after: publicToken(revoked),
      })
      return reply.code(204).send()
    },
  }),
]
