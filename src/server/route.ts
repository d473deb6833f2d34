import type { FastifyReply, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import type { AuditPeriod, Role, Session } from '../core/team.js'
import type { Endpoint, ResponseSpec } from './contract/endpoint.js'
import type { Permission } from './contract/permissions.js'

/** What a route needs to be allowed: declared by each endpoint of the contract. */
export { type Permission, permissions } from './contract/permissions.js'

/** Which roles hold each permission. The route × role security test walks every route against this table. */
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
  /** For a token: the user who created it (absent for one created from the CLI). */
  userId?: number
  auditPeriod?: AuditPeriod
  /** For a collector token: the evidence kinds it may push (glob patterns); absent: every kind. */
  kinds?: readonly string[]
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
 * What a handler may return for an endpoint: the JSON body its contract declares, or `reply` when it
 * sent the answer itself (files, SVG, 204, a status of its own). A body sent through `reply` is
 * checked against the contract as a returned one is (see `checkResponses` in app.ts).
 */
export type HandlerResult<Response extends ResponseSpec> = Response extends {
  json: infer Schema extends z.ZodType
}
  ? z.input<Schema> | FastifyReply
  : FastifyReply

/**
 * One HTTP route: an endpoint of the API contract (src/server/contract/) and its handler. The server
 * registers it, validates its input with the contract's zod schemas (a failure is a 400 problem+json
 * naming the field), enforces its permission, and lists it in the OpenAPI description.
 */
export interface RouteDefinition<
  Context,
  Params = unknown,
  Query = unknown,
  Body = unknown,
  Response extends ResponseSpec = ResponseSpec,
> extends Endpoint<Params, Query, Body, Response> {
  /**
   * Largest accepted request body in bytes (the server default otherwise); a function reads it from
   * the server's configuration, so fastify refuses a bigger body before reading it all.
   */
  bodyLimit?: number | ((context: Context) => number)
  /**
   * The JSON body is not read, parsed nor validated on the event loop: the handler gets `body`
   * undefined and reads `request.bodyStream` itself, into a worker thread (a push of many megabytes).
   * The route's bodyLimit does not apply to the stream: the handler enforces its own.
   */
  rawJsonBody?: true
  /**
   * A stricter request limit for this route on top of the server's generous global one, counted per
   * client address or per actor (a collector token's pushes). Over it: 429 with Retry-After.
   */
  rateLimit?: { max: number | ((context: Context) => number); windowMs: number; per: 'ip' | 'actor' }
  handler(input: RouteInput<Params, Query, Body>, context: Context): Promise<HandlerResult<Response>>
}

/** Keeps a route's types (its handler must return what the endpoint declares) while erasing them for the list. */
export function defineRoute<Context, Params, Query, Body, Response extends ResponseSpec>(
  route: RouteDefinition<Context, Params, Query, Body, Response>,
): RouteDefinition<Context> {
  return route as unknown as RouteDefinition<Context>
}

/** Operation ids of routes whose contract declares no response: the server answers with something undeclared. */
export function routesWithoutResponse(
  routes: readonly { operationId: string; response?: unknown }[],
): string[] {
  return routes
    .filter((route) => {
      const response: unknown = route.response
      return (
        typeof response !== 'object' ||
        response === null ||
        !('json' in response || 'file' in response || 'empty' in response)
      )
    })
    .map((route) => route.operationId)
}
