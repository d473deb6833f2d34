import { z } from 'zod'
import type { CollectionError, EvidenceItem } from '../../core/evidence.js'
import type { BackgroundCheck, PolicyAcceptance, TrainingRecord } from '../../core/evidence-people.js'
import type { FileCollection, SourceContext } from '../source-collector.js'
import { tableOrError } from './hr-roster.js'
import {
  type ColumnMap,
  csvSourceShape,
  type DateFormat,
  observedAt,
  parseDateCell,
  readInput,
  rowError,
  type TableRow,
} from './read-input.js'

/**
 * Per-person records from CSV exports: security training (KnowBe4-style), background checks
 * (Checkr-style) and policy acceptance. Each is one table with a column mapping per provider; only
 * the mapped columns are read, so a background-check export's findings, dates of birth or ids never
 * reach evidence.
 */

interface RecordSpec<F extends string, E extends EvidenceItem> {
  type: string
  fields: readonly F[]
  required: readonly F[]
  /** Date fields: parsed, and a row whose date is unreadable is skipped with the column named. */
  dateFields: readonly F[]
  profiles: Readonly<Record<string, { columns: ColumnMap<F>; dateFormat: DateFormat }>>
  toEvidence(
    cells: Partial<Record<F, string>>,
    at: { file: string; line: number; system: string; observedAt: string },
  ): E | string
}

function recordOptions<T extends string, F extends string>(
  type: T,
  fields: readonly F[],
  profiles: readonly string[],
) {
  return z.strictObject({
    type: z.literal(type),
    ...csvSourceShape,
    profile: z.enum(profiles as [string, ...string[]]).default('generic'),
    columns: z.partialRecord(z.enum(fields as [F, ...F[]]), z.string().min(1)).default({}),
  })
}

type RecordOptions = {
  path: string
  dateFormat?: DateFormat | undefined
  exportedAt?: string | undefined
  profile: string
  columns: Partial<Record<string, string>>
}

async function collectRecords<F extends string, E extends EvidenceItem>(
  spec: RecordSpec<F, E>,
  options: RecordOptions,
  context: SourceContext,
): Promise<FileCollection> {
  const read = await readInput(context.root, options.path, spec.type)
  if (read === undefined) throw new Error(`${context.where}.path: no such file: ${options.path}`)
  const profile = spec.profiles[options.profile] ?? spec.profiles.generic
  if (profile === undefined) throw new Error(`${context.where}.profile: unknown profile`)
  const columns = Object.fromEntries(
    spec.fields.map((f) => {
      const named = options.columns[f]
      return [f, named === undefined ? profile.columns[f] : [named]]
    }),
  ) as Record<F, readonly string[]>
  const format = options.dateFormat ?? profile.dateFormat
  const asOf = observedAt(options.exportedAt, context, context.where)
  const file = read.shownAs
  const table = tableOrError(file, read.text, columns, spec.required)
  if ('error' in table) return { evidence: [], errors: [table.error], inputs: [read.input] }
  const errors: CollectionError[] = [...table.errors]
  const evidence: EvidenceItem[] = []
  for (const row of table.rows) {
    const parsed = parseRow(spec, row, format)
    if ('field' in parsed) {
      errors.push(rowError(file, row.line, table.headers[parsed.field], `${parsed.message}: row skipped`))
      continue
    }
    const item = spec.toEvidence(parsed.cells, {
      file,
      line: row.line,
      system: options.profile,
      observedAt: asOf,
    })
    if (typeof item === 'string') errors.push(rowError(file, row.line, undefined, `${item}: row skipped`))
    else evidence.push(item)
  }
  read.input.items = evidence.length
  return { evidence, errors, inputs: [read.input] }
}

function parseRow<F extends string, E extends EvidenceItem>(
  spec: RecordSpec<F, E>,
  row: TableRow<F>,
  format: DateFormat,
): { cells: Partial<Record<F, string>> } | { field: F; message: string } {
  for (const field of spec.required)
    if (row.cells[field] === undefined) return { field, message: `no ${field}` }
  const cells = { ...row.cells }
  for (const field of spec.dateFields) {
    const cell = cells[field]
    if (cell === undefined) continue
    try {
      cells[field] = parseDateCell(cell, format)
    } catch (error) {
      return { field, message: (error as Error).message }
    }
  }
  const email = cells['email' as F]
  if (email !== undefined) {
    if (!/^[^@\s]+@[^@\s]+$/.test(email))
      return { field: 'email' as F, message: `"${email.slice(0, 60)}" is not an email address` }
    cells['email' as F] = email.toLowerCase()
  }
  return { cells }
}

const trainingFields = ['email', 'course', 'status', 'completedAt', 'assignedAt'] as const
type TrainingField = (typeof trainingFields)[number]

/** Status words that mean the course is done. */
const completedWords = /^(passed|completed?|complete|finished|done|abgeschlossen)$/i

