import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { endpoint, json } from './contract/endpoint.js'
import { endpoints } from './contract/index.js'
import { openApiDocument, openApiPath } from './openapi.js'

type Operation = {
  operationId: string
  security: unknown[]
  parameters: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[]
  requestBody?: { content: { 'application/json': { schema: Record<string, unknown> } } }
  responses: Record<string, unknown>
}

describe('OpenAPI description', () => {
  const routes = Object.values(endpoints)
  const document = openApiDocument(routes, '9.9.9') as {
    openapi: string
    paths: Record<string, Record<string, Operation>>
    components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> }
  }

  it('is OpenAPI 3.1 with both ways to sign in', () => {
    expect(document.openapi).toBe('3.1.0')
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['bearerToken', 'sessionCookie'])
    expect(document.components.schemas.Problem).toBeDefined()
    // Plain data: what the server sends is what this test sees.
    expect(JSON.parse(JSON.stringify(document))).toEqual(document)
  })

  it('lists every route once, under a unique operation id', () => {
    const ids = new Set<string>()
    for (const route of routes) {
      const operation = document.paths[openApiPath(route.url)]?.[route.method.toLowerCase()]
      expect(operation, `${route.method} ${route.url}`).toBeDefined()
      expect(ids.has(route.operationId), route.operationId).toBe(false)
      ids.add(route.operationId)
      if (route.permission === 'public') expect(operation?.security).toEqual([])
      else expect(operation?.responses).toHaveProperty('401')
      for (const name of route.url.match(/:([A-Za-z0-9_]+)/g) ?? [])
        expect(operation?.parameters.map((p) => `${p.in}:${p.name}`)).toContain(`path:${name.slice(1)}`)
      if (route.body !== undefined) expect(operation?.requestBody).toBeDefined()
    }
    const operations = Object.values(document.paths).flatMap((methods) => Object.keys(methods))
    expect(operations).toHaveLength(routes.length)
  })

  it('turns zod schemas into parameters and bodies', () => {
    const route = endpoint({
      method: 'PATCH',
      url: '/api/things/:id',
      operationId: 'updateThing',
      summary: 'x',
      tag: 'things',
      permission: 'admin',
      params: z.object({ id: z.string() }),
      query: z.object({ limit: z.coerce.number().int().optional() }),
      body: z.object({ name: z.string().min(1) }),
      response: json(z.object({ id: z.string(), name: z.string() })),
    })
    const doc = openApiDocument([route], '1') as { paths: Record<string, Record<string, Operation>> }
    const operation = doc.paths['/api/things/{id}']?.patch
    expect(operation?.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
      expect.objectContaining({ name: 'limit', in: 'query', required: false }),
    ])
    expect(operation?.requestBody?.content['application/json'].schema).toMatchObject({
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string', minLength: 1 } },
    })
  })

  it('describes what every operation answers: its JSON schema, a file, or no content', () => {
    for (const route of routes) {
      const operation = document.paths[openApiPath(route.url)]?.[route.method.toLowerCase()]
      const success = Object.entries(operation?.responses ?? {}).filter(([status]) => status.startsWith('2'))
      expect(success, route.operationId).toHaveLength(1)
      const [status, answer] = success[0] ?? []
      if ('empty' in route.response) expect(status, route.operationId).toBe('204')
      else if ('file' in route.response)
        expect(answer, route.operationId).toHaveProperty(['content', route.response.file])
      else expect(answer, route.operationId).toHaveProperty(['content', 'application/json', 'schema', 'type'])
    }
    const overview = document.paths['/api/overview']?.get?.responses['200'] as {
      content: { 'application/json': { schema: { required: string[] } } }
    }
    expect(overview.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['run', 'summary', 'categories', 'ledger']),
    )
  })

  it('writes fastify paths in OpenAPI form', () => {
    expect(openApiPath('/api/packages/:id/files/:name')).toBe('/api/packages/{id}/files/{name}')
    expect(openApiPath('/api/health')).toBe('/api/health')
  })
})
