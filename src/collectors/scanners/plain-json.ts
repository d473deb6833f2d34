/**
 * Small type tests for the fast path of an importer: a report's items are checked by hand, and only
 * when one fails is the whole report run through its zod schema (which then names the bad field).
 * Each test accepts no more than the zod type it stands for: `text` is `z.string().nullish()`,
 * `num` is `z.number().nullish()`, `record` is what `z.object` and `z.record` take (an object, not
 * an array). Measured on a 10k-result SARIF report, zod's per-item objects were 30% of the import.
 */
export const absent = (v: unknown): v is null | undefined => v === undefined || v === null
export const text = (v: unknown): boolean => absent(v) || typeof v === 'string'
export const num = (v: unknown): boolean => absent(v) || (typeof v === 'number' && Number.isFinite(v))
export const record = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
/** Absent, or a record passing `test`. */
export const optionalRecord = (v: unknown, test: (r: Record<string, unknown>) => boolean): boolean =>
  absent(v) || (record(v) && test(v))
/** Absent, or an array whose every item passes `test`. */
export const optionalArray = (v: unknown, test: (item: unknown) => boolean): boolean =>
  absent(v) || (Array.isArray(v) && v.every(test))
