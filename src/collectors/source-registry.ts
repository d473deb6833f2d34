import { realpath } from 'node:fs/promises'
import path from 'node:path'
import { type ConfigIssue, type ConfigLocator, describeIssues, formatConfigIssues } from '../core/config.js'
import { didYouMean } from '../core/did-you-mean.js'
import { ConfigError } from '../core/errors.js'
import type { CollectionError } from '../core/evidence.js'
import { noteCopiedSecrets } from './dockerfile/copied-secrets.js'
import { collectFiles, type FileSourceType, fileSourceTypes, isInside } from './files/collect-files.js'
import {
  emptyCollection,
  type FileCollection,
  type SourceCollector,
  type SourceContext,
} from './source-collector.js'

/**
 * Every source type besides the repository files, by the module that collects it. A command imports
 * a module only when trustctl.yaml names one of its types: a repository with manifests and a
 * Dockerfile never loads the cloud, identity, log or scanner readers. registry.ts holds the same
 * collectors imported at once (tests and tools); a test keeps the two lists equal.
 */
export const collectorModules: readonly {
  types: readonly string[]
  load: () => Promise<readonly SourceCollector[]>
}[] = [
  {
    types: ['terraform-plan', 'terraform', 'cloudformation'],
    load: async () => (await import('./terraform/index.js')).collectors,
  },
  { types: ['aws-json', 'aws'], load: async () => (await import('./aws/index.js')).collectors },
  { types: ['kubernetes-live'], load: async () => (await import('./kubernetes-live/index.js')).collectors },
  { types: ['github', 'github-json'], load: async () => (await import('./github/index.js')).collectors },
  { types: ['git-history'], load: async () => (await import('./git-history/index.js')).collectors },
  { types: ['scan-report'], load: async () => (await import('./scanners/index.js')).collectors },
  { types: ['secrets'], load: async () => (await import('./secrets/index.js')).collectors },
  {
    types: ['k8s-audit-log', 'cloudtrail-log'],
    load: async () => (await import('./logs/index.js')).collectors,
  },
  {
    types: [
      'hr-roster',
      'okta',
      'okta-api',
      'google-workspace',
      'entra',
      'service-accounts',
      'training',
      'background-checks',
      'policy-acceptance',
      'access-reviews',
    ],
    load: async () => (await import('./people/index.js')).collectors,
  },
]

/**
 * The collectors for the given source types (every one when a type is unknown, so an error can name
 * the nearest known type and list them all), in the order of collectorModules.
 */
export async function loadSourceCollectors(types?: Iterable<string>): Promise<SourceCollector[]> {
  const wanted = types === undefined ? undefined : new Set(types)
  const everything =
    wanted === undefined ||
    [...wanted].some((t) => !isFileSourceType(t) && !collectorModules.some((m) => m.types.includes(t)))
  const modules = await Promise.all(
    collectorModules.map((m) =>
      everything || m.types.some((t) => wanted.has(t)) ? m.load() : Promise.resolve([]),
    ),
  )
  return modules.flat()
}

/**
 * Checks each source entry (see validateSources), importing only the collectors of the types it names.
 * `found` are problems with the sources the caller found itself (a path that does not exist), reported
 * in the same error so one edit fixes them all.
 */
export async function validateNamedSources(
  sources: readonly SourceEntry[],
  file: string,
  locate?: ConfigLocator,
  found: readonly ConfigIssue[] = [],
): Promise<void> {
  validateSources(sources, file, await loadSourceCollectors(sources.map((s) => s.type)), locate, found)
}

/** Reads every configured source (see collectSources), importing only the collectors of their types. */
export async function collectNamedSources(
  sources: readonly SourceEntry[],
  context: Omit<SourceContext, 'where'>,
): Promise<FileCollection> {
  return collectSources(sources, context, await loadSourceCollectors(sources.map((s) => s.type)))
}

/** A source entry as trustctl.yaml holds it: a type plus that type's own settings. */
export interface SourceEntry {
  type: string
  path?: string | undefined
  exclude?: readonly string[] | undefined
  /** Read a path outside the repository (the folder of trustctl.yaml); refused by default. */
  allowOutside?: boolean | undefined
  [setting: string]: unknown
}

/** Settings every source type takes, whatever its collector. */
const commonSettings = ['type', 'path', 'exclude', 'allowOutside']

/** A source entry without the settings the registry handles itself, as its collector validates it. */
function collectorSettings(source: SourceEntry): Record<string, unknown> {
  return Object.fromEntries(Object.entries(source).filter(([key]) => key !== 'allowOutside'))
}

const isFileSourceType = (type: string): type is FileSourceType =>
  (fileSourceTypes as readonly string[]).includes(type)

/** Every source type trustctl knows (or the given collectors read), for error messages and `trustctl init`. */
export function knownSourceTypes(collectors?: readonly SourceCollector[]): string[] {
  return [
    ...fileSourceTypes,
    ...(collectors === undefined ? collectorModules.flatMap((m) => m.types) : collectors.map((c) => c.type)),
  ]
}

function findCollector(type: string, collectors: readonly SourceCollector[]): SourceCollector | undefined {
  return collectors.find((c) => c.type === type)
}

/**
 * Validates each source's type and settings before anything is read, so a typo fails fast with the
 * key path (`sources[2].regions: …`) instead of leaving tests without evidence.
 */
