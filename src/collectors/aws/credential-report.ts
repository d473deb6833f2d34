/**
 * The IAM credential report: one CSV row per IAM user plus `<root_account>`, with console, MFA and
 * access-key facts. It is the only read-only source of key ages and last use for every user at once.
 */

/** One row, by column name; `N/A`, `no_information` and `not_supported` are kept as written. */
export type CredentialReportRow = Record<string, string>

const requiredColumns = ['user', 'arn', 'password_enabled', 'mfa_active', 'access_key_1_active']

/** Splits CSV text into rows of fields (RFC 4180 quoting; the report quotes nothing today). */
function splitCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += c
  }
  if (field !== '' || row.length > 0) {
    row.push(field)
    rows.push(row)
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''))
}

/**
 * Parses the report CSV. Throws with the line number when a row does not have the header's width or
 * a column trustctl needs is missing, so a truncated export is named, not half-read.
 */
export function parseCredentialReport(csv: string): CredentialReportRow[] {
  const [header, ...rows] = splitCsv(csv)
  if (header === undefined) throw new Error('the credential report is empty')
  const missing = requiredColumns.filter((c) => !header.includes(c))
  if (missing.length > 0)
    throw new Error(`line 1: not an IAM credential report (missing column ${missing.join(', ')})`)
  return rows.map((fields, i) => {
    if (fields.length !== header.length)
      throw new Error(
        `line ${i + 2}: ${fields.length} fields where the header has ${header.length} (truncated report?)`,
      )
    return Object.fromEntries(header.map((name, j) => [name, fields[j] ?? '']))
  })
}

/** Decodes the base64 `Content` of `aws iam get-credential-report` (CLI JSON or SDK bytes). */
export function decodeReportContent(content: string | Uint8Array): string {
  if (typeof content !== 'string') return Buffer.from(content).toString('utf8')
  return Buffer.from(content, 'base64').toString('utf8')
}

/** A report date, or undefined for `N/A`, `no_information`, `not_supported` and empty cells. */
export function reportDate(value: string | undefined): string | undefined {
  if (value === undefined || !/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}

/** `true`/`false` cells; anything else (`not_supported`, `N/A`) is unknown. */
export function reportBoolean(value: string | undefined): boolean | undefined {
  if (value === 'true') return true
  if (value === 'false') return false
  return undefined
}
