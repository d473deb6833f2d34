import { realpath } from 'node:fs/promises'
import path from 'node:path'
import { type ConfigIssue, type ConfigLocator, describeIssues, formatConfigIssues } from '../core/config.js'
import { didYouMean } from '../core/did-you-mean.js'
import { ConfigError } from '../core/errors.js'
import type { CollectionError } from '../core/evidence.js'
import { collectors as awsCollectors } from './aws/index.js'
import { noteCopiedSecrets } from './dockerfile/copied-secrets.js'
import { collectFiles, type FileSourceType, fileSourceTypes, isInside } from './files/collect-files.js'
import { collectors as gitHistoryCollectors } from './git-history/index.js'
import { collectors as githubCollectors } from './github/index.js'
import { collectors as kubernetesLiveCollectors } from './kubernetes-live/index.js'
import { collectors as logCollectors } from './logs/index.js'
import { collectors as peopleCollectors } from './people/index.js'
import { collectors as scannerCollectors } from './scanners/index.js'
import { collectors as secretsCollectors } from './secrets/index.js'
import {
  emptyCollection,
  type FileCollection,
  type SourceCollector,
  type SourceContext,
} from './source-collector.js'
import { collectors as terraformCollectors } from './terraform/index.js'

/** Every source type besides the repository files (`auto`, `kubernetes`, `dockerfile`, CI files). */
export const sourceCollectors: readonly SourceCollector[] = [
  ...terraformCollectors,
  ...awsCollectors,
  ...kubernetesLiveCollectors,
  ...githubCollectors,
  ...gitHistoryCollectors,
  ...scannerCollectors,
  ...secretsCollectors,
  ...logCollectors,
  ...peopleCollectors,
]

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

/** Every source type trustctl knows, for error messages and `trustctl init`. */
export function knownSourceTypes(collectors: readonly SourceCollector[] = sourceCollectors): string[] {
  return [...fileSourceTypes, ...collectors.map((c) => c.type)]
}

function findCollector(
  type: string,
  collectors: readonly SourceCollector[] = sourceCollectors,
): SourceCollector | undefined {
  return collectors.find((c) => c.type === type)
}

/**
 * Validates each source's type and settings before anything is read, so a typo fails fast with the
 * key path (`sources[2].regions: …`) instead of leaving tests without evidence.
 */
export function validateSources(
  sources: readonly SourceEntry[],
  file: string,
  collectors: readonly SourceCollector[] = sourceCollectors,
  locate?: ConfigLocator,
): void {
  const issues = sources.flatMap((source, i) => sourceIssues(source, i, collectors))
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
  collectors: readonly SourceCollector[] = sourceCollectors,
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
