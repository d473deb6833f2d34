import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sha256 } from '../src/core/ledger.js'
import type { Role } from '../src/core/team.js'
import { createServer } from '../src/server/app.js'
import { sessionCookie } from '../src/server/auth.js'
import type { ServerContext } from '../src/server/context.js'
import type { Permission, RouteDefinition } from '../src/server/route.js'
import { allRoutes } from '../src/server/routes/index.js'
import { browserUnavailable, launchBrowser } from './e2e/browser.js'
import { type Harness, startHarness, testPassword, type Via } from './server-harness.js'

/**
 * The server is itself part of a compliance system: these tests walk every route × every role, and
 * the session, CSRF, header, sign-in and error rules that keep it auditable.
 */

// Written out literally (not read from rolePermissions): a change to the roles must change this test too.
const allowedPermissions: Record<Role, readonly Permission[]> = {
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
  auditor: ['self', 'assessment:read'],
  collector: ['evidence:push'],
}

/** The only routes anyone may call without signing in. */
// The labels are the reports' words for statuses: the same text the open-source catalog ships.
const publicRoutes = new Set([
  'GET /api/health',
  'GET /api/openapi.json',
  'GET /api/labels',
  'POST /api/session',
])

const roles: Role[] = ['admin', 'editor', 'auditor', 'collector']

let harness: Harness

beforeAll(async () => {
  harness = await startHarness()
})

afterAll(async () => {
  await harness?.close()
})

/** A concrete URL for a route, with parameters that look valid, so an allowed request reaches its handler. */
function sampleUrl(route: RouteDefinition<ServerContext>, throwawayTokenId: number): string {
  const model = harness.context.library
  const control = model.catalog.controls[0]?.id ?? 'access.example'
  const values: Record<string, string> = {
    id: route.url.startsWith('/api/users')
      ? String(harness.users.editor.id)
      : route.url.startsWith('/api/tokens')
        ? String(throwawayTokenId)
        : route.url.startsWith('/api/jobs')
          ? '00000000-0000-4000-8000-000000000000'
          : route.url.startsWith('/api/controls')
            ? control
            : route.url.startsWith('/api/packages')
              ? '20261130T000000-type1'
              : 'gap-1',
    hash: 'a'.repeat(64),
    name: route.url.startsWith('/api/packages') ? 'manifest.json' : 'aws',
  }
  return route.url.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => encodeURIComponent(values[name] ?? 'x'))
}

describe('every route × every role', () => {
  const routes = allRoutes()

  it('declares only known permissions, and only sign-in, health, labels and OpenAPI are public', () => {
    expect(routes.length).toBeGreaterThan(10)
    for (const route of routes) {
      const key = `${route.method} ${route.url}`
      if (route.permission === 'public') expect(publicRoutes.has(key), key).toBe(true)
      else expect(Object.values(allowedPermissions).flat()).toContain(route.permission)
    }
  })

  it('refuses anonymous requests to every route but the public ones with 401', async () => {
    for (const route of routes) {
      const key = `${route.method} ${route.url}`
      const response = await harness.request('anonymous', { method: route.method, url: sampleUrl(route, 0) })
      if (publicRoutes.has(key)) expect(response.statusCode, key).not.toBe(401)
      else {
        expect(response.statusCode, key).toBe(401)
        expect(response.json().code, key).toBe('unauthenticated')
      }
    }
  })

  for (const via of ['session', 'token'] as Via[]) {
    it(`lets each role (by ${via}) do exactly what its permissions allow`, async () => {
      const mismatches: string[] = []
      for (const role of roles) {
        for (const route of routes) {
          const key = `${route.method} ${route.url}`
          if (route.permission === 'public') continue
          // Revoking a token or ending a session must not take the harness's own with it.
          const throwaway = await harness.context.team.createToken({
            name: 'throwaway',
            role: 'auditor',
            tokenHash: sha256(`throwaway-${role}-${key}-${via}`),
            createdBy: 'test',
            createdAt: new Date().toISOString(),
          })
          let response: LightMyRequestResponse
          if (key === 'DELETE /api/session' && via === 'session') {
            const signedIn = await harness.login(harness.users[role].email)
            const cookie = signedIn.cookies.find((c) => c.name === sessionCookie)?.value ?? ''
            response = await harness.app.inject({
              method: 'DELETE',
              url: '/api/session',
              headers: {
                cookie: `${sessionCookie}=${cookie}`,
                'x-csrf-token': (signedIn.json() as { csrfToken: string }).csrfToken,
              },
            })
          } else
            response = await harness.request(role, {
              method: route.method,
              url: sampleUrl(route, throwaway.id),
              via,
            })
          const refusedByRole =
            response.statusCode === 403 && (response.json() as { code: string }).code === 'forbidden'
          const allowed = allowedPermissions[role].includes(route.permission as Permission)
          if (response.statusCode === 401) mismatches.push(`${role} ${key}: 401`)
          else if (allowed && refusedByRole) mismatches.push(`${role} ${key}: refused but allowed`)
          else if (!allowed && !refusedByRole)
            mismatches.push(`${role} ${key}: ${response.statusCode}, expected 403`)
        }
      }
      expect(mismatches).toEqual([])
    })
  }
})

