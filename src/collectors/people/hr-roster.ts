import { z } from 'zod'
import type { CollectionError } from '../../core/evidence.js'
import type { EmploymentType, Person, PersonStatus } from '../../core/evidence-people.js'
import type { FileCollection, SourceContext } from '../source-collector.js'
import {
  type ColumnMap,
  csvSourceShape,
  type DateFormat,
  observedAt,
  parseDateCell,
  readInput,
  readTable,
  rowError,
  splitList,
} from './read-input.js'

/** The roster fields trustctl keeps. Nothing else of an HR export is read. */
export const rosterFields = [
  'id',
  'workEmail',
  'aliases',
  'displayName',
  'firstName',
  'lastName',
  'employmentType',
  'department',
  'manager',
  'startDate',
  'endDate',
  'status',
  'departmentChangedAt',
] as const
export type RosterField = (typeof rosterFields)[number]

interface RosterProfile {
  columns: ColumnMap<RosterField>
  dateFormat: DateFormat
}

const none: readonly string[] = []

/**
 * Column names of each HR system's people report, as its export writes them (the report builder's
 * default labels; a report with renamed columns is mapped with `columns:`). Several names per field:
 * the first one found in the header is read.
 */
export const rosterProfiles: Readonly<Record<string, RosterProfile>> = {
  // BambooHR: Reports > custom report, "Export" as CSV (US dates).
  bamboohr: {
    dateFormat: 'mdy',
    columns: {
      id: ['Employee #', 'Employee ID', 'EEID'],
      workEmail: ['Work Email'],
      aliases: none,
      displayName: ['Preferred Name', 'Display Name'],
      firstName: ['First Name'],
      lastName: ['Last Name'],
      employmentType: ['Employment Status'],
      department: ['Department'],
      manager: ['Reporting to', 'Supervisor', 'Supervisor Email'],
      startDate: ['Hire Date', 'Original Hire Date'],
      endDate: ['Termination Date'],
      status: ['Status'],
      departmentChangedAt: ['Job Information: Date'],
    },
  },
  // Gusto: People > Team members > Export (CSV); contractors export with the same headers.
  gusto: {
    dateFormat: 'mdy',
    columns: {
      id: ['Employee ID', 'Contractor ID'],
      workEmail: ['Work email', 'Email'],
      aliases: none,
      displayName: ['Preferred first name'],
      firstName: ['First name'],
      lastName: ['Last name'],
      employmentType: ['Employment type', 'Worker type'],
      department: ['Department'],
      manager: ['Manager', 'Manager email'],
      startDate: ['Start date', 'Hire date'],
      endDate: ['Dismissal date', 'Termination date', 'End date'],
      status: ['Employment status', 'Status'],
      departmentChangedAt: none,
    },
  },
  // Rippling: Reports > custom report on "Employees", download as CSV.
  rippling: {
    dateFormat: 'mdy',
    columns: {
      id: ['Employee number', 'Employee ID'],
      workEmail: ['Work email', 'Work Email'],
      aliases: none,
      displayName: ['Preferred name', 'Full name'],
      firstName: ['Legal first name', 'First name'],
      lastName: ['Legal last name', 'Last name'],
      employmentType: ['Employment type'],
      department: ['Department'],
      manager: ['Manager', 'Manager email'],
      startDate: ['Start date'],
      endDate: ['End date', 'Termination date'],
      status: ['Role state', 'Employment status', 'Status'],
      departmentChangedAt: none,
    },
  },
  // Deel: People > Export (CSV): employees (EOR, direct) and contractors in one list.
  deel: {
    dateFormat: 'iso',
    columns: {
      id: ['Worker ID', 'Employee ID', 'Contract ID'],
      workEmail: ['Work email', 'Email'],
      aliases: none,
      displayName: ['Full name', 'Name', 'Worker name'],
      firstName: ['First name'],
      lastName: ['Last name'],
      employmentType: ['Worker type', 'Contract type', 'Hiring type'],
      department: ['Department', 'Team'],
      manager: ['Direct manager', 'Manager'],
      startDate: ['Start date'],
      endDate: ['End date', 'Termination date'],
      status: ['Status', 'Contract status'],
      departmentChangedAt: none,
    },
  },
  // Personio: People > Export (CSV); German-format dates by default.
  personio: {
    dateFormat: 'dmy',
    columns: {
      id: ['ID', 'Employee ID'],
      workEmail: ['Email', 'E-Mail'],
      aliases: none,
      displayName: ['Preferred name'],
      firstName: ['First name', 'Vorname'],
      lastName: ['Last name', 'Nachname'],
      employmentType: ['Employment type', 'Beschäftigungsart'],
      department: ['Department', 'Abteilung'],
      manager: ['Supervisor', 'Vorgesetzte:r', 'Vorgesetzter'],
      startDate: ['Hire date', 'Eintrittsdatum'],
      endDate: ['Termination date', 'Austrittsdatum', 'Contract ends'],
      status: ['Status'],
      departmentChangedAt: none,
    },
  },
  // HiBob: People > table view > Export to CSV.
  hibob: {
    dateFormat: 'dmy',
    columns: {
      id: ['Employee ID'],
      workEmail: ['Email', 'Work email'],
      aliases: none,
      displayName: ['Display name'],
      firstName: ['First name'],
      lastName: ['Last name'],
      employmentType: ['Employment type', 'Employment contract'],
      department: ['Department'],
      manager: ['Reports to', 'Reports to email'],
      startDate: ['Start date'],
      endDate: ['Termination date'],
      status: ['Lifecycle status', 'Status'],
      departmentChangedAt: ['Work: Effective date'],
    },
  },
  // Any other system: a CSV with these headers, or a `columns:` mapping.
  generic: {
    dateFormat: 'iso',
    columns: {
      id: ['id', 'employee id'],
      workEmail: ['email', 'work email'],
      aliases: ['aliases'],
      displayName: ['name', 'display name'],
      firstName: ['first name'],
      lastName: ['last name'],
      employmentType: ['employment type', 'type'],
      department: ['department'],
      manager: ['manager'],
      startDate: ['start date'],
      endDate: ['end date'],
      status: ['status'],
      departmentChangedAt: ['department changed'],
    },
  },
}

