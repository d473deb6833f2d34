import { rmSync } from 'node:fs'
import path from 'node:path'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { hashPassword, newTokenSecret } from '../src/app/credentials.js'
import { type LoadedConfig, loadConfig } from '../src/app/load-config.js'
import { openStore, openTeamStore } from '../src/app/open-store.js'
import { type Library, loadLibrary } from '../src/app/run-assessment.js'
import { loadOrCreateSigner } from '../src/app/signing-key.js'
import { sha256 } from '../src/core/ledger.js'
import type { AuditPeriod, Role, User } from '../src/core/team.js'
import { roles } from '../src/core/team.js'
import { createServer, type ServerOptions } from '../src/server/app.js'
import { sessionCookie } from '../src/server/auth.js'
import type { ServerContext } from '../src/server/context.js'
import type { InProcessJobRunner } from '../src/server/jobs.js'
import { buildServerContext } from '../src/server/server-context.js'
import { recordChange } from '../src/store/ledger-change.js'
import { copyDemo, trustctl } from './cli-harness.js'

/**
 * A real team server for tests: a private copy of the demo estate, assessed once and stored in a
 * real SQLite file, with a user and an API token of every role, each user signed in. Requests go
 * through `app.inject` (no port) unless `listen` is set. One harness per test file: start it in
 * beforeAll, close it in afterAll.
 */

/** Every test user's password: long enough for the server's own rule. */
export const testPassword = 'correct horse battery staple'

/** The auditor's period, around the demo's as-of date (2026-11-30). */
export const auditorPeriod: AuditPeriod = { from: '2026-01-01', to: '2026-12-31' }

export type Who = Role | 'anonymous'
export type Via = 'session' | 'token'

export interface SignedIn {
  user: User
  /** The raw session cookie value (what the browser holds). */
  cookie: string
  csrfToken: string
}

export interface HarnessRequest {
  /** The methods inject() takes (light-my-request's list, which trails fastify's by `SEARCH`). */
  method: NonNullable<InjectOptions['method']>
  url: string
  body?: unknown
  /** Default: a session for people, nothing for anonymous. */
  via?: Via
  /** Send the session's X-CSRF-Token on unsafe methods (default true). */
  csrf?: boolean
  headers?: Record<string, string>
}

export interface Harness {
  dir: string
  loaded: LoadedConfig
  library: Library
  context: ServerContext & { jobRunner: InProcessJobRunner }
  app: FastifyInstance
  /** Set when started with `listen`: `http://127.0.0.1:<port>`. */
  baseUrl?: string
  users: Record<Role, User>
  sessions: Record<Role, SignedIn>
  /** Bearer secrets of a token per role. */
  tokens: Record<Role, string>
  tokenIds: Record<Role, number>
  /** The id of the assessment run the harness stored. */
  runId: number
  /** Sends a request as someone, signed in by session (with CSRF token) or by token. */
  request(who: Who, request: HarnessRequest): Promise<LightMyRequestResponse>
  /** Signs a user in afresh (a new session). */
  login(email: string, password?: string): Promise<LightMyRequestResponse>
  close(): Promise<void>
}

export interface HarnessOptions {
  serverOptions?: ServerOptions
  /** Listen on 127.0.0.1:0 as well (browser and load tests). */
  listen?: boolean
  /** Skip the assessment (tests of the auth layer alone are faster without it). */
  assess?: boolean
}

