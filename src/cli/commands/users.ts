import os from 'node:os'
import { generatePassword, minimumPasswordLength } from '../../app/credentials.js'
import { loadConfig } from '../../app/load-config.js'
import { type AdminContext, addUser, listUsers } from '../../app/team-admin.js'
import { auditPeriodSchema } from '../../core/audit-period.js'
import { ConfigError } from '../../core/errors.js'
import { type AuditPeriod, type Role, roles } from '../../core/team.js'

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

/** The audit period a role needs: an auditor reads only its period, so it must have one. */
export function periodForRole(role: Role, period: AuditPeriod | undefined): AuditPeriod | undefined {
  if (role === 'auditor' && period === undefined)
    throw new ConfigError('--role auditor needs an audit period: give --from and --to (YYYY-MM-DD)')
  return period
}

/** The administrator at this terminal: the process's environment, user name, clock and standard error. */
export function processAdmin(): AdminContext {
  return {
    env: process.env,
    operator: os.userInfo().username,
    now: () => new Date(),
    notify: (text) => void process.stderr.write(text),
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
  const auditPeriod = periodForRole(role, parseAuditPeriod(options))
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
  const user = await addUser(loaded, processAdmin(), { email, name, role, password, auditPeriod })
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
  const users = await listUsers(loaded, processAdmin())
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
