import { z } from 'zod'

/**
 * A calendar date written YYYY-MM-DD, as every date in trustctl.yaml is. A YAML parser may hand over
 * a Date; both are accepted. `Date.parse` rolls 2026-02-30 over into March, so a real date must
 * survive the round trip unchanged.
 */
export const calendarDate = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
    .refine((s) => {
      const parsed = new Date(`${s}T00:00:00Z`)
      return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === s
    }, 'is not a real calendar date'),
)