export const hrRosterOptions = z.strictObject({
  type: z.literal('hr-roster'),
  ...csvSourceShape,
  /** The HR system whose export this is; `generic` reads plain headers or the `columns:` mapping. */
  profile: z.enum(Object.keys(rosterProfiles) as [string, ...string[]]).default('generic'),
  /** Header names for fields, overriding the profile's (e.g. `{ workEmail: "Company Email" }`). */
  columns: z.partialRecord(z.enum(rosterFields), z.string().min(1)).default({}),
})
export type HrRosterOptions = z.output<typeof hrRosterOptions>

/** Employment type from the roster's own word: contracts, interns and temps apart from employees. */
export function toEmploymentType(value: string | undefined): EmploymentType {
  if (value === undefined) return 'employee'
  const v = value.toLowerCase()
  if (/contract|freelanc|external|extern|contingent|consult|1099|vendor/.test(v)) return 'contractor'
  if (/\bintern(ship)?\b|werkstudent|student|trainee|apprentice|praktik/.test(v)) return 'intern'
  if (/temp|seasonal|befristet/.test(v)) return 'temporary'
  if (/full|part|employee|salar|hourly|regular|permanent|eor|direct|internal|festanstell|w-?2/.test(v))
    return 'employee'
  return 'other'
}

/** Roster status from the export's status word, else from the dates as of the export. */
export function toPersonStatus(
  value: string | undefined,
  dates: { startDate?: string; endDate?: string },
  asOf: string,
): PersonStatus {
  const day = asOf.slice(0, 10)
  // An end date in the past decides, whatever the status column still says.
  if (dates.endDate !== undefined && dates.endDate.slice(0, 10) < day) return 'terminated'
  if (value !== undefined) {
    const v = value.toLowerCase()
    if (/terminat|inactive|former|ended|offboard|separated|dismiss|austritt|deactivat/.test(v))
      return 'terminated'
    if (/leave|garden|sabbatical|karenz/.test(v)) return 'leave'
    if (/hired|pending|onboard|preboard|offer|not started|accepted|invited/.test(v)) return 'pending'
    if (/active|employed|aktiv|current/.test(v)) return 'active'
  }
  if (dates.startDate !== undefined && dates.startDate.slice(0, 10) > day) return 'pending'
  return 'active'
}

