import { createHmac } from 'node:crypto'
import { type SecretRule, secretRules } from './rules.js'

/** A secret as the scanner sees it; `value` stays in memory and is never stored or printed. */
export interface RawSecretMatch {
  rule: SecretRule
  line: number
  column: number
  value: string
}

/**
 * The rules compiled one regular expression each, plus screens: the rules without a `requires`
 * literal joined into one alternation per case flag. Measured with bench/secrets-regex.bench.ts (20 MB
 * of code-like text, 41 rules, 2 cores under load): the two alternations matched in about 0.65× the
 * time of the rules run one after another (an earlier comment here said the opposite; with these rules
 * it no longer holds). Matching with the alternation alone would change which rule wins where two
 * overlap, so a screen only finds the positions where some rule matches, and there each of its rules
 * is tried anchored (sticky): every rule sees exactly the matches it would find alone. Priority is the
 * rule order: where two matches overlap, the earlier rule wins.
 */
export interface CompiledRules {
  rules: readonly SecretRule[]
  patterns: readonly RegExp[]
  /** Each rule's pattern anchored at `lastIndex` (the `y` flag), tried where a screen matched. */
  sticky: readonly RegExp[]
  /** One alternation per case flag of the rules without `requires`, with those rules' indexes. */
  screens: readonly { pattern: RegExp; rules: readonly number[] }[]
}

export function compileRules(rules: readonly SecretRule[] = secretRules): CompiledRules {
  const flags = (r: SecretRule): string => (r.ignoreCase === true ? 'gi' : 'g')
  const screen = (ignoreCase: boolean): CompiledRules['screens'] => {
    const indexes = rules.flatMap((r, i) =>
      r.requires === undefined && (r.ignoreCase === true) === ignoreCase ? [i] : [],
    )
    if (indexes.length === 0) return []
    const source = indexes.map((i) => `(?:${rules[i]?.detect})`).join('|')
    return [{ pattern: new RegExp(source, ignoreCase ? 'gi' : 'g'), rules: indexes }]
  }
  return {
    rules,
    patterns: rules.map((r) => new RegExp(r.detect, flags(r))),
    sticky: rules.map((r) => new RegExp(r.detect, `${flags(r)}y`)),
    screens: [...screen(false), ...screen(true)],
  }
}

interface RawMatch {
  start: number
  text: string
}

/**
 * Each rule's matches, as `pattern.exec` in a loop would find them alone: where a screen matches at
 * p, every screened rule not still inside its own previous match is tried anchored at p, and the
 * screen resumes at p + 1 (another rule may match inside this one's match). Rules with `requires` run
 * alone, and only on a text holding their literal.
 */
function ruleMatches(text: string, compiled: CompiledRules): RawMatch[][] {
  const out: RawMatch[][] = compiled.rules.map(() => [])
  compiled.rules.forEach((rule, r) => {
    if (rule.requires === undefined || !requiredIn(text, rule.requires)) return
    const pattern = compiled.patterns[r] as RegExp
    pattern.lastIndex = 0
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text))
      out[r]?.push({ start: m.index, text: m[0] })
  })
  const nextFree = compiled.rules.map(() => 0)
  for (const { pattern, rules } of compiled.screens) {
    pattern.lastIndex = 0
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      const p = m.index
      for (const r of rules) {
        if ((nextFree[r] ?? 0) > p) continue
        const sticky = compiled.sticky[r] as RegExp
        sticky.lastIndex = p
        const found = sticky.exec(text)
        if (found === null) continue
        out[r]?.push({ start: p, text: found[0] })
        nextFree[r] = p + found[0].length
      }
      pattern.lastIndex = p + 1
    }
  }
  return out
}

const wordChar = /[A-Za-z0-9_]/

const requiredIn = (text: string, requires: string | readonly string[]): boolean =>
  typeof requires === 'string' ? text.includes(requires) : requires.some((r) => text.includes(r))

function secretValue(rule: SecretRule, text: string, match: string, end: number): string {
  if (rule.id === 'private-key') {
    // The key material, not the header, is what identifies this key.
    const close = text.indexOf('-----END', end)
    return close < 0 ? text.slice(end, end + 4096).trim() : text.slice(end, close).replace(/\s+/g, '')
  }
  if (rule.secret === undefined) return match
  return rule.secret.exec(match)?.[1] ?? match
}

interface Hit {
  rule: SecretRule
  start: number
  end: number
  value: string
}

/** Line (1-based, from `firstLine`) and column of each offset, counting newlines only when needed. */
function locate(
  text: string,
  offsets: readonly number[],
  firstLine: number,
): { line: number; column: number }[] {
  const sorted = [...offsets].map((offset, i) => ({ offset, i })).sort((a, b) => a.offset - b.offset)
  const out: { line: number; column: number }[] = new Array(offsets.length)
  let line = firstLine
  let lineStart = 0
  let from = 0
  for (const { offset, i } of sorted) {
    for (let nl = text.indexOf('\n', from); nl !== -1 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
      line++
      lineStart = nl + 1
    }
    from = Math.max(from, lineStart)
    out[i] = { line, column: offset - lineStart + 1 }
  }
  return out
}

/**
 * Finds the secrets in one text. `firstLine` numbers the text's first line (a chunk of a large file
 * or a hunk of a diff starts further down). Lines and columns are 1-based.
 */
export function scanText(text: string, compiled: CompiledRules, firstLine = 1): RawSecretMatch[] {
  const hits: Hit[] = []
  const matches = ruleMatches(text, compiled)
  compiled.rules.forEach((rule, r) => {
    for (const m of matches[r] ?? []) {
      const start = m.start
      const end = start + m.text.length
      if (rule.boundary !== false && start > 0 && wordChar.test(text[start - 1] ?? '')) continue
      // A match inside one an earlier (more specific) rule already took is the same secret.
      if (hits.some((h) => start < h.end && end > h.start)) continue
      if (rule.rejectLine?.test(text.slice(text.lastIndexOf('\n', start - 1) + 1, start)) === true) continue
      const value = secretValue(rule, text, m.text, end)
      if (rule.accept !== undefined && !rule.accept(value)) continue
      hits.push({ rule, start, end, value })
    }
  })
  if (hits.length === 0) return []
  hits.sort((a, b) => a.start - b.start)
  const places = locate(
    text,
    hits.map((h) => h.start),
    firstLine,
  )
  return hits.map((h, i) => ({
    rule: h.rule,
    value: h.value,
    line: places[i]?.line ?? firstLine,
    column: places[i]?.column ?? 1,
  }))
}

/** A preview that shows the kind of secret, never enough of it to use: `AKIA…(20)`. */
export function previewSecret(value: string): string {
  const shown = Math.min(4, Math.floor(value.length / 4))
  return `${value.slice(0, shown)}…(${value.length})`
}

/**
 * The salted fingerprint of a secret. HMAC with the store's salt: the same secret gets the same
 * fingerprint in every run (so it can be allow-listed), but a fingerprint cannot be matched against
 * a list of guessed passwords without the salt.
 */
export function fingerprintSecret(value: string, salt: string): string {
  return createHmac('sha256', salt).update(value).digest('hex').slice(0, 32)
}

/** True when the first 8000 bytes hold a NUL byte, as git itself decides a file is binary. */
export function isBinary(bytes: Uint8Array): boolean {
  // indexOf runs natively (memchr); a byte loop in JS cost more than several rules' scans.
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 8000)).indexOf(0) !== -1
}
