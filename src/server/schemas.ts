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

/** A positive integer id in a path (`/api/users/:id`), as the URL carries it: a string of digits. */
export const idParams = z.strictObject({
  id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
})