const looksLikeEmail = (v: string): boolean => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v)

/** Reads an HR roster export into `people.person` evidence, one row per person. */
export async function collectHrRoster(
  options: HrRosterOptions,
  context: SourceContext,
): Promise<FileCollection> {
  const read = await readInput(context.root, options.path, 'hr-roster')
  if (read === undefined) throw new Error(`${context.where}.path: no such file: ${options.path}`)
  const profile = rosterProfiles[options.profile] ?? rosterProfiles.generic
  if (profile === undefined) throw new Error(`${context.where}.profile: unknown profile`)
  // A `columns:` entry names the one header to read for that field.
  const columns = Object.fromEntries(
    rosterFields.map((f) => [
      f,
      options.columns[f] === undefined ? profile.columns[f] : [options.columns[f]],
    ]),
  ) as Record<RosterField, readonly string[]>
  const format = options.dateFormat ?? profile.dateFormat
  const asOf = observedAt(options.exportedAt, context, context.where)
  const file = read.shownAs
  const table = tableOrError(file, read.text, columns)
  if ('error' in table) return { evidence: [], errors: [table.error], inputs: [read.input] }
  const errors: CollectionError[] = [...table.errors]
  const evidence: Person[] = []
  for (const row of table.rows) {
    const problem = (field: RosterField, message: string) =>
      errors.push(rowError(file, row.line, table.headers[field], message))
    const email = row.cells.workEmail?.toLowerCase()
    if (email === undefined || !looksLikeEmail(email)) {
      problem(
        'workEmail',
        email === undefined
          ? 'no work email: row skipped'
          : `"${email.slice(0, 60)}" is not an email address: row skipped`,
      )
      continue
    }
    const dates: Partial<Record<'startDate' | 'endDate' | 'departmentChangedAt', string>> = {}
    let bad = false
    for (const field of ['startDate', 'endDate', 'departmentChangedAt'] as const) {
      const cell = row.cells[field]
      if (cell === undefined) continue
      try {
        dates[field] = parseDateCell(cell, format)
      } catch (error) {
        problem(field, `${(error as Error).message}: row skipped`)
        bad = true
      }
    }
    if (bad) continue
    const name =
      row.cells.displayName ??
      ([row.cells.firstName, row.cells.lastName].filter((p) => p !== undefined).join(' ') || undefined)
    const person: Person = {
      kind: 'people.person',
      resourceKind: 'Person',
      name: email,
      file,
      line: row.line,
      workEmail: email,
      aliases: splitList(row.cells.aliases).map((a) => a.toLowerCase()),
      employmentType: toEmploymentType(row.cells.employmentType),
      status: toPersonStatus(row.cells.status, dates, asOf),
      system: options.profile,
      observedAt: asOf,
    }
    if (row.cells.id !== undefined) person.id = row.cells.id
    if (name !== undefined) person.displayName = name
    if (row.cells.department !== undefined) person.department = row.cells.department
    if (row.cells.manager !== undefined) person.manager = row.cells.manager
    if (dates.startDate !== undefined) person.startDate = dates.startDate
    if (dates.endDate !== undefined) person.endDate = dates.endDate
    if (dates.departmentChangedAt !== undefined) person.departmentChangedAt = dates.departmentChangedAt
    evidence.push(person)
  }
  read.input.items = evidence.length
  return { evidence, errors, inputs: [read.input] }
}

/** The table, or the one error that makes the whole file unreadable (a missing column, broken CSV). */
export function tableOrError<F extends string>(
  file: string,
  text: string,
  columns: ColumnMap<F>,
  required: readonly F[] = ['workEmail' as F],
): ReturnType<typeof readTable<F>> | { error: CollectionError } {
  try {
    return readTable(file, text, columns, required)
  } catch (error) {
    const line = (error as { line?: number }).line
    const message = (error as Error).message
    return { error: line === undefined ? { file, message } : { file, line, message } }
  }
}
