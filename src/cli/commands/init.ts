import { existsSync } from 'node:fs'
import path from 'node:path'
import { type InitChoices, initAnswers, scanRepository, writeInitFiles } from '../../app/init-project.js'
import type { InitAnswers } from '../../app/init-template.js'
import { loadOrCreateSigner, signingKeyPath } from '../../app/signing-key.js'
import { categoryIds, ownerRoles } from '../../core/catalog.js'
import { ConfigError } from '../../core/errors.js'

export interface InitOptions {
  dir: string
  organization?: string
  system?: string
  description?: string
  categories?: string
  asOf?: string
  source: string[]
  provider: string[]
  owner: string[]
  secrets?: boolean
  secretsHistory?: boolean
  gitHistory?: boolean
  allowedRegistry: string[]
  packageService: string[]
  commitment: string[]
  management?: string
  force?: boolean
  interactive: boolean
}

/** `name:model:svc1,svc2` → a provider entry. */
export function parseProvider(text: string): InitAnswers['providers'][number] {
  const [name, model, services] = text.split(':')
  if (!name || (model !== 'iaas' && model !== 'paas' && model !== 'saas')) {
    throw new ConfigError(
      `--provider '${text}': write name:model[:service,service] with model iaas, paas or saas`,
    )
  }
  return { name, model, services: splitList(services ?? '') }
}

/** `role=Person <mail>` → [role, person]; the role must be one of the catalog's owner roles. */
export function parseOwner(text: string): [string, string] {
  const at = text.indexOf('=')
  const role = text.slice(0, at).trim()
  const person = text.slice(at + 1).trim()
  if (at < 0 || person === '' || !(ownerRoles as readonly string[]).includes(role))
    throw new ConfigError(`--owner '${text}': write role=Person with role one of ${ownerRoles.join(', ')}`)
  return [role, person]
}

/** `Jane Doe, Chief Executive Officer` → who signs management's assertion. */
function parseManagement(text: string): { name: string; title: string } {
  const comma = text.indexOf(',')
  const name = text.slice(0, comma).trim()
  const title = text.slice(comma + 1).trim()
  if (comma < 0 || name === '' || title === '')
    throw new ConfigError(
      `--management '${text}': write "Name, Title" (e.g. "Jane Doe, Chief Executive Officer")`,
    )
  return { name, title }
}

function splitList(text: string, separator = ','): string[] {
  return text
    .split(separator)
    .map((s) => s.trim())
    .filter(Boolean)
}

function parseCategories(text: string): string[] {
  const list = splitList(text)
  for (const c of list) {
    if (!(categoryIds as readonly string[]).includes(c))
      throw new ConfigError(`--categories: unknown category '${c}' (use ${categoryIds.join(', ')})`)
  }
  return ['security', ...list.filter((c) => c !== 'security')]
}

/** Where the prompts read keys and draw (a terminal; a test passes streams of its own). */
export interface PromptStreams {
  input?: NodeJS.ReadableStream
  output?: NodeJS.WritableStream
}

