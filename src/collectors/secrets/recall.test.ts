import { describe, expect, it } from 'vitest'
import { type SecretRule, secretRules } from './rules.js'
import { compileRules, scanText } from './scan-text.js'

// A planted corpus: 600 fake secrets (assembled at run time, so this file holds none) among lines of
// code and configuration, in the files real repositories keep them in. Recall is what was found of
// what was planted; anything found on another line is counted as a false positive.
let seed = 20261206
function next(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed >>> 8
}
const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const random = (n: number, alphabet = alnum): string =>
  Array.from({ length: n }, () => alphabet[next() % alphabet.length]).join('')
const pick = <T>(list: readonly T[]): T => list[next() % list.length] as T

/** A password a person chose: words, digits and a symbol, as password policies make people write. */
function chosenPassword(): string {
  const word = pick(['Winter', 'Harbor', 'Falcon', 'Maple', 'Orbit', 'Copper', 'Tundra', 'Violet'])
  return `${word}${pick(['', '_', '.', '-'])}${random(2 + (next() % 4), '0123456789')}${pick(['!', '#', '%', '*', ''])}${random(2, 'abcdefghijkmnpqrstuvwxyz')}`
}

/** Each kind of planted secret, with the file it lives in and the line that holds it. */
const kinds: { kind: string; ext: string; line: () => string }[] = [
  { kind: 'env unquoted password', ext: 'env', line: () => `DB_PASSWORD=${chosenPassword()}` },
  {
    kind: 'env unquoted password, comment',
    ext: 'env',
    line: () => `REDIS_PASS=${chosenPassword()} # rotated`,
  },
  { kind: 'yaml unquoted password', ext: 'yaml', line: () => `  password: ${chosenPassword()}` },
  { kind: 'yaml camel-case password', ext: 'yaml', line: () => `    postgresPassword: ${chosenPassword()}` },
  {
    kind: 'properties unquoted password',
    ext: 'properties',
    line: () => `spring.datasource.password=${chosenPassword()}`,
  },
  {
    kind: 'properties spaced password',
    ext: 'properties',
    line: () => `mail.smtp.password = ${chosenPassword()}`,
  },
  { kind: 'ini passwd', ext: 'ini', line: () => `passwd = ${chosenPassword()}` },
  { kind: 'quoted password', ext: 'json', line: () => `  "adminPassword": "${chosenPassword()}",` },
  { kind: 'github token', ext: 'yaml', line: () => `  token: "${'ghp_'}${random(36)}"` },
  { kind: 'gitlab token', ext: 'env', line: () => `GITLAB_TOKEN=${'glpat-'}${random(20)}` },
  { kind: 'stripe key', ext: 'ts', line: () => `const stripe = new Stripe('${'sk_live_'}${random(32)}')` },
  {
    kind: 'postgres url',
    ext: 'env',
    line: () => `DATABASE_URL=${'postgres'}://app:${random(20)}@db.internal:5432/app`,
  },
  { kind: 'unquoted token', ext: 'env', line: () => `API_TOKEN=${random(32)}` },
  {
    kind: 'npm token',
    ext: 'npmrc',
    line: () => `//registry.example.com/:_authToken=${'npm_'}${random(36)}`,
  },
  {
    kind: 'aws key id',
    ext: 'ini',
    line: () => `aws_access_key_id = ${'AKIA'}${random(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
  },
]

/** Lines that are not secrets but sit beside them, several of them naming passwords or tokens. */
function fillerLine(ext: string): string {
  const name = pick(['user', 'config', 'cache', 'session', 'client', 'status', 'items', 'handler'])
  switch (ext) {
    case 'env':
      return pick([
        `${name.toUpperCase()}_TIMEOUT=${next() % 600}`,
        `LOG_LEVEL=${pick(['info', 'debug', 'warn'])}`,
        'DB_PASSWORD_FILE=/run/secrets/db_password',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference, as .env files hold it
        'SMTP_PASSWORD=${SMTP_PASSWORD}',
        `# the ${name} token is read from the vault at start-up`,
      ])
    case 'yaml':
      return pick([
        `  ${name}: ${pick(['enabled', 'disabled', 'true', String(next() % 100)])}`,
        '  passwordSecretRef: { name: db-credentials, key: password }',
        '  password: !vault db/password',
        `  tokenTtl: ${next() % 3600}s`,
        `# ${name} settings`,
      ])
    case 'properties':
    case 'ini':
      return pick([
        `${name}.pool.size=${next() % 64}`,
        `${name}.url=jdbc:postgresql://db:5432/${name}`,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a reference, as .properties files hold it
        'spring.datasource.password=${DB_PASSWORD}',
        `password.min-length=${8 + (next() % 8)}`,
      ])
    default:
      return pick([
        `  const ${name}${next() % 100} = await load${name}(${next() % 1000})`,
        '  if (password.length < 12) throw new Error("password too short")',
        '  const passwordHash = await hash(password)',
        `  // ${name} token refresh happens in the background`,
      ])
  }
}

interface Planted {
  file: number
  line: number
  kind: string
}

