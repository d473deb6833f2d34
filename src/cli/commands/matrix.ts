import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { type LoadedConfig, loadConfig } from '../../app/load-config.js'
import { renderResponsibilitySvg } from '../../app/rendering.js'
import { type Library, loadLibrary, loadThirdPartyLibrary } from '../../app/run-assessment.js'
import { remediationDays } from '../../core/assess.js'
import type { Gap } from '../../core/assessment.js'
import { addDays } from '../../core/dates.js'
import { CatalogError, ConfigError } from '../../core/errors.js'
import {
  assessThirdParties,
  scopeWithoutEvidence,
  type ThirdPartiesSection,
  type ThirdPartyLibrary,
} from '../../core/third-parties/index.js'
import type { ResponsibilityMatrix } from '../../core/third-parties/matrix.js'

export interface CommandIo {
  cwd: string
  out: (text: string) => void
  err: (text: string) => void
}

export interface ThirdPartyView {
  loaded: LoadedConfig
  library: Library
  thirdParties: ThirdPartyLibrary
  section: ThirdPartiesSection
  gaps: Gap[]
  criteria: string[]
}

/**
 * Loads trustctl.yaml and the catalog and works out shared responsibility, vendors, policies and
 * risks, without collecting evidence: they depend on configuration and catalog only.
 */
export async function loadThirdPartyView(config: string | undefined, cwd: string): Promise<ThirdPartyView> {
  const loaded = await loadConfig(config, cwd)
  const library = await loadLibrary()
  if (library.thirdParties === undefined) throw new CatalogError('the third-party catalog is not loaded')
  const thirdParties = await loadThirdPartyLibrary(
    library.thirdParties,
    library.catalog,
    loaded.config,
    loaded.root,
    loaded.file,
  )
  const scope = scopeWithoutEvidence(library.catalog, loaded.config)
  const { section, gaps } = assessThirdParties({
    library: thirdParties,
    config: loaded.config,
    catalogControls: library.catalog.controls,
    controls: scope.controls,
    criteria: scope.criteria,
    dueDate: (severity) => addDays(loaded.config.scope.asOf, remediationDays[severity]),
  })
  return { loaded, library, thirdParties, section, gaps, criteria: scope.criteria }
}

/** Checks a --format value against the formats a command offers. */
export function parseFormat<T extends string>(value: string, allowed: readonly T[]): T {
  const format = value.trim().toLowerCase()
  if (!(allowed as readonly string[]).includes(format))
    throw new ConfigError(`--format: unknown format '${value}' (use ${allowed.join(', ')})`)
  return format as T
}

/** One CSV field, quoted when it must be (RFC 4180). */
export function csvField(value: string | number): string {
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function matrixCsv(matrix: ResponsibilityMatrix): string {
  const header = [
    'control',
    'family',
    'provider',
    'service',
    'model',
    'owner',
    'inheritance',
    'evidence_by',
    'provider_duty',
    'customer_duty',
    'cuecs',
    'source',
    'reason',
  ]
  const rows = matrix.cells.map((c) =>
    [
      c.control,
      c.family,
      c.provider,
      c.service,
      c.model,
      c.owner,
      c.inheritance,
      c.evidenceBy.join('; '),
      matrix.duties[c.duty ?? '']?.provider ?? '',
      matrix.duties[c.duty ?? '']?.customer ?? '',
      c.cuecs.join(' '),
      c.source,
      c.reason ?? '',
    ]
      .map(csvField)
      .join(','),
  )
  return `${[header.join(','), ...rows].join('\r\n')}\r\n`
}

export function matrixText(matrix: ResponsibilityMatrix): string {
  const pad = (s: string, n: number): string => s.padEnd(n)
  const lines = [
    `Services in use (${matrix.services.length}):`,
    ...matrix.services.map(
      (s) =>
        `  ${pad(`${s.provider} / ${s.service}`, 44)} ${s.model.toUpperCase()}  ${s.method}${s.profile === undefined ? '  (no profile: model defaults)' : ''}`,
    ),
    '',
    `${pad('family', 22)} ${pad('overall', 10)} ${pad('SaaS', 10)} ${pad('PaaS', 10)} IaaS`,
    ...matrix.families.map(
      (f) =>
        `${pad(f.family, 22)} ${pad(f.overall, 10)} ${pad(f.byModel.saas, 10)} ${pad(f.byModel.paas, 10)} ${f.byModel.iaas}`,
    ),
    '',
    'Controls the providers hold or share (the rest are ours alone):',
  ]
  for (const control of matrix.controls) {
    const cells = matrix.cells.filter((c) => c.control === control.control && c.owner !== 'us')
    if (cells.length === 0) continue
    lines.push(`  ${control.control}  [${control.owner}]`)
    for (const c of cells)
      lines.push(
        `    ${c.provider} / ${c.service}: ${c.owner}, ${c.inheritance}${c.cuecs.length > 0 ? `, CUECs ${c.cuecs.join(' ')}` : ''}${c.source === 'override' ? ' (override)' : ''}`,
      )
  }
  return lines.join('\n')
}

export interface MatrixOptions {
  config?: string
  format: string
  out?: string
}

/** `trustctl matrix`: the responsibility matrix as text, JSON, CSV or an SVG figure. */
export async function matrixCommand(options: MatrixOptions, io: CommandIo): Promise<number> {
  const format = parseFormat(options.format, ['text', 'json', 'csv', 'svg'] as const)
  const { section, loaded } = await loadThirdPartyView(options.config, io.cwd)
  const matrix = section.matrix
  const body =
    format === 'json'
      ? `${JSON.stringify(matrix, null, 2)}\n`
      : format === 'csv'
        ? matrixCsv(matrix)
        : format === 'svg'
          ? renderResponsibilitySvg(matrix, {
              title: `Shared responsibility: ${loaded.config.system.name}`,
            })
          : `${matrixText(matrix)}\n`
  if (options.out === undefined) {
    io.out(body)
    return 0
  }
  const file = path.resolve(io.cwd, options.out)
  await mkdir(path.dirname(file), { recursive: true })
  // A CSV file gets the UTF-8 byte-order mark Excel needs to read names like "Tomás" (stdout stays plain for pipes).
  await writeFile(file, format === 'csv' ? `\uFEFF${body}` : body)
  io.out(
    `${format} matrix (${matrix.cells.length} cells) written to ${path.relative(io.cwd, file) || file}\n`,
  )
  return 0
}
