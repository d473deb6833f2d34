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
 * The rules compiled one regular expression each, plus screens that find where a rule may match, so
 * that most of a text is read by few expressions. A screen is one alternation of the leads of a
 * group of rules (a lead is what every match of its rules begins with: rules.ts); where it matches,
 * each rule of the lead that matched, and of the leads after it, is tried anchored there (sticky),
 * and the screen resumes one character further (another rule may match inside this one's match).
 * Every rule thus sees exactly the matches it would find alone (`compileRules(rules, { screens: false
 * })` runs them so; a test compares the two), and where two overlap the earlier rule wins.
 *
 * Measured on the 50 MB corpus of the whole-process bench (code whose lines name tokens and
 * passwords; CPU time, 2-core machine under load): the screens as they were, one alternation of the
 * rules themselves per case flag, cost 0.35 s (case-sensitive) and 0.45 s (case-insensitive); the
 * four assignment rules screened by their one shared lead, 0.17 s in all for the case-insensitive
 * ones; the case-sensitive rules cut in two screens by whether they begin with a lower-case letter,
 * 0.15 s, since an alternation pays at every place for each branch whose first character is there.
 */
export interface CompiledRules {
  rules: readonly SecretRule[]
  /** Each rule alone (the `g` flag): rules with `requires`, and every rule when there are no screens. */
  patterns: readonly RegExp[]
  /** Each rule's pattern anchored at `lastIndex` (the `y` flag), tried where a screen matched. */
  sticky: readonly RegExp[]
  /**
   * The screens: one alternation of leads, each lead a capturing group so the match tells which one
   * matched first; `leads[i]` are the indexes of the rules with the i-th lead.
   */
  screens: readonly Screen[]
}

interface Screen {
  pattern: RegExp
  leads: readonly (readonly number[])[]
}

/** A lead, or the rule's whole pattern when it declares none. */
const leadOf = (rule: SecretRule): string => rule.lead ?? rule.detect

/**
 * An alternation pays at every place for each branch whose first character is there: leads that begin
 * with a lower-case letter (common in any text) are kept apart from those that begin with upper case or
 * a symbol, which the engine skips over quickly.
 */
const beginsLowerCase = (lead: string): boolean => /^(?:\(\?:)*[a-z]/.test(lead)

/** True when `source` has a `|` outside any group or class: it cannot lose its first character alone. */
function alternatesAtTop(source: string): boolean {
  let depth = 0
  let inClass = false
  for (let i = 0; i < source.length; i++) {
    const c = source[i]
    if (c === '\\') i++
    else if (inClass) inClass = c !== ']'
    else if (c === '[') inClass = true
    else if (c === '(') depth++
    else if (c === ')') depth--
    else if (c === '|' && depth === 0) return true
  }
  return false
}

/**
 * The letter a lead begins with, when it can be taken out in front of a group (`gh…|gl…` becomes
 * `g(?:h…|l…)`): a plain letter, not quantified, and no alternation at the top of the lead.
 */
const firstLetter = (lead: string): string | undefined =>
  /^[A-Za-z](?![?*+{])/.test(lead) && !alternatesAtTop(lead) ? lead[0] : undefined

/**
 * One screen for these rules. Leads that begin with the same letter are joined behind it: the engine
 * then tests that letter once per place instead of once per lead (measured: the lower-case screen of
 * the whole-process bench's corpus in 0.12 s of CPU instead of 0.17 s). Each lead stays a capturing
 * group, in the order `leads` lists them; a lead shared by several rules goes last, so that where it
 * matches (often, for the assignment lead) no rules of other leads are left to try.
 */
function screen(rules: readonly SecretRule[], indexes: readonly number[], flags: string): Screen[] {
  if (indexes.length === 0) return []
  const byLead = new Map<string, number[]>()
  for (const i of indexes) {
    const lead = leadOf(rules[i] as SecretRule)
    byLead.set(lead, [...(byLead.get(lead) ?? []), i])
  }
  const byLetter = new Map<string, [string, number[]][]>()
  const others: [string, number[]][] = []
  for (const entry of [...byLead].sort((a, b) => a[1].length - b[1].length)) {
    const letter = firstLetter(entry[0])
    if (letter === undefined) others.push(entry)
    else byLetter.set(letter, [...(byLetter.get(letter) ?? []), entry])
  }
  const branches = [...byLetter].map(([letter, entries]) =>
    entries.length === 1
      ? `(${entries[0]?.[0]})`
      : `${letter}(?:${entries.map(([lead]) => `(${lead.slice(1)})`).join('|')})`,
  )
  const ordered = [...[...byLetter.values()].flat(), ...others]
  return [
    {
      pattern: new RegExp([...branches, ...others.map(([lead]) => `(${lead})`)].join('|'), flags),
      leads: ordered.map(([, rules]) => rules),
    },
  ]
}

export function compileRules(
  rules: readonly SecretRule[] = secretRules,
  { screens = true }: { screens?: boolean } = {},
): CompiledRules {
  const flags = (r: SecretRule): string => (r.ignoreCase === true ? 'gi' : 'g')
  const screened = (test: (rule: SecretRule) => boolean): number[] =>
    rules.flatMap((r, i) => (r.requires === undefined && test(r) ? [i] : []))
  const sensitive = (r: SecretRule): boolean => r.ignoreCase !== true
  return {
    rules,
    patterns: rules.map((r) => new RegExp(r.detect, flags(r))),
    sticky: rules.map((r) => new RegExp(r.detect, `${flags(r)}y`)),
    screens: screens
      ? [
          ...screen(
            rules,
            screened((r) => sensitive(r) && !beginsLowerCase(leadOf(r))),
            'g',
          ),
          ...screen(
            rules,
            screened((r) => sensitive(r) && beginsLowerCase(leadOf(r))),
            'g',
          ),
          ...screen(
            rules,
            screened((r) => !sensitive(r)),
            'gi',
          ),
        ]
      : [],
  }
}

/**
 * Each rule's matches as `[start, end, start, end, …]`, as `pattern.exec` in a loop would find them
 * alone: where a screen matches at p, each rule that may match there and is not still inside its own
 * previous match is tried anchored at p. Rules with `requires` run alone, and only on a text holding
 * their literal; with no screens every rule runs alone on every text (the plain path).
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
  for (const { pattern, leads } of compiled.screens) {
    pattern.lastIndex = 0
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      const p = m.index
      // The leads before the first that matched cannot match here (the engine tries them in order);
      // those after it may, as well.
      let first = 0
      while (first < leads.length - 1 && m[first + 1] === undefined) first++
      for (let l = first; l < leads.length; l++)
        for (const r of leads[l] as readonly number[]) {
          if ((nextFree[r] ?? 0) > p) continue
          const sticky = compiled.sticky[r] as RegExp
          sticky.lastIndex = p
          // test, not exec: no match array to build, and lastIndex is where the match ends.
          if (!sticky.test(text)) continue
          out[r]?.push(p, sticky.lastIndex)
          nextFree[r] = sticky.lastIndex
        }
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
