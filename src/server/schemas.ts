import { z } from 'zod'

// Shared with the CLI (`users add --from/--to`), so defined once in core.
export { auditPeriodSchema, isoCalendarDate as calendarDate } from '../core/audit-period.js'

/** A positive integer id in a path (`/api/users/:id`), as the URL carries it: a string of digits. */
export const idParams = z.strictObject({
  id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
})
