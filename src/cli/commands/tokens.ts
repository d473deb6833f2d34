import { newTokenSecret } from '../../app/credentials.js'
import { loadConfig } from '../../app/load-config.js'
import { createToken, listTokens, revokeToken } from '../../app/team-admin.js'
import { ConfigError } from '../../core/errors.js'
import { kindPatternProblems, parseKindPatterns } from '../../core/evidence-kind-pattern.js'
import type { Role } from '../../core/team.js'
import { type AdminIo, parseAuditPeriod, parseRole, periodForRole, processAdmin } from './users.js'

/** `--kinds 'k8s.*,aws.*'` as patterns, or undefined (every kind); only a collector token takes it. */
export function parseTokenKinds(list: string | undefined, role: Role): string[] | undefined {
  if (list === undefined) return undefined
  if (role !== 'collector')
    throw new ConfigError(`--kinds: only a collector token is limited to evidence kinds, not a ${role} token`)
  const patterns = parseKindPatterns(list)
  const problems = kindPatternProblems(patterns)
  if (problems.length > 0) throw new ConfigError(`--kinds: ${problems.join('; ')}`)
  return patterns
}

/** How the list shows what a token may push: collector tokens only (the others push nothing). */
const kindsShown = (token: { role: Role; kinds?: string[] }): string =>
  token.role !== 'collector' ? '' : `  kinds: ${token.kinds === undefined ? 'all' : token.kinds.join(',')}`

/** `trustctl tokens create`: an API token; its secret is printed once and stored only as a hash. */
export async function tokensCreateCommand(
  options: { config?: string; name: string; role: string; from?: string; to?: string; kinds?: string },
  io: AdminIo,
): Promise<number> {
  const role = parseRole(options.role)
  const auditPeriod = periodForRole(role, parseAuditPeriod(options))
  const kinds = parseTokenKinds(options.kinds, role)
  const name = options.name.trim()
  if (name === '') throw new ConfigError('--name: name the token after what uses it (a cluster, a pipeline)')
  const loaded = await loadConfig(options.config, io.cwd)
  const secret = newTokenSecret()
  const token = await createToken(loaded, processAdmin(), { name, role, secret, auditPeriod, kinds })
  io.out(`Created ${token.role} token ${token.id} (${token.name})${kindsShown(token)}.\n`)
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
      `${String(token.id).padStart(4)}  ${token.role.padEnd(9)} ${token.name}  created ${token.createdAt.slice(0, 10)} by ${token.createdBy}${token.lastUsedAt === undefined ? '' : `, last used ${token.lastUsedAt.slice(0, 16)}`}${kindsShown(token)}${token.revoked ? '  (revoked)' : ''}\n`,
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
