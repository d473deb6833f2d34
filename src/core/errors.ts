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

/** Formats zod-style issue paths as `sources[2].path`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`
    else out += out === '' ? String(part) : `.${String(part)}`
  }
  return out
}
