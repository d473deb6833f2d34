/**
 * Static evaluation of Terraform expressions as @cdktf/hcl2json leaves them: literals stay JSON, and
 * every expression is a string template (`"${aws_s3_bucket.logs.id}"`, `"acme-${local.env}"`). What
 * can be known without running Terraform is computed (literals, variables, locals, attributes written
 * on other resources, a few pure functions); the rest becomes `unknown`, never a guess.
 */

/** Marks a value that is not known statically. */
export const unknown: unique symbol = Symbol('unknown')

/** A resource (or resource instance) used as a value: `for_each = aws_s3_bucket.b`, `each.value`. */
export class ResourceValue {
  constructor(
    readonly target: string,
    readonly key?: string | number | 'same',
  ) {}
}

/** A single `${...}` or literal part of a template string. */
type TemplatePart = { literal: string } | { expression: string }

/** Splits `a-${b}-c` into parts; `$${` is a literal `${`. Undefined for `%{` directives. */
export function splitTemplate(text: string): TemplatePart[] | undefined {
  const parts: TemplatePart[] = []
  let literal = ''
  let i = 0
  while (i < text.length) {
    if (text.startsWith('$${', i) || text.startsWith('%%{', i)) {
      literal += text.slice(i + 1, i + 3)
      i += 3
      continue
    }
    if (text.startsWith('%{', i)) return undefined
    if (text.startsWith('${', i)) {
      const end = matchingBrace(text, i + 1)
      if (end < 0) return undefined
      if (literal !== '') parts.push({ literal })
      literal = ''
      parts.push({ expression: text.slice(i + 2, end).trim() })
      i = end + 1
      continue
    }
    literal += text[i]
    i++
  }
  if (literal !== '' || parts.length === 0) parts.push({ literal })
  return parts
}

/** Index of the `}` closing the `{` at `open`, skipping quoted strings and nested braces. */
function matchingBrace(text: string, open: number): number {
  let depth = 0
  let quoted = false
  for (let i = open; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '\\') i++
      else if (ch === '"') quoted = false
      continue
    }
    if (ch === '"') quoted = true
    else if (ch === '{') depth++
    else if (ch === '}') {
      depth--
      if (depth === 0) return i
    }
  }
  return -1
}

/** One step of a traversal: `.name` or `[index]` (the index as written). */
export type Step = { attr: string } | { index: string }

const traversalPattern = /^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\.\d+|\[[^[\]]*\])*$/

/** Parses `aws_s3_bucket.b["x"].id` into its root name and steps; undefined when not a traversal. */
export function parseTraversal(expression: string): { root: string; steps: Step[] } | undefined {
  if (!traversalPattern.test(expression)) return undefined
  const root = /^[A-Za-z_][\w-]*/.exec(expression)?.[0] ?? ''
  const steps: Step[] = []
  const re = /\.([A-Za-z_][\w-]*|\d+)|\[([^[\]]*)\]/g
  re.lastIndex = root.length
  for (let m = re.exec(expression); m !== null; m = re.exec(expression)) {
    if (m[1] !== undefined) steps.push(/^\d+$/.test(m[1]) ? { index: m[1] } : { attr: m[1] })
    else steps.push({ index: (m[2] ?? '').trim() })
  }
  return { root, steps }
}

