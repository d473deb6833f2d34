import { copyFile, mkdir } from 'node:fs/promises'
import path from 'node:path'
import { isSeq } from 'yaml'
import { editConfig, sha256File, vendorIndex } from '../../app/edit-config.js'
import { loadConfig } from '../../app/load-config.js'
import { vendorCriticalities } from '../../core/config-third-parties.js'
import { ConfigError } from '../../core/errors.js'
import type { VendorStatus } from '../../core/third-parties/vendors.js'
import { type CommandIo, loadThirdPartyView, parseFormat } from './matrix.js'

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)

function vendorTable(vendors: readonly VendorStatus[]): string {
  if (vendors.length === 0) return 'No vendors in the register.'
  const pad = (s: string, n: number): string => s.padEnd(n)
  const lines = [
    `${pad('vendor', 22)} ${pad('criticality', 11)} ${pad('report', 21)} ${pad('covered to', 11)} ${pad('opinion', 12)} CUECs (mapped/all)  gaps`,
  ]
  for (const v of vendors) {
    const report = v.report === undefined ? '—' : `type ${v.report.type}`
    lines.push(
      `${pad(v.name, 22)} ${pad(v.criticality, 11)} ${pad(`${report} ${v.coverage}`, 21)} ${pad(v.coveredThrough ?? '—', 11)} ${pad(v.report?.opinion ?? '—', 12)} ${pad(`${v.cuecs.filter((c) => c.status === 'mapped').length}/${v.cuecs.length}`, 19)} ${v.gaps.length}`,
    )
  }
  return lines.join('\n')
}

export interface VendorsListOptions {
  config?: string
  format: string
}

/** `trustctl vendors list`: the vendor register with each report's status and the gaps. */
export async function vendorsListCommand(options: VendorsListOptions, io: CommandIo): Promise<number> {
  const format = parseFormat(options.format, ['text', 'json'] as const)
  const view = await loadThirdPartyView(options.config, io.cwd)
  const gaps = view.gaps.filter((g) => g.type.startsWith('vendor') || g.type === 'cuec-unmapped')
  if (format === 'json') {
    io.out(`${JSON.stringify({ vendors: view.section.vendors, gaps }, null, 2)}\n`)
    return 0
  }
  const lines = [vendorTable(view.section.vendors)]
  if (gaps.length > 0) {
    lines.push('', 'Gaps:')
    for (const g of gaps)
      lines.push(`  [${g.severity.toUpperCase()}] ${g.title} (owner ${g.owner}, due ${g.dueDate})`)
  }
  io.out(`${lines.join('\n')}\n`)
  return 0
}

export interface VendorsAddOptions {
  config?: string
  criticality: string
  services?: string
  data?: string
  model?: string
  provider?: string
  subprocessor?: boolean
  format: string
}

/** `trustctl vendors add <name>`: adds a vendor to the register in trustctl.yaml. */
export async function vendorsAddCommand(
  name: string,
  options: VendorsAddOptions,
  io: CommandIo,
): Promise<number> {
  const format = parseFormat(options.format, ['text', 'json'] as const)
  if (!(vendorCriticalities as readonly string[]).includes(options.criticality))
    throw new ConfigError(
      `--criticality: '${options.criticality}' is not one of ${vendorCriticalities.join(', ')}`,
    )
  const loaded = await loadConfig(options.config, io.cwd)
  const entry = {
    name,
    ...(options.provider === undefined ? {} : { provider: options.provider }),
    services: list(options.services),
    ...(options.model === undefined ? {} : { model: options.model }),
    dataShared: list(options.data),
    criticality: options.criticality,
    subprocessor: options.subprocessor === true,
  }
  await editConfig(loaded.file, (doc) => {
    const vendors = (doc.toJS() as { vendors?: { name?: string }[] }).vendors ?? []
    if (vendors.some((v) => v.name?.toLowerCase() === name.toLowerCase()))
      throw new ConfigError(`${loaded.file}: vendors: '${name}' is already in the register`)
    const seq = doc.get('vendors')
    if (isSeq(seq)) seq.add(doc.createNode(entry))
    else doc.set('vendors', doc.createNode([entry]))
  })
  io.out(
    format === 'json'
      ? `${JSON.stringify(entry, null, 2)}\n`
      : `Added ${name} to vendors in ${path.relative(io.cwd, loaded.file) || loaded.file}\n`,
  )
  return 0
}

export interface VendorsImportOptions {
  config?: string
  vendor: string
  type?: string
  periodStart?: string
  periodEnd?: string
  opinion?: string
  storeReport?: boolean
  format: string
}

/**
 * `trustctl vendors import <report-file> --vendor X`: records a vendor report's metadata and its
 * SHA-256 in trustctl.yaml (vendors[i].report). The report itself is confidential and stays where
 * it is, unless --store-report copies it into the store folder, named by its hash.
 */
export async function vendorsImportCommand(
  reportFile: string,
  options: VendorsImportOptions,
  io: CommandIo,
): Promise<number> {
  const format = parseFormat(options.format, ['text', 'json'] as const)
  const loaded = await loadConfig(options.config, io.cwd)
  const absolute = path.resolve(io.cwd, reportFile)
  const sha256 = await sha256File(absolute)
  const type = options.type === undefined ? undefined : Number(options.type)
  if (type !== undefined && type !== 1 && type !== 2)
    throw new ConfigError(`--type: '${options.type}' must be 1 or 2`)
  const relative = path.relative(loaded.root, absolute).split(path.sep).join('/')
  let stored: string | undefined
  if (options.storeReport === true) {
    const dir = path.resolve(loaded.root, loaded.config.store.path, 'vendor-reports')
    await mkdir(dir, { recursive: true })
    stored = path.join(dir, `${sha256}${path.extname(absolute).toLowerCase()}`)
    await copyFile(absolute, stored)
  }
  const report: Record<string, unknown> = {
    ...(type === undefined ? {} : { type }),
    ...(options.periodStart === undefined ? {} : { periodStart: options.periodStart }),
    ...(options.periodEnd === undefined ? {} : { periodEnd: options.periodEnd }),
    ...(options.opinion === undefined ? {} : { opinion: options.opinion }),
    file: relative,
    sha256,
    ...(options.storeReport === true ? { storeReport: true } : {}),
  }
  await editConfig(loaded.file, (doc) => {
    const index = vendorIndex(doc, options.vendor, loaded.file)
    const existing = doc.getIn(['vendors', index, 'report'])
    if (existing === undefined || existing === null) {
      const missing = ['type', 'periodEnd', 'opinion'].filter((k) => report[k] === undefined)
      if (missing.length > 0)
        throw new ConfigError(
          `${loaded.file}: vendors[${index}].report: ${options.vendor} has no report yet; give ${missing.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}`,
        )
      doc.setIn(['vendors', index, 'report'], doc.createNode(report))
      return
    }
    for (const [key, value] of Object.entries(report)) doc.setIn(['vendors', index, 'report', key], value)
  })
  const result = {
    vendor: options.vendor,
    file: relative,
    sha256,
    ...(stored === undefined ? {} : { storedAt: stored }),
  }
  io.out(
    format === 'json'
      ? `${JSON.stringify(result, null, 2)}\n`
      : `Recorded ${options.vendor}'s report ${relative} (sha256 ${sha256}) in ${path.relative(io.cwd, loaded.file) || loaded.file}${stored === undefined ? '; the report itself was not copied' : `; a copy is kept at ${stored}`}\n`,
  )
  return 0
}
