import { evidenceKinds } from './evidence.js'

/**
 * The evidence kinds a collector token may push, as glob patterns over kind names (`k8s.*`,
 * `aws.s3-bucket`, `*`): `*` stands for any run of characters, nothing else is special. A token
 * without patterns may push every kind (the default for collector tokens).
 */

/** What a pattern may be made of: the characters of kind names, and `*`. */
const patternShape = /^[a-z0-9*][a-z0-9.*-]*$/

/** A pattern as a regular expression anchored at both ends (only `*` is a wildcard). */
function patternRegex(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.-]/g, (c) => `\\${c}`))
    .join('.*')
  return new RegExp(`^${body}$`)
}

/** True when `kind` matches at least one of `patterns`. */
export function kindAllowed(kind: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => patternRegex(pattern).test(kind))
}

/** The kinds (sorted, each once) that no pattern allows; empty when `patterns` is undefined (all kinds). */
export function kindsOutside(kinds: readonly string[], patterns: readonly string[] | undefined): string[] {
  if (patterns === undefined) return []
  return [...new Set(kinds.filter((kind) => !kindAllowed(kind, patterns)))].sort()
}

/**
 * Why a list of patterns cannot be used, one message per bad pattern: a character a kind never has,
 * or a pattern no evidence kind matches (a typo that would otherwise refuse every push silently).
 */
export function kindPatternProblems(patterns: readonly string[]): string[] {
  if (patterns.length === 0)
    return ['no pattern: name at least one kind, or leave the list out for all kinds']
  return patterns.flatMap((pattern) => {
    if (!patternShape.test(pattern))
      return [`'${pattern}': a pattern holds lower-case letters, digits, '.', '-' and '*' only`]
    if (!evidenceKinds.some((kind) => kindAllowed(kind, [pattern])))
      return [`'${pattern}': matches no evidence kind (e.g. k8s.workload, aws.s3-bucket)`]
    return []
  })
}

/** A comma-separated list of patterns (`k8s.*, aws.*`) as a list, blanks dropped. */
export function parseKindPatterns(list: string): string[] {
  return list
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
}