export function validateSources(
  sources: readonly SourceEntry[],
  file: string,
  collectors: readonly SourceCollector[],
  locate?: ConfigLocator,
  found: readonly ConfigIssue[] = [],
): void {
  const issues = [...sources.flatMap((source, i) => sourceIssues(source, i, collectors)), ...found]
  if (issues.length === 0) return
  const unknownType = issues.some((issue) => issue.path[2] === 'type')
  throw new ConfigError(
    formatConfigIssues(issues, file, locate),
    unknownType ? { hint: `known types: ${knownSourceTypes(collectors).join(', ')}` } : {},
  )
}

/** What is wrong with one source entry, each problem by key path (`sources[2].regions`). */
function sourceIssues(source: SourceEntry, i: number, collectors: readonly SourceCollector[]): ConfigIssue[] {
  const at = (...rest: PropertyKey[]): PropertyKey[] => ['sources', i, ...rest]
  const issues: ConfigIssue[] = []
  if (source.allowOutside !== undefined && typeof source.allowOutside !== 'boolean')
    issues.push({ path: at('allowOutside'), message: 'expected true or false' })
  if (isFileSourceType(source.type)) {
    if (source.path === undefined)
      issues.push({ path: at('path'), message: `required for type ${source.type}` })
    for (const key of Object.keys(source).filter((k) => !commonSettings.includes(k)))
      issues.push({
        path: at(key),
        atKey: true,
        message: `unknown setting for type ${source.type}${didYouMean(key, commonSettings)}`,
      })
    return issues
  }
  const collector = findCollector(source.type, collectors)
  if (collector === undefined) {
    const known = knownSourceTypes(collectors)
    issues.push({
      path: at('type'),
      message: `unknown source type "${source.type}"${didYouMean(source.type, known)}`,
    })
    return issues
  }
  const parsed = collector.options.safeParse(collectorSettings(source))
  if (!parsed.success)
    for (const issue of describeIssues(collector.options, parsed.error.issues))
      issues.push({ ...issue, path: at(...issue.path) })
  return issues
}

/**
 * Reads every configured source. Repository files go through the file walker in one pass (a file
 * named by two sources is read once); every other type through its collector. A collector that
 * throws becomes a collection error naming the source: the other sources are still read.
 */
export async function collectSources(
  sources: readonly SourceEntry[],
  context: Omit<SourceContext, 'where'>,
  collectors: readonly SourceCollector[],
): Promise<FileCollection> {
  const refusals = await outsideRefusals(sources, context.root)
  const readable = (i: number): boolean => !refusals.has(i)
  const files = sources.flatMap((s, i) =>
    isFileSourceType(s.type) && s.path !== undefined && readable(i)
      ? [{ path: s.path, type: s.type, exclude: s.exclude ?? [], allowOutside: s.allowOutside === true }]
      : [],
  )
  const collection =
    files.length > 0
      ? await collectFiles(context.root, files, context.parseCache, {
          now: context.now,
          fingerprintSalt: context.fingerprintSalt,
          claimed: claimedPaths(sources),
          ...(context.screenText === undefined ? {} : { screenText: context.screenText }),
        })
      : emptyCollection()
  await noteCopiedSecrets(context.root, collection.evidence)
  collection.errors.unshift(...refusals.values())
  for (const [i, source] of sources.entries()) {
    if (isFileSourceType(source.type) || !readable(i)) continue
    const where = `sources[${i}]`
    const collector = findCollector(source.type, collectors)
    if (collector === undefined) {
      collection.errors.push({ file: where, message: `unknown source type "${source.type}"` })
      continue
    }
    try {
      const options = collector.options.parse(collectorSettings(source))
      const part = await collector.collect(options, { ...context, where })
      // A loop, not push(...items): one large scanner report holds more items than a call takes arguments.
      for (const item of part.evidence) collection.evidence.push(item)
      collection.errors.push(...part.errors)
      collection.inputs.push(...part.inputs)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      collection.errors.push({ file: source.path ?? where, message: `${source.type}: ${message}` })
    }
  }
  return collection
}

/** Source types whose files an `auto` walk would also recognise: the walk leaves those to them. */
const typesAutoAlsoReads = new Set(['terraform', 'terraform-plan', 'cloudformation', 'scan-report'])

function claimedPaths(sources: readonly SourceEntry[]): Map<string, string> {
  return new Map(
    sources.flatMap((s) =>
      typesAutoAlsoReads.has(s.type) && s.path !== undefined
        ? [[path.posix.normalize(s.path.split(path.sep).join('/')), s.type] as const]
        : [],
    ),
  )
}

/**
 * Sources whose path leads out of the repository (`../..`, `/etc`, or a link to either), by index,
 * each with the error that names it: a checkout must not make trustctl read the machine into evidence.
 * `allowOutside: true` on the source reads it anyway. A path that does not exist is left to its
 * collector, which says so.
 */
async function outsideRefusals(
  sources: readonly SourceEntry[],
  root: string,
): Promise<Map<number, CollectionError>> {
  const refusals = new Map<number, CollectionError>()
  const realRoot = await realpath(root).catch(() => path.resolve(root))
  for (const [i, source] of sources.entries()) {
    if (source.path === undefined || source.allowOutside === true) continue
    let real: string
    try {
      real = await realpath(path.resolve(root, source.path))
    } catch {
      continue
    }
    if (!isInside(realRoot, real))
      refusals.set(i, {
        file: source.path,
        message: `sources[${i}].path leads out of the repository (to ${real}): not read`,
        hint: 'set allowOutside: true on the source in trustctl.yaml to read a path outside the repository',
      })
  }
  return refusals
}
