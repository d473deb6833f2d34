import { z } from 'zod'

/**
 * The part of an admission.k8s.io/v1 AdmissionReview the webhook reads. Parsed once at the boundary:
 * past this point the review is trusted. Fields the API server adds that we do not use are kept out.
 */
export const admissionReviewSchema = z.object({
  apiVersion: z.literal('admission.k8s.io/v1', {
    error: 'must be admission.k8s.io/v1 (set admissionReviewVersions: ["v1"] in the webhook configuration)',
  }),
  kind: z.literal('AdmissionReview', { error: 'must be AdmissionReview' }),
  request: z.object({
    uid: z.string().min(1, 'is empty'),
    kind: z.object({ group: z.string(), version: z.string(), kind: z.string().min(1) }),
    operation: z.enum(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']),
    name: z.string().optional(),
    namespace: z.string().optional(),
    userInfo: z
      .object({
        username: z.string().optional(),
        groups: z.array(z.string()).optional(),
      })
      .optional(),
    object: z.unknown().optional(),
    dryRun: z.boolean().optional(),
  }),
})
export type AdmissionReview = z.infer<typeof admissionReviewSchema>
export type AdmissionRequest = AdmissionReview['request']

/** The response half of an AdmissionReview, as the API server reads it. */
export interface AdmissionResponse {
  uid: string
  allowed: boolean
  status?: { code: number; message: string }
  warnings?: string[]
}

/** A review the webhook could not read: the HTTP status and what was wrong, for the caller to fix. */
export interface ReviewProblem {
  httpStatus: number
  message: string
}

/**
 * Reads a request body as an AdmissionReview, or says what is wrong with it (the path of the first
 * bad field). Never throws: a malformed review is an answer, not a crash.
 */
export function readAdmissionReview(body: string): { review: AdmissionReview } | { problem: ReviewProblem } {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return { problem: { httpStatus: 400, message: `the body is not JSON: ${reason}` } }
  }
  const result = admissionReviewSchema.safeParse(parsed)
  if (result.success) return { review: result.data }
  const issue = result.error.issues[0]
  const where = issue === undefined || issue.path.length === 0 ? '(top level)' : issue.path.join('.')
  return {
    problem: {
      httpStatus: 400,
      message: `not an AdmissionReview: ${where}: ${issue?.message ?? 'invalid'}`,
    },
  }
}

/** The AdmissionReview the API server expects back, echoing the request's uid. */
export function reviewResponse(response: AdmissionResponse): {
  apiVersion: 'admission.k8s.io/v1'
  kind: 'AdmissionReview'
  response: AdmissionResponse
} {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }
}