describe('CSRF', () => {
  const newToken = {
    name: 'csrf-probe',
    role: 'auditor',
    auditPeriod: { from: '2026-01-01', to: '2026-12-31' },
  }

  it('refuses a cookie-authenticated write without the token, or with a wrong one', async () => {
    const missing = await harness.request('admin', {
      method: 'POST',
      url: '/api/tokens',
      body: newToken,
      csrf: false,
    })
    expect(missing.statusCode).toBe(403)
    expect(missing.json().code).toBe('csrf')
    const wrong = await harness.request('admin', {
      method: 'POST',
      url: '/api/tokens',
      body: newToken,
      csrf: false,
      headers: { 'x-csrf-token': `${harness.sessions.admin.csrfToken}x` },
    })
    expect(wrong.statusCode).toBe(403)
    expect(wrong.json().code).toBe('csrf')
    // Another session's token is not this session's.
    const otherSession = await harness.request('admin', {
      method: 'POST',
      url: '/api/tokens',
      body: newToken,
      csrf: false,
      headers: { 'x-csrf-token': harness.sessions.editor.csrfToken },
    })
    expect(otherSession.statusCode).toBe(403)
  })

  it('accepts the right token, and exempts bearer requests', async () => {
    const withToken = await harness.request('admin', { method: 'POST', url: '/api/tokens', body: newToken })
    expect(withToken.statusCode).toBe(201)
    const bearer = await harness.request('admin', {
      method: 'POST',
      url: '/api/tokens',
      body: newToken,
      via: 'token',
    })
    expect(bearer.statusCode).toBe(201)
  })

  it('refuses a write whose Origin or Referer is another site, even with the token', async () => {
    for (const header of [
      { origin: 'https://evil.example' },
      { referer: 'https://evil.example/page' },
      { origin: 'null' },
    ]) {
      const response = await harness.request('admin', {
        method: 'POST',
        url: '/api/tokens',
        body: newToken,
        headers: header,
      })
      expect(response.statusCode, JSON.stringify(header)).toBe(403)
      expect(response.json().code).toBe('csrf')
    }
    const sameOrigin = await harness.request('admin', {
      method: 'POST',
      url: '/api/tokens',
      body: newToken,
      headers: { origin: 'http://localhost:80' },
    })
    expect(sameOrigin.statusCode).toBe(201)
  })

  it('refuses a cross-site sign-in (login CSRF)', async () => {
    const response = await harness.app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { origin: 'https://evil.example' },
      payload: { email: harness.users.admin.email, password: testPassword },
    })
    expect(response.statusCode).toBe(403)
    expect(response.cookies.find((c) => c.name === sessionCookie)).toBeUndefined()
  })
})

