import { existsSync } from 'node:fs'
import path from 'node:path'
import type { Readable } from 'node:stream'
import fastifyCookie from '@fastify/cookie'
import fastifyHelmet from '@fastify/helmet'
import fastifyRateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify'
import type { z } from 'zod'
import { packageRoot } from '../app/version.js'
import {
  AuthenticationError,
  CsrfError,
  formatPath,
  PermissionError,
  RateLimitError,
  ResponseContractError,
  ValidationError,
  type ValidationIssue,
} from '../core/errors.js'
import {
  actorFromSession,
  bearerSecret,
  cachedActorFromToken,
  constantTimeEqual,
  sessionCookie,
} from './auth.js'
import type { ServerContext } from './context.js'
import { problem, problemContentType, problemFromError } from './problem.js'
import { type Actor, type RouteDefinition, rolePermissions } from './route.js'
import { allRoutes } from './routes/index.js'
import { fastifyTrustProxy, type TrustProxy } from './trust-proxy.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking; set before the handler on every route that is not public. */
    actor: Actor | undefined
    /**
     * The JSON body as it arrives, unread, on a route that reads it itself (rawJsonBody): a push
     * streams it to a worker thread, so the event loop never holds nor concatenates it.
     */
    bodyStream: Readable | undefined
  }
  interface FastifyContextConfig {
    /** The route parses its JSON body itself, off the event loop (RouteDefinition.rawJsonBody). */
    rawJsonBody?: boolean
  }
}

export interface ServerOptions {
  /** Fastify's logger (pino) options; off by default. Bodies and headers are never logged either way. */
  logger?: FastifyServerOptions['logger']
  /** The built dashboard; default `<package>/dist/web`. */
  webRoot?: string
  /** The routes to serve; default every route of the API (tests pass extra ones). */
  routes?: readonly RouteDefinition<ServerContext>[]
  /** Largest request body by default, in bytes (routes may allow more). */
  bodyLimit?: number
  /** Requests per minute per client address, all routes together. */
  requestsPerMinute?: number
  /** Sign-in attempts per minute per client address and email. */
  loginsPerMinute?: number
  /** Sign-in attempts per minute per client address, whatever the emails (password spraying). */
  loginsPerMinutePerAddress?: number
  /**
   * The proxies in front whose X-Forwarded-* headers are believed (a number of hops or their
   * addresses); default none. `true` is one hop, never every hop (see trust-proxy.ts).
   */
  trustProxy?: TrustProxy | true
  /**
   * Host names (no port) the Host header may name; default the configuration's server.allowedHosts,
   * else loopback names only. Anything else is answered 421 (a rebound DNS name, a wrong vhost).
   */
  allowedHosts?: readonly string[]
  /**
   * Check every 2xx JSON answer against the response schema of its endpoint (a mismatch is a 500
   * naming the field). On under test (NODE_ENV=test) and with TRUSTCTL_CHECK_RESPONSES=1; off in
   * production, where it would only cost time.
   */
  checkResponses?: boolean
}

/** Whether responses are checked against the contract when the options do not say. */
function checkResponsesByDefault(): boolean {
  return process.env.NODE_ENV === 'test' || process.env.TRUSTCTL_CHECK_RESPONSES === '1'
}

/**
 * A hook that holds a route's successful JSON answers to its contract: the body must parse with the
 * endpoint's response schema, and an endpoint that declares a file or no content sends no JSON body.
 */
function responseCheck(route: RouteDefinition<ServerContext>) {
  return async (_request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    if (reply.statusCode < 200 || reply.statusCode >= 300) return payload
    const { response } = route
    if (!('json' in response))
      throw new ResponseContractError(
        `${route.operationId} sent a JSON body, but its contract declares ${'file' in response ? `a file (${response.file})` : 'no content'}`,
      )
    const parsed = response.json.safeParse(payload)
    if (parsed.success) return payload
    const issues = parsed.error.issues.map((issue) => ({
      path: formatPath(issue.path),
      message: issue.message,
    }))
    throw new ResponseContractError(
      `${route.operationId} answered a body its contract does not declare: ${issues
        .slice(0, 5)
        .map((issue) => `${issue.path || '(body)'}: ${issue.message}`)
        .join('; ')}`,
      issues,
    )
  }
}

/** The Host names a server answers when server.allowedHosts is unset: loopback only. */
export const loopbackHostNames: readonly string[] = ['localhost', '127.0.0.1', '::1']

