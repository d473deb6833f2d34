import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parse } from 'yaml'
import { loadOrCreateSigner, signingKeyPath } from '../../app/signing-key.js'
import { categoryIds } from '../../core/catalog.js'
import { parseConfig } from '../../core/config.js'
import { ConfigError } from '../../core/errors.js'
import { type InitAnswers, renderInitConfig } from '../init-template.js'

export interface InitOptions {
  dir: string
  organization?: string
  system?: string
  description?: string
  categories?: string
  asOf?: string
  source: string[]
  provider: string[]
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
  return {
    name,
    model,
    services: services
      ? services
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [],
  }
}

function parseCategories(text: string): string[] {
  const list = text
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean)
  for (const c of list) {
    if (!(categoryIds as readonly string[]).includes(c))
      throw new ConfigError(`--categories: unknown category '${c}' (use ${categoryIds.join(', ')})`)
  }
  return ['security', ...list.filter((c) => c !== 'security')]
}

async function ask(defaults: InitAnswers): Promise<InitAnswers> {
  const { input, checkbox } = await import('@inquirer/prompts')
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
  const sources = await input({
    message: 'Source paths, comma-separated',
    default: defaults.sources.join(','),
  })
  return {
    ...defaults,
    organization,
    systemName,
    description,
    categories: ['security', ...optional],
    asOf,
    sources: sources
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  }
}

/** Writes a commented trustctl.yaml: from prompts on a terminal, from flags otherwise. */
export async function initCommand(
  options: InitOptions,
  io: { cwd: string; out: (text: string) => void; today: string },
): Promise<number> {
  const dir = path.resolve(io.cwd, options.dir)
  const target = path.join(dir, 'trustctl.yaml')
  if (existsSync(target) && !options.force) {
    throw new ConfigError(`${target} already exists`, { hint: 'pass --force to overwrite it' })
  }
  const detected = [
    '.github/workflows',
    'deploy',
    'k8s',
    'manifests',
    'kubernetes',
    'charts',
    'services',
    'Dockerfile',
  ].filter((p) => existsSync(path.join(dir, p)))
  let answers: InitAnswers = {
    organization: options.organization ?? path.basename(dir),
    systemName: options.system ?? path.basename(dir),
    description: options.description ?? '',
    categories: parseCategories(options.categories ?? 'security'),
    asOf: options.asOf ?? io.today,
    sources: options.source.length > 0 ? options.source : detected.length > 0 ? detected : ['.'],
    providers: options.provider.map(parseProvider),
  }
  if (options.interactive) answers = await ask(answers)
  // A source that does not exist would make the very next `assess` fail: say so now.
  for (const source of answers.sources) {
    if (!existsSync(path.resolve(dir, source))) {
      throw new ConfigError(`--source ${source}: no such file or folder in ${dir}`)
    }
  }
  // The key that signs every run: created now, outside the repository (see README, Evidence ledger),
  // and pinned in trustctl.yaml so `verify` refuses a ledger re-signed by any other key.
  const signer = loadOrCreateSigner(signingKeyPath(process.env), io.out)
  const text = renderInitConfig({ ...answers, ledgerKey: signer.fingerprint })
  // The written file must load: validate it exactly as `assess` will.
  parseConfig(parse(text), target)
  await writeFile(target, text)
  io.out(`Wrote ${path.relative(io.cwd, target) || target}. Next: trustctl assess\n`)
  return 0
}