/** Every traversal-looking name in an expression (for the references of what cannot be evaluated). */
export function traversalsIn(expression: string): string[] {
  const withoutStrings = expression.replace(/"(?:[^"\\$]|\\.|\$(?!\{))*"/g, '""')
  return [
    ...withoutStrings.matchAll(
      /(?<![\w.])[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[(?:\d+|"[^"]*"|[a-z]+\.[a-z]+)\])+/g,
    ),
  ].map((m) => m[0])
}

/** A literal written inside `${…}`: number, bool, null or a plain quoted string. */
export function literalOf(expression: string): { value: unknown } | undefined {
  if (/^-?\d+(\.\d+)?$/.test(expression)) return { value: Number(expression) }
  if (expression === 'true' || expression === 'false') return { value: expression === 'true' }
  if (expression === 'null') return { value: null }
  if (/^"(?:[^"\\$]|\\.|\$(?!\{))*"$/.test(expression)) return { value: JSON.parse(expression) as string }
  return undefined
}

/** Splits `fn(a, b)` into the function name and its argument text; undefined otherwise. */
export function functionCall(expression: string): { name: string; args: string } | undefined {
  const m = /^([a-z][a-z0-9_]*)\(([\s\S]*)\)$/.exec(expression)
  if (m === null || m[1] === undefined || m[2] === undefined) return undefined
  // `f(a)(b)` or `f(a) + g(b)`: the first call must close at the very end.
  let depth = 0
  let quoted = false
  const body = m[2]
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]
    if (quoted) {
      if (ch === '\\') i++
      else if (ch === '"') quoted = false
      continue
    }
    if (ch === '"') quoted = true
    else if (ch === '(' || ch === '[' || ch === '{') depth++
    else if (ch === ')' || ch === ']' || ch === '}') {
      depth--
      if (depth < 0) return undefined
    }
  }
  return depth === 0 ? { name: m[1], args: body } : undefined
}

/** True when a value holds nothing unknown. */
export function isKnown(value: unknown): boolean {
  if (value === unknown || value instanceof ResourceValue) return false
  if (Array.isArray(value)) return value.every(isKnown)
  if (value !== null && typeof value === 'object') return Object.values(value).every(isKnown)
  return true
}

/**
 * Pure Terraform functions evaluated when every argument is known. Anything else is unknown: a
 * function trustctl does not evaluate can never turn into a pass.
 */
export function callFunction(name: string, args: unknown[]): unknown {
  if (!args.every(isKnown)) {
    // merge() of maps with some unknown values is still partly known, key by key.
    if (name === 'merge' && args.every((a) => a === null || (isPlainObject(a) && a !== null)))
      return Object.assign({}, ...args.filter((a) => a !== null))
    return unknown
  }
  const [first, second, third] = args
  switch (name) {
    case 'merge':
      return args.every((a) => a === null || isPlainObject(a))
        ? Object.assign({}, ...args.filter((a) => a !== null))
        : unknown
    case 'concat':
      return args.every(Array.isArray) ? (args as unknown[][]).flat() : unknown
    case 'jsonencode':
      return JSON.stringify(first)
    case 'lower':
      return typeof first === 'string' ? first.toLowerCase() : unknown
    case 'upper':
      return typeof first === 'string' ? first.toUpperCase() : unknown
    case 'tostring':
      return typeof first === 'string' || typeof first === 'number' || typeof first === 'boolean'
        ? String(first)
        : unknown
    case 'tonumber':
      return typeof first === 'number'
        ? first
        : typeof first === 'string' && first.trim() !== '' && Number.isFinite(Number(first))
          ? Number(first)
          : unknown
    case 'tobool':
      return typeof first === 'boolean'
        ? first
        : first === 'true'
          ? true
          : first === 'false'
            ? false
            : unknown
    case 'tolist':
    case 'toset':
      return Array.isArray(first) ? (name === 'toset' ? [...new Set(first)] : first) : unknown
    case 'tomap':
      return isPlainObject(first) ? first : unknown
    case 'coalesce':
      return args.find((a) => a !== null && a !== '') ?? unknown
    case 'lookup':
      return isPlainObject(first) && typeof second === 'string'
        ? second in first
          ? first[second]
          : args.length > 2
            ? third
            : unknown
        : unknown
    case 'join':
      return typeof first === 'string' &&
        Array.isArray(second) &&
        second.every((s) => typeof s === 'string' || typeof s === 'number')
        ? second.join(first)
        : unknown
    default:
      return unknown
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof ResourceValue)
  )
}
