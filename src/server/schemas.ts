// The shared request schemas are part of the API contract; the CLI's `users` command reads the audit
// period schema from here.
export { auditPeriodSchema, calendarDate, idParams } from './contract/common.js'
