import { toolVersion } from '../../app/version.js'
import type { ServerContext } from '../context.js'
import { openApiDocument } from '../openapi.js'
import { defineRoute, type RouteDefinition } from '../route.js'
import { routes as adminRoutes } from './admin.js'
import { routes as assessmentRoutes } from './assessment.js'
import { routes as authRoutes } from './auth.js'
import { routes as evidenceRoutes } from './evidence.js'
import { routes as gapsRoutes } from './gaps.js'
import { routes as jobsRoutes } from './jobs.js'
import { routes as packagesRoutes } from './packages.js'
import { routes as pushRoutes } from './push.js'
import { routes as vendorsRoutes } from './vendors.js'

let openApiCache: Record<string, unknown> | undefined

// The description of every route lives beside the list of routes, so no route module imports this one.
const openApiRoute = defineRoute<ServerContext>({
  method: 'GET',
  url: '/api/openapi.json',
  operationId: 'openapi',
  summary: 'This OpenAPI 3.1 description',
  tag: 'session',
  permission: 'public',
  handler: async () => {
    openApiCache ??= openApiDocument(allRoutes(), toolVersion())
    return openApiCache
  },
})

/** Every route of the API: the server registers these, OpenAPI lists them, the security test walks them. */
export function allRoutes(): RouteDefinition<ServerContext>[] {
  return [
    ...authRoutes,
    openApiRoute,
    ...adminRoutes,
    ...jobsRoutes,
    ...assessmentRoutes,
    ...gapsRoutes,
    ...evidenceRoutes,
    ...vendorsRoutes,
    ...packagesRoutes,
    ...pushRoutes,
  ]
}