describe('security headers', () => {
  function expectStrictHeaders(headers: Record<string, unknown>): void {
    const csp = String(headers['content-security-policy'])
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).not.toContain('unsafe-eval')
    expect(headers['x-content-type-options']).toBe('nosniff')
    expect(headers['x-frame-options']).toBe('DENY')
    expect(headers['referrer-policy']).toBe('same-origin')
  }

  it('sends them on the API, with no caching and no HSTS over plain HTTP', async () => {
    const response = await harness.request('editor', { method: 'GET', url: '/api/me' })
    expect(response.statusCode).toBe(200)
    expectStrictHeaders(response.headers)
    expect(response.headers['cache-control']).toBe('no-store')
    expect(response.headers['strict-transport-security']).toBeUndefined()
  })

  it('answers a missing asset with 404, not the dashboard page', async () => {
    const response = await harness.app.inject({ method: 'GET', url: '/assets/gone-1234.js' })
    expect(response.statusCode).toBe(404)
    expect(String(response.headers['content-type'])).not.toContain('text/html')
  })

  it('sends them on the dashboard', async () => {
    for (const url of ['/', '/controls/some-control']) {
      const response = await harness.app.inject({ method: 'GET', url })
      expect(response.statusCode, url).toBe(200)
      expect(String(response.headers['content-type'])).toContain('text/html')
      expectStrictHeaders(response.headers)
    }
  })

  it('sends HSTS when the request came over TLS (through a trusted proxy)', async () => {
    const app = await createServer(harness.context, { trustProxy: true })
    try {
      const tls = await app.inject({
        method: 'GET',
        url: '/api/health',
        headers: { 'x-forwarded-proto': 'https' },
      })
      expect(tls.headers['strict-transport-security']).toMatch(/^max-age=\d+/)
      const plain = await app.inject({ method: 'GET', url: '/api/health' })
      expect(plain.headers['strict-transport-security']).toBeUndefined()
    } finally {
      await app.close()
    }
  })

  it('sets the session cookie HttpOnly, SameSite=Strict, Path=/ and Secure on loopback', async () => {
    const response = await harness.login(harness.users.auditor.email)
    const cookie = response.cookies.find((c) => c.name === sessionCookie)
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/', secure: true })
    const remote = await harness.app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { host: 'trust.example.com' },
      payload: { email: harness.users.auditor.email, password: testPassword },
    })
    // Plain HTTP to a non-loopback name: a Secure cookie would be dropped; TLS belongs in front.
    expect(remote.cookies.find((c) => c.name === sessionCookie)?.secure).toBeFalsy()
  })
})

describe('in Chromium', () => {
  it.skipIf(browserUnavailable() !== undefined)(
    'runs the dashboard under the CSP, and keeps the Secure session cookie on http://127.0.0.1',
    async () => {
      const app = await createServer(harness.context)
      await app.listen({ host: '127.0.0.1', port: 0 })
      const address = app.server.address()
      const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
      const browser = await launchBrowser()
      try {
        const page = await browser.newPage()
        const violations: string[] = []
        page.on('console', (message) => {
          if (/Content Security Policy/i.test(message.text())) violations.push(message.text())
        })
        await page.goto(`${base}/`)
        await page.waitForLoadState('networkidle')
        expect(violations).toEqual([])
        // The dashboard's script ran under the policy: it rendered something.
        expect(await page.locator('#root *').count()).toBeGreaterThan(0)
        const status = await page.evaluate(
          async ({ email, password }) => {
            const signIn = await fetch('/api/session', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ email, password }),
            })
            const me = await fetch('/api/me')
            return [signIn.status, me.status, document.cookie]
          },
          { email: harness.users.auditor.email, password: testPassword },
        )
        // Signed in, the cookie came back with the next request, and no script can read it.
        expect(status).toEqual([200, 200, ''])
        const [cookie] = await page.context().cookies()
        expect(cookie).toMatchObject({
          name: sessionCookie,
          secure: true,
          httpOnly: true,
          sameSite: 'Strict',
        })
      } finally {
        await browser.close()
        await app.close()
      }
    },
  )
})

