import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parse } from 'yaml'
import { findShippedImage } from '../../checks/container/shared/shipped-image.js'
import { collectFiles } from '../collectors/files/collect-files.js'
import { validateNamedSources } from '../collectors/source-registry.js'
import { parseConfig } from '../core/config.js'
import { ConfigError } from '../core/errors.js'
import type { EvidenceItem } from '../core/evidence.js'
import {
  type FoundInput,
  type ProposedSource,
  type ProviderSuggestion,
  proposeRegistries,
  proposeSources,
  suggestProviders,
} from '../core/init-proposal.js'
import { type InitAnswers, renderInitConfig } from './init-template.js'

/** What `trustctl init` found in a repository, to propose in trustctl.yaml. */
export interface RepositoryScan {
  sources: ProposedSource[]
  providers: ProviderSuggestion[]
  /** Registry prefixes of the images the manifests run and the Dockerfiles ship. */
  registries: string[]
  /** Helm charts and Kustomize overlays: each must be rendered before it can be assessed. */
  toRender: { file: string; message: string; hint?: string | undefined }[]
  /** The folder is a git repository (history and pull requests can be read). */
  isGitRepository: boolean
}

/**
 * Looks at a repository the way `assess` will read it (the same walk and readers), so every source
 * it proposes holds something trustctl reads, and the images, resource types and pipelines it saw
 * suggest the providers and the registry allow-list.
 */
export async function scanRepository(dir: string, now: Date): Promise<RepositoryScan> {
  const collection = await collectFiles(dir, [{ path: '.', type: 'auto' }], undefined, { now })
  const inputs: FoundInput[] = collection.inputs.map((i) => ({ file: i.file, collector: i.collector }))
  const resourceKinds = collection.evidence.flatMap((e) =>
    e.kind === 'iac.resource' ? [e.resourceKind] : [],
  )
  // Charts and overlays are sources too: proposed, so the first assess says how to render them.
  const toRender = collection.errors.filter(
    (e) => /^(Helm chart|Kustomize overlay)/.test(e.message) && e.hint !== undefined,
  )
  const rendered = toRender.map((e) => ({ file: e.file, collector: 'kubernetes' }))
  return {
    sources: proposeSources([...inputs, ...rendered]),
    providers: suggestProviders(resourceKinds, inputs),
    registries: proposeRegistries(imagesInUse(collection.evidence)),
    toRender: toRender.map((e) => ({ file: e.file, message: e.message, hint: e.hint })),
    isGitRepository: existsSync(path.join(dir, '.git')),
  }
}

/** Images the workloads run and the images the Dockerfiles ship (not their build stages). */
function imagesInUse(evidence: readonly EvidenceItem[]): string[] {
  const images: string[] = []
  for (const item of evidence) {
    if (item.kind === 'k8s.workload') for (const c of item.containers) images.push(c.image)
    if (item.kind === 'container.dockerfile') {
      const shipped = findShippedImage(item)?.image
      if (shipped !== undefined) images.push(shipped.raw)
    }
  }
  return images
}

/**
 * Adds `entries` to the .gitignore of `dir` unless a line already ignores them (`.trustctl`,
 * `.trustctl/`, `/.trustctl/` all do): running init twice adds nothing. Returns what it added.
 */
export async function ensureGitignore(dir: string, entries: readonly string[]): Promise<string[]> {
  const file = path.join(dir, '.gitignore')
  const text = existsSync(file) ? await readFile(file, 'utf8') : ''
  const normalise = (line: string): string => line.trim().replace(/^\//, '').replace(/\/$/, '')
  const present = new Set(text.split(/\r?\n/).map(normalise))
  const missing = entries.filter((entry) => !present.has(normalise(entry)))
  if (missing.length === 0) return []
  const separator = text === '' || text.endsWith('\n') ? '' : '\n'
  const block = `${text === '' ? '' : '\n'}# trustctl: the local evidence store and generated reports\n${missing.join('\n')}\n`
  await writeFile(file, `${text}${separator}${block}`)
  return missing
}

/** What the person running init said (flags, or answers at the prompts), before defaults. */
export interface InitChoices {
  organization?: string | undefined
  system?: string | undefined
  description?: string | undefined
  categories: string[]
  asOf: string
  /** Source paths given on the command line: they replace the ones found. */
  sources: string[]
  /** Providers given on the command line: they replace the ones suggested. */
  providers: InitAnswers['providers']
  owners: Record<string, string>
  /** Undefined: scan files for secrets (the default). */
  secrets?: boolean | undefined
  secretsHistory?: boolean | undefined
  /** Undefined: read the git history when the folder is a git repository. */
  gitHistory?: boolean | undefined
  /** Given registries replace the proposed ones; `none` proposes none. */
  allowedRegistries: string[]
  packageServices: string[]
  commitments: string[]
  management?: { name: string; title: string } | undefined
}

/** The answers init writes: what was chosen, and for everything else what the scan proposes. */
export function initAnswers(dir: string, scan: RepositoryScan, choices: InitChoices): InitAnswers {
  const registries =
    choices.allowedRegistries.length === 0
      ? scan.registries
      : choices.allowedRegistries.filter((r) => r.toLowerCase() !== 'none')
  return {
    organization: choices.organization ?? path.basename(dir),
    systemName: choices.system ?? path.basename(dir),
    description: choices.description ?? '',
    categories: choices.categories,
    asOf: choices.asOf,
    sources:
      choices.sources.length > 0
        ? choices.sources.map((p) => ({ path: p }))
        : scan.sources.length > 0
          ? scan.sources
          : [{ path: '.' }],
    toRender: scan.toRender,
    secrets: choices.secrets ?? true,
    secretsHistory: (choices.secretsHistory ?? false) && scan.isGitRepository,
    gitHistory: choices.gitHistory ?? scan.isGitRepository,
    providers: choices.providers.length > 0 ? choices.providers : scan.providers,
    owners: choices.owners,
    allowedRegistries: registries,
    package: {
      services: choices.packageServices,
      commitments: choices.commitments,
      management: choices.management,
    },
  }
}

/**
 * Writes trustctl.yaml (after checking it loads exactly as `assess` will load it) and adds the store
 * and the reports folder to .gitignore. Returns the .gitignore entries it added.
 */
export async function writeInitFiles(
  dir: string,
  answers: InitAnswers,
  ledgerKey: string,
): Promise<{ file: string; gitignored: string[] }> {
  const file = path.join(dir, 'trustctl.yaml')
  // A source that does not exist would make the very next `assess` fail: say so now.
  for (const source of answers.sources) {
    if (!existsSync(path.resolve(dir, source.path)))
      throw new ConfigError(`--source ${source.path}: no such file or folder in ${dir}`)
  }
  const text = renderInitConfig({ ...answers, ledgerKey })
  const config = parseConfig(parse(text), file)
  await validateNamedSources(config.sources, file)
  await writeFile(file, text)
  const gitignored = await ensureGitignore(dir, [`${config.store.path}/`, `${config.report.out}/`])
  return { file, gitignored }
}
