import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { loadConfig } from '../../app/load-config.js'
import { loadLibrary, loadThirdPartyLibrary } from '../../app/run-assessment.js'
import { CatalogError, ConfigError } from '../../core/errors.js'
import {
  type CrosswalkResult,
  checkDeclared,
  evaluateCrosswalk,
  parseDeclaredList,
} from '../../core/third-parties/crosswalk.js'
import { scopeWithoutEvidence } from '../../core/third-parties/index.js'
import { type CommandIo, parseFormat } from './matrix.js'

export interface CrosswalkOptions {
  config?: string
  from: string
  controls?: string
  format: string
}

export function crosswalkText(result: CrosswalkResult): string {
  const s = result.summary
  const lines = [
    `${result.framework}: ${result.declared.length} controls declared`,
    `  source: ${result.source}`,
    `  criteria in scope: ${s.met} met, ${s.partial} partly met, ${s['not-met']} not met, ${s['no-mapping']} without a mapping`,
    '',
  ]
  const label = { met: 'met', partial: 'partly met', 'not-met': 'not met', 'no-mapping': 'no mapping' }
  for (const c of result.criteria) {
    const detail =
      c.status === 'no-mapping'
        ? 'the mapping names no control for it: meet it with SOC 2 controls'
        : `has ${c.matched.join(', ') || 'none'}${c.missing.length > 0 ? `; missing ${c.missing.slice(0, 8).join(', ')}${c.missing.length > 8 ? ` and ${c.missing.length - 8} more` : ''}` : ''}`
    lines.push(`  ${c.criterion.padEnd(7)} ${label[c.status].padEnd(11)} ${detail}`)
  }
  return lines.join('\n')
}

/**
 * `trustctl crosswalk --from iso27001|nist80053|ccm|<your mapping id>`: given the controls a team
 * already runs in another framework (--controls FILE, or crosswalks.existing in trustctl.yaml),
 * which SOC 2 criteria in scope they already meet, fully or partly, and which remain.
 */
export async function crosswalkCommand(options: CrosswalkOptions, io: CommandIo): Promise<number> {
  const format = parseFormat(options.format, ['text', 'json'] as const)
  const loaded = await loadConfig(options.config, io.cwd)
  const library = await loadLibrary()
  if (library.thirdParties === undefined) throw new CatalogError('the crosswalk catalog is not loaded')
  const thirdParties = await loadThirdPartyLibrary(
    library.thirdParties,
    library.catalog,
    loaded.config,
    loaded.root,
    loaded.file,
  )
  const crosswalk = thirdParties.crosswalks.find((c) => c.id === options.from)
  if (crosswalk === undefined)
    throw new ConfigError(
      `--from: no crosswalk '${options.from}' (known: ${thirdParties.crosswalks.map((c) => c.id).join(', ')})`,
      { hint: 'add your own mapping file under crosswalks.mappings in trustctl.yaml' },
    )
  let declared: { id: string; at: string }[]
  if (options.controls !== undefined) {
    const file = path.resolve(io.cwd, options.controls)
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch {
      throw new ConfigError(`--controls: cannot read ${options.controls}`)
    }
    declared = parseDeclaredList(text, options.controls)
  } else {
    const listed = loaded.config.crosswalks.existing[crosswalk.id]
    if (listed === undefined)
      throw new ConfigError(
        `${loaded.file}: crosswalks.existing.${crosswalk.id}: no controls declared for ${crosswalk.framework}`,
        { hint: `list them there, or pass --controls FILE (one ${crosswalk.framework} id per line)` },
      )
    declared = listed.map((id, i) => ({
      id,
      at: `${loaded.file}: crosswalks.existing.${crosswalk.id}[${i}]`,
    }))
  }
  checkDeclared(crosswalk, declared)
  const { criteria } = scopeWithoutEvidence(library.catalog, loaded.config)
  const result = evaluateCrosswalk(
    crosswalk,
    declared.map((d) => d.id),
    criteria,
  )
  io.out(format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : `${crosswalkText(result)}\n`)
  return 0
}
