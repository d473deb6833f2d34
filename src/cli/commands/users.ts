import os from 'node:os'
import { ConfigError, ConflictError } from '../../core/errors.js'
import type { AssessmentStore } from '../../core/store.js'
import { type AuditPeriod, type Role, roles, type TeamStore } from '../../core/team.js'
import { generatePassword, hashPassword, publicUser } from '../../server/auth.js'
import type { Change } from '../../server/context.js'
import { minimumPasswordLength } from '../../server/routes/admin.js'
import { auditPeriodSchema } from '../../server/schemas.js'
import { recordChange } from '../../store/ledger-change.js'
import { type LoadedConfig, loadConfig } from '../../app/load-config.js'
import { openStore, openTeamStore } from '../../app/open-store.js'
import { toolVersion } from '../../app/version.js'
import { signerFor } from './population.js'

export interface AdminIo {
  cwd: string
  out: (text: string) => void
  /** The whole of standard input (for --password-stdin); default reads the process's. */
  readStdin?: () => Promise<string>
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array))
  return Buffer.concat(chunks).toString('utf8')
}

export function parseRole(value: string | undefined): Role {
  const role = roles.find((r) => r === value)
  if (role === undefined) throw new ConfigError(`--role: '${value ?? ''}' (use ${roles.join(', ')})`)
  return role
}

/** `--from`/`--to` as an audit period: both or neither. */
export function parseAuditPeriod(options: { from?: string; to?: string }): AuditPeriod | undefined {
  if (options.from === undefined && options.to === undefined) return undefined
  const result = auditPeriodSchema.safeParse({ from: options.from, to: options.to })
  if (!result.success)
    throw new ConfigError(
      `--from/--to: ${result.error.issues[0]?.message ?? 'invalid'} (give both, as YYYY-MM-DD, from on or before to)`,
    )
  return result.data
}

/**
 * Runs an administrative change with the team store and the ledger open; the change is recorded in
 * the ledger like a change made through the server, naming the operating-system user who ran it.
 */
export async function withTeamStore<T>(
  loaded: LoadedConfig,
  fn: (team: TeamStore, record: (change: Change) => Promise<void>) => Promise<T>,
): Promise<T> {
  const signer = signerFor(loaded)
  const ledger: AssessmentStore = await openStore(loaded)
  let team: TeamStore | undefined
  try {
    team = await openTeamStore(loaded)
    const actor = {
      kind: 'system' as const,
      id: 0,
      name: `cli:${os.userInfo().username}`,
      role: 'admin' as const,
    }
    return await fn(team, async (change) => {
      await recordChange(ledger, { ...change, actor, at: new Date().toISOString() }, signer, toolVersion())
    })
  } finally {
    await team?.close()
    await ledger.close()
  }
}

/** `trustctl users add`: a local account. Without --password-stdin a password is generated and shown once. */
export async function usersAddCommand(
  options: {
    config?: string
    email: string
    name: string
    role: string
    from?: string
    to?: string
    passwordStdin?: boolean
  },
  io: AdminIo,
): Promise<number> {
  const role = parseRole(options.role)
  const auditPeriod = parseAuditPeriod(options)
  const email = options.email.trim().toLowerCase()
  if (!/^[^\s@]+@[^\s@]+$/.test(email))
    throw new ConfigError(`--email: '${options.email}' is not an email address`)
  const name = options.name.trim()
  if (name === '') throw new ConfigError('--name: give the person’s name')
  let password: string
  const generated = options.passwordStdin !== true
  if (generated) password = generatePassword()
  else {
    password = ((await (io.readStdin ?? readProcessStdin)()).split(/\r?\n/)[0] ?? '').trimEnd()
    if (password.length < minimumPasswordLength)
      throw new ConfigError(
        `--password-stdin: the password must have at least ${minimumPasswordLength} characters`,
      )
  }
  const loaded = await loadConfig(options.config, io.cwd)
  const user = await withTeamStore(loaded, async (team, record) => {
    if ((await team.userByEmail(email)) !== undefined)
      throw new ConflictError(`a user with email ${email} exists already`)
    const created = await team.createUser({
      email,
      name,
      role,
      passwordHash: await hashPassword(password),
      createdAt: new Date().toISOString(),
      ...(auditPeriod === undefined ? {} : { auditPeriod }),
    })
    await record({ action: 'user.create', target: created.email, after: publicUser(created) })
    return created
  })
  io.out(
    `Added ${user.role} ${user.email} (id ${user.id})${auditPeriod === undefined ? '' : `, audit period ${auditPeriod.from} to ${auditPeriod.to}`}.\n`,
  )
  if (generated) io.out(`Password (shown once, store it now): ${password}\n`)
  return 0
}

/** `trustctl users list`: every account, its role and whether it is disabled. */
export async function usersListCommand(
  options: { config?: string; format: string },
  io: AdminIo,
): Promise<number> {
  const loaded = await loadConfig(options.config, io.cwd)
  const users = await withTeamStore(loaded, async (team) => (await team.users()).map(publicUser))
  if (options.format === 'json') {
    io.out(`${JSON.stringify(users, null, 2)}\n`)
    return 0
  }
  if (users.length === 0) {
    io.out('No users. Add one with `trustctl users add --email … --name … --role admin`.\n')
    return 0
  }
  for (const user of users)
    io.out(
      `${String(user.id).padStart(4)}  ${user.role.padEnd(9)} ${user.email}  ${user.name}${user.disabled ? '  (disabled)' : ''}${user.auditPeriod === undefined ? '' : `  period ${user.auditPeriod.from}..${user.auditPeriod.to}`}\n`,
    )
  return 0
}
