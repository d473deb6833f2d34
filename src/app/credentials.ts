import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import type { ApiToken, Role, StoredUser, User } from '../core/team.js'

/**
 * Credentials of the team server's accounts, shared by the server (sign-in, the admin API) and the
 * CLI (`users add`, `tokens create`). Only hashes are stored: scrypt for passwords (slow on purpose),
 * SHA-256 for token secrets (256 random bits: nothing to brute-force).
 */

export { minimumPasswordLength } from '../core/team.js'

/** Token secrets carry a prefix so secret scanners and people recognise a leaked one. */
export const tokenPrefix = 'trustctl_'

const scryptParameters = { N: 2 ** 15, r: 8, p: 1 } as const
const saltBytes = 16
const keyBytes = 32
// 128 · N · r bytes are needed; Node's default ceiling (32 MiB) is exactly that, so leave headroom.
const scryptMaxMemory = 64 * 1024 * 1024

function deriveKey(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyBytes, { N, r, p, maxmem: scryptMaxMemory }, (error, key) =>
      error === null ? resolve(key) : reject(error),
    )
  })
}

/** Hashes a password as `scrypt$N$r$p$<salt base64url>$<hash base64url>`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(saltBytes)
  const { N, r, p } = scryptParameters
  const key = await deriveKey(password, salt, N, r, p)
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/** Whether a password matches its encoded hash; a malformed hash never matches. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parts = encoded.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [N, r, p] = parts.slice(1, 4).map(Number)
  if (N === undefined || r === undefined || p === undefined) return false
  // Refuse parameters outside what we write, so a tampered row cannot make a login hang the server.
  if (!Number.isInteger(Math.log2(N)) || N < 2 ** 14 || N > 2 ** 17 || r !== 8 || p < 1 || p > 4) return false
  const salt = Buffer.from(parts[4] ?? '', 'base64url')
  const expected = Buffer.from(parts[5] ?? '', 'base64url')
  if (salt.length === 0 || expected.length !== keyBytes) return false
  const actual = await deriveKey(password, salt, N, r, p)
  return timingSafeEqual(actual, expected)
}

/** 32 random bytes, base64url: a session id or a CSRF token. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url')
}

/** A new API token secret: shown once, stored only as its SHA-256. */
export function newTokenSecret(): string {
  return `${tokenPrefix}${randomSecret()}`
}

/** A password generated for `users add` without --password-stdin: 24 base64url characters (144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url')
}

/** Strips the password hash: what a User may show. */
export function publicUser(user: StoredUser | User): User {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    createdAt: user.createdAt,
    disabled: user.disabled,
    ...(user.auditPeriod === undefined ? {} : { auditPeriod: user.auditPeriod }),
  }
}

/** A token without its hash: what the API and the CLI show. */
export type PublicToken = Omit<ApiToken, 'tokenHash'>

/** Strips the token hash: what a token may show. */
export function publicToken(token: ApiToken): PublicToken {
  const { tokenHash: _hidden, ...rest } = token
  return rest
}

/**
 * The roles a holder of each role may hand to a token: admin any; editor what it can do itself
 * (edit, read, push evidence, which its evidence:write covers); auditor and collector only their own.
 */
const grantable: Record<Role, readonly Role[]> = {
  admin: ['admin', 'editor', 'auditor', 'collector'],
  editor: ['editor', 'auditor', 'collector'],
  auditor: ['auditor'],
  collector: ['collector'],
}

/** Whether a user of role `creator` may issue (or keep using) a token of role `token`. */
export function mayGrant(creator: Role, token: Role): boolean {
  return grantable[creator].includes(token)
}

/**
 * The role a token acts with: the lower of its own and its creator's current role. A token never
 * exceeds its creator, so an admin lowered to editor leaves their admin tokens acting as editors; when
 * neither role covers the other (a collector token of a user now auditor) the token has no role left.
 */
export function effectiveTokenRole(token: Role, creator: Role): Role | undefined {
  if (mayGrant(creator, token)) return token
  if (mayGrant(token, creator)) return creator
  return undefined
}
