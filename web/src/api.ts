import type { Labels, Me, Problem, SessionResponse } from '../../src/server/contract/types'
import { installLabels } from './labels'

/** What an error answer tells: the server's problem+json, or what a proxy's error page lets us know. */
export type ProblemDetail = Partial<Problem>

/** A failed API call, carrying the problem+json the server sent (its `detail` is what people read). */
export class ApiError extends Error {
  readonly status: number
  readonly problem: ProblemDetail

  constructor(status: number, problem: ProblemDetail) {
    super(problem.detail ?? problem.title ?? `Request failed (${status})`)
    this.name = 'ApiError'
    this.status = status
    this.problem = problem
  }
}

// The CSRF token lives in memory only: never in storage a script from elsewhere could read later.
let csrfToken: string | undefined
let onUnauthenticated: () => void = () => {}

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token
}

/** What to do when the server answers 401 (the session ended): the app goes back to the login page. */
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

async function problemOf(response: Response): Promise<ProblemDetail> {
  try {
    const body: unknown = await response.json()
    if (typeof body === 'object' && body !== null) return body as ProblemDetail
  } catch {
    // Not JSON (a proxy error page, say): fall back to the status text.
  }
  return { status: response.status, title: response.statusText || `HTTP ${response.status}` }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  body?: unknown
  /** Login itself answers 401 for bad credentials: that is an error to show, not a reason to redirect. */
  redirectOn401?: boolean
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET'
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (options.body !== undefined) headers['Content-Type'] = 'application/json'
  if (unsafeMethods.has(method) && csrfToken !== undefined) headers['X-CSRF-Token'] = csrfToken
  const init: RequestInit = { method, headers, credentials: 'same-origin' }
  if (options.body !== undefined) init.body = JSON.stringify(options.body)
  const response = await fetch(path, init)
  if (!response.ok) {
    const problem = await problemOf(response)
    if (response.status === 401 && options.redirectOn401 !== false) onUnauthenticated()
    throw new ApiError(response.status, problem)
  }
  if (response.status === 204) return undefined as T
  const type = response.headers.get('content-type') ?? ''
  if (!type.includes('json')) return undefined as T
  return (await response.json()) as T
}

/** Builds `path?a=1&b=2`, leaving out empty values. */
export function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value))
  }
  const text = params.toString()
  return text === '' ? path : `${path}?${text}`
}

export async function signIn(email: string, password: string): Promise<SessionResponse> {
  const session = await request<SessionResponse>('/api/session', {
    method: 'POST',
    body: { email, password },
    redirectOn401: false,
  })
  setCsrfToken(session.csrfToken)
  return session
}

export async function loadMe(): Promise<Me> {
  const me = await request<Me>('/api/me', { redirectOn401: false })
  if (me.csrfToken !== undefined) setCsrfToken(me.csrfToken)
  return me
}

/** The reports' words for every status (GET /api/labels), installed before the dashboard renders. */
export async function loadLabels(): Promise<void> {
  installLabels(await request<Labels>('/api/labels', { redirectOn401: false }))
}

export async function signOut(): Promise<void> {
  try {
    await request<void>('/api/session', { method: 'DELETE', redirectOn401: false })
  } finally {
    setCsrfToken(undefined)
  }
}

/** The message to show for any failure: the server's problem detail when there is one. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = error.problem.errors?.map((e) => `${e.path}: ${e.message}`) ?? []
    return [error.message, ...fields].join(' — ')
  }
  if (error instanceof Error) return error.message
  return String(error)
}