function corpus(count: number): { texts: string[]; planted: Planted[] } {
  const texts: string[] = []
  const planted: Planted[] = []
  for (let i = 0; i < count; i++) {
    const kind = kinds[i % kinds.length] as (typeof kinds)[number]
    const lines = Array.from({ length: 5 + (next() % 30) }, () => fillerLine(kind.ext))
    const at = next() % (lines.length + 1)
    lines.splice(at, 0, kind.line())
    planted.push({ file: i, line: at + 1, kind: kind.kind })
    texts.push(`${lines.join('\n')}\n`)
  }
  return { texts, planted }
}

/**
 * The rules run one after another over the whole text, as scanText ran them before the screens:
 * the reference the screened scan must agree with, match for match.
 */
function perRule(text: string, rules: readonly SecretRule[]): string[] {
  const hits: { id: string; start: number; end: number }[] = []
  for (const rule of rules) {
    if (rule.requires !== undefined) {
      const req = typeof rule.requires === 'string' ? [rule.requires] : rule.requires
      if (!req.some((r) => text.includes(r))) continue
    }
    const pattern = new RegExp(rule.detect, rule.ignoreCase === true ? 'gi' : 'g')
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      const start = m.index
      const end = start + m[0].length
      if (rule.boundary !== false && start > 0 && /[A-Za-z0-9_]/.test(text[start - 1] ?? '')) continue
      if (hits.some((h) => start < h.end && end > h.start)) continue
      if (rule.rejectLine?.test(text.slice(text.lastIndexOf('\n', start - 1) + 1, start)) === true) continue
      const close = text.indexOf('-----END', end)
      const value =
        rule.id === 'private-key'
          ? close < 0
            ? text.slice(end, end + 4096).trim()
            : text.slice(end, close).replace(/\s+/g, '')
          : rule.secret === undefined
            ? m[0]
            : (rule.secret.exec(m[0])?.[1] ?? m[0])
      if (rule.accept !== undefined && !rule.accept(value)) continue
      hits.push({ id: rule.id, start, end })
    }
  }
  return hits.sort((a, b) => a.start - b.start).map((h) => `${h.id}@${h.start}`)
}

const compiled = compileRules()
const { texts, planted } = corpus(600)

describe('secrets recall on a planted corpus', () => {
  it('finds at least 99% of 600 planted secrets, unquoted passwords included, with few false positives', () => {
    const found = new Set<string>()
    const falsePositives: string[] = []
    const plantedAt = new Set(planted.map((p) => `${p.file}:${p.line}`))
    texts.forEach((text, file) => {
      for (const m of scanText(text, compiled)) {
        const key = `${file}:${m.line}`
        if (plantedAt.has(key)) found.add(key)
        else falsePositives.push(`${m.rule.id}: ${text.split('\n')[m.line - 1]}`)
      }
    })
    const missed = planted.filter((p) => !found.has(`${p.file}:${p.line}`))
    const missedKinds = missed.map((p) => `${p.kind}: ${texts[p.file]?.split('\n')[p.line - 1]}`)
    expect(planted).toHaveLength(600)
    expect(found.size / planted.length, `missed: ${missedKinds.join(', ')}`).toBeGreaterThanOrEqual(0.99)
    // Every unquoted form is found (the 45 misses the issue measured were all of this kind).
    expect(missed.filter((p) => /unquoted|spaced|passwd|comment|camel/.test(p.kind))).toEqual([])
    // The filler holds references, secret files, vault tags and code that names passwords: none of
    // them is a secret, and at most 1% of the corpus's size may be reported anyway.
    expect(falsePositives.length, falsePositives.slice(0, 5).join('\n')).toBeLessThanOrEqual(6)
  })

  it('the screened scan finds exactly what the rules find run one by one', () => {
    const extra = [
      // Overlapping rules: a GitHub token assigned to a secret-like name, a URL with a password.
      `GITHUB_TOKEN=${'ghp_'}${random(36)}\npassword: "${'ghp_'}${random(36)}"`,
      `url = "${'postgres'}://app:${random(20)}@db/app" # password=${chosenPassword()}`,
      `${'-----BEGIN'} RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA${random(200, `${alnum}+/`)}\n${'-----END'} RSA PRIVATE KEY-----`,
      `aws_secret_access_key = ${random(40, `${alnum}/+`)}\naws_access_key_id = ${'AKIA'}${random(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
    ]
    let compared = 0
    for (const text of [...texts, ...extra]) {
      const screened = scanText(text, compiled).map((m) => `${m.rule.id}@${m.line}:${m.column}`)
      const reference = perRule(text, secretRules).map((key) => {
        const [id, at] = key.split('@') as [string, string]
        const offset = Number(at)
        const before = text.slice(0, offset)
        const line = before.split('\n').length
        return `${id}@${line}:${offset - before.lastIndexOf('\n')}`
      })
      expect(screened).toEqual(reference)
      compared += reference.length
    }
    // The comparison covered real findings, not only empty lists.
    expect(compared).toBeGreaterThan(500)
  })
})
