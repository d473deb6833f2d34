import type { FastifyRequest } from 'fastify'
import { publicUser } from '../../app/credentials.js'
import { toolVersion } from '../../app/version.js'
import { labelTables } from '../../core/labels.js'
import { sha256 } from '../../core/ledger.js'
import { login, sessionCookie } from '../auth.js'
import type { ServerContext } from '../context.js'
import { endpoints } from '../contract/index.js'
import * as session from '../contract/session.js'
import { type OpenApiDocument, openApiDocument } from '../openapi.js'
import { defineRoute, type RouteDefinition, rolePermissions } from '../route.js'

/** Loopback hosts, where browsers treat plain http as a secure context. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

/**
 * Cookie flags: HttpOnly (no script reads it), SameSite=Strict (no cross-site request carries it),
 * Secure over TLS and on loopback — Chromium treats http://127.0.0.1 and http://localhost as secure
 * contexts and keeps a Secure cookie they set (checked with /usr/bin/chromium).
 */
export function sessionCookieOptions(request: FastifyRequest, maxAgeSeconds?: number) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: request.protocol === 'https' || isLoopbackHost(request.hostname),
    ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
  }
}

let openApiCache: OpenApiDocument | undefined

export const routes: RouteDefinition<ServerContext>[] = [
  defineRoute({
    ...session.health,
    handler: async () => ({ status: 'ok' as const, version: toolVersion() }),
  }),
  defineRoute({
    ...session.openapi,
    handler: async () => {
      openApiCache ??= openApiDocument(Object.values(endpoints), toolVersion())
      return openApiCache
    },
  }),
  defineRoute({
    ...session.getLabels,
    handler: async () => labelTables,
  }),
  defineRoute({
    ...session.login,
    bodyLimit: 16 * 1024,
    handler: async ({ body, request, reply }, context: ServerContext) => {
      const ttlHours = context.loaded.config.server.sessionTtlHours
      const now = context.now()
      const { user, session, sessionSecret } = await login(context.team, body, now, ttlHours)
      // A new session every sign-in (no fixation): the one the browser held before, if any, ends.
      const previous = request.cookies[sessionCookie]
      if (previous !== undefined) await context.team.deleteSession(sha256(previous))
      await context.team.deleteExpiredSessions(now.toISOString())
      reply.setCookie(
        sessionCookie,
        sessionSecret,
        sessionCookieOptions(request, Math.round(ttlHours * 3600)),
      )
      return reply.code(200).send({ user, csrfToken: session.csrfToken })
    },
  }),
  defineRoute({
    ...session.logout,
    handler: async ({ actor, request, reply }, context: ServerContext) => {
      if (actor.session !== undefined) await context.team.deleteSession(actor.session.idHash)
      // A cookie whose session is gone is harmless, but a signed-out browser should not keep it.
      const cookie = request.cookies[sessionCookie]
      if (cookie !== undefined) await context.team.deleteSession(sha256(cookie))
      reply.clearCookie(sessionCookie, sessionCookieOptions(request))
      return reply.code(204).send()
    },
  }),
  defineRoute({
    ...session.me,
    handler: async ({ actor }, context: ServerContext) => {
      const stored = actor.kind === 'user' ? await context.team.userById(actor.id) : undefined
      const user =
        stored === undefined
          ? { id: actor.id, email: actor.name, name: actor.name, role: actor.role }
          : (({ id, email, name, role }) => ({ id, email, name, role }))(publicUser(stored))
      return {
        user: { ...user, ...(actor.auditPeriod === undefined ? {} : { auditPeriod: actor.auditPeriod }) },
        ...(actor.session === undefined ? {} : { csrfToken: actor.session.csrfToken }),
        permissions: [...rolePermissions[actor.role]],
      }
    },
  }),
]
