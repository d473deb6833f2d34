import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Document } from 'yaml'
import { validateNamedSources } from '../collectors/source-registry.js'
import type { Catalog } from '../core/catalog.js'
import type { Check } from '../core/check.js'
import { type Config, type ConfigLocator, formatConfigIssues, parseConfig } from '../core/config.js'
import { configReferenceIssues } from '../core/config-references.js'
import { ConfigError } from '../core/errors.js'
import { configLocator, lazyConfigLocator } from './config-positions.js'
import { quickConfigValue, yamlPackage } from './config-yaml.js'

export interface LoadedConfig {
  config: Config
  /** Absolute path of trustctl.yaml. */
  file: string
  /** Folder of trustctl.yaml: sources, store and reports are relative to it. */
  root: string
  /** Line and column of a key path in the file, for errors found after loading (unknown check ids). */
  locate?: ConfigLocator
}

/** Looks for trustctl.yaml in the folder and its parents, as git looks for .git. */
export function findConfig(start: string): string | undefined {
  let dir = path.resolve(start)
  for (;;) {
    for (const name of ['trustctl.yaml', 'trustctl.yml']) {
      const candidate = path.join(dir, name)
      if (existsSync(candidate)) return candidate
    }
    const parent = path.dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

/** Reads, parses and validates trustctl.yaml, and checks that every source path exists. */
export async function loadConfig(explicit: string | undefined, cwd: string): Promise<LoadedConfig> {
  const file = explicit === undefined ? findConfig(cwd) : path.resolve(cwd, explicit)
  if (file === undefined) {
    throw new ConfigError('no trustctl.yaml in this folder or any parent', {
      hint: 'run `trustctl init` to write one, or pass --config FILE',
    })
  }
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    throw new ConfigError(`${file}: cannot read the file`, { hint: 'check the --config path' })
  }
  // The quick read's values when they are a valid configuration; otherwise the file is read again
  // with the `yaml` package's document, whose errors name line and column, as it always was.
  const locate = lazyConfigLocator(text)
  const quick = quickConfigValue(text)
  const config = (quick === undefined ? undefined : validConfig(quick)) ?? parseWithDocument(text, file)
  const root = path.dirname(file)
  // Every missing path with the sources' other problems, in one error: not one round per mistake.
  const missing = config.sources.flatMap((source, i) =>
    source.path !== undefined && !existsSync(path.resolve(root, source.path))
      ? [{ path: ['sources', i, 'path'], message: `no such file or folder: ${source.path}` }]
      : [],
  )
  await validateNamedSources(config.sources, file, locate, missing)
  return { config, file, root, locate }
}

/** The configuration when `data` is one; undefined (the error is reported by parseWithDocument). */
function validConfig(data: unknown): Config | undefined {
  try {
    return parseConfig(data, '')
  } catch (error) {
    if (error instanceof ConfigError) return undefined
    throw error
  }
}

/** Reads trustctl.yaml with the `yaml` package's document: a syntax or schema error names line and column. */
function parseWithDocument(text: string, file: string): Config {
  const { LineCounter, parseDocument } = yamlPackage()
  const lineCounter = new LineCounter()
  const document = parseDocument(text, { lineCounter })
  const syntax = document.errors[0]
  if (syntax !== undefined) {
    const position = syntax.linePos?.[0]
    throw new ConfigError(
      `${file}${position === undefined ? '' : `:${position.line}:${position.col}`}: invalid YAML: ${syntax.message.split('\n')[0]}`,
    )
  }
  return parseConfig(toPlainValue(document, file), file, configLocator(document, lineCounter))
}

/**
 * Check ids, check parameters and control ids in trustctl.yaml, checked against the shipped checks
 * and catalog: each error has the file, line and column, the key path and the nearest known id.
 */
export function validateConfigReferences(
  loaded: LoadedConfig,
  library: { checks: readonly Check[]; catalog: Pick<Catalog, 'controls'> },
): void {
  const issues = configReferenceIssues(loaded.config, library.checks, library.catalog)
  if (issues.length === 0) return
  throw new ConfigError(formatConfigIssues(issues, loaded.file, loaded.locate), {
    hint: 'trustctl explain <id> says what a check or control is',
  })
}

/**
 * The document as plain values. The YAML library refuses documents whose aliases expand past its
 * limit (an alias bomb: a few lines that would take gigabytes); that is the file's fault, so it is a
 * configuration error naming the file, not an internal one.
 */
function toPlainValue(document: Document, file: string): unknown {
  try {
    return document.toJS({ maxAliasCount: 1000 })
  } catch (error) {
    throw new ConfigError(
      `${file}: the YAML cannot be expanded: ${error instanceof Error ? error.message : String(error)}`,
      { hint: 'trustctl.yaml needs no aliases that expand to thousands of values; write the values out' },
    )
  }
}