describe('sign-in', () => {
  it('answers a wrong password and an unknown email with the same 401', async () => {
    const wrongPassword = await harness.login(harness.users.admin.email, 'not the password at all')
    const unknownEmail = await harness.login('nobody@example.test', 'not the password at all')
    expect(wrongPassword.statusCode).toBe(401)
    expect(unknownEmail.statusCode).toBe(401)
    expect(wrongPassword.body).toBe(unknownEmail.body)
    expect(wrongPassword.cookies).toEqual([])
  })

  it('accepts the right password with any letter case in the email', async () => {
    const response = await harness.login(harness.users.admin.email.toUpperCase())
    expect(response.statusCode).toBe(200)
    expect(response.json().user.email).toBe(harness.users.admin.email)
    expect(JSON.stringify(response.json())).not.toContain('passwordHash')
  })

  it('limits attempts per address and email', async () => {
    const app = await createServer(harness.context, { loginsPerMinute: 3 })
    try {
      const attempt = (email: string) =>
        app.inject({ method: 'POST', url: '/api/session', payload: { email, password: 'wrong password!' } })
      for (let i = 0; i < 3; i++) expect((await attempt(harness.users.editor.email)).statusCode).toBe(401)
      const limited = await attempt(harness.users.editor.email)
      expect(limited.statusCode).toBe(429)
      expect(limited.json().code).toBe('rate-limited')
      expect(limited.headers['retry-after']).toBeDefined()
      // Even the right password waits: the limit is on attempts, not on failures.
      const right = await app.inject({
        method: 'POST',
        url: '/api/session',
        payload: { email: harness.users.editor.email, password: testPassword },
      })
      expect(right.statusCode).toBe(429)
      // Another account from the same address is not locked out by it.
      expect((await attempt(harness.users.auditor.email)).statusCode).toBe(401)
    } finally {
      await app.close()
    }
  })

  it('limits attempts per address across emails (password spraying)', async () => {
    const app = await createServer(harness.context, { loginsPerMinute: 100, loginsPerMinutePerAddress: 3 })
    try {
      const attempt = (email: string) =>
        app.inject({ method: 'POST', url: '/api/session', payload: { email, password: 'Winter2026!' } })
      for (const name of ['a', 'b', 'c']) expect((await attempt(`${name}@example.test`)).statusCode).toBe(401)
      const limited = await attempt('d@example.test')
      expect(limited.statusCode).toBe(429)
      expect(limited.json().code).toBe('rate-limited')
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
      // Another address is not held back by it.
      const elsewhere = await app.inject({
        method: 'POST',
        url: '/api/session',
        remoteAddress: '192.0.2.7',
        payload: { email: 'e@example.test', password: 'Winter2026!' },
      })
      expect(elsewhere.statusCode).toBe(401)
    } finally {
      await app.close()
    }
  })
})

