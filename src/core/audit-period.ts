import { z } from 'zod'

/**
 * A calendar date `YYYY-MM-DD` that exists (no 2026-02-30), as an API body or a command-line flag
 * carries it: a string only (trustctl.yaml's dates, which YAML may hand over as a Date, are
 * calendar-date.ts).
 */
export const isoCalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`)
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value
  }, 'not a calendar date')

/** The period an auditor may read, inclusive; `from` on or before `to` (the API and `users add`). */
export const auditPeriodSchema = z
  .strictObject({ from: isoCalendarDate, to: isoCalendarDate })
  .refine((period) => period.from <= period.to, { message: 'from must be on or before to', path: ['to'] })
