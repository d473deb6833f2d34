import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { LineCounter, parseDocument } from 'yaml'
import { validateSources } from '../collectors/registry.js'
import { type Config, parseConfig } from '../core/config.js'
import { ConfigError } from '../core/errors.js'

export interface LoadedConfig {
  config: Config
  /** Absolute path of trustctl.yaml. */
  file: string
  /** Folder of trustctl.yaml: sources, store and reports are relative to it. */
  root: string
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
  const lineCounter = new LineCounter()
  const document = parseDocument(text, { lineCounter })
  const syntax = document.errors[0]
  if (syntax !== undefined) {
    const line = syntax.linePos?.[0].line
    throw new ConfigError(
      `${file}${line === undefined ? '' : `:${line}`}: invalid YAML: ${syntax.message.split('\n')[0]}`,
    )
  }
  const config = parseConfig(toPlainValue(document, file), file)
  const root = path.dirname(file)
  validateSources(config.sources, file)
  config.sources.forEach((source, i) => {
    if (source.path !== undefined && !existsSync(path.resolve(root, source.path))) {
      throw new ConfigError(`${file}: sources[${i}].path: no such file or folder: ${source.path}`)
    }
  })
  return { config, file, root }
}

/**
 * The document as plain values. The YAML library refuses documents whose aliases expand past its
 * limit (an alias bomb: a few lines that would take gigabytes); that is the file's fault, so it is a
 * configuration error naming the file, not an internal one.
 */
function toPlainValue(document: ReturnType<typeof parseDocument>, file: string): unknown {
  try {
    return document.toJS({ maxAliasCount: 1000 })
  } catch (error) {
    throw new ConfigError(
      `${file}: the YAML cannot be expanded: ${error instanceof Error ? error.message : String(error)}`,
      { hint: 'trustctl.yaml needs no aliases that expand to thousands of values; write the values out' },
    )
  }
}
