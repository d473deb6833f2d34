import { z } from 'zod'
import type { Endpoint } from './contract/endpoint.js'
import { problemSchema } from './contract/problem.js'

/**
 * The OpenAPI 3.1 description of the API, built from the API contract (src/server/contract/), the
 * same declarations the server validates requests and checks responses with, so it cannot drift from
 * what the server does. Zod schemas become JSON Schema (2020-12, which OpenAPI 3.1 uses as is).
 */

type JsonSchema = Record<string, unknown>

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
})

/** A zod schema as JSON Schema; parts JSON Schema cannot say (transforms, dates) become `{}`. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  try {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema
    const { $schema: _dialect, ...rest } = json
    return rest
  } catch {
    return {}
  }
}

/** Fastify's `/api/controls/:id` as OpenAPI's `/api/controls/{id}`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
}

function parametersOf(route: Endpoint): JsonSchema[] {
  const parameters: JsonSchema[] = []
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (schema === undefined) continue
    const json = jsonSchemaOf(schema, 'input')
    const properties = (json.properties ?? {}) as Record<string, JsonSchema>
    const required = new Set((json.required ?? []) as string[])
    for (const [name, property] of Object.entries(properties)) {
      parameters.push({
        name,
        in: where,
        required: where === 'path' || required.has(name),
        schema: property,
        ...(typeof property.description === 'string' ? { description: property.description } : {}),
      })
    }
  }
  return parameters
}

/** The success answer an endpoint declares: its status and what it carries. */
function successOf(route: Endpoint): Record<string, unknown> {
  const { response } = route
  if ('empty' in response) return { '204': { description: 'no content' } }
  if ('file' in response)
    return {
      '200': {
        description: response.description,
        content: { [response.file]: { schema: { type: 'string', contentMediaType: response.file } } },
      },
    }
  const status = response.status ?? (route.method === 'POST' ? 201 : 200)
  return {
    [String(status)]: {
      description: 'success',
      content: { 'application/json': { schema: jsonSchemaOf(response.json, 'output') } },
    },
  }
}

function operationOf(route: Endpoint): JsonSchema {
  const isPublic = route.permission === 'public'
  const responses: Record<string, unknown> = {
    ...successOf(route),
    '400': problemResponse('invalid parameters, query or body'),
    '429': problemResponse('too many requests'),
  }
  if (!isPublic) {
    responses['401'] = problemResponse('not signed in, or the token is unknown or revoked')
    responses['403'] = problemResponse('the role lacks the permission, or the CSRF check failed')
  }
  if (route.params !== undefined) responses['404'] = problemResponse('not found')
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    'x-trustctl-permission': route.permission,
    security: isPublic ? [] : [{ sessionCookie: [] }, { bearerToken: [] }],
    parameters: parametersOf(route),
    ...(route.body === undefined
      ? {}
      : {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchemaOf(route.body, 'input') } },
          },
        }),
    responses,
  }
}

/** The document's top level, as far as the server and its tests read it. */
export interface OpenApiDocument {
  openapi: string
  info: { title: string; version: string; description: string }
  paths: Record<string, Record<string, unknown>>
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> }
  [part: string]: unknown
}

export function openApiDocument(routes: readonly Endpoint[], version: string): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of routes) {
    const url = openApiPath(route.url)
    paths[url] = { ...paths[url], [route.method.toLowerCase()]: operationOf(route) }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'trustctl team server',
      version,
      description:
        'SOC 2 compliance as code: the assessment, gaps and remediation, evidence, vendors, packages and collector pushes. Errors are RFC 9457 problem details. Requests signed in with the session cookie must send X-CSRF-Token on POST, PUT, PATCH and DELETE.',
    },
    servers: [{ url: '/' }],
    tags: [...new Set(routes.map((route) => route.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: {
        Problem: { ...jsonSchemaOf(problemSchema, 'output'), description: 'RFC 9457 problem detail' },
      },
      securitySchemes: {
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'trustctl_session' },
        bearerToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'an API token from `trustctl tokens create`',
        },
      },
    },
  }
}
