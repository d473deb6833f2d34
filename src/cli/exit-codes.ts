import { TrustctlError } from '../core/errors.js'

/** Exit codes, documented in the README; CI gates depend on them, so they never change meaning. */
export const exitCode = {
  clean: 0,
  /** Failures at or above the --fail-on severity. */
  failures: 1,
  /** Usage, configuration or catalog error: nothing was assessed. */
  usage: 2,
  /** Partial: the assessment ran, but some inputs could not be read. */
  partial: 3,
  /** The store could not be read or written, or trustctl itself failed. */
  internal: 4,
} as const

/** Maps any error to an exit code and a message for stderr: the only place errors are presented. */
export function presentError(error: unknown): { code: number; text: string } {
  if (error instanceof TrustctlError) {
    const code = error.code === 'store' ? exitCode.internal : exitCode.usage
    return {
      code,
      text: `trustctl: ${error.message}${error.hint === undefined ? '' : `\nhint: ${error.hint}`}`,
    }
  }
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error)
  return { code: exitCode.internal, text: `trustctl: internal error: ${text}` }
}