/** The host name of a Host header, without port and IPv6 brackets, lower case. */
export function hostName(host: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host)
  if (bracketed?.[1] !== undefined) return bracketed[1].toLowerCase()
  return host.replace(/:\d+$/, '').toLowerCase()
}

export const defaultBodyLimit = 1024 * 1024
/** Generous: the dashboard makes a handful of requests per page, the bench 200 a second for a minute. */
const defaultRequestsPerMinute = 20_000
/** Strict: enough for a person who mistypes, far too few to guess passwords. */
const defaultLoginsPerMinute = 10
/** One address trying many accounts: a little room for a shared office address, none for spraying. */
const defaultLoginsPerMinutePerAddress = 60

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** The Content-Security-Policy of every response: our own scripts and styles only, never framed. */
const contentSecurityPolicy = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
}

/** Validates one part of the request with the route's schema; issues name the part (`body.email`). */
function parsePart<T>(schema: z.ZodType<T> | undefined, value: unknown, part: string): T {
  if (schema === undefined) return value as T
  const result = schema.safeParse(value ?? (part === 'body' ? undefined : {}))
  if (result.success) return result.data
  const issues: ValidationIssue[] = result.error.issues.map((issue) => ({
    path: [part, formatPath(issue.path)].filter((p) => p !== '').join('.'),
    message: issue.message,
  }))
  const first = issues[0]
  throw new ValidationError(
    first === undefined ? `invalid ${part}` : `${first.path}: ${first.message}`,
    issues,
  )
}

/**
 * Whether an Origin or Referer URL names this server: the same scheme, host and port (an origin).
 * Both sides go through the URL parser, so `http://localhost` and a Host of `localhost:80` agree on
 * the default port, while `https://host` is not `http://host` (another origin, another browser context).
 */
function sameOrigin(claimed: string, protocol: string, host: string): boolean {
  try {
    const url = new URL(claimed)
    const ours = new URL(`${protocol}://${host}`)
    return url.protocol === ours.protocol && url.host === ours.host
  } catch {
    return false
  }
}

/**
 * A request that changes something must come from our own pages: when the browser says where it
 * comes from (Origin, else Referer), that must be this host. Bearer requests are not made by a
 * browser with ambient credentials, so they are exempt.
 */
function checkSameOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin
  const referer = request.headers.referer
  const claimed = origin ?? referer
  if (claimed === undefined) return
  if (!sameOrigin(claimed, request.protocol, request.host))
    throw new CsrfError(
      `cross-origin request refused: ${origin === undefined ? 'Referer' : 'Origin'} is not ${request.protocol}://${request.host}`,
    )
}

/** A cookie-authenticated change must echo the session's CSRF token (synchronizer token pattern). */
function checkCsrfToken(request: FastifyRequest, actor: Actor): void {
  if (actor.session === undefined) return
  const sent = request.headers['x-csrf-token']
  if (typeof sent !== 'string' || sent === '')
    throw new CsrfError('missing X-CSRF-Token header', {
      hint: 'send the csrfToken from POST /api/session or GET /api/me',
    })
  if (!constantTimeEqual(sent, actor.session.csrfToken))
    throw new CsrfError('X-CSRF-Token does not match the session')
}

/** Who sent the request: a bearer token when there is an Authorization header, else the session cookie. */
async function authenticate(request: FastifyRequest, context: ServerContext): Promise<Actor | undefined> {
  const authorization = request.headers.authorization
  if (authorization !== undefined) {
    const secret = bearerSecret(authorization)
    if (secret === undefined)
      throw new AuthenticationError('the Authorization header must be `Bearer <token>`')
    const actor = await cachedActorFromToken(context.team, secret, context.now())
    if (actor === undefined) throw new AuthenticationError('unknown or revoked API token')
    return actor
  }
  const cookie = request.cookies[sessionCookie]
  if (cookie === undefined || cookie === '') return undefined
  const actor = await actorFromSession(context.team, cookie, context.now())
  if (actor === undefined) throw new AuthenticationError('the session has ended; sign in again')
  return actor
}

/**
 * The checks every request to a route passes before its body is even read: who is asking, whether
 * their role holds the route's permission, and (for a browser session) CSRF.
 */
