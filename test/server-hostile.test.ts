import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { effectiveTokenRole, mayGrant, newTokenSecret } from '../src/app/credentials.js'
import { sha256 } from '../src/core/ledger.js'
import { createServer } from '../src/server/app.js'
import { membersInPeriod } from '../src/server/routes/assessment.js'
import { parseTrustProxy } from '../src/server/trust-proxy.js'
import { auditorPeriod, type Harness, startHarness, testPassword } from './server-harness.js'

/**
 * What a stolen token, a hostile client or an outgrown account can do (issue 13): each test is an
 * attack that worked before its fix.
 */

let harness: Harness

beforeAll(async () => {
  harness = await startHarness({ assess: false })
})

afterAll(async () => {
  await harness?.close()
})

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` })

describe('a proxy in front is trusted for its hops only', () => {
  it('keys the sign-in limits on the address the proxy saw, whatever the client claims', async () => {
    const app = await createServer(harness.context, {
      trustProxy: parseTrustProxy(true),
      loginsPerMinute: 100,
      loginsPerMinutePerAddress: 5,
    })
    try {
      const statuses: number[] = []
      for (let i = 0; i < 30; i++) {
        // The client invents an address per attempt; the proxy (the socket's peer) appends the real one.
        const response = await app.inject({
          method: 'POST',
          url: '/api/session',
          headers: { 'x-forwarded-for': `198.51.100.${i}, 203.0.113.9` },
          payload: { email: `spray${i}@example.test`, password: 'Winter2026!x' },
        })
        statuses.push(response.statusCode)
      }
      expect(statuses.filter((s) => s === 401)).toHaveLength(5)
      expect(statuses.filter((s) => s === 429)).toHaveLength(25)
      // Another real client behind the same proxy is not held back.
      const other = await app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { 'x-forwarded-for': '203.0.113.10' },
        payload: { email: 'spray@example.test', password: 'Winter2026!x' },
      })
      expect(other.statusCode).toBe(401)
    } finally {
      await app.close()
    }
  })

  it('believes X-Forwarded-For only from a named proxy address', async () => {
    const app = await createServer(harness.context, {
      trustProxy: parseTrustProxy('10.0.0.0/8'),
      loginsPerMinutePerAddress: 2,
    })
    try {
      const attempt = (remoteAddress: string, forwarded: string) =>
        app.inject({
          method: 'POST',
          url: '/api/session',
          remoteAddress,
          headers: { 'x-forwarded-for': forwarded },
          payload: { email: 'x@example.test', password: 'Winter2026!x' },
        })
      // Straight from the internet: the header is ignored, the limit counts the peer.
      const direct = [1, 2, 3].map((i) => attempt('192.0.2.50', `198.51.100.${i}`))
      expect((await Promise.all(direct)).map((r) => r.statusCode)).toEqual([401, 401, 429])
      // Through the proxy at 10.1.2.3: the forwarded address is the client (a new one here).
      expect((await attempt('10.1.2.3', '198.51.100.77')).statusCode).toBe(401)
    } finally {
      await app.close()
    }
  })

  it('reads --trust-proxy as one hop alone, hops, or addresses and refuses anything else', () => {
    expect(parseTrustProxy(undefined)).toBe(false)
    expect(parseTrustProxy(true)).toEqual({ hops: 1 })
    expect(parseTrustProxy('2')).toEqual({ hops: 2 })
    expect(parseTrustProxy('10.0.0.0/8, 192.0.2.10,loopback')).toEqual({
      proxies: ['10.0.0.0/8', '192.0.2.10', 'loopback'],
    })
    for (const bad of ['0', 'all', '10.0.0.0/40', 'proxy.example', ''])
      expect(() => parseTrustProxy(bad), bad).toThrow(/trust-proxy/)
  })
})

describe('API tokens are bound to the user who created them', () => {
  /** An admin of their own who creates tokens through the API, signed in by session. */
  async function adminWithToken(email: string, role: 'admin' | 'editor' | 'collector') {
    const created = await harness.request('admin', {
      method: 'POST',
      url: '/api/users',
      body: { email, name: email, role: 'admin', password: testPassword },
    })
    expect(created.statusCode).toBe(201)
    const signedIn = await harness.login(email)
    const cookie = `trustctl_session=${signedIn.cookies.find((c) => c.name === 'trustctl_session')?.value}`
    const csrf = (signedIn.json() as { csrfToken: string }).csrfToken
    const token = await harness.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { cookie, 'x-csrf-token': csrf },
      payload: { name: `${email}-token`, role },
    })
    expect(token.statusCode).toBe(201)
    const body = token.json() as { token: { createdByUserId?: number }; secret: string }
    expect(body.token.createdByUserId).toBe(created.json().id)
    return { userId: created.json().id as number, secret: body.secret }
  }

  it("refuses a disabled admin's token: it cannot create another admin", async () => {
    const { userId, secret } = await adminWithToken('departed@example.test', 'admin')
    const disabled = await harness.request('admin', {
      method: 'PATCH',
      url: `/api/users/${userId}`,
      body: { disabled: true },
    })
    expect(disabled.statusCode).toBe(200)
    const attack = await harness.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: bearer(secret),
      payload: { email: 'backdoor@example.test', name: 'B', role: 'admin', password: testPassword },
    })
    expect(attack.statusCode).toBe(401)
    expect((await harness.context.team.userByEmail('backdoor@example.test')) === undefined).toBe(true)
  })

  it("acts with at most its creator's current role once the creator is lowered", async () => {
    const { userId, secret } = await adminWithToken('lowered@example.test', 'admin')
    expect(
      (await harness.app.inject({ method: 'GET', url: '/api/users', headers: bearer(secret) })).statusCode,
    ).toBe(200)
    const lowered = await harness.request('admin', {
      method: 'PATCH',
      url: `/api/users/${userId}`,
      body: { role: 'editor' },
    })
    expect(lowered.statusCode).toBe(200)
    const me = await harness.app.inject({ method: 'GET', url: '/api/me', headers: bearer(secret) })
    expect(me.json().user?.role ?? me.json().role).toBe('editor')
    const adminOnly = await harness.app.inject({ method: 'GET', url: '/api/users', headers: bearer(secret) })
    expect(adminOnly.statusCode).toBe(403)
  })

  it('refuses a token whose creator no longer exists', async () => {
    // What the migration gives an old token whose creator is unknown, or a user removed from the store.
    const secret = newTokenSecret()
    await harness.context.team.createToken({
      name: 'orphan',
      role: 'admin',
      tokenHash: sha256(secret),
      createdBy: 'gone@example.test',
      createdByUserId: 999_999,
      createdAt: new Date().toISOString(),
    })
    const response = await harness.app.inject({ method: 'GET', url: '/api/users', headers: bearer(secret) })
    expect(response.statusCode).toBe(401)
  })

  it('never issues a token above the role of whoever asks', () => {
    expect(mayGrant('admin', 'admin')).toBe(true)
    expect(mayGrant('editor', 'admin')).toBe(false)
    expect(mayGrant('auditor', 'collector')).toBe(false)
    expect(effectiveTokenRole('admin', 'editor')).toBe('editor')
    expect(effectiveTokenRole('collector', 'editor')).toBe('collector')
    expect(effectiveTokenRole('collector', 'auditor')).toBeUndefined()
    expect(effectiveTokenRole('auditor', 'admin')).toBe('auditor')
  })
})

describe('an auditor always has an audit period', () => {
  it('refuses an auditor user or token without one, and a role change to auditor without one', async () => {
    const user = await harness.request('admin', {
      method: 'POST',
      url: '/api/users',
      body: { email: 'noperiod@example.test', name: 'N', role: 'auditor', password: testPassword },
    })
    expect(user.statusCode).toBe(400)
    expect(user.json().detail).toContain('auditPeriod')
    const token = await harness.request('admin', {
      method: 'POST',
      url: '/api/tokens',
      body: { name: 'noperiod', role: 'auditor' },
    })
    expect(token.statusCode).toBe(400)
    const change = await harness.request('admin', {
      method: 'PATCH',
      url: `/api/users/${harness.users.editor.id}`,
      body: { role: 'auditor' },
    })
    expect(change.statusCode).toBe(400)
    expect((await harness.context.team.userById(harness.users.editor.id))?.role).toBe('editor')
    const withPeriod = await harness.request('admin', {
      method: 'POST',
      url: '/api/tokens',
      body: { name: 'withperiod', role: 'auditor', auditPeriod: auditorPeriod },
    })
    expect(withPeriod.statusCode).toBe(201)
  })

  it('refuses an auditor stored without a period (before it was required) instead of showing every run', async () => {
    const secret = newTokenSecret()
    await harness.context.team.createToken({
      name: 'legacy-auditor-2',
      role: 'auditor',
      tokenHash: sha256(secret),
      createdBy: 'cli:root',
      createdAt: new Date().toISOString(),
    })
    const runs = await harness.app.inject({ method: 'GET', url: '/api/runs', headers: bearer(secret) })
    expect(runs.statusCode).toBe(403)
    expect(runs.json().detail).toContain('audit period')
  })

  it('shows an auditor only the population and sample members inside the period', () => {
    const content = {
      control: 'CC6.1',
      from: '2025-06-01',
      to: '2026-06-30',
      members: [
        { id: 'a', effectiveAt: '2025-12-31T23:00:00Z' },
        { id: 'b', effectiveAt: '2026-01-01T00:00:00Z' },
        { id: 'c', effectiveAt: '2026-06-30T10:00:00Z' },
        { id: 'd' },
      ],
      drawn: [
        { id: 'a', effectiveAt: '2025-07-01T00:00:00Z' },
        { id: 'c', effectiveAt: '2026-06-30T10:00:00Z' },
      ],
    }
    const cut = membersInPeriod(content, { from: '2026-01-01', to: '2026-12-31' })
    expect(cut.content.members).toEqual([content.members[1], content.members[2]])
    expect(cut.content.drawn).toEqual([content.drawn[1]])
    expect(cut.hidden).toBe(3)
  })
})

describe('the origin and the host a request names', () => {
  it('refuses a cookie write whose Origin has the right host but another scheme', async () => {
    const body = { name: 'scheme-probe', role: 'collector' }
    const other = await harness.request('admin', {
      method: 'POST',
      url: '/api/tokens',
      body,
      headers: { origin: 'https://localhost:80' },
    })
    expect(other.statusCode).toBe(403)
    expect(other.json().code).toBe('csrf')
    const same = await harness.request('admin', {
      method: 'POST',
      url: '/api/tokens',
      body,
      headers: { origin: 'http://localhost:80' },
    })
    expect(same.statusCode).toBe(201)
  })

  it('answers only the Host names allowed: loopback by default, server.allowedHosts when set', async () => {
    const rebound = await harness.app.inject({
      method: 'GET',
      url: '/api/health',
      headers: { host: 'attacker.example' },
    })
    expect(rebound.statusCode).toBe(421)
    expect(rebound.headers['content-type']).toContain('application/problem+json')
    expect(rebound.json().code).toBe('misdirected')
    for (const host of ['localhost:8700', '127.0.0.1', '[::1]:8700'])
      expect(
        (await harness.app.inject({ method: 'GET', url: '/api/health', headers: { host } })).statusCode,
        host,
      ).toBe(200)
    const app = await createServer(harness.context, { allowedHosts: ['trust.example.com'] })
    try {
      const named = await app.inject({
        method: 'GET',
        url: '/api/health',
        headers: { host: 'Trust.Example.com:443' },
      })
      expect(named.statusCode).toBe(200)
      const loopback = await app.inject({ method: 'GET', url: '/api/health', headers: { host: 'localhost' } })
      expect(loopback.statusCode).toBe(421)
    } finally {
      await app.close()
    }
  })
})