describe('sessions and tokens end', () => {
  it('refuses the cookie of a session that signed out', async () => {
    const signedIn = await harness.login(harness.users.editor.email)
    const cookie = `${sessionCookie}=${signedIn.cookies.find((c) => c.name === sessionCookie)?.value}`
    const csrf = (signedIn.json() as { csrfToken: string }).csrfToken
    expect(
      (await harness.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode,
    ).toBe(200)
    const out = await harness.app.inject({
      method: 'DELETE',
      url: '/api/session',
      headers: { cookie, 'x-csrf-token': csrf },
    })
    expect(out.statusCode).toBe(204)
    const after = await harness.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })
    expect(after.statusCode).toBe(401)
  })

  it('starts a new session at every sign-in and ends the one the browser held', async () => {
    const first = await harness.login(harness.users.auditor.email)
    const firstCookie = `${sessionCookie}=${first.cookies.find((c) => c.name === sessionCookie)?.value}`
    const second = await harness.app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { cookie: firstCookie },
      payload: { email: harness.users.auditor.email, password: testPassword },
    })
    const secondCookie = `${sessionCookie}=${second.cookies.find((c) => c.name === sessionCookie)?.value}`
    expect(secondCookie).not.toBe(firstCookie)
    expect(
      (await harness.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: firstCookie } }))
        .statusCode,
    ).toBe(401)
    expect(
      (await harness.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: secondCookie } }))
        .statusCode,
    ).toBe(200)
  })

  it('refuses an expired session', async () => {
    const secret = 'expired-session-secret'
    const past = new Date(Date.now() - 3600_000).toISOString()
    await harness.context.team.createSession({
      idHash: sha256(secret),
      userId: harness.users.admin.id,
      csrfToken: 'x',
      createdAt: past,
      expiresAt: past,
    })
    const response = await harness.app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { cookie: `${sessionCookie}=${secret}` },
    })
    expect(response.statusCode).toBe(401)
    // A live session of the same user is still accepted.
    expect((await harness.request('admin', { method: 'GET', url: '/api/me' })).statusCode).toBe(200)
  })

  it('refuses a revoked token, and an unknown one', async () => {
    const created = await harness.request('admin', {
      method: 'POST',
      url: '/api/tokens',
      body: { name: 'soon-revoked', role: 'auditor', auditPeriod: { from: '2026-01-01', to: '2026-12-31' } },
    })
    const { token, secret } = created.json() as { token: { id: number }; secret: string }
    const headers = { authorization: `Bearer ${secret}` }
    expect((await harness.app.inject({ method: 'GET', url: '/api/me', headers })).statusCode).toBe(200)
    const revoke = await harness.request('admin', { method: 'DELETE', url: `/api/tokens/${token.id}` })
    expect(revoke.statusCode).toBe(204)
    expect((await harness.app.inject({ method: 'GET', url: '/api/me', headers })).statusCode).toBe(401)
    const unknown = await harness.app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { authorization: `Bearer ${secret}x` },
    })
    expect(unknown.statusCode).toBe(401)
  })

  it('refuses a disabled user, signed in or signing in', async () => {
    const created = await harness.request('admin', {
      method: 'POST',
      url: '/api/users',
      body: { email: 'leaver@example.test', name: 'Leaver', role: 'editor', password: testPassword },
    })
    expect(created.statusCode).toBe(201)
    const signedIn = await harness.login('leaver@example.test')
    const cookie = `${sessionCookie}=${signedIn.cookies.find((c) => c.name === sessionCookie)?.value}`
    expect(
      (await harness.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode,
    ).toBe(200)
    const disabled = await harness.request('admin', {
      method: 'PATCH',
      url: `/api/users/${created.json().id}`,
      body: { disabled: true },
    })
    expect(disabled.statusCode).toBe(200)
    expect(
      (await harness.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode,
    ).toBe(401)
    const again = await harness.login('leaver@example.test')
    expect(again.statusCode).toBe(401)
    expect(again.body).toBe((await harness.login('nobody@example.test')).body)
  })

  it('keeps the last active admin', async () => {
    const response = await harness.request('admin', {
      method: 'PATCH',
      url: `/api/users/${harness.users.admin.id}`,
      body: { role: 'editor' },
    })
    expect(response.statusCode).toBe(409)
    expect(response.json().code).toBe('conflict')
  })
})

