// `npm run bench` (secrets, matching only): the rules run one expression each, as scanText runs them,
// against the same rules joined into combined alternations, on the same in-memory text. This settles
// the question the comments in collectors/secrets disagreed on, with a figure from this machine.
import os from 'node:os'
import { secretRules } from '../src/collectors/secrets/rules.js'
import { compileRules, scanText } from '../src/collectors/secrets/scan-text.js'
import { timeMedian } from './median.js'

const megabytes = Number(process.env.BENCH_SECRET_REGEX_MB ?? 50)
const runs = Number(process.env.BENCH_RUNS ?? 5)

let state = 7
function next(): number {
  state = (state * 1103515245 + 12345) % 2147483648
  return state >>> 8
}
const words = [
  'const',
  'return',
  'user',
  'config',
  'token',
  'value',
  'password',
  'secret',
  'apiKey',
  'client',
]
const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** Files of about 10 KB of code-like lines (the secrets bench's mix); one in ten holds a token. */
function corpus(): string[] {
  const texts: string[] = []
  let total = 0
  while (total < megabytes * 1e6) {
    const lines: string[] = []
    let size = 0
    while (size < 10_000) {
      const w = Array.from({ length: 3 + (next() % 7) }, () => words[next() % words.length])
      const line =
        next() % 200 === 0
          ? `  token: "ghp_${Array.from({ length: 36 }, () => alnum[next() % 62]).join('')}"`
          : next() % 3 === 0
            ? `  ${w[0]}: "${w.slice(1).join('-')}",`
            : `  const ${w[0]}${next() % 100} = ${w.slice(1).join('.')}(${next() % 1000})`
      lines.push(line)
      size += line.length + 1
    }
    const text = `${lines.join('\n')}\n`
    texts.push(text)
    total += text.length
  }
  return texts
}

/** Counts matches of each expression over every text: the matching work alone, no validation. */
function countAll(texts: readonly string[], patterns: readonly RegExp[]): number {
  let hits = 0
  for (const text of texts)
    for (const p of patterns) {
      p.lastIndex = 0
      while (p.exec(text) !== null) hits++
    }
  return hits
}

const texts = corpus()
const mb = texts.reduce((sum, t) => sum + t.length, 0) / 1e6
const compiled = compileRules()
const join = (rules: typeof secretRules, flags: string): RegExp =>
  new RegExp(rules.map((r) => `(${r.detect})`).join('|'), flags)
const sensitive = secretRules.filter((r) => r.ignoreCase !== true)
const insensitive = secretRules.filter((r) => r.ignoreCase === true)
console.log(
  `secrets matching bench: ${secretRules.length} rules (${insensitive.length} case-insensitive), ${mb.toFixed(1)} MB in ${texts.length} texts, node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0]?.toFixed(1)}`,
)
const rate = (ms: number): string => `${(mb / (ms / 1000)).toFixed(0)} MB/s`
const perRule = await timeMedian('one expression per rule (match only)', runs, () =>
  countAll(texts, compiled.patterns),
)
const two = await timeMedian('two alternations (by case flag)', runs, () =>
  countAll(texts, [join(sensitive, 'g'), join(insensitive, 'gi')]),
)
const one = await timeMedian('one alternation, all rules, i flag', runs, () =>
  countAll(texts, [join(secretRules, 'gi')]),
)
const scan = await timeMedian('scanText (screened by leads, validated)', runs, () => {
  for (const t of texts) scanText(t, compiled)
})
const plainRules = compileRules(secretRules, { screens: false })
const plain = await timeMedian('scanText (every rule alone, validated)', runs, () => {
  for (const t of texts) scanText(t, plainRules)
})
console.log('')
console.log(`  per rule ${rate(perRule)}; two alternations ${rate(two)}; one alternation ${rate(one)}`)
console.log(
  `  time against one expression per rule: two alternations ${(two / perRule).toFixed(2)}×, one alternation ${(one / perRule).toFixed(2)}×; scanText screened ${rate(scan)}, every rule alone ${rate(plain)}`,
)