function cookieValue(response: LightMyRequestResponse, name: string): string | undefined {
  const cookie = response.cookies.find((c) => c.name === name)
  return cookie?.value
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const demo = copyDemo()
  const keyFile = path.join(path.dirname(demo.dir), `${path.basename(demo.dir)}-key.pem`)
  const previousKey = process.env.TRUSTCTL_SIGNING_KEY
  process.env.TRUSTCTL_SIGNING_KEY = keyFile
  const cleanup = () => {
    rmSync(keyFile, { force: true })
    demo.cleanup()
    if (previousKey === undefined) delete process.env.TRUSTCTL_SIGNING_KEY
    else process.env.TRUSTCTL_SIGNING_KEY = previousKey
  }
  try {
    if (options.assess !== false) {
      const assessed = await trustctl(demo.dir, 'assess')
      // 1: failures found (the demo has some on purpose); 3: some inputs unreadable. Both stored a run.
      if (![0, 1, 3].includes(assessed.code))
        throw new Error(`harness: assess failed (${assessed.code}): ${assessed.stderr}`)
    }
    const loaded = await loadConfig(undefined, demo.dir)
    const library = await loadLibrary()
    const ledger = await openStore(loaded, process.env)
    const team = await openTeamStore(loaded, process.env)
    // The key `assess` created (or a new one when the harness skipped the assessment).
    const signer = loadOrCreateSigner(keyFile, () => undefined)
    const context = buildServerContext({ loaded, library, ledger, team, signer, recordChange })
    const runId = (await context.latestRun())?.id ?? 0

    const users = {} as Record<Role, User>
    const tokens = {} as Record<Role, string>
    const tokenIds = {} as Record<Role, number>
    const passwordHash = await hashPassword(testPassword)
    for (const role of roles) {
      users[role] = await team.createUser({
        email: `${role}@example.test`,
        name: `Test ${role}`,
        role,
        passwordHash,
        createdAt: new Date().toISOString(),
        ...(role === 'auditor' ? { auditPeriod: auditorPeriod } : {}),
      })
      const secret = newTokenSecret()
      const token = await team.createToken({
        name: `test-${role}`,
        role,
        tokenHash: sha256(secret),
        createdBy: 'harness',
        createdAt: new Date().toISOString(),
        ...(role === 'auditor' ? { auditPeriod: auditorPeriod } : {}),
      })
      tokens[role] = secret
      tokenIds[role] = token.id
    }

    const app = await createServer(context, {
      // Generous, so tests that sign in many times are not limited; the rate-limit test sets its own.
      loginsPerMinute: 1000,
      loginsPerMinutePerAddress: 1000,
      ...options.serverOptions,
    })
    let baseUrl: string | undefined
    if (options.listen === true) {
      await app.listen({ host: '127.0.0.1', port: 0 })
      const address = app.server.address()
      if (typeof address === 'object' && address !== null) baseUrl = `http://127.0.0.1:${address.port}`
    } else await app.ready()

    const login = (email: string, password = testPassword) =>
      app.inject({ method: 'POST', url: '/api/session', payload: { email, password } })

    const sessions = {} as Record<Role, SignedIn>
    for (const role of roles) {
      const response = await login(users[role].email)
      const cookie = cookieValue(response, sessionCookie)
      if (response.statusCode !== 200 || cookie === undefined)
        throw new Error(`harness: sign-in of ${role} failed: ${response.statusCode} ${response.body}`)
      sessions[role] = {
        user: users[role],
        cookie,
        csrfToken: (response.json() as { csrfToken: string }).csrfToken,
      }
    }

    const request = (who: Who, r: HarnessRequest) => {
      const headers: Record<string, string> = { ...r.headers }
      const via = r.via ?? 'session'
      if (who !== 'anonymous') {
        if (via === 'token') headers.authorization = `Bearer ${tokens[who]}`
        else {
          headers.cookie = `${sessionCookie}=${sessions[who].cookie}`
          const unsafe = r.method !== 'GET' && r.method !== 'HEAD'
          if (unsafe && r.csrf !== false) headers['x-csrf-token'] = sessions[who].csrfToken
        }
      }
      return app.inject({
        method: r.method,
        url: r.url,
        headers,
        ...(r.body === undefined ? {} : { payload: r.body as object }),
      })
    }

    return {
      dir: demo.dir,
      loaded,
      library,
      context,
      app,
      ...(baseUrl === undefined ? {} : { baseUrl }),
      users,
      sessions,
      tokens,
      tokenIds,
      runId,
      request,
      login,
      close: async () => {
        await app.close()
        await context.jobRunner.idle()
        await team.close()
        await ledger.close()
        cleanup()
      },
    }
  } catch (error) {
    cleanup()
    throw error
  }
}
