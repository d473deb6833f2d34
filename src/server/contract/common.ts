import { z } from 'zod'

/** A calendar date `YYYY-MM-DD` that exists (no 2026-02-30). */
export const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`)
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value
  }, 'not a calendar date')

/** The period an auditor may read, inclusive; `from` on or before `to`. */
export const auditPeriodSchema = z
  .strictObject({ from: calendarDate, to: calendarDate })
  .refine((period) => period.from <= period.to, { message: 'from must be on or before to', path: ['to'] })
export type AuditPeriod = z.output<typeof auditPeriodSchema>

/** A positive integer id in a path (`/api/users/:id`), as the URL carries it: a string of digits. */
export const idParams = z.strictObject({
  id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
})

/** `run`: an assessment run id; the latest (within the auditor's period) when absent. */
export const runQuery = z.object({
  // `?run=` (empty) means the default run, as leaving it out does.
  run: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().positive().optional()),
})

/** A comma-separated query value as a list (empty parts dropped); undefined when absent or empty. */
export function commaList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined
  const list = value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)
  return list.length === 0 ? undefined : list
}

/** A comma-separated list whose every value is one of `values` (`status=fail,no-evidence`). */
export function commaEnum(values: readonly string[]) {
  return z
    .string()
    .max(1000)
    .refine(
      (text) => (commaList(text) ?? []).every((v) => values.includes(v)),
      `each comma-separated value must be one of ${values.join(', ')}`,
    )
    .optional()
}

/** `{ items: [...] }`: how every list answers (pages add a cursor). */
export const listOf = <Item extends z.ZodType>(item: Item) => z.object({ items: z.array(item) })
