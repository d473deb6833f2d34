import type { PackageModel } from '../../core/package/model.js'

/**
 * One CSV field, RFC 4180 quoted. A cell a spreadsheet would run as a formula (`=`, `+`, `@`, or a
 * `-` not starting a number) is prefixed with an apostrophe, so opening the file runs nothing.
 */
export function csvField(value: string | number): string {
  let text = String(value)
  if (/^[=+@\t\r]/.test(text) || /^-[^\d\s.]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text
}

/**
 * The UTF-8 byte-order mark. Excel reads a CSV without one in the machine's legacy code page, so
 * "Tomás" opens as "TomÃ¡s"; with it, Excel (and every CSV reader that strips it) reads UTF-8.
 */
export const utf8Bom = '\uFEFF'

/** A whole CSV file: BOM, header, rows, CRLF line ends (RFC 4180). */
export function csvTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return `${utf8Bom}${[header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`
}

export const controlsMatrixHeader = [
  'Control ID',
  'Control',
  'Criteria',
  'Owner',
  'Owner role',
  'Type',
  'Frequency',
  'Tests performed',
  'Population',
  'Sample',
  'Result',
  'Exceptions',
  "Management's response",
  'Evidence references',
] as const

/** One row per control: what an auditor's controls matrix holds. */
export function controlsMatrixRows(pkg: PackageModel): string[][] {
  return pkg.controls.map((c) => [
    c.id,
    c.title,
    c.criteria.join(', '),
    c.owner,
    c.ownerRole,
    c.type,
    c.frequency,
    c.tests.map((t) => t.what).join('\n'),
    c.tests.map((t) => t.population).join('\n'),
    c.tests.map((t) => t.sample).join('\n'),
    c.notApplicable === undefined ? c.result : `Not applicable: ${c.notApplicable}`,
    String(c.exceptionCount),
    c.response ?? '',
    c.evidence.map((e) => `${e.file} sha256:${e.sha256}`).join('\n'),
  ])
}

export const requestListHeader = [
  'Request ID',
  'Control',
  'Criteria',
  'Request',
  'Owner',
  'Status',
  'Reference',
] as const

export function requestListRows(pkg: PackageModel): string[][] {
  return pkg.requests.map((r) => [
    r.id,
    r.control,
    r.criteria.join(', '),
    r.request,
    r.owner,
    r.status,
    r.reference,
  ])
}

export function renderControlsCsv(pkg: PackageModel): string {
  return csvTable(controlsMatrixHeader, controlsMatrixRows(pkg))
}

export function renderRequestListCsv(pkg: PackageModel): string {
  return csvTable(requestListHeader, requestListRows(pkg))
}
