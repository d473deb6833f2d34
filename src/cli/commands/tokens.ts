import { newTokenSecret } from '../../app/credentials.js'
import { loadConfig } from '../../app/load-config.js'
import { createToken, listTokens, revokeToken } from '../../app/team-admin.js'
import { ConfigError } from '../../core/errors.js'
import { type AdminIo, parseAuditPeriod, parseRole, periodForRole, processAdmin } from './users.js'

/** `trustctl tokens create`: an API token; its secret is printed once and stored only as a hash. */
export async function tokensCreateCommand(
  options: { config?: string; name: string; role: string; from?: string; to?: string },
  io: AdminIo,
): Promise<number> {
  const role = parseRole(options.role)
  const auditPeriod = periodForRole(role, parseAuditPeriod(options))
  const name = options.name.trim()
  if (name === '') throw new ConfigError('--name: name the token after what uses it (a cluster, a pipeline)')
  const loaded = await loadConfig(options.config, io.cwd)
  const secret = newTokenSecret()
  const token = await createToken(loaded, processAdmin(), { name, role, secret, auditPeriod })
  io.out(`Created ${token.role} token ${token.id} (${token.name}).\n`)
  io.out(`Secret (shown once, store it now): ${secret}\n`)
  return 0
}

/** `trustctl tokens list`: every token without its secret. */
export async function tokensListCommand(
  options: { config?: string; format: string },
  io: AdminIo,
): Promise<number> {
  const loaded = await loadConfig(options.config, io.cwd)
  const tokens = await listTokens(loaded, processAdmin())
  if (options.format === 'json') {
    io.out(`${JSON.stringify(tokens, null, 2)}\n`)
    return 0
  }
  if (tokens.length === 0) {
    io.out('No API tokens. Create one with `trustctl tokens create --name … --role collector`.\n')
    return 0
  }
  for (const token of tokens)
    io.out(
      `${String(token.id).padStart(4)}  ${token.role.padEnd(9)} ${token.name}  created ${token.createdAt.slice(0, 10)} by ${token.createdBy}${token.lastUsedAt === undefined ? '' : `, last used ${token.lastUsedAt.slice(0, 16)}`}${token.revoked ? '  (revoked)' : ''}\n`,
    )
  return 0
}

/** `trustctl tokens revoke <id>`: refused from the next request on. */
export async function tokensRevokeCommand(
  id: string,
  options: { config?: string },
  io: AdminIo,
): Promise<number> {
  if (!/^\d+$/.test(id)) throw new ConfigError(`token id: '${id}' (see \`trustctl tokens list\`)`)
  const loaded = await loadConfig(options.config, io.cwd)
  const token = await revokeToken(loaded, processAdmin(), Number(id))
  io.out(`Revoked token ${token.id} (${token.name}).\n`)
  return 0
}
