import { z } from 'zod'

// Shared with the CLI (`users add --from/--to`), so defined once in core.
import type { auditPeriodSchema } from '../../core/audit-period.js'

export { auditPeriodSchema, isoCalendarDate as calendarDate } from '../../core/audit-period.js'

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
