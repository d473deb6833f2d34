import { TrustctlError, ValidationError, type ValidationIssue } from '../core/errors.js'

import type { Problem } from './contract/problem.js'

/** An RFC 9457 problem detail, as every error of the API is answered (its schema is in the contract). */
export type { Problem }

export const problemContentType = 'application/problem+json; charset=utf-8'

/** HTTP status and title of each TrustctlError code; unknown codes are a server fault. */
const statusByCode: Record<string, { status: number; title: string }> = {
  validation: { status: 400, title: 'Invalid request' },
  config: { status: 400, title: 'Invalid request' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Forbidden' },
  'person-required': { status: 403, title: 'Only a signed-in person may do this' },
  csrf: { status: 403, title: 'CSRF check failed' },
  'not-found': { status: 404, title: 'Not found' },
  misdirected: { status: 421, title: 'Misdirected request' },
  conflict: { status: 409, title: 'Conflict' },
  'too-large': { status: 413, title: 'Payload too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'too-deep': { status: 422, title: 'Unprocessable content' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  store: { status: 500, title: 'Store error' },
}

export function problemType(code: string): string {
  return `https://trustctl.dev/problems/${code}`
}

/** A problem body for a status and code, with the request path as its instance. */
export function problem(
  code: string,
  detail: string,
  instance: string,
  errors?: readonly ValidationIssue[],
): Problem {
  const known = statusByCode[code] ?? { status: 500, title: 'Internal error' }
  return {
    type: problemType(code),
    title: known.title,
    status: known.status,
    detail,
    instance,
    code,
    ...(errors === undefined ? {} : { errors: [...errors] }),
  }
}

/** Fastify's own errors (body parsing, size, content type) carry a status and a FST_ code. */
interface HttpLikeError {
  statusCode?: number
  code?: string
  message?: string
}

function fastifyCode(error: HttpLikeError): string | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'too-large'
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported-media-type'
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'validation'
    default:
      break
  }
  if (error.statusCode === 413) return 'too-large'
  if (error.statusCode === 429) return 'rate-limited'
  if (error.statusCode === 415) return 'unsupported-media-type'
  // A client error fastify raised itself (malformed JSON and the like).
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return 'validation'
  return undefined
}

/**
 * Maps any thrown value to a problem. TrustctlErrors keep their message (they are written for the
 * user); anything else is an internal error whose detail never leaks (stack traces, SQL, paths).
 */
export function problemFromError(error: unknown, instance: string): Problem {
  if (error instanceof ValidationError) return problem('validation', error.message, instance, error.issues)
  if (error instanceof TrustctlError) return problem(error.code, error.message, instance)
  if (typeof error === 'object' && error !== null) {
    const httpError = error as HttpLikeError
    const code = fastifyCode(httpError)
    if (code !== undefined) return problem(code, publicMessage(code, httpError.message), instance)
  }
  return problem('internal', 'the server could not complete the request', instance)
}

function publicMessage(code: string, message: string | undefined): string {
  if (code === 'too-large') return 'the request body is larger than this route accepts'
  if (code === 'rate-limited') return 'too many requests; try again later'
  return message ?? code
}