describe('problem+json', () => {
  it('names every invalid field of a body', async () => {
    const response = await harness.request('admin', {
      method: 'POST',
      url: '/api/users',
      body: { email: 'not-an-email', name: '', role: 'root', password: 'short' },
    })
    expect(response.statusCode).toBe(400)
    expect(response.headers['content-type']).toContain('application/problem+json')
    const body = response.json()
    expect(body).toMatchObject({
      type: 'https://trustctl.dev/problems/validation',
      title: expect.any(String),
      status: 400,
      detail: expect.any(String),
      instance: '/api/users',
      code: 'validation',
    })
    const paths = (body.errors as { path: string }[]).map((e) => e.path)
    expect(paths).toEqual(expect.arrayContaining(['body.email', 'body.name', 'body.role', 'body.password']))
  })

  it('answers unknown API paths, malformed JSON and bad path parameters as problems', async () => {
    const unknown = await harness.request('admin', { method: 'GET', url: '/api/no-such-thing' })
    expect(unknown.statusCode).toBe(404)
    expect(unknown.headers['content-type']).toContain('application/problem+json')
    expect(unknown.json()).toMatchObject({ code: 'not-found', status: 404, instance: '/api/no-such-thing' })
    const malformed = await harness.app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": ',
    })
    expect(malformed.statusCode).toBe(400)
    expect(malformed.json()).toMatchObject({ code: 'validation', status: 400 })
    const badId = await harness.request('admin', {
      method: 'PATCH',
      url: '/api/users/..%2F1',
      body: { name: 'x' },
    })
    expect(badId.statusCode).toBe(400)
    expect(badId.json().errors[0].path).toBe('params.id')
  })

  it('refuses a body over the limit with 413, before any handler runs', async () => {
    const response = await harness.app.inject({
      method: 'POST',
      url: '/api/session',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(64 * 1024) }),
    })
    expect(response.statusCode).toBe(413)
    expect(response.json().code).toBe('too-large')
  })

  it('never shows an internal error to the client', async () => {
    const app = await createServer(harness.context, {
      routes: [
        {
          method: 'GET',
          url: '/api/boom',
          operationId: 'boom',
          summary: 'fails',
          tag: 'test',
          permission: 'public',
          response: { empty: true },
          handler: async () => {
            throw new Error('SELECT secret FROM somewhere failed at /srv/app.js:12')
          },
        },
      ],
    })
    try {
      const response = await app.inject({ method: 'GET', url: '/api/boom' })
      expect(response.statusCode).toBe(500)
      expect(response.body).not.toContain('secret')
      expect(response.json().code).toBe('internal')
    } finally {
      await app.close()
    }
  })
})

describe('the ledger records every write', () => {
  it('appends a change naming the actor, without secrets', async () => {
    const before = (await harness.context.ledger.head()).seq
    const password = 'a brand new password for kim'
    const response = await harness.request('admin', {
      method: 'POST',
      url: '/api/users',
      body: {
        email: 'kim@example.test',
        name: 'Kim',
        role: 'auditor',
        password,
        auditPeriod: { from: '2026-01-01', to: '2026-12-31' },
      },
    })
    expect(response.statusCode).toBe(201)
    const changes: string[] = []
    for await (const { record, blob } of harness.context.ledger.scan({
      fromSeq: before + 1,
      kinds: ['change'],
    }))
      changes.push(`${record.id} ${Buffer.from(blob ?? new Uint8Array()).toString('utf8')}`)
    expect(changes).toHaveLength(1)
    expect(changes[0]).toContain('user.create')
    expect(changes[0]).toContain('kim@example.test')
    expect(changes[0]).toContain(harness.users.admin.email)
    expect(changes[0]).not.toContain(password)
    expect(changes[0]).not.toContain('scrypt$')
  })

  it('records nothing for a refused write', async () => {
    const before = (await harness.context.ledger.head()).seq
    const response = await harness.request('editor', {
      method: 'POST',
      url: '/api/users',
      body: { email: 'sneaky@example.test', name: 'S', role: 'admin', password: testPassword },
    })
    expect(response.statusCode).toBe(403)
    expect((await harness.context.ledger.head()).seq).toBe(before)
    expect(await harness.context.team.userByEmail('sneaky@example.test')).toBeUndefined()
  })
})
