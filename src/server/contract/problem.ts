import { z } from 'zod'

/** Every error answer: an RFC 9457 problem detail (application/problem+json). */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string(),
  /** A stable code (`validation`, `not-found`, …) a client may branch on. */
  code: z.string(),
  /** For a 400: each field that failed, by path (`body.dueDate`). */
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
})
export type Problem = z.output<typeof problemSchema>
