import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPassword, newTokenSecret, verifyPassword } from '../app/credentials.js'
import { AuthenticationError } from '../core/errors.js'
import { sha256 } from '../core/ledger.js'
import { SqliteTeamStore } from '../store/sqlite/team-store.js'
import {
  actorFromSession,
  actorFromToken,
  badCredentials,
  bearerSecret,
  constantTimeEqual,
  login,
} from './auth.js'

describe('passwords', () => {
  it('hashes with scrypt N=2^15 r=8 p=1 and a 16-byte salt, and verifies', async () => {
    const encoded = await hashPassword('correct horse battery staple')
    const [name, N, r, p, salt, hash] = encoded.split('$')
    expect([name, N, r, p]).toEqual(['scrypt', '32768', '8', '1'])
    expect(Buffer.from(salt ?? '', 'base64url')).toHaveLength(16)
    expect(Buffer.from(hash ?? '', 'base64url')).toHaveLength(32)
    expect(await verifyPassword('correct horse battery staple', encoded)).toBe(true)
    expect(await verifyPassword('correct horse battery stapl', encoded)).toBe(false)
    expect(await verifyPassword('', encoded)).toBe(false)
  })

  it('salts every hash', async () => {
    expect(await hashPassword('same password')).not.toBe(await hashPassword('same password'))
  })

  it('never matches a malformed or weakened hash', async () => {
    const encoded = await hashPassword('a password of some length')
    const parts = encoded.split('$')
    expect(await verifyPassword('a password of some length', 'plain')).toBe(false)
    expect(await verifyPassword('a password of some length', parts.slice(0, 5).join('$'))).toBe(false)
    // A row edited down to a cheap cost factor is refused rather than verified quickly.
    expect(
      await verifyPassword('a password of some length', ['scrypt', '2', ...parts.slice(2)].join('$')),
    ).toBe(false)
    // A huge cost factor would stall the server: refused without deriving.
    expect(await verifyPassword('x', ['scrypt', String(2 ** 24), ...parts.slice(2)].join('$'))).toBe(false)
  })
})

describe('secrets', () => {
  it('compares in constant time and still tells different strings apart', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true)
    expect(constantTimeEqual('abc', 'abd')).toBe(false)
    expect(constantTimeEqual('abc', 'abcd')).toBe(false)
    expect(constantTimeEqual('', '')).toBe(true)
  })

  it('makes prefixed token secrets of 256 random bits', () => {
    const a = newTokenSecret()
    expect(a).toMatch(/^trustctl_[A-Za-z0-9_-]{43}$/)
    expect(newTokenSecret()).not.toBe(a)
  })

  it('reads only well-formed bearer headers', () => {
    expect(bearerSecret('Bearer abc')).toBe('abc')
    expect(bearerSecret('bearer   abc ')).toBe('abc')
    expect(bearerSecret('Basic dXNlcjpwYXNz')).toBeUndefined()
    expect(bearerSecret('Bearer a b')).toBeUndefined()
    expect(bearerSecret(undefined)).toBeUndefined()
  })
})

describe('sign-in, sessions and tokens on a real store', () => {
  let dir: string
  let team: SqliteTeamStore
  const now = new Date('2026-11-30T10:00:00Z')

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-auth-'))
    team = new SqliteTeamStore(path.join(dir, 'trustctl.db'))
    await team.createUser({
      email: 'ann@example.test',
      name: 'Ann',
      role: 'editor',
      passwordHash: await hashPassword('ann has a long password'),
      createdAt: now.toISOString(),
    })
  })

  afterAll(async () => {
    await team.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('opens a session stored only as a hash, expiring after the TTL', async () => {
    const { user, session, sessionSecret } = await login(
      team,
      { email: ' ANN@example.test ', password: 'ann has a long password' },
      now,
      12,
    )
    expect(user).not.toHaveProperty('passwordHash')
    expect(session.idHash).toBe(sha256(sessionSecret))
    expect(session.idHash).not.toContain(sessionSecret)
    expect(Date.parse(session.expiresAt) - now.getTime()).toBe(12 * 3600_000)
    expect(session.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const actor = await actorFromSession(team, sessionSecret, now)
    expect(actor).toMatchObject({ kind: 'user', id: user.id, name: 'ann@example.test', role: 'editor' })
    expect(
      await actorFromSession(team, sessionSecret, new Date(Date.parse(session.expiresAt))),
    ).toBeUndefined()
    // The expired session is gone for good.
    expect(await team.session(session.idHash)).toBeUndefined()
  })

  it('fails the same way for an unknown email and a wrong password', async () => {
    const unknown = login(team, { email: 'bob@example.test', password: 'whatever it is' }, now, 12)
    await expect(unknown).rejects.toThrow(AuthenticationError)
    await expect(unknown).rejects.toThrow(badCredentials)
    await expect(login(team, { email: 'ann@example.test', password: 'wrong' }, now, 12)).rejects.toThrow(
      badCredentials,
    )
  })

  it('accepts a token until it is revoked, and records its use at most once a minute', async () => {
    const secret = newTokenSecret()
    const token = await team.createToken({
      name: 'ci',
      role: 'auditor',
      tokenHash: sha256(secret),
      createdBy: 'ann@example.test',
      createdAt: now.toISOString(),
    })
    expect(await actorFromToken(team, secret, now)).toMatchObject({ kind: 'token', id: token.id, name: 'ci' })
    expect((await team.tokens()).find((t) => t.id === token.id)?.lastUsedAt).toBe(now.toISOString())
    await actorFromToken(team, secret, new Date(now.getTime() + 30_000))
    expect((await team.tokens()).find((t) => t.id === token.id)?.lastUsedAt).toBe(now.toISOString())
    expect(await actorFromToken(team, `${secret}x`, now)).toBeUndefined()
    await team.revokeToken(token.id)
    expect(await actorFromToken(team, secret, now)).toBeUndefined()
  })
})