function guardFor(route: RouteDefinition<ServerContext>, context: ServerContext) {
  return async (request: FastifyRequest): Promise<void> => {
    const unsafe = unsafeMethods.has(request.method)
    const viaBearer = request.headers.authorization !== undefined
    if (unsafe && !viaBearer) checkSameOrigin(request)
    if (route.permission === 'public') return
    const actor = await authenticate(request, context)
    if (actor === undefined)
      throw new AuthenticationError('sign in, or send an API token as Authorization: Bearer')
    // An auditor is limited to its audit period; one stored without a period (before it was
    // required) would see every run, so it is refused until an admin gives it one.
    if (actor.role === 'auditor' && actor.auditPeriod === undefined)
      throw new PermissionError(`${actor.name} is an auditor without an audit period`, {
        hint: 'an admin sets one: PATCH /api/users/:id with auditPeriod, or a new token with --from/--to',
      })
    if (!rolePermissions[actor.role].includes(route.permission))
      throw new PermissionError(
        `the ${actor.role} role may not ${route.operationId} (needs ${route.permission})`,
      )
    if (unsafe && !viaBearer) checkCsrfToken(request, actor)
    request.actor = actor
  }
}

/** The email a sign-in attempt names, so attempts are limited per address and per account. */
function loginEmail(request: FastifyRequest): string {
  const body = request.body as { email?: unknown } | undefined
  return typeof body?.email === 'string' ? body.email.trim().toLowerCase() : ''
}

/** The route's own request limit, for @fastify/rate-limit: counted after authentication and parsing. */
function rateLimitConfig(
  route: RouteDefinition<ServerContext>,
  context: ServerContext,
  loginsPerMinute: number,
) {
  if (route.method === 'POST' && route.url === '/api/session')
    return {
      rateLimit: {
        max: loginsPerMinute,
        timeWindow: 60_000,
        hook: 'preHandler' as const,
        keyGenerator: (request: FastifyRequest) => `login|${request.ip}|${loginEmail(request)}`,
      },
    }
  const limit = route.rateLimit
  if (limit === undefined) return {}
  const max = limit.max
  return {
    rateLimit: {
      max: typeof max === 'number' ? max : () => max(context),
      timeWindow: limit.windowMs,
      // After authentication, so the key can be the actor.
      hook: 'preHandler' as const,
      keyGenerator: (request: FastifyRequest) =>
        limit.per === 'actor' && request.actor !== undefined
          ? `${route.url}|${request.actor.kind}:${request.actor.id}`
          : `${route.url}|${request.ip}`,
    },
  }
}

/** Sign-in attempts from one address across every email, checked before the per-email limit. */
function loginAddressLimit(app: FastifyInstance, perMinute: number) {
  const limiter = app.createRateLimit({
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => `login-address|${request.ip}`,
  })
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const outcome = await limiter(request)
    // isAllowed only means "on the allow list"; a counted request is refused once it exceeds max.
    if (outcome.isAllowed || !outcome.isExceeded) return
    reply.header('Retry-After', String(outcome.ttlInSeconds))
    throw new RateLimitError(
      `too many sign-in attempts from this address; try again in ${outcome.ttlInSeconds} s`,
    )
  }
}

function registerRoute(
  app: FastifyInstance,
  route: RouteDefinition<ServerContext>,
  context: ServerContext,
  limits: { loginsPerMinute: number; loginsPerMinutePerAddress: number; checkResponses: boolean },
): void {
  const isLogin = route.method === 'POST' && route.url === '/api/session'
  app.route({
    method: route.method,
    url: route.url,
    ...(route.bodyLimit === undefined
      ? {}
      : {
          bodyLimit: typeof route.bodyLimit === 'function' ? route.bodyLimit(context) : route.bodyLimit,
        }),
    config: {
      ...rateLimitConfig(route, context, limits.loginsPerMinute),
      ...(route.rawJsonBody === true ? { rawJsonBody: true } : {}),
    },
    onRequest: guardFor(route, context),
    ...(isLogin ? { preValidation: loginAddressLimit(app, limits.loginsPerMinutePerAddress) } : {}),
    ...(limits.checkResponses ? { preSerialization: responseCheck(route) } : {}),
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      const params = parsePart(route.params, request.params, 'params')
      const query = parsePart(route.query, request.query, 'query')
      const body = route.rawJsonBody === true ? undefined : parsePart(route.body, request.body, 'body')
      const result = await route.handler(
        { params, query, body, actor: request.actor as Actor, request, reply },
        context,
      )
      if (result === reply || reply.sent) return reply
      return result
    },
  })
}

function sendProblem(reply: FastifyReply, body: ReturnType<typeof problem>): FastifyReply {
  return reply.code(body.status).type(problemContentType).send(body)
}

