import { describe, expect, it } from 'vitest'
import type { SecretRule } from './rules.js'
import { secretRules } from './rules.js'
import { alternativesOf, compileRules, firstLiteral, type RawSecretMatch, scanText } from './scan-text.js'

// The screened scan (leads screened for together, rules tried only where their lead matched) must
// find exactly what the plain scan finds (every rule run alone over every text). Fake credentials
// are assembled at run time so this file itself holds none a scanner would flag.
let seed = 18
function next(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed >>> 8
}
const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const random = (n: number, alphabet = alnum): string =>
  Array.from({ length: n }, () => alphabet[next() % alphabet.length]).join('')
const pick = <T>(list: readonly T[]): T => list[next() % list.length] as T

const tokens = (): string =>
  pick([
    `${'ghp_'}${random(36)}`,
    `${'AKIA'}${random(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
    `${'glpat-'}${random(20)}`,
    `${'sk_live_'}${random(30)}`,
    `${'xoxb-'}1234567890-${random(24)}`,
    `${'SG.'}${random(22)}.${random(43)}`,
    `${'npm_'}${random(36)}`,
    `${'hf_'}${random(34, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ')}`,
    `${'eyJ'}${random(20)}.${'eyJ'}${random(20)}.${random(20)}`,
    // The rules screened in their own case: each beside a look-alike in lower case.
    `${'AIza'}${random(35)} ${'aiza'}${random(35)}`,
    `${'SK'}${random(32, '0123456789abcdef')} sk${random(32, '0123456789abcdef')}`,
    `${'AccountKey='}${random(86, `${alnum}+/`)}== accountkey=${random(86)}==`,
    `"${'private_key_id'}": "${random(40, '0123456789abcdef')}"`,
    `${'postgres'}://app:${random(16)}@db:5432/app`,
    random(40, `${alnum}/+`),
  ])

const names = ['password', 'DB_PASSWORD', 'passwd', 'pwd', 'clientSecret', 'api-key', 'API_KEY', 'token']
const words = ['const', 'return', 'user', 'config', 'token', 'value', 'password', 'client', 'cache']

/** One line of a mixed corpus: code naming secret words, configuration, near misses, secrets. */
function line(): string {
  const name = pick(names)
  const w = (): string => pick(words)
  return pick([
    // Code whose lines name tokens and passwords everywhere, as the whole-process bench's corpus.
    `  const ${w()}${next() % 100} = ${w()}.${w()}.${w()}(${next() % 1000})`,
    `const ${name} = ${w()}.${w()}(${next() % 100})`,
    `  ${name}: "${tokens()}"`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference, as configuration holds it
    `${name.toUpperCase()}=${pick([tokens(), `Maple-${next() % 9999}#dr`, '${DB_PASSWORD}', 'changeme'])}`,
    `${name} := "${random(14)}"`,
    `"${name}" => '${random(12)}',`,
    `${name}.${w()}.${w()} = ${random(10)}`,
    `- name: ${name}\n  value: ${pick([random(20), tokens()])}`,
    `- value: ${random(16)}\n  name: ${name}`,
    `variable "${name}" {\n  default = "${random(18)}"\n}`,
    `aws_secret_access_key = ${random(40, `${alnum}/+`)}`,
    `url = ${tokens()} # ${name}=${random(12)}`,
    `${'-----BEGIN'} RSA PRIVATE KEY-----\n${random(64, `${alnum}+/`)}\n${'-----END'} RSA PRIVATE KEY-----`,
    // Non-ASCII text: offsets are in UTF-16 units on both paths.
    `  // Überprüfung des ${name}s — ${w()} ✓ ${name}=${random(12)}`,
    `${w()}${w()}${name}${w()}=${random(next() % 30)}`,
    tokens(),
  ])
}

const corpus = Array.from({ length: 400 }, () =>
  Array.from({ length: 5 + (next() % 40) }, line).join(pick(['\n', '\r\n'])),
)

const key = (m: RawSecretMatch): string => `${m.rule.id}@${m.line}:${m.column}=${m.value}`

describe('the screened scan', () => {
  it('finds exactly what every rule run alone over the whole text finds', () => {
    const screened = compileRules()
    const plain = compileRules(secretRules, { screens: false })
    expect(screened.screens.length).toBeGreaterThan(0)
    expect(plain.screens).toEqual([])
    const rulesFound = new Set<string>()
    let compared = 0
    for (const text of corpus) {
      const expected = scanText(text, plain).map(key)
      expect(scanText(text, screened).map(key)).toEqual(expected)
      compared += expected.length
      for (const k of expected) rulesFound.add(k.split('@')[0] ?? '')
    }
    // The comparison covered many findings of many rules, not empty lists.
    expect(compared).toBeGreaterThan(1000)
    expect(rulesFound.size).toBeGreaterThan(15)
  })

  it("tries a rule wherever it matches: each rule's lead matches where the rule does", () => {
    // Assignment-like strings in every combination the assignment rules' lead covers: keyword case,
    // name characters, quotes, spaces, newlines and each separator.
    const fuzz = Array.from({ length: 3000 }, () => {
      const keyword = pick([
        'pass',
        'PASSWORD',
        'Passwd',
        'passphrase',
        'pwd',
        'SECRET',
        'Token',
        'api_key',
        'apiKey',
        'access-key',
        'credential',
      ])
      const rest = random(next() % 28, 'abcXYZ019_.-')
      const quote = pick(['', '"', "'"])
      const space = pick(['', ' ', '\t', '  ', '\n', ' \n '])
      const separator = pick([':', '=', ':=', '=>', ' = ', ': '])
      const value = pick([`"${random(14)}"`, `'${random(9)}'`, random(14), `${random(9)} # note`])
      return `${pick(['', 'x', 'DB_', 'my.'])}${keyword}${rest}${quote}${space}${separator}${space}${value}\n`
    })
    let checked = 0
    for (const rule of secretRules) {
      if (rule.lead === undefined) continue
      const detect = new RegExp(rule.detect, rule.ignoreCase === true ? 'gi' : 'g')
      const lead = new RegExp(rule.lead, rule.ignoreCase === true ? 'iy' : 'y')
      for (const text of [...corpus, ...fuzz]) {
        detect.lastIndex = 0
        for (let m = detect.exec(text); m !== null; m = detect.exec(text)) {
          lead.lastIndex = m.index
          expect(lead.test(text), `${rule.id}: its lead misses ${JSON.stringify(m[0])}`).toBe(true)
          checked++
        }
      }
    }
    expect(checked).toBeGreaterThan(2000)
  })

  it('spells a leading group out into alternatives, leaving quantified groups whole', () => {
    expect(alternativesOf('(?:sk|rk)_(?:live|test)_x')).toEqual(['sk_(?:live|test)_x', 'rk_(?:live|test)_x'])
    expect(alternativesOf('(?:a|(?:b|c)d)e|f')).toEqual(['ae', 'bde', 'cde', 'f'])
    expect(alternativesOf('(?:a|b)?c')).toEqual(['(?:a|b)?c'])
    expect(alternativesOf('[(|]x|y')).toEqual(['[(|]x', 'y'])
  })

  it('reads the first character only where every match begins with it', () => {
    expect(firstLiteral('ghp_')).toEqual({ char: 'g', length: 1 })
    expect(firstLiteral('\\.x')).toEqual({ char: '.', length: 2 })
    for (const unknown of ['[ab]c', '\\dx', '(?=a)a', 'a?b', 'a*b', 'a{0,2}b', '.x', ''])
      expect(firstLiteral(unknown), unknown).toBeUndefined()
  })

  it('screens a case-sensitive lead the i flag would narrow without that flag', () => {
    // Under the i flag `(?![a-z])` also refuses `C`: screened with it, `abCDE` would be missed.
    const rule: SecretRule = { id: 'narrow', title: 'narrow', detect: 'ab(?![a-z])[A-Z]{3}' }
    const other: SecretRule = { id: 'folded', title: 'folded', detect: 'token[0-9]{4}', ignoreCase: true }
    const text = 'x abCDE y TOKEN1234 abcDE'
    const screened = scanText(text, compileRules([rule, other])).map(key)
    expect(screened).toEqual(scanText(text, compileRules([rule, other], { screens: false })).map(key))
    expect(screened).toEqual(['narrow@1:3=abCDE', 'folded@1:11=TOKEN1234'])
  })

  it('screens the rules that begin outside lower case in their own case, apart from the folded leads', () => {
    const compiled = compileRules()
    expect(compiled.screens.map((s) => s.pattern.flags)).toEqual(['gi', 'g'])
    const [folded, own] = compiled.screens
    const idsAt = (screen: (typeof compiled.screens)[number] | undefined, char: string): string[] =>
      (screen?.byFirst[char.charCodeAt(0)] ?? []).map((r) => compiled.rules[r]?.id ?? '')
    expect(idsAt(own, 'A')).toEqual(['aws-access-key-id', 'gcp-api-key', 'azure-storage-account-key'])
    expect(idsAt(own, 'S')).toEqual(['twilio-api-key', 'sendgrid-api-key'])
    expect(idsAt(own, '-')).toEqual(['private-key'])
    expect(idsAt(own, '"')).toEqual(['gcp-service-account-key'])
    // The folded screen no longer stops at them: an access key id is found by the case-sensitive one.
    const keyId = `${'AKIA'}${'ABCDEFGHIJKLMNOP'}`
    expect(folded?.pattern.test(keyId)).toBe(false)
    if (own !== undefined) own.pattern.lastIndex = 0
    expect(own?.pattern.test(keyId)).toBe(true)
  })

  it('tries a case-sensitive rule only where its own case begins, however the screen matched', () => {
    // The screen runs with the i flag, so it matches `akia…`; the rule must still not.
    const text = `akia${'ABCDEFGHIJKLMNOP'} ${'AKIA'}${'ABCDEFGHIJKLMNOP'}`
    expect(scanText(text, compileRules()).map((m) => `${m.rule.id}@${m.column}`)).toEqual([
      'aws-access-key-id@22',
    ])
  })
})
