import { ConflictError, NotFoundError } from '../core/errors.js'
import { sha256 } from '../core/ledger.js'
import type { AssessmentStore } from '../core/store.js'
import type { AuditPeriod, Role, TeamStore, User } from '../core/team.js'
import { type ChangeRequest, recordChange } from '../store/ledger-change.js'
import { hashPassword, type PublicToken, publicToken, publicUser } from './credentials.js'
import { keepTrustFiles } from './ledger-trust.js'
import type { LoadedConfig } from './load-config.js'
import { openStore, openTeamStore } from './open-store.js'
import { configuredSigner } from './signing-key.js'
import { toolVersion } from './version.js'

/** A change an administrator makes outside the server: the actor and time are added when recorded. */
export type AdminChange = Omit<ChangeRequest, 'actor' | 'at'>

/** Who runs an administrative change and where its messages go; the CLI passes the process's. */
export interface AdminContext {
  env: NodeJS.ProcessEnv
  /** The operating-system user, named in the ledger as `cli:<operator>`. */
  operator: string
  now: () => Date
  /** Told when a signing key is created. */
  notify: (text: string) => void
}

/**
 * Runs an administrative change with the team store and the ledger open; the change is recorded in
 * the ledger like a change made through the server, naming the operating-system user who ran it.
 */
export async function withTeamStore<T>(
  loaded: LoadedConfig,
  context: AdminContext,
  fn: (team: TeamStore, record: (change: AdminChange) => Promise<void>) => Promise<T>,
): Promise<T> {
  const signer = configuredSigner(loaded, context.env, context.notify)
  const ledger: AssessmentStore = await openStore(loaded, context.env)
  let team: TeamStore | undefined
  try {
    team = await openTeamStore(loaded, context.env)
    const actor = { kind: 'system' as const, id: 0, name: `cli:${context.operator}`, role: 'admin' as const }
    let recorded = false
    const result = await fn(team, async (change) => {
      await recordChange(ledger, { ...change, actor, at: context.now().toISOString() }, signer, toolVersion())
      recorded = true
    })
    // Each change is a signed run: trustctl.anchor follows it, as after any run recorded from the CLI.
    if (recorded) await keepTrustFiles(loaded, ledger, context.notify)
    return result
  } finally {
    await team?.close()
    await ledger.close()
  }
}

/** A new local account; the password is hashed here and never stored or recorded in clear. */
export async function addUser(
  loaded: LoadedConfig,
  context: AdminContext,
  request: {
    email: string
    name: string
    role: Role
    password: string
    auditPeriod: AuditPeriod | undefined
  },
): Promise<User> {
  const { email, auditPeriod } = request
  return withTeamStore(loaded, context, async (team, record) => {
    if ((await team.userByEmail(email)) !== undefined)
      throw new ConflictError(`a user with email ${email} exists already`)
    const created = await team.createUser({
      email,
      name: request.name,
      role: request.role,
      passwordHash: await hashPassword(request.password),
      createdAt: context.now().toISOString(),
      ...(auditPeriod === undefined ? {} : { auditPeriod }),
    })
    await record({ action: 'user.create', target: created.email, after: publicUser(created) })
    return created
  })
}

/** Every account, without password hashes. */
export async function listUsers(loaded: LoadedConfig, context: AdminContext): Promise<User[]> {
  return withTeamStore(loaded, context, async (team) => (await team.users()).map(publicUser))
}

/** A new API token stored as the hash of `secret` (the caller shows the secret once). */
export async function createToken(
  loaded: LoadedConfig,
  context: AdminContext,
  request: {
    name: string
    role: Role
    secret: string
    auditPeriod: AuditPeriod | undefined
    /** Evidence kinds a collector token may push (glob patterns); undefined: every kind. */
    kinds?: string[] | undefined
  },
): Promise<PublicToken> {
  const { auditPeriod, kinds } = request
  return withTeamStore(loaded, context, async (team, record) => {
    const created = await team.createToken({
      name: request.name,
      role: request.role,
      tokenHash: sha256(request.secret),
      createdBy: `cli:${context.operator}`,
      createdAt: context.now().toISOString(),
      ...(auditPeriod === undefined ? {} : { auditPeriod }),
      ...(kinds === undefined ? {} : { kinds }),
    })
    await record({
      action: 'token.create',
      target: `${created.id}:${created.name}`,
      after: publicToken(created),
    })
    return publicToken(created)
  })
}

/** Every token, never its hash. */
export async function listTokens(loaded: LoadedConfig, context: AdminContext): Promise<PublicToken[]> {
  return withTeamStore(loaded, context, async (team) => (await team.tokens()).map(publicToken))
}

/** Revokes a token: refused from the next request on. */
export async function revokeToken(
  loaded: LoadedConfig,
  context: AdminContext,
  id: number,
): Promise<PublicToken> {
  return withTeamStore(loaded, context, async (team, record) => {
    const before = (await team.tokens()).find((t) => t.id === id)
    if (before === undefined)
      throw new NotFoundError(`no token ${id}`, { hint: 'see `trustctl tokens list`' })
    const revoked = await team.revokeToken(before.id)
    if (revoked === undefined) throw new NotFoundError(`no token ${id}`)
    await record({
      action: 'token.revoke',
      target: `${revoked.id}:${revoked.name}`,
      before: publicToken(before),
      after: publicToken(revoked),
    })
    return publicToken(revoked)
  })
}
