import { ConfigError } from '../core/errors.js'
import { collectors as awsCollectors } from './aws/index.js'
import { collectFiles, type FileSourceType, fileSourceTypes } from './files/collect-files.js'
import { collectors as gitHistoryCollectors } from './git-history/index.js'
import { collectors as githubCollectors } from './github/index.js'
import { collectors as kubernetesLiveCollectors } from './kubernetes-live/index.js'
import { collectors as logCollectors } from './logs/index.js'
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
]

/** A source entry as trustctl.yaml holds it: a type plus that type's own settings. */
export interface SourceEntry {
  type: string
  path?: string | undefined
  exclude?: readonly string[] | undefined
  [setting: string]: unknown
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
): void {
  sources.forEach((source, i) => {
    const where = `sources[${i}]`
    if (isFileSourceType(source.type)) {
      if (source.path === undefined)
        throw new ConfigError(`${file}: ${where}.path: required for type ${source.type}`)
      const extra = Object.keys(source).filter((k) => !['type', 'path', 'exclude'].includes(k))
      if (extra.length > 0)
        throw new ConfigError(
          `${file}: ${where}: unknown setting ${extra.join(', ')} for type ${source.type}`,
        )
      return
    }
    const collector = findCollector(source.type, collectors)
    if (collector === undefined) {
      throw new ConfigError(`${file}: ${where}.type: unknown source type "${source.type}"`, {
        hint: `known types: ${knownSourceTypes(collectors).join(', ')}`,
      })
    }
    const parsed = collector.options.safeParse(source)
    if (!parsed.success) {
      const lines = parsed.error.issues.map(
        (issue) =>
          `${where}${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${issue.message}`,
      )
      throw new ConfigError(`${file}: ${lines.join('; ')}`)
    }
  })
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
  const files = sources.flatMap((s) =>
    isFileSourceType(s.type) && s.path !== undefined
      ? [{ path: s.path, type: s.type, exclude: s.exclude ?? [] }]
      : [],
  )
  const collection =
    files.length > 0 ? await collectFiles(context.root, files, context.parseCache) : emptyCollection()
  for (const [i, source] of sources.entries()) {
    if (isFileSourceType(source.type)) continue
    const where = `sources[${i}]`
    const collector = findCollector(source.type, collectors)
    if (collector === undefined) {
      collection.errors.push({ file: where, message: `unknown source type "${source.type}"` })
      continue
    }
    try {
      const options = collector.options.parse(source)
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