/** Serves the built dashboard, or a page saying how to build it. */
async function registerDashboard(app: FastifyInstance, webRoot: string): Promise<boolean> {
  if (!existsSync(path.join(webRoot, 'index.html'))) return false
  await app.register(fastifyStatic, {
    root: webRoot,
    prefix: '/',
    wildcard: true,
    index: ['index.html'],
    setHeaders: (res, file) => {
      // Vite names built assets by content hash: they never change. index.html must be revalidated.
      const immutable = file.includes(`${path.sep}assets${path.sep}`)
      res.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    },
  })
  return true
}

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>trustctl</title></head>
<body><main><h1>trustctl</h1><p>The dashboard is not built. Run <code>npm run build</code> and restart
<code>trustctl serve</code>. The API answers under <a href="/api/openapi.json">/api</a>.</p></main></body></html>
`

/**
 * The team server: every route of the API with its validation, authentication, role check and CSRF
 * check applied uniformly, security headers on every answer, errors as problem+json, and the dashboard.
 */
export async function createServer(
  context: ServerContext,
  options: ServerOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? defaultBodyLimit,
    trustProxy: fastifyTrustProxy(options.trustProxy === true ? { hops: 1 } : (options.trustProxy ?? false)),
    // Ids in our URLs are short; a huge URL is an attack, not a request.
    routerOptions: { maxParamLength: 200 },
  })
  app.decorateRequest('actor', undefined)
  app.decorateRequest('bodyStream', undefined)

  await app.register(fastifyCookie)
  await app.register(fastifyHelmet, {
    contentSecurityPolicy,
    // HSTS is only true of a TLS connection; set per request below.
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'same-origin' },
    frameguard: { action: 'deny' },
  })
  await app.register(fastifyRateLimit, {
    global: true,
    max: options.requestsPerMinute ?? defaultRequestsPerMinute,
    timeWindow: 60_000,
    errorResponseBuilder: (_request, limit) =>
      new RateLimitError(`too many requests; try again in ${limit.after}`),
  })

  const allowedHosts = new Set(
    (options.allowedHosts ?? context.loaded.config.server.allowedHosts ?? loopbackHostNames).map((h) =>
      h.toLowerCase(),
    ),
  )
  app.addHook('onRequest', async (request, reply) => {
    const name = hostName(request.host)
    if (allowedHosts.has(name)) return
    return sendProblem(
      reply,
      problem(
        'misdirected',
        `this server does not answer for the host '${name}' (server.allowedHosts)`,
        request.url,
      ),
    )
  })

  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith('/api')) reply.header('Cache-Control', 'no-store')
    if (request.protocol === 'https')
      reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
    return payload
  })

  app.setErrorHandler((error, request, reply) => {
    const body = problemFromError(error, request.url)
    // Server faults are logged (without the request body or headers); client errors are not.
    if (body.status >= 500) request.log.error({ err: error, url: request.url }, 'request failed')
    return sendProblem(reply, body)
  })

  const limits = {
    loginsPerMinute: options.loginsPerMinute ?? defaultLoginsPerMinute,
    loginsPerMinutePerAddress: options.loginsPerMinutePerAddress ?? defaultLoginsPerMinutePerAddress,
    checkResponses: options.checkResponses ?? checkResponsesByDefault(),
  }
  for (const route of options.routes ?? allRoutes()) {
    if (route.rawJsonBody !== true) {
      registerRoute(app, route, context, limits)
      continue
    }
    // Content-type parsers belong to a plugin scope: in its own, the route gets its JSON body as a
    // stream, while every other route keeps fastify's parser (limit, length check, JSON.parse).
    void app.register(async (scope) => {
      scope.removeContentTypeParser('application/json')
      scope.addContentTypeParser('application/json', (request, payload, done) => {
        request.bodyStream = payload
        done(null, undefined)
      })
      registerRoute(scope, route, context, limits)
    })
  }

  const webRoot = options.webRoot ?? path.join(packageRoot(), 'dist', 'web')
  const dashboard = await registerDashboard(app, webRoot)

  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split('?')[0] ?? ''
    if (
      pathname === '/api' ||
      pathname.startsWith('/api/') ||
      (request.method !== 'GET' && request.method !== 'HEAD')
    )
      return sendProblem(reply, problem('not-found', `no route ${request.method} ${pathname}`, pathname))
    // A missing file (a stale /assets/…js) is a 404, not the page: a browser would run HTML as script.
    if (/\.[A-Za-z0-9]+$/.test(pathname))
      return reply.code(404).type('text/plain; charset=utf-8').send('not found\n')
    // The dashboard routes in the browser: any other page is index.html.
    if (dashboard) return reply.header('Cache-Control', 'no-cache').sendFile('index.html')
    return reply.type('text/html; charset=utf-8').send(notBuiltPage)
  })

  return app
}
