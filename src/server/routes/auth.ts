import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import { publicUser } from '../../app/credentials.js'
import { toolVersion } from '../../app/version.js'
import { sha256 } from '../../core/ledger.js'
import { roles } from '../../core/team.js'
import { login, sessionCookie } from '../auth.js'
import type { ServerContext } from '../context.js'
import { defineRoute, permissions, type RouteDefinition, rolePermissions } from '../route.js'
import { auditPeriodSchema } from '../schemas.js'

export const userSchema = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string(),
  role: z.enum(roles),
  createdAt: z.string(),
  disabled: z.boolean(),
  auditPeriod: auditPeriodSchema.optional(),
})

const loginBody = z.strictObject({
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(1024),
})

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

export const routes: RouteDefinition<ServerContext>[] = [
  defineRoute<ServerContext>({
    method: 'GET',
    url: '/api/health',
    operationId: 'health',
    summary: 'Whether the server is up, and its version',
    tag: 'session',
    permission: 'public',
    response: z.object({ status: z.literal('ok'), version: z.string() }),
    handler: async () => ({ status: 'ok', version: toolVersion() }),
  }),
  defineRoute<ServerContext, unknown, unknown, z.infer<typeof loginBody>>({
    method: 'POST',
    url: '/api/session',
    operationId: 'login',
    summary: 'Sign in with email and password; sets the session cookie and returns the CSRF token',
    tag: 'session',
    permission: 'public',
    body: loginBody,
    response: z.object({ user: userSchema, csrfToken: z.string() }),
    bodyLimit: 16 * 1024,
    handler: async ({ body, request, reply }, context) => {
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
  defineRoute<ServerContext>({
    method: 'DELETE',
    url: '/api/session',
    operationId: 'logout',
    summary: 'Sign out: ends the session and clears the cookie',
    tag: 'session',
    permission: 'self',
    handler: async ({ actor, request, reply }, context) => {
      if (actor.session !== undefined) await context.team.deleteSession(actor.session.idHash)
      // A cookie whose session is gone is harmless, but a signed-out browser should not keep it.
      const cookie = request.cookies[sessionCookie]
      if (cookie !== undefined) await context.team.deleteSession(sha256(cookie))
      reply.clearCookie(sessionCookie, sessionCookieOptions(request))
      return reply.code(204).send()
    },
  }),
  defineRoute<ServerContext>({
    method: 'GET',
    url: '/api/me',
    operationId: 'me',
    summary: 'Who is signed in, their role and permissions, and the CSRF token of the session',
    tag: 'session',
    permission: 'self',
    response: z.object({
      user: z.object({
        id: z.number().int(),
        email: z.string(),
        name: z.string(),
        role: z.enum(roles),
        auditPeriod: auditPeriodSchema.optional(),
      }),
      csrfToken: z.string().optional(),
      permissions: z.array(z.enum(permissions)),
    }),
    handler: async ({ actor }, context) => {
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
