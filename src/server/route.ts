import type { FastifyReply, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import type { AuditPeriod, Role, Session } from '../core/team.js'

/**
 * What a route needs to be allowed. Each route declares one; `rolePermissions` says which roles hold
 * it. The route × role security test walks every declared route against this table.
 */
export const permissions = [
  /** Who am I, sign out: any signed-in person or reading token (not a collector token). */
  'self',
  /** Scope, criteria, controls, findings, runs, evidence, samples, matrix, vendors, packages. */
  'assessment:read',
  /** The gaps board and remediation items (with comments). */
  'gaps:read',
  'gaps:write',
  /** Manual evidence and attestations. */
  'evidence:write',
  'vendors:write',
  /** Start an assessment or a package export (long operations, run as jobs with progress). */
  'jobs:run',
  /** Push collected evidence (collector tokens only). */
  'evidence:push',
  /** Users, tokens and schedules. */
  'admin',
] as const
export type Permission = (typeof permissions)[number]

export const rolePermissions: Record<Role, readonly Permission[]> = {
  admin: [
    'self',
    'assessment:read',
    'gaps:read',
    'gaps:write',
    'evidence:write',
    'vendors:write',
    'jobs:run',
    'admin',
  ],
  editor: [
    'self',
    'assessment:read',
    'gaps:read',
    'gaps:write',
    'evidence:write',
    'vendors:write',
    'jobs:run',
  ],
  // The auditor reads what the audit period holds and changes nothing.
  auditor: ['self', 'assessment:read'],
  collector: ['evidence:push'],
}

/** Who is asking: a signed-in person (session cookie) or an API token (Authorization: Bearer). */
export interface Actor {
  kind: 'user' | 'token'
  /** User id or token id. */
  id: number
  /** Email for a person, token name for a token: what the ledger's change records name. */
  name: string
  role: Role
  auditPeriod?: AuditPeriod
  session?: Session
}

/** What a handler receives: validated params, query and body, and who asked. */
export interface RouteInput<Params, Query, Body> {
  params: Params
  query: Query
  body: Body
  /** Set on every route but `public` ones. */
  actor: Actor
  request: FastifyRequest
  reply: FastifyReply
}

/**
 * One HTTP route, declared as data: the server registers it, validates its input with the zod
 * schemas (a failure is a 400 problem+json naming the field), enforces its permission, and lists it
 * in the OpenAPI description. A handler returns the JSON body, or sends through `reply` itself (files,
 * SVG, custom status) and returns `reply`.
 */
export interface RouteDefinition<Context, Params = unknown, Query = unknown, Body = unknown> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** Fastify path syntax: `/api/controls/:id`. */
  url: string
  /** OpenAPI operation id and summary, and the tag it is grouped under. */
  operationId: string
  summary: string
  tag: string
  /** `public`: login, health and the OpenAPI description only. */
  permission: Permission | 'public'
  params?: z.ZodType<Params>
  query?: z.ZodType<Query>
  body?: z.ZodType<Body>
  /** Schema of the 2xx JSON body, for the OpenAPI description. */
  response?: z.ZodType
  /**
   * Largest accepted request body in bytes (the server default otherwise); a function reads it from
   * the server's configuration, so fastify refuses a bigger body before reading it all.
   */
  bodyLimit?: number | ((context: Context) => number)
  /**
   * A stricter request limit for this route on top of the server's generous global one, counted per
   * client address or per actor (a collector token's pushes). Over it: 429 with Retry-After.
   */
  rateLimit?: { max: number | ((context: Context) => number); windowMs: number; per: 'ip' | 'actor' }
  handler(input: RouteInput<Params, Query, Body>, context: Context): Promise<unknown>
}

/** Keeps a route's types while erasing them for the list the server registers. */
export function defineRoute<Context, Params = unknown, Query = unknown, Body = unknown>(
  route: RouteDefinition<Context, Params, Query, Body>,
): RouteDefinition<Context> {
  return route as unknown as RouteDefinition<Context>
}