/** The prompts, each defaulting to what the flags said or the scan proposed. */
export async function askInit(
  defaults: InitAnswers,
  isGitRepository: boolean,
  streams: PromptStreams = {},
): Promise<InitAnswers> {
  const prompts = await import('@inquirer/prompts')
  // Each prompt with the same streams: on a terminal these are stdin and stdout.
  const input = (config: Parameters<typeof prompts.input>[0]) => prompts.input(config, streams)
  const checkbox = <V>(config: Parameters<typeof prompts.checkbox<V>>[0]) =>
    prompts.checkbox<V>(config, streams)
  const confirm = (config: Parameters<typeof prompts.confirm>[0]) => prompts.confirm(config, streams)
  const organization = await input({
    message: 'Organization (the service organization)',
    default: defaults.organization,
  })
  const systemName = await input({ message: 'System name', default: defaults.systemName })
  const description = await input({
    message: 'One-paragraph system description',
    default: defaults.description,
  })
  const optional = await checkbox({
    message: 'Categories besides Security (always in scope)',
    choices: categoryIds
      .filter((c) => c !== 'security')
      .map((c) => ({ value: c, checked: defaults.categories.includes(c) })),
  })
  const asOf = await input({
    message: 'As-of date (YYYY-MM-DD)',
    default: defaults.asOf,
    validate: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) || 'write the date as YYYY-MM-DD',
  })
  // A checkbox needs at least one choice: with nothing found, only the free-text question is asked.
  const sources =
    defaults.sources.length === 0
      ? []
      : await checkbox({
          message: 'Sources found in this repository (read with per-file type detection)',
          choices: defaults.sources.map((s) => ({
            value: s,
            name: s.found === undefined ? s.path : `${s.path} (${s.found})`,
            checked: true,
          })),
        })
  const extra = splitList(await input({ message: 'Other source paths, comma-separated', default: '' }))
  const providers =
    defaults.providers.length === 0
      ? []
      : await checkbox({
          message: 'Providers the system runs on (suggested from what was found)',
          choices: defaults.providers.map((p) => ({
            value: p,
            name: `${p.name} (${p.model}${p.services.length > 0 ? `: ${p.services.join(', ')}` : ''})`,
            checked: true,
          })),
        })
  const moreProviders = splitList(
    await input({ message: 'Other providers as name:model[:service,service], separated by ;', default: '' }),
    ';',
  ).map(parseProvider)
  const owners: Record<string, string> = {}
  for (const role of ['security', 'platform', 'engineering', 'people', 'compliance'] as const) {
    const person = await input({
      message: `Owner of the ${role} controls (name <email>)`,
      default: defaults.owners[role] ?? '',
    })
    if (person.trim() !== '') owners[role] = person.trim()
  }
  const secrets = await confirm({
    message: 'Scan the repository files for secrets?',
    default: defaults.secrets,
  })
  const secretsHistory =
    secrets && isGitRepository
      ? await confirm({
          message: 'Also scan every commit of the git history for secrets?',
          default: defaults.secretsHistory,
        })
      : false
  const gitHistory = isGitRepository
    ? await confirm({
        message: 'Read the git history as change-management evidence?',
        default: defaults.gitHistory,
      })
    : false
  const allowedRegistries =
    defaults.allowedRegistries.length === 0
      ? []
      : await checkbox({
          message: 'Registries images may come from (proposed from the images found)',
          choices: defaults.allowedRegistries.map((r) => ({ value: r, checked: true })),
        })
  const services = splitList(
    await input({
      message: 'Package: the services the system provides, one sentence each, separated by ;',
      default: defaults.package.services.join('; '),
    }),
    ';',
  )
  const commitments = splitList(
    await input({
      message: 'Package: commitments made to customers (availability, retention…), separated by ;',
      default: defaults.package.commitments.join('; '),
    }),
    ';',
  )
  const management = await input({
    message: "Package: who signs management's assertion (Name, Title)",
    default:
      defaults.package.management === undefined
        ? ''
        : `${defaults.package.management.name}, ${defaults.package.management.title}`,
  })
  return {
    ...defaults,
    organization,
    systemName,
    description,
    categories: ['security', ...optional],
    asOf,
    sources: [...sources, ...extra.map((p) => ({ path: p }))],
    providers: [...providers, ...moreProviders],
    owners,
    secrets,
    secretsHistory,
    gitHistory,
    allowedRegistries,
    package: {
      services,
      commitments,
      management: management.trim() === '' ? undefined : parseManagement(management),
    },
  }
}

/** Writes a commented trustctl.yaml from what the repository holds: asks on a terminal, flags otherwise. */
export async function initCommand(
  options: InitOptions,
  io: { cwd: string; out: (text: string) => void; today: string },
): Promise<number> {
  const dir = path.resolve(io.cwd, options.dir)
  const target = path.join(dir, 'trustctl.yaml')
  if (existsSync(target) && !options.force) {
    throw new ConfigError(`${target} already exists`, { hint: 'pass --force to overwrite it' })
  }
  const choices: InitChoices = {
    organization: options.organization,
    system: options.system,
    description: options.description,
    categories: parseCategories(options.categories ?? 'security'),
    asOf: options.asOf ?? io.today,
    sources: options.source,
    providers: options.provider.map(parseProvider),
    owners: Object.fromEntries(options.owner.map(parseOwner)),
    secrets: options.secrets,
    secretsHistory: options.secretsHistory,
    gitHistory: options.gitHistory,
    allowedRegistries: options.allowedRegistry,
    packageServices: options.packageService,
    commitments: options.commitment,
    management: options.management === undefined ? undefined : parseManagement(options.management),
  }
  const scan = await scanRepository(dir, new Date(`${choices.asOf}T00:00:00Z`))
  let answers = initAnswers(dir, scan, choices)
  if (options.interactive) answers = await askInit(answers, scan.isGitRepository)
  // The key that signs every run: created now, outside the repository (see README, Evidence ledger),
  // and pinned in trustctl.yaml so `verify` refuses a ledger re-signed by any other key.
  const signer = loadOrCreateSigner(signingKeyPath(process.env), io.out)
  const { file, gitignored } = await writeInitFiles(dir, answers, signer.fingerprint)
  io.out(`Wrote ${path.relative(io.cwd, file) || file}: ${describeAnswers(answers)}.\n`)
  if (gitignored.length > 0) io.out(`Added ${gitignored.join(' and ')} to .gitignore.\n`)
  for (const r of answers.toRender) io.out(`To render before assessing: ${r.file}: ${r.hint ?? ''}\n`)
  io.out('Next: trustctl assess\n')
  return 0
}

/** One line on what the file holds, so the person sees what was found without opening it. */
function describeAnswers(a: InitAnswers): string {
  const parts = [
    `${a.sources.length} source${a.sources.length === 1 ? '' : 's'} (${a.sources.map((s) => s.path).join(', ')})`,
    a.providers.length === 0 ? 'no provider' : `providers ${a.providers.map((p) => p.name).join(', ')}`,
    a.allowedRegistries.length === 0
      ? 'no approved registry'
      : `${a.allowedRegistries.length} approved registr${a.allowedRegistries.length === 1 ? 'y' : 'ies'} to review`,
  ]
  if (a.secrets) parts.push('secrets scan')
  if (a.gitHistory) parts.push('git history')
  return parts.join(', ')
}
