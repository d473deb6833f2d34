import { hashPassword, mayGrant, newTokenSecret, publicToken, publicUser } from '../../app/credentials.js'
import { ConflictError, NotFoundError, PermissionError, ValidationError } from '../../core/errors.js'
import { sha256 } from '../../core/ledger.js'
import type { Role, TeamStore, User } from '../../core/team.js'
import { forgetCachedTokens } from '../auth.js'
import type { ServerContext } from '../context.js'
import * as admin from '../contract/admin.js'
import { defineRoute, type RouteDefinition } from '../route.js'

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
  defineRoute({
    ...admin.listUsers,
    handler: async (_input, context: ServerContext) => ({
      items: (await context.team.users()).map(publicUser),
    }),
  }),
  defineRoute({
    ...admin.createUser,
    handler: async ({ body, actor, reply }, context: ServerContext) => {
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
  defineRoute({
    ...admin.updateUser,
    handler: async ({ params, body, actor }, context: ServerContext) => {
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
      if ((body.role ?? before.role) === 'auditor' && (body.auditPeriod ?? before.auditPeriod) === undefined)
        throw new ValidationError('body.auditPeriod: the auditor role needs an audit period ({ from, to })', [
          { path: 'body.auditPeriod', message: 'the auditor role needs an audit period' },
        ])
      const updated = await context.team.updateUser(params.id, change)
      // The user's tokens act with at most their role, and not at all once they are disabled: now.
      forgetCachedTokens(context.team)
      if (updated === undefined) throw new NotFoundError(`no user ${params.id}`)
      const after = publicUser(updated)
      await context.recordChange(actor, { action: 'user.update', target: after.email, before, after })
      return after
    },
  }),
  defineRoute({
    ...admin.listTokens,
    handler: async (_input, context: ServerContext) => ({
      items: (await context.team.tokens()).map(publicToken),
    }),
  }),
  defineRoute({
    ...admin.createToken,
    handler: async ({ body, actor, reply }, context: ServerContext) => {
      if (!mayGrant(actor.role, body.role))
        throw new PermissionError(`the ${actor.role} role may not issue a ${body.role} token`)
      // Bound to the person behind the request (a token's own creator when a token asks).
      const creatorId = actor.kind === 'user' ? actor.id : actor.userId
      const secret = newTokenSecret()
      const token = await context.team.createToken({
        name: body.name,
        role: body.role,
        tokenHash: sha256(secret),
        createdBy: actor.name,
        ...(creatorId === undefined ? {} : { createdByUserId: creatorId }),
        createdAt: context.now().toISOString(),
        ...(body.auditPeriod === undefined ? {} : { auditPeriod: body.auditPeriod }),
        ...(body.kinds === undefined ? {} : { kinds: body.kinds }),
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
  defineRoute({
    ...admin.revokeToken,
    handler: async ({ params, actor, reply }, context: ServerContext) => {
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
