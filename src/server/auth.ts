import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import {
  effectiveTokenRole,
  hashPassword,
  publicUser,
  randomSecret,
  verifyPassword,
} from '../app/credentials.js'
import { AuthenticationError } from '../core/errors.js'
import { sha256 } from '../core/ledger.js'
import type { Session, TeamStore, User } from '../core/team.js'
import type { Actor } from './route.js'

/**
 * Sessions and tokens on the server (password hashing and token secrets: app/credentials.ts). Only
 * hashes are stored: SHA-256 for session ids and token secrets (256 random bits: nothing to brute-force).
 */

export const sessionCookie = 'trustctl_session'

let dummyHash: Promise<string> | undefined
/**
 * Spends the time of one password check against a hash nobody's password matches, so that an
 * unknown email answers as slowly as a wrong password and timing does not reveal who has an account.
 */
async function dummyVerify(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(16).toString('base64url'))
  await verifyPassword(password, await dummyHash)
}

/** Compares two strings in time that does not depend on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a, 'utf8').digest()
  const right = createHash('sha256').update(b, 'utf8').digest()
  // Hashing first makes the lengths equal, so the comparison itself reveals nothing either.
  return timingSafeEqual(left, right) && a.length === b.length
}

export const badCredentials = 'invalid email or password'

/**
 * Checks an email and password and opens a session. Unknown email, wrong password and a disabled
 * account all fail the same way, after the same work.
 */
export async function login(
  team: TeamStore,
  credentials: { email: string; password: string },
  now: Date,
  ttlHours: number,
): Promise<{ user: User; session: Session; sessionSecret: string }> {
  const user = await team.userByEmail(credentials.email.trim().toLowerCase())
  if (user === undefined) {
    await dummyVerify(credentials.password)
    throw new AuthenticationError(badCredentials)
  }
  const matches = await verifyPassword(credentials.password, user.passwordHash)
  if (!matches || user.disabled) throw new AuthenticationError(badCredentials)
  const sessionSecret = randomSecret()
  const session: Session = {
    idHash: sha256(sessionSecret),
    userId: user.id,
    csrfToken: randomSecret(),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttlHours * 3600_000).toISOString(),
  }
  await team.createSession(session)
  return { user: publicUser(user), session, sessionSecret }
}

/** The actor behind a session cookie value, or undefined (no such session, expired, user disabled). */
export async function actorFromSession(
  team: TeamStore,
  cookieValue: string,
  now: Date,
): Promise<Actor | undefined> {
  const idHash = sha256(cookieValue)
  const session = await team.session(idHash)
  if (session === undefined) return undefined
  if (Date.parse(session.expiresAt) <= now.getTime()) {
    await team.deleteSession(idHash)
    return undefined
  }
  const user = await team.userById(session.userId)
  if (user === undefined || user.disabled) return undefined
  return {
    kind: 'user',
    id: user.id,
    name: user.email,
    role: user.role,
    ...(user.auditPeriod === undefined ? {} : { auditPeriod: user.auditPeriod }),
    session,
  }
}

/**
 * The actor behind a bearer token, or undefined: unknown or revoked, or its creator is disabled or
 * gone, or the creator's role no longer covers the token's. Records its use.
 */
export async function actorFromToken(team: TeamStore, secret: string, now: Date): Promise<Actor | undefined> {
  const token = await team.tokenByHash(sha256(secret))
  if (token === undefined || token.revoked) return undefined
  let role = token.role
  let auditPeriod = token.auditPeriod
  if (token.createdByUserId !== undefined) {
    const creator = await team.userById(token.createdByUserId)
    if (creator === undefined || creator.disabled) return undefined
    const effective = effectiveTokenRole(token.role, creator.role)
    if (effective === undefined) return undefined
    role = effective
    // Lowered to its creator's auditor role, the token reads only the creator's audit period.
    if (role !== token.role) auditPeriod = creator.auditPeriod
  }
  // One write a minute at most: a busy collector or script should not turn every read into a write.
  const lastUsed = token.lastUsedAt === undefined ? 0 : Date.parse(token.lastUsedAt)
  if (now.getTime() - lastUsed >= 60_000) await team.touchToken(token.id, now.toISOString())
  return {
    kind: 'token',
    id: token.id,
    name: token.name,
    role,
    ...(token.createdByUserId === undefined ? {} : { userId: token.createdByUserId }),
    ...(auditPeriod === undefined ? {} : { auditPeriod }),
    ...(token.kinds === undefined ? {} : { kinds: token.kinds }),
  }
}

/**
 * How long a server trusts a token it has just looked up without asking the store again. Revoking a
 * token through this server forgets them all at once (forgetCachedTokens); a token revoked by another
 * server process sharing the store is refused by this one at most this long after.
 */
export const tokenCacheMs = 1000

/** Bearer tokens looked up recently, per store: the busiest clients (scripts, collectors) send one per request. */
const recentTokens = new WeakMap<TeamStore, Map<string, { actor: Actor; at: number }>>()

/** actorFromToken, answered from memory for a token looked up in the last `tokenCacheMs` (known tokens only). */
export async function cachedActorFromToken(
  team: TeamStore,
  secret: string,
  now: Date,
): Promise<Actor | undefined> {
  let recent = recentTokens.get(team)
  if (recent === undefined) {
    recent = new Map()
    recentTokens.set(team, recent)
  }
  const key = sha256(secret)
  const hit = recent.get(key)
  if (hit !== undefined && performance.now() - hit.at < tokenCacheMs) return hit.actor
  const actor = await actorFromToken(team, secret, now)
  // Unknown secrets are not remembered: a guesser must not fill memory, and a new token works at once.
  if (actor === undefined) recent.delete(key)
  else {
    if (recent.size >= 10_000) recent.clear()
    recent.set(key, { actor, at: performance.now() })
  }
  return actor
}

/** Forgets every remembered token of the store: after a revocation, the next request asks the store. */
export function forgetCachedTokens(team: TeamStore): void {
  recentTokens.get(team)?.clear()
}

/** The secret of an `Authorization: Bearer <secret>` header, or undefined for any other header. */
export function bearerSecret(header: string | undefined): string | undefined {
  if (header === undefined) return undefined
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1]
}
