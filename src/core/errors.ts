/**
 * The one error hierarchy. Every error trustctl raises on purpose is a TrustctlError with a stable
 * `code`; the CLI maps codes to exit codes in one place and the server to problem+json.
 */
export class TrustctlError extends Error {
  readonly code: string
  readonly hint: string | undefined

  constructor(code: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = code
    this.hint = options.hint
  }
}

/** A problem in trustctl.yaml or a command-line flag: the user must fix it before anything runs. */
export class ConfigError extends TrustctlError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('config', message, options)
  }
}

/** A catalog file (criteria, controls) that does not match its schema. */
export class CatalogError extends TrustctlError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('catalog', message, options)
  }
}

/** A check definition that breaks the rules (bad id, unknown evidence kind, missing cases). */
export class CheckDefinitionError extends TrustctlError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('check-definition', message, options)
  }
}

/** Something asked for does not exist: a criterion, control or check id, or a stored run. */
export class NotFoundError extends TrustctlError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('not-found', message, options)
  }
}

/** The store could not be opened, read or written. */
export class StoreError extends TrustctlError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('store', message, options)
  }
}

/** A request without valid credentials (no session, an expired session, a revoked token, bad password). */
export class AuthenticationError extends TrustctlError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('unauthenticated', message, options)
  }
}

/** A known actor asking for something their role does not allow. */
export class PermissionError extends TrustctlError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('forbidden', message, options)
  }
}

/**
 * A request only a person may make for themself (accepting a policy) made by an API token: the role
 * allows it, the kind of caller does not, so it is told apart from a role's refusal.
 */
export class PersonRequiredError extends TrustctlError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('person-required', message, options)
  }
}

/** An unsafe request made with a session cookie but without the session's CSRF token or from another origin. */
export class CsrfError extends TrustctlError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('csrf', message, options)
  }
}

/** One issue of a rejected input: where (`body.email`) and what is wrong. */
export interface ValidationIssue {
  path: string
  message: string
}

/** Input (an API body, query or path parameter) that does not match its schema. */
export class ValidationError extends TrustctlError {
  readonly issues: readonly ValidationIssue[]

  constructor(
    message: string,
    issues: readonly ValidationIssue[] = [],
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super('validation', message, options)
    this.issues = issues
  }
}

/**
 * The server answered with a body its API contract does not declare: a fault of the server, never of
 * the caller. Raised where responses are checked (tests, TRUSTCTL_CHECK_RESPONSES=1) so a handler that
 * drifts from the contract fails a test instead of surprising the dashboard.
 */
export class ResponseContractError extends TrustctlError {
  readonly issues: readonly ValidationIssue[]

  constructor(message: string, issues: readonly ValidationIssue[] = []) {
    super('response-contract', message)
    this.issues = issues
  }
}

/** A write that clashes with what exists (an email already taken, a job of that kind already running). */
export class ConflictError extends TrustctlError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('conflict', message, options)
  }
}

/** A request body larger than the route accepts. */
export class PayloadTooLargeError extends TrustctlError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('too-large', message, options)
  }
}

/** Too many requests from one client in a window. */
export class RateLimitError extends TrustctlError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('rate-limited', message, options)
  }
}

/**
 * Well-formed input whose content fails an integrity check: a body that does not match its
 * Content-Digest, an item that does not hash to the hash it was sent with (HTTP 422).
 */
export class IntegrityError extends TrustctlError {
  readonly issues: readonly ValidationIssue[]

  constructor(
    message: string,
    issues: readonly ValidationIssue[] = [],
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super('integrity', message, options)
    this.issues = issues
  }
}

/** Formats zod-style issue paths as `sources[2].path`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`
    else out += out === '' ? String(part) : `.${String(part)}`
  }
  return out
}

/**
 * JSON nested deeper than trustctl accepts (core/json-depth.ts maxJsonDepth): refused before any
 * recursive walk could exhaust the stack (HTTP 422 on the server).
 */
export class JsonDepthError extends TrustctlError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('too-deep', message, options)
  }
}
