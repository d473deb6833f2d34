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
 * The rules compiled one regular expression each, plus a screen that finds where a rule may match, so
 * that most of a text is read by one expression. The screen is one alternation of the leads of the
 * rules (a lead is what every match of its rules begins with: rules.ts); where it matches, each rule
 * whose lead may begin with the character there is tried anchored at that place (sticky), and the
 * screen resumes one character further (another rule may match inside this one's match). Every rule
 * thus sees exactly the matches it would find alone (`compileRules(rules, { screens: false })` runs
 * them so; a test compares the two), and where two overlap the earlier rule wins.
 *
 * Measured on the 50 MB corpus of the whole-process bench (CPU time of the screens alone, 2-core
 * machine at load 6-10): three screens (case-sensitive leads that begin with upper case or a symbol,
 * those that begin with lower case, the case-insensitive ones) cost 33 + 143 + 272 ms; one screen of
 * every lead, alternatives grouped behind their first letter, 381 ms. An irregexp alternation pays
 * per place for each branch whose first character is there, so grouping by first letter is what
 * lets one screen cost less than three passes; the rules that begin outside lower case are the
 * exception, screened apart in their own case (beginsOutsideLowerCase). The screens have no capturing groups (a match array with
 * a group per lead was most of the garbage of a scan): which rules to try is read from the character
 * the match begins with instead.
 */
export interface CompiledRules {
  rules: readonly SecretRule[]
  /** Each rule alone (the `g` flag): rules with `requires`, and every rule when there are no screens. */
  patterns: readonly RegExp[]
  /** Each rule's pattern anchored at `lastIndex` (the `y` flag), tried where a screen matched. */
  sticky: readonly RegExp[]
  /**
   * The screens: the folded one (`i` flag), and a case-sensitive one for the leads the `i` flag could
   * narrow (none today) and for the rules that begin outside lower case (`AKIA`, `SG.`, `-----BEGIN`).
   */
  screens: readonly Screen[]
}

interface Screen {
  /** One alternation of leads, without capturing groups: only where it matches is used. */
  pattern: RegExp
  /** By the code (below 128) of the character a screen match begins with: the rules to try there. */
  byFirst: readonly (readonly number[] | undefined)[]
  /** Rules whose first character could not be read from their lead: tried wherever the screen matches. */
  anywhere: readonly number[]
}

/** A lead, or the rule's whole pattern when it declares none. */
const leadOf = (rule: SecretRule): string => rule.lead ?? rule.detect

/** `source` cut at each `|` outside any group or class. */
export function splitTop(source: string): string[] {
  const parts: string[] = []
  let depth = 0
  let inClass = false
  let from = 0
  for (let i = 0; i < source.length; i++) {
    const c = source[i]
    if (c === '\\') i++
    else if (inClass) inClass = c !== ']'
    else if (c === '[') inClass = true
    else if (c === '(') depth++
    else if (c === ')') depth--
    else if (c === '|' && depth === 0) {
      parts.push(source.slice(from, i))
      from = i + 1
    }
  }
  parts.push(source.slice(from))
  return parts
}

/** The index of the `)` that closes the group opened at `open`, or -1. */
function closingParen(source: string, open: number): number {
  let depth = 0
  let inClass = false
  for (let i = open; i < source.length; i++) {
    const c = source[i]
    if (c === '\\') i++
    else if (inClass) inClass = c !== ']'
    else if (c === '[') inClass = true
    else if (c === '(') depth++
    else if (c === ')' && --depth === 0) return i
  }
  return -1
}

/** Past this many, a lead is left whole rather than spelled out alternative by alternative. */
const maxAlternatives = 64

/**
 * A lead as the list of its alternatives, a leading group spelled out: `(?:sk|rk)_x` becomes `sk_x` and
 * `rk_x`, so that the screen can group alternatives by the character they begin with. A quantified
 * group (`(?:a|b)?x`) is left as it is.
 */
export function alternativesOf(lead: string): string[] {
  const top = splitTop(lead)
  if (top.length > 1) return top.flatMap(alternativesOf)
  if (!lead.startsWith('(?:')) return [lead]
  const close = closingParen(lead, 0)
  const rest = lead.slice(close + 1)
  if (close < 0 || /^[?*+{]/.test(rest)) return [lead]
  const expanded = splitTop(lead.slice(3, close)).flatMap((alt) => alternativesOf(alt + rest))
  return expanded.length > maxAlternatives ? [lead] : expanded
}

/**
 * The first character of every match of `alternative`, when it opens with a plain or escaped literal
 * that is not optional (`a`, `\.`, `-`, but not `[ab]`, `\d`, `(?=`, `a?`); undefined otherwise.
 */
export function firstLiteral(alternative: string): { char: string; length: number } | undefined {
  let char = alternative[0]
  let length = 1
  if (char === '\\') {
    char = alternative[1]
    length = 2
    // `\d`, `\s`, `\b`, `\x41`, `\u0041`, `\1`: classes, assertions and codes, not the letter itself.
    if (char === undefined || /[A-Za-z0-9]/.test(char)) return undefined
  } else if (char === undefined || '[(.^$|)*+?{'.includes(char)) return undefined
  // A quantifier that allows none (`a?`, `a*`, `a{0,2}`) leaves another character first.
  if (/^[?*{]/.test(alternative.slice(length))) return undefined
  return { char, length }
}

/**
 * Under the `i` flag a negative lookaround or a negated class can match fewer places (`ab(?![a-z])`
 * no longer matches `abC`), so a case-sensitive lead holding one is not screened with the `i` flag.
 */
const narrowedByIgnoreCase = (source: string): boolean => /\(\?<?!|\[\^|\\[WB]/.test(source)

/**
 * True when every alternative of a case-sensitive rule begins with a literal that is not a lower-case
 * letter (`AKIA…`, `AIza…`, `SK…`, `SG.`, `-----BEGIN`, `"private_key_id"`). Folded into the `i` screen,
 * such a rule's first letter is tried at every `a` and `s` of the text, the commonest letters of
 * code; screened alone, in its own case, it is rare. Measured on the whole-process bench's 50 MB
 * corpus (CPU of the screens, one thread, machine at load 9): 278-297 ms for one folded screen,
 * 255-267 ms for these seven rules screened apart beside the folded rest (29 ms + 225 ms). Screening
 * the lower-case vendor prefixes apart too cost more (334-352 ms): they share their first letters
 * with the keywords, which the folded screen tests once per place for all of them.
 */
function beginsOutsideLowerCase(alternatives: readonly string[]): boolean {
  return alternatives.every((alternative) => {
    const first = firstLiteral(alternative)
    return first !== undefined && !/[a-z]/.test(first.char)
  })
}

/** A lead without the negative lookaheads at its end: a prefix of a lead is a lead too. */
function withoutTrailingNegativeLookahead(lead: string): string {
  let out = lead
  for (let at = out.lastIndexOf('(?!'); at >= 0; at = out.lastIndexOf('(?!')) {
    if (closingParen(out, at) !== out.length - 1) break
    out = out.slice(0, at)
  }
  return out
}

const escapeLiteral = (char: string): string => (/[\\^$.*+?()[\]{}|/-]/.test(char) ? `\\${char}` : char)

/** Codes below 128 a rule's match may begin with, or undefined when any character may. */
function firstCodes(alternatives: readonly string[], ignoreCase: boolean): number[] | undefined {
  const codes: number[] = []
  for (const alternative of alternatives) {
    const first = firstLiteral(alternative)
    if (first === undefined) return undefined
    const variants = ignoreCase ? [first.char.toLowerCase(), first.char.toUpperCase()] : [first.char]
    for (const v of variants) {
      const code = v.charCodeAt(0)
      if (v.length !== 1 || code >= 128) return undefined
      codes.push(code)
    }
  }
  return codes
}

/**
 * One screen for these rules (indexes into `rules`), each with the alternatives it is screened by.
 * Alternatives that begin with the same character (the same letter in either case, with the `i` flag)
 * are joined behind it, `g(?:h…|l…)`: the engine then tests that character once per place.
 */
function screen(
  rules: readonly SecretRule[],
  entries: readonly { rule: number; alternatives: readonly string[] }[],
  flags: string,
): Screen[] {
  if (entries.length === 0) return []
  const ignoreCase = flags.includes('i')
  const grouped = new Map<string, { char: string; rests: Set<string> }>()
  const others = new Set<string>()
  const byFirst: number[][] = Array.from({ length: 128 }, () => [])
  const anywhere: number[] = []
  for (const { rule, alternatives } of entries) {
    for (const alternative of alternatives) {
      const first = firstLiteral(alternative)
      if (first === undefined) {
        others.add(alternative)
        continue
      }
      const key = ignoreCase ? first.char.toLowerCase() : first.char
      const group = grouped.get(key) ?? { char: first.char, rests: new Set<string>() }
      group.rests.add(alternative.slice(first.length))
      grouped.set(key, group)
    }
    // Which rules to try is the rule's own matter: where its own pattern, in its own case, may begin
    // (narrower than its lead when several rules share one), else where its lead may.
    const own = rules[rule] as SecretRule
    const codes =
      firstCodes(alternativesOf(own.detect), own.ignoreCase === true) ??
      firstCodes(alternativesOf(leadOf(own)), own.ignoreCase === true)
    if (codes === undefined) anywhere.push(rule)
    else for (const code of new Set(codes)) byFirst[code]?.push(rule)
  }
  const branches = [
    ...[...grouped.values()].map(({ char, rests }) =>
      rests.size === 1
        ? `${escapeLiteral(char)}(?:${[...rests][0]})`
        : `${escapeLiteral(char)}(?:${[...rests].join('|')})`,
    ),
    ...[...others].map((alternative) => `(?:${alternative})`),
  ]
  return [
    {
      pattern: new RegExp(branches.join('|'), flags),
      byFirst: byFirst.map((list) => (list.length === 0 ? undefined : list)),
      anywhere,
    },
  ]
}

export function compileRules(
  rules: readonly SecretRule[] = secretRules,
  { screens = true }: { screens?: boolean } = {},
): CompiledRules {
  const flags = (r: SecretRule): string => (r.ignoreCase === true ? 'gi' : 'g')
  // Rules with `requires` run alone. Case-insensitive leads are screened as they are; a case-sensitive
  // lead is screened with the `i` flag too (it then matches more places, each tried with the rule's
  // own case), less the negative lookaheads at its end, unless the flag could make it match fewer or
  // the rule begins outside lower case (both are screened in their own case instead).
  const folded: { rule: number; alternatives: string[] }[] = []
  const exact: { rule: number; alternatives: string[] }[] = []
  rules.forEach((rule, i) => {
    if (rule.requires !== undefined) return
    const alternatives = alternativesOf(leadOf(rule))
    const trimmed =
      rule.ignoreCase === true ? alternatives : alternatives.map(withoutTrailingNegativeLookahead)
    const ownCase =
      rule.ignoreCase !== true && (trimmed.some(narrowedByIgnoreCase) || beginsOutsideLowerCase(alternatives))
    if (ownCase) exact.push({ rule: i, alternatives })
    else folded.push({ rule: i, alternatives: trimmed })
  })
  return {
    rules,
    patterns: rules.map((r) => new RegExp(r.detect, flags(r))),
    sticky: rules.map((r) => new RegExp(r.detect, `${flags(r)}y`)),
    screens: screens ? [...screen(rules, folded, 'gi'), ...screen(rules, exact, 'g')] : [],
  }
}

/**
 * Each rule's matches as `[start, end, start, end, …]`, as `pattern.exec` in a loop would find them
 * alone: where a screen matches at p, each rule that may begin with the character at p and is not
 * still inside its own previous match is tried anchored at p. Rules with `requires` run alone, and
 * only on a text holding their literal; with no screens every rule runs alone on every text.
 */
function ruleMatches(text: string, compiled: CompiledRules): number[][] {
  const out: number[][] = compiled.rules.map(() => [])
  const plain = compiled.screens.length === 0
  compiled.rules.forEach((rule, r) => {
    if (!plain && (rule.requires === undefined || !requiredIn(text, rule.requires))) return
    const pattern = compiled.patterns[r] as RegExp
    const found = out[r] as number[]
    pattern.lastIndex = 0
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text))
      found.push(m.index, pattern.lastIndex)
  })
  const nextFree = compiled.rules.map(() => 0)
  const tryAt = (r: number, p: number): void => {
    if ((nextFree[r] ?? 0) > p) return
    const sticky = compiled.sticky[r] as RegExp
    sticky.lastIndex = p
    // test, not exec: no match array to build, and lastIndex is where the match ends.
    if (!sticky.test(text)) return
    out[r]?.push(p, sticky.lastIndex)
    nextFree[r] = sticky.lastIndex
  }
  for (const { pattern, byFirst, anywhere } of compiled.screens) {
    pattern.lastIndex = 0
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      const p = m.index
      const code = text.charCodeAt(p)
      const first = code < 128 ? byFirst[code] : undefined
      if (first !== undefined) for (const r of first) tryAt(r, p)
      for (const r of anywhere) tryAt(r, p)
      pattern.lastIndex = p + 1
    }
  }
  return out
}

/** `[A-Za-z0-9_]`, by character code: tested once per match, before anything else. */
const isWordChar = (code: number): boolean =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95

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
    const found = matches[r] ?? []
    for (let i = 0; i < found.length; i += 2) {
      const start = found[i] as number
      const end = found[i + 1] as number
      if (rule.boundary !== false && start > 0 && isWordChar(text.charCodeAt(start - 1))) continue
      // A match inside one an earlier (more specific) rule already took is the same secret.
      if (hits.some((h) => start < h.end && end > h.start)) continue
      if (rule.rejectLine?.test(text.slice(text.lastIndexOf('\n', start - 1) + 1, start)) === true) continue
      const value = secretValue(rule, text, text.slice(start, end), end)
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
