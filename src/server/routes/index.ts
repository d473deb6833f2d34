import type { ServerContext } from '../context.js'
import type { RouteDefinition } from '../route.js'
import { routes as accessReviewRoutes } from './access-reviews.js'
import { routes as adminRoutes } from './admin.js'
import { routes as assessmentRoutes } from './assessment.js'
import { routes as authRoutes } from './auth.js'
import { routes as evidenceRoutes } from './evidence.js'
import { routes as gapsRoutes } from './gaps.js'
import { routes as jobsRoutes } from './jobs.js'
import { routes as packagesRoutes } from './packages.js'
import { routes as policiesRoutes } from './policies.js'
import { routes as pushRoutes } from './push.js'
import { routes as vendorsRoutes } from './vendors.js'

/** Every route of the API: the server registers these, OpenAPI lists them, the security test walks them. */
export function allRoutes(): RouteDefinition<ServerContext>[] {
  return [
    ...authRoutes,
    ...adminRoutes,
    ...jobsRoutes,
    ...assessmentRoutes,
    ...gapsRoutes,
    ...accessReviewRoutes,
    ...policiesRoutes,
    ...evidenceRoutes,
    ...vendorsRoutes,
    ...packagesRoutes,
    ...pushRoutes,
  ]
}