export const trainingSpec: RecordSpec<TrainingField, TrainingRecord> = {
  type: 'training',
  fields: trainingFields,
  required: ['email', 'course'],
  dateFields: ['completedAt', 'assignedAt'],
  profiles: {
    // KnowBe4: Training > campaign > Users tab, "Export to CSV".
    knowbe4: {
      dateFormat: 'iso',
      columns: {
        email: ['Email', 'Email Address'],
        course: ['Content', 'Module', 'Campaign Name', 'Campaign'],
        status: ['Status', 'Enrollment Status'],
        completedAt: ['Completion Date', 'Completed Date'],
        assignedAt: ['Enrollment Date', 'Start Date'],
      },
    },
    generic: {
      dateFormat: 'iso',
      columns: {
        email: ['email'],
        course: ['course', 'module'],
        status: ['status'],
        completedAt: ['completed at', 'completion date', 'completed'],
        assignedAt: ['assigned at', 'enrollment date'],
      },
    },
  },
  toEvidence(cells, at) {
    const email = cells.email ?? ''
    const course = cells.course ?? ''
    const completed = cells.completedAt !== undefined || completedWords.test(cells.status ?? '')
    const record: TrainingRecord = {
      kind: 'people.training',
      resourceKind: 'TrainingRecord',
      name: `${email} ${course}`,
      file: at.file,
      line: at.line,
      email,
      course,
      completed,
      system: at.system,
      observedAt: at.observedAt,
    }
    if (cells.status !== undefined) record.status = cells.status
    if (cells.completedAt !== undefined) record.completedAt = cells.completedAt
    if (cells.assignedAt !== undefined) record.assignedAt = cells.assignedAt
    return record
  },
}

const backgroundFields = ['email', 'status', 'result', 'completedAt'] as const
type BackgroundField = (typeof backgroundFields)[number]

/** The outcome from the provider's status and result words: only `clear` (or an engaged candidate) clears. */
export function backgroundOutcome(status: string, result: string | undefined): BackgroundCheck['outcome'] {
  const words = [status, result ?? ''].map((w) => w.toLowerCase())
  if (words.some((w) => /pending|in[ _]progress|processing|awaiting|invited/.test(w))) return 'pending'
  if (words.some((w) => /^(clear|cleared|engaged|passed|eligible)$/.test(w))) return 'cleared'
  return 'other'
}

export const backgroundCheckSpec: RecordSpec<BackgroundField, BackgroundCheck> = {
  type: 'background-checks',
  fields: backgroundFields,
  required: ['email', 'status'],
  dateFields: ['completedAt'],
  profiles: {
    // Checkr: Candidates > Export (CSV) of reports; results are read as a status word, nothing more.
    checkr: {
      dateFormat: 'iso',
      columns: {
        email: ['Candidate Email', 'Email'],
        status: ['Report Status', 'Status'],
        result: ['Report Result', 'Result', 'Adjudication'],
        completedAt: ['Report Completed At', 'Completed At', 'Completion Date'],
      },
    },
    generic: {
      dateFormat: 'iso',
      columns: {
        email: ['email'],
        status: ['status'],
        result: ['result'],
        completedAt: ['completed at', 'completion date', 'completed'],
      },
    },
  },
  toEvidence(cells, at) {
    const email = cells.email ?? ''
    const status = [cells.status, cells.result].filter((w) => w !== undefined).join(' / ')
    const check: BackgroundCheck = {
      kind: 'people.background-check',
      resourceKind: 'BackgroundCheck',
      name: email,
      file: at.file,
      line: at.line,
      email,
      status,
      outcome: backgroundOutcome(cells.status ?? '', cells.result),
      system: at.system,
      observedAt: at.observedAt,
    }
    if (cells.completedAt !== undefined) check.completedAt = cells.completedAt
    return check
  },
}

const policyFields = ['email', 'policy', 'version', 'acceptedAt'] as const
type PolicyField = (typeof policyFields)[number]

export const policyAcceptanceSpec: RecordSpec<PolicyField, PolicyAcceptance> = {
  type: 'policy-acceptance',
  fields: policyFields,
  required: ['email', 'policy', 'version', 'acceptedAt'],
  dateFields: ['acceptedAt'],
  profiles: {
    generic: {
      dateFormat: 'iso',
      columns: {
        email: ['email', 'user email', 'employee email'],
        policy: ['policy', 'policy name', 'document'],
        version: ['version', 'policy version'],
        acceptedAt: ['accepted at', 'acknowledged at', 'signed at', 'acceptance date'],
      },
    },
  },
  toEvidence(cells, at) {
    const email = cells.email ?? ''
    const policy = cells.policy ?? ''
    const version = cells.version ?? ''
    return {
      kind: 'people.policy-acceptance',
      resourceKind: 'PolicyAcceptance',
      name: `${email} ${policy} ${version}`,
      file: at.file,
      line: at.line,
      email,
      policy,
      version,
      acceptedAt: cells.acceptedAt ?? '',
      system: at.system,
      observedAt: at.observedAt,
    }
  },
}

export const trainingOptions = recordOptions('training', trainingFields, Object.keys(trainingSpec.profiles))
export const backgroundCheckOptions = recordOptions(
  'background-checks',
  backgroundFields,
  Object.keys(backgroundCheckSpec.profiles),
)
export const policyAcceptanceOptions = recordOptions(
  'policy-acceptance',
  policyFields,
  Object.keys(policyAcceptanceSpec.profiles),
)

export const collectTraining = (options: z.output<typeof trainingOptions>, context: SourceContext) =>
  collectRecords(trainingSpec, options, context)
export const collectBackgroundChecks = (
  options: z.output<typeof backgroundCheckOptions>,
  context: SourceContext,
) => collectRecords(backgroundCheckSpec, options, context)
export const collectPolicyAcceptance = (
  options: z.output<typeof policyAcceptanceOptions>,
  context: SourceContext,
) => collectRecords(policyAcceptanceSpec, options, context)
