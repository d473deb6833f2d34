import picomatch from 'picomatch'
import type { SecretAllowance } from '../../core/evidence-secrets.js'

/** One `allow:` entry as trustctl.yaml validated it: plain data, so it can travel to a worker thread. */
export type AllowEntry =
  | { path: string; reason?: string | undefined }
  | { fingerprint: string; reason?: string | undefined }
  | { pattern: string; reason?: string | undefined }

export interface Allowance {
  check(file: string, value: string, fingerprint: string): SecretAllowance | undefined
}

/** Compiles a source's `allow:` list; a bad pattern is an error naming `<where>.allow[i].pattern`. */
export function compileAllowList(entries: readonly AllowEntry[], where: string): Allowance {
  const tests = entries.map((entry, i) => {
    const reason = entry.reason === undefined ? {} : { reason: entry.reason }
    if ('path' in entry) {
      const matches = picomatch(entry.path, { dot: true })
      return (file: string): SecretAllowance | undefined =>
        matches(file) ? { by: 'path', entry: entry.path, ...reason } : undefined
    }
    if ('fingerprint' in entry) {
      return (_file: string, _value: string, fingerprint: string): SecretAllowance | undefined =>
        fingerprint === entry.fingerprint
          ? { by: 'fingerprint', entry: entry.fingerprint, ...reason }
          : undefined
    }
    let pattern: RegExp
    try {
      pattern = new RegExp(entry.pattern)
    } catch (error) {
      throw new Error(
        `${where}.allow[${i}].pattern: ${error instanceof Error ? error.message : String(error)}`,
      )
    }
    return (_file: string, value: string): SecretAllowance | undefined =>
      pattern.test(value) ? { by: 'pattern', entry: entry.pattern, ...reason } : undefined
  })
  return {
    check: (file, value, fingerprint) => {
      for (const test of tests) {
        const allowed = test(file, value, fingerprint)
        if (allowed !== undefined) return allowed
      }
      return undefined
    },
  }
}
