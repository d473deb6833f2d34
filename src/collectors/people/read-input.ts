import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { z } from 'zod'
import type { CollectionError } from '../../core/evidence.js'
import type { CollectedInput, SourceContext } from '../source-collector.js'

/** A file read for a people source: its bytes' hash for the run record, its text for the parser. */
export interface ReadInput {
  /** The path as trustctl.yaml names it, for messages and evidence. */
  shownAs: string
  text: string
  input: CollectedInput
}

/** Reads one file of a source; `shownAs` is relative to trustctl.yaml, as the user wrote it. */
export async function readInput(
  root: string,
  relative: string,
  collector: string,
): Promise<ReadInput | undefined> {
  let bytes: Buffer
  try {
    bytes = await readFile(path.resolve(root, relative))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  return {
    shownAs: relative,
    text: bytes.toString('utf8'),
    input: {
      file: relative,
      collector,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes: bytes.length,
      items: 0,
    },
  }
}

/** How the export writes calendar dates; ISO `YYYY-MM-DD` (and full timestamps) are always read. */
export const dateFormats = ['iso', 'mdy', 'dmy'] as const
export type DateFormat = (typeof dateFormats)[number]

const realDate = (y: string, m: string, d: string): string | undefined => {
  const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`
  const parsed = new Date(`${iso}T00:00:00Z`)
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === iso ? iso : undefined
}

/**
 * A date cell as ISO 8601: `YYYY-MM-DD` for a calendar date, the timestamp (UTC) when the cell holds
 * a time too. Throws a message naming the expected form when the cell is not a real date, because a
 * guessed date could move a deadline.
 */
export function parseDateCell(value: string, format: DateFormat): string {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (iso !== null) {
    const date = realDate(iso[1] ?? '', iso[2] ?? '', iso[3] ?? '')
    if (date !== undefined) return date
  } else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(value)) {
    const withZone = /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`
    const ms = Date.parse(withZone.replace(' ', 'T'))
    if (!Number.isNaN(ms)) return new Date(ms).toISOString().replace('.000Z', 'Z')
  } else {
    const parts = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value)
    if (parts !== null && format !== 'iso') {
      const [a, b, year] = [parts[1] ?? '', parts[2] ?? '', parts[3] ?? '']
      const date = format === 'mdy' ? realDate(year, a, b) : realDate(year, b, a)
      if (date !== undefined) return date
    }
  }
  const expected = {
    iso: 'YYYY-MM-DD',
    mdy: 'MM/DD/YYYY or YYYY-MM-DD',
    dmy: 'DD.MM.YYYY, DD/MM/YYYY or YYYY-MM-DD',
  }
  throw new Error(`"${value.slice(0, 40)}" is not a date written ${expected[format]}`)
}

/**
 * What a people CSV source reads: each field it keeps and the header names that carry it, in the
 * order tried. Everything else in the file is dropped at read and never reaches evidence.
 */
export type ColumnMap<F extends string> = Readonly<Record<F, readonly string[]>>

/** One data row: the kept fields only (blank cells left out), with the line it starts on. */
export interface TableRow<F extends string> {
  line: number
  cells: Partial<Record<F, string>>
}

export interface Table<F extends string> {
  rows: TableRow<F>[]
  errors: CollectionError[]
  /** The header each kept field was read from, for messages naming a column. */
  headers: Partial<Record<F, string>>
}

const headerKey = (h: string): string => h.trim().toLowerCase().replace(/\s+/g, ' ')

/**
 * Parses a CSV export with its header row and keeps the mapped columns only. A missing required
 * column fails the whole file (the message names the column looked for); a row with the wrong
 * number of cells is reported with its line and skipped, and the other rows are kept.
 */
export function readTable<F extends string>(
  file: string,
  text: string,
  columns: ColumnMap<F>,
  required: readonly F[],
): Table<F> {
  let records: { record: string[]; info: { lines: number } }[]
  try {
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as { record: string[]; info: { lines: number } }[]
  } catch (error) {
    const line = (error as { lines?: number }).lines
    const message = `not a readable CSV file: ${(error as Error).message}`
    throw Object.assign(new Error(message), line === undefined ? {} : { line })
  }
  const [header, ...body] = records
  if (header === undefined) return { rows: [], errors: [], headers: {} }
  const index = new Map(header.record.map((h, i) => [headerKey(h), i]))
  const positions: [F, number][] = []
  const headers: Partial<Record<F, string>> = {}
  for (const field of Object.keys(columns) as F[]) {
    const names = columns[field]
    const found = names.find((n) => index.has(headerKey(n)))
    if (found === undefined) {
      if (required.includes(field))
        throw Object.assign(
          new Error(
            `no column for ${field} (looked for ${names.map((n) => `"${n}"`).join(', ')}); map it under columns: in trustctl.yaml`,
          ),
          { line: 1 },
        )
      continue
    }
    const at = index.get(headerKey(found)) ?? -1
    positions.push([field, at])
    // Messages name the column as the file spells it.
    headers[field] = header.record[at] ?? found
  }
  const rows: TableRow<F>[] = []
  const errors: CollectionError[] = []
  for (const { record, info } of body) {
    // csv-parse counts the lines read so far: a record's first line for a one-line record.
    const line = info.lines
    if (record.length !== header.record.length) {
      errors.push({
        file,
        line,
        message: `the row has ${record.length} cells where the header has ${header.record.length}: skipped`,
      })
      continue
    }
    const cells: Partial<Record<F, string>> = {}
    for (const [field, at] of positions) {
      const cell = record[at]
      if (cell !== undefined && cell !== '') cells[field] = cell
    }
    rows.push({ line, cells })
  }
  return { rows, errors, headers }
}

/** A row problem as a collection error naming the file, line and column. */
export function rowError(
  file: string,
  line: number,
  column: string | undefined,
  message: string,
): CollectionError {
  return { file, line, message: column === undefined ? message : `column "${column}": ${message}` }
}

/** YAML reads an unquoted `2026-11-30` as a date: back to the calendar date (or timestamp) it was. */
export const exportDate = z.preprocess((v) => {
  if (!(v instanceof Date)) return v
  const iso = v.toISOString()
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso
}, z.string().min(1))

/** The options every people CSV source takes. */
export const csvSourceShape = {
  /** The CSV export, relative to trustctl.yaml. */
  path: z.string().min(1),
  exclude: z.array(z.string()).optional(),
  /** How the export writes dates (`mdy` for US exports); ISO dates are always read. */
  dateFormat: z.enum(dateFormats).optional(),
  /**
   * The date the export was taken (YYYY-MM-DD or a timestamp): deadlines and ages are judged as of it.
   * Without it, the collection time.
   */
  exportedAt: exportDate.optional(),
}

/** When the source's state was true: the export's date, or the run's clock. */
export function observedAt(
  exportedAt: string | undefined,
  context: Pick<SourceContext, 'now'>,
  where: string,
): string {
  if (exportedAt === undefined) return context.now.toISOString().replace('.000Z', 'Z')
  try {
    const parsed = parseDateCell(exportedAt, 'iso')
    // A calendar export date means the state at the end of that day.
    return /^\d{4}-\d{2}-\d{2}$/.test(parsed) ? `${parsed}T23:59:59Z` : parsed
  } catch (error) {
    throw new Error(`${where}.exportedAt: ${(error as Error).message}`)
  }
}

/** Splits a cell holding several values (aliases, groups): commas, semicolons or whitespace. */
export const splitList = (cell: string | undefined): string[] =>
  cell === undefined ? [] : cell.split(/[,;\s]+/).filter((v) => v !== '')
