import type { z } from 'zod'
import type { Permission } from './permissions.js'

/**
 * What a successful answer carries. Every endpoint declares one, so the OpenAPI description, the
 * dashboard's types and the server's response check all read the same declaration:
 * - `json`: a JSON body, checked against the zod schema (in tests, and with TRUSTCTL_CHECK_RESPONSES=1);
 * - `file`: bytes that are not our JSON (a download, an SVG), with the media type they are sent as;
 * - `empty`: 204 No Content.
 */
export type ResponseSpec =
  | { json: z.ZodType; status?: number }
  | { file: string; description: string }
  | { empty: true }

export const json = <Schema extends z.ZodType>(schema: Schema, status?: number) =>
  status === undefined ? { json: schema } : { json: schema, status }
export const file = (mediaType: string, description: string) => ({ file: mediaType, description })
export const empty = { empty: true } as const

/**
 * One HTTP endpoint as the API promises it: where it is, who may call it, what it accepts and what
 * it answers. The server adds the handler (src/server/routes/); nothing here runs on a request.
 */
export interface Endpoint<
  Params = unknown,
  Query = unknown,
  Body = unknown,
  Response extends ResponseSpec = ResponseSpec,
> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** Fastify path syntax: `/api/controls/:id`. */
  url: string
  /** OpenAPI operation id and summary, and the tag it is grouped under. */
  operationId: string
  summary: string
  tag: string
  /** `public`: login, health, labels and the OpenAPI description only. */
  permission: Permission | 'public'
  params?: z.ZodType<Params>
  query?: z.ZodType<Query>
  body?: z.ZodType<Body>
  response: Response
}

/** Keeps an endpoint's exact types (its schemas and response) for the route and the dashboard. */
export function endpoint<Params, Query, Body, Response extends ResponseSpec>(
  declared: Endpoint<Params, Query, Body, Response>,
): Endpoint<Params, Query, Body, Response> {
  return declared
}

/** The JSON body an endpoint answers with, as the dashboard reads it. */
export type ResponseOf<E extends { response: ResponseSpec }> = E['response'] extends {
  json: infer Schema extends z.ZodType
}
  ? z.output<Schema>
  : never

/** The JSON body an endpoint accepts. */
export type RequestBodyOf<E extends { body?: z.ZodType }> = E['body'] extends z.ZodType
  ? z.input<E['body']>
  : never
