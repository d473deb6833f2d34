import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer } from '../src/server/app.js'
import type { ServerContext } from '../src/server/context.js'
import { endpoints } from '../src/server/contract/index.js'
import { type RouteDefinition, routesWithoutResponse } from '../src/server/route.js'
import { allRoutes } from '../src/server/routes/index.js'
import { type Harness, startHarness } from './server-harness.js'

describe('the API contract', () => {
  const routes = allRoutes()

  it('declares a response for every route the server serves', () => {
    expect(routes).toHaveLength(Object.keys(endpoints).length)
    expect(routesWithoutResponse(routes)).toEqual([])
  })

  it('notices a route that declares no response', () => {
    // As a route declared in plain JavaScript, or through a cast, could be: the type system cannot see it.
    const undeclared = { operationId: 'undeclared', url: '/api/undeclared' }
    const declared = { operationId: 'declared', response: { empty: true } }
    expect(routesWithoutResponse([declared, undeclared])).toEqual(['undeclared'])
    expect(routesWithoutResponse([{ operationId: 'odd', response: { schema: {} } }])).toEqual(['odd'])
  })

  it('has one route for each endpoint, and no route outside it', () => {
    const served = routes.map((route) => `${route.operationId} ${route.method} ${route.url}`).sort()
    const declared = Object.entries(endpoints)
      .map(([id, endpoint]) => {
        expect(endpoint.operationId, id).toBe(id)
        return `${endpoint.operationId} ${endpoint.method} ${endpoint.url}`
      })
      .sort()
    expect(served).toEqual(declared)
    for (const route of routes)
      expect(route.response, route.operationId).toBe(
        endpoints[route.operationId as keyof typeof endpoints].response,
      )
  })
})

describe('responses checked against the contract', () => {
  let harness: Harness

  beforeAll(async () => {
    harness = await startHarness()
  })

  afterAll(async () => {
    await harness?.close()
  })

  /** A server with one route whose handler answers `body` (the erased type lets it drift). */
  async function serve(route: RouteDefinition<ServerContext>, checkResponses?: boolean) {
    return createServer(harness.context, {
      routes: [route],
      ...(checkResponses === undefined ? {} : { checkResponses }),
    })
  }

  it('fails a handler that answers a different shape, naming the field', async () => {
    const app = await serve({ ...endpoints.health, handler: async () => ({ status: 'ok', version: 3 }) })
    try {
      const response = await app.inject({ method: 'GET', url: '/api/health' })
      expect(response.statusCode).toBe(500)
      expect(response.json().code).toBe('response-contract')
      expect(response.json().detail).toContain('version')
    } finally {
      await app.close()
    }
  })

  it('checks bodies sent through reply too, and JSON where the contract declares none', async () => {
    const app = await serve({
      ...endpoints.revokeToken,
      permission: 'public',
      handler: async ({ reply }) => reply.code(200).send({ revoked: true }),
    })
    try {
      const response = await app.inject({ method: 'DELETE', url: '/api/tokens/1' })
      expect(response.statusCode).toBe(500)
      expect(response.json().detail).toContain('no content')
    } finally {
      await app.close()
    }
  })

  it('lets an answer that matches through unchanged, and checks nothing when turned off', async () => {
    const extra = { status: 'ok', version: '1.0.0', uptime: 12 }
    const checked = await serve({ ...endpoints.health, handler: async () => extra })
    const unchecked = await serve({ ...endpoints.health, handler: async () => ({ status: 'down' }) }, false)
    try {
      expect((await checked.inject({ method: 'GET', url: '/api/health' })).json()).toEqual(extra)
      const response = await unchecked.inject({ method: 'GET', url: '/api/health' })
      expect(response.statusCode).toBe(200)
      expect(response.json()).toEqual({ status: 'down' })
    } finally {
      await checked.close()
      await unchecked.close()
    }
  })

  it('is on under test, so every route test also tests the contract', () => {
    expect(process.env.NODE_ENV).toBe('test')
  })
})
