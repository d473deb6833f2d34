import type { z } from 'zod'
import { formatPath } from '../../core/errors.js'
import { jsonDepth, maxJsonDepth } from '../../core/json-depth.js'
import { ScanReportError } from './scan-report-error.js'

/** `line 3, column 14` for a character offset in a text. */
export function describePosition(text: string, offset: number): string {
  let line = 1
  let lineStart = 0
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++
    lineStart = i + 1
  }
  return `line ${line}, column ${offset - lineStart + 1}`
}

const whitespace = /[ \t\n\r]*/y
const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON strings may not hold raw control characters; this rejects them
const stringBody = /(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y

/**
 * The offset of the first JSON syntax error in a text. V8 names a position for only some errors, so
 * on the error path (never on the fast one) the text is scanned again to find where it breaks.
 */
export function findSyntaxError(text: string): number {
  let at = 0
  const skip = (): void => {
    whitespace.lastIndex = at
    whitespace.exec(text)
    at = whitespace.lastIndex
  }
  const take = (pattern: RegExp): boolean => {
    pattern.lastIndex = at
    if (pattern.exec(text) === null) return false
    at = pattern.lastIndex
    return true
  }
  // Each open container: whether it is an object, and whether it has taken a member yet.
  const stack: { object: boolean; members: number }[] = []
  const value = (): boolean => {
    skip()
    const c = text[at]
    if (c === '"') {
      at++
      if (take(stringBody)) return true
      // A string that never closes runs to the end of a truncated file.
      if (text.indexOf('"', at) === -1) at = text.length
      return false
    }
    if (c === '{' || c === '[') {
      stack.push({ object: c === '{', members: 0 })
      at++
      return true
    }
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, at)) {
        at += word.length
        return true
      }
    }
    return take(number)
  }
  const key = (): boolean => {
    skip()
    if (text[at] !== '"') return false
    at++
    if (!take(stringBody)) return false
    skip()
    if (text[at] !== ':') return false
    at++
    return true
  }
  if (!value()) return at
  while (stack.length > 0) {
    const top = stack[stack.length - 1]
    if (top === undefined) break
    skip()
    const close = top.object ? '}' : ']'
    if (text[at] === close && top.members === 0) {
      at++
      stack.pop()
      continue
    }
    if (top.members > 0) {
      if (text[at] === close) {
        at++
        stack.pop()
        continue
      }
      if (text[at] !== ',') return at
      at++
    }
    top.members++
    if (top.object && !key()) return at
    if (!value()) return at
  }
  skip()
  return at
}

/** Where JSON.parse stopped: V8 names a position for some errors; otherwise the text is scanned. */
function errorOffset(message: string, text: string): number {
  const position = /position (\d+)/.exec(message)
  if (position?.[1] !== undefined) return Number(position[1])
  return findSyntaxError(text)
}

/** Parses JSON; a syntax error names the file, the line and column, and what V8 saw there. */
export function parseJson(text: string, file: string): unknown {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const offset = errorOffset(message, text)
    const where = ` at ${describePosition(text, offset)}`
    const truncated = offset >= text.trimEnd().length
    throw new ScanReportError(
      `${file}: not valid JSON${where}${truncated ? ' (the file ends early: truncated?)' : ''}: ${message}`,
      { cause: error },
    )
  }
  if (jsonDepth(parsed) > maxJsonDepth)
    throw new ScanReportError(
      `${file}: nested more than ${maxJsonDepth} levels deep: not a report trustctl reads`,
    )
  return parsed
}

/** True when the first non-empty line is a JSON object on its own: JSON lines, as TruffleHog prints. */
export function looksLikeJsonLines(text: string): boolean {
  const end = text.indexOf('\n')
  if (end === -1) return false
  const first = text.slice(0, end).trim()
  if (!first.startsWith('{') || !first.endsWith('}')) return false
  try {
    JSON.parse(first)
    return true
  } catch {
    return false
  }
}

/** Parses JSON lines (blank lines skipped); an error names the file and the line. */
export function parseJsonLines(text: string, file: string): unknown[] {
  const values: unknown[] = []
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return
    try {
      values.push(JSON.parse(line))
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      throw new ScanReportError(`${file}: line ${index + 1} is not valid JSON: ${message}`, { cause: error })
    }
  })
  return values
}

/** Validates a parsed report against the fields an importer reads; errors name the JSON path. */
export function parseReport<S extends z.ZodType>(
  schema: S,
  value: unknown,
  file: string,
  tool: string,
): z.output<S> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const issues = parsed.error.issues
    .slice(0, 3)
    .map((issue) => `${formatPath(issue.path) || '(top level)'}: ${issue.message}`)
  const more = parsed.error.issues.length > 3 ? ` (and ${parsed.error.issues.length - 3} more)` : ''
  throw new ScanReportError(`${file}: not a ${tool} report as expected: ${issues.join('; ')}${more}`)
}
