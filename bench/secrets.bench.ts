// `npm run bench` (secrets): trustctl's secrets scan against secretlint 13 with its recommended preset,
// on the same generated files in the same run: throughput (median MB/s) and recall on planted secrets.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { createEngine } from '@secretlint/node'
import { collectSecrets, secretsOptions } from '../src/collectors/secrets/index.js'
import { compileRules, scanText } from '../src/collectors/secrets/scan-text.js'
import type { ParseCache, ParsedInput } from '../src/collectors/source-collector.js'
import type { SecretFinding } from '../src/core/evidence-secrets.js'
import { timeMedian } from './median.js'

const fileCount = Number(process.env.BENCH_SECRET_FILES ?? 5_000)
const bytesPerFile = Number(process.env.BENCH_SECRET_FILE_BYTES ?? 10_000)
const runs = Number(process.env.BENCH_RUNS ?? 5)
const secretlintRuns = Number(process.env.BENCH_SECRETLINT_RUNS ?? 3)

// A deterministic generator: the corpus and the planted secrets are the same on every run.
let seed = 20261130
function next(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed >>> 8
}
const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const pick = <T>(list: readonly T[]): T => list[next() % list.length] as T
const random = (n: number, alphabet = alnum): string =>
  Array.from({ length: n }, () => pick([...alphabet])).join('')

/** A fake secret as it would sit in a line of a real file; `both` = a format both tools claim to cover. */
interface Plant {
  type: string
  both: boolean
  line: () => string
}
const plants: Plant[] = [
  { type: 'github-token', both: true, line: () => `  token: "${'ghp_'}${random(36)}"` },
  { type: 'gitlab-token', both: true, line: () => `GITLAB_TOKEN=${'glpat-'}${random(20)}` },
  {
    type: 'slack-token',
    both: true,
    line: () =>
      `slack_bot_token = "${'xoxb-'}${random(11, '0123456789')}-${random(13, '0123456789')}-${random(24)}"`,
  },
  {
    type: 'slack-webhook',
    both: true,
    line: () =>
      `WEBHOOK=https://${'hooks.slack.com'}/services/T${random(8, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}/B${random(10, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}/${random(24)}`,
  },
  { type: 'stripe-key', both: true, line: () => `const stripe = new Stripe('${'sk_live_'}${random(32)}')` },
  {
    type: 'sendgrid-api-key',
    both: true,
    line: () => `SENDGRID_API_KEY=${'SG.'}${random(22)}.${random(43)}`,
  },
  { type: 'npm-token', both: true, line: () => `//registry.example.com/:_authToken=${'npm_'}${random(36)}` },
  {
    type: 'openai-key',
    both: true,
    line: () => `OPENAI_API_KEY=${'sk-proj-'}${random(74)}${'T3BlbkFJ'}${random(74)}`,
  },
  {
    type: 'postgres-url',
    both: true,
    line: () => `DATABASE_URL=${'postgres'}://app:${random(20)}@db.internal:5432/app`,
  },
  {
    type: 'jwt',
    both: false,
    line: () => `Authorization: Bearer ${'eyJ'}hbGciOiJIUzI1NiJ9.${'eyJ'}zdWIiOiI${random(20)}.${random(43)}`,
  },
  { type: 'generic-password', both: false, line: () => `    password: "${random(24, `${alnum}#%&*`)}",` },
]
const privateKey = (): string[] => {
  // Real RSA keys in PEM open with the DER sequence header `MII…`, which secretlint checks for.
  const body = `MIIEpAIBAAKCAQEA${random(1584, `${alnum}+/`)}`
  return [
    `${'-----BEGIN'} RSA PRIVATE KEY-----`,
    ...(body.match(/.{1,64}/g) ?? []),
    `${'-----END'} RSA PRIVATE KEY-----`,
  ]
}

const vocabulary = [
  'const',
  'let',
  'return',
  'function',
  'await',
  'import',
  'export',
  'from',
  'if',
  'else',
  'for',
  'of',
  'new',
  'user',
  'account',
  'config',
  'options',
  'request',
  'response',
  'status',
  'items',
  'length',
  'token',
  'value',
  'password',
  'secret',
  'apiKey',
  'client',
  'session',
  'cache',
  'error',
  'result',
  'handler',
  'logger',
  'map',
]
function codeLine(): string {
  const indent = '  '.repeat(next() % 4)
  const words = Array.from({ length: 3 + (next() % 8) }, () => pick(vocabulary))
  switch (next() % 5) {
    case 0:
      return `${indent}const ${words[0]}${words[1]} = ${words.slice(2).join('.')}(${next() % 1000})`
    case 1:
      return `${indent}// ${words.join(' ')}`
    case 2:
      return `${indent}${words[0]}: "${words.slice(1).join('-')}",`
    case 3:
      return `${indent}if (${words[0]}.${words[1]} === ${next() % 100}) return ${words.slice(2).join('_')}`
    default:
      return `${indent}${words.join(' ')};`
  }
}

interface Planted {
  file: string
  line: number
  type: string
  both: boolean
}

function generate(root: string): { bytes: number; planted: Planted[]; files: string[] } {
  const planted: Planted[] = []
  const files: string[] = []
  let bytes = 0
  const extensions = ['ts', 'js', 'py', 'go', 'yaml', 'env', 'json', 'md']
  for (let i = 0; i < fileCount; i++) {
    const dir = path.join(root, `pkg-${i % 50}`, `mod-${i % 7}`)
    mkdirSync(dir, { recursive: true })
    const file = path.join(dir, `file-${i}.${pick(extensions)}`)
    const lines: string[] = []
    let size = 0
    // One file in ten carries a planted secret (one in fifty a private key).
    const plantAt = i % 10 === 0 ? 5 + (next() % 100) : -1
    while (size < bytesPerFile) {
      if (lines.length === plantAt) {
        const relative = path.relative(root, file).split(path.sep).join('/')
        if (i % 50 === 0) {
          planted.push({ file: relative, line: lines.length + 1, type: 'private-key', both: true })
          for (const l of privateKey()) lines.push(l)
        } else if (i % 50 === 20) {
          // An AWS key pair as a credentials file holds it: the id and the secret on two lines.
          planted.push({ file: relative, line: lines.length + 1, type: 'aws-access-key-id', both: true })
          lines.push(`aws_access_key_id = ${'AKIA'}${random(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`)
          planted.push({ file: relative, line: lines.length + 1, type: 'aws-secret-access-key', both: true })
          lines.push(`aws_secret_access_key = ${random(40, `${alnum}/+`)}`)
        } else {
          const plant = plants[(i / 10) % plants.length] ?? plants[0]
          if (plant === undefined) throw new Error('no plants')
          planted.push({ file: relative, line: lines.length + 1, type: plant.type, both: plant.both })
          lines.push(plant.line())
        }
      }
      const line = codeLine()
      lines.push(line)
      size += line.length + 1
    }
    const text = `${lines.join('\n')}\n`
    writeFileSync(file, text)
    files.push(file)
    bytes += Buffer.byteLength(text)
  }
  return { bytes, planted, files }
}

function recall(
  planted: readonly Planted[],
  found: ReadonlySet<string>,
  subset: (p: Planted) => boolean,
): string {
  const wanted = planted.filter(subset)
  const hit = wanted.filter((p) => found.has(`${p.file}:${p.line}`))
  return `${hit.length}/${wanted.length} (${((100 * hit.length) / Math.max(1, wanted.length)).toFixed(1)}%)`
}

function missedTypes(planted: readonly Planted[], found: ReadonlySet<string>): string {
  const missed = new Map<string, number>()
  for (const p of planted)
    if (!found.has(`${p.file}:${p.line}`)) missed.set(p.type, (missed.get(p.type) ?? 0) + 1)
  return missed.size === 0 ? 'none' : [...missed].map(([t, n]) => `${t} ×${n}`).join(', ')
}

/** secretlint's own test fixtures, if a rule package in node_modules ships them (the preset bundles none). */
function secretlintFixtures(): string[] {
  const require = createRequire(import.meta.url)
  const scope = path.dirname(
    path.dirname(require.resolve('@secretlint/secretlint-rule-preset-recommend/package.json')),
  )
  const found: string[] = []
  for (const name of readdirSync(scope).filter((n) => n.startsWith('secretlint-rule-'))) {
    for (const dir of ['test/snapshots', 'test/fixtures', 'fixtures']) {
      const full = path.join(scope, name, dir)
      if (existsSync(full)) found.push(full)
    }
  }
  return found
}

const root = mkdtempSync(path.join(os.tmpdir(), 'trustctl-secrets-bench-'))
try {
  const corpus = generate(root)
  const mb = corpus.bytes / 1e6
  console.log(
    `secrets bench: ${fileCount} files, ${mb.toFixed(1)} MB, ${corpus.planted.length} planted secrets, node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0]?.toFixed(1)}`,
  )

  const context = { root, where: 'bench', now: new Date(), env: {}, fingerprintSalt: 'bench' }
  const options = secretsOptions.parse({ type: 'secrets', path: '.' })
  let ours: SecretFinding[] = []
  const trustctlMs = await timeMedian('trustctl (walk, read, scan)', runs, async () => {
    const collection = await collectSecrets(options, context)
    ours = collection.evidence.filter((e): e is SecretFinding => e.kind === 'secret.finding')
  })

  // Incremental runs: the same scan through a parse cache, first with nothing cached (it hashes files
  // as it reads them and offers every shard's findings), then again with nothing changed.
  const cached = new Map<string, ParsedInput>()
  const parseCache: ParseCache = {
    get: async (key) => cached.get(key),
    set: (key, parsed) => {
      cached.set(key, parsed)
    },
  }
  const coldMs = await timeMedian('trustctl through an empty parse cache', runs, async () => {
    cached.clear()
    await collectSecrets(options, { ...context, parseCache })
  })
  let rerunFindings = 0
  const warmMs = await timeMedian('trustctl re-run, nothing changed (cache)', runs, async () => {
    const collection = await collectSecrets(options, { ...context, parseCache })
    rerunFindings = collection.evidence.length - 1
  })
  if (rerunFindings !== ours.length)
    throw new Error(`the re-run found ${rerunFindings} secrets, the scan ${ours.length}`)

  const engine = await createEngine({
    cwd: root,
    formatter: 'json',
    color: false,
    maskSecrets: true,
    configFileJSON: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] },
  })
  let theirs = new Set<string>()
  const secretlintMs = await timeMedian('secretlint 13 + preset-recommend', secretlintRuns, async () => {
    const result = await engine.executeOnFiles({ filePathList: corpus.files })
    const parsed = JSON.parse(result.output) as {
      filePath: string
      messages: { loc: { start: { line: number } } }[]
    }[]
    theirs = new Set(
      parsed.flatMap((r) =>
        r.messages.map(
          (m) => `${path.relative(root, r.filePath).split(path.sep).join('/')}:${m.loc.start.line}`,
        ),
      ),
    )
  })

  // A planted private key spans lines; both tools report it at its BEGIN line.
  const oursFound = new Set(ours.map((f) => `${f.file}:${f.line}`))
  const trustctlRate = mb / (trustctlMs / 1000)
  const secretlintRate = mb / (secretlintMs / 1000)
  console.log('')
  console.log(`  trustctl     ${trustctlRate.toFixed(1).padStart(7)} MB/s   (target: at least 100 MB/s)`)
  console.log(`  secretlint   ${secretlintRate.toFixed(1).padStart(7)} MB/s`)
  console.log(
    `  re-run       ${(warmMs / 1000).toFixed(2)} s with nothing changed, ${((100 * warmMs) / trustctlMs).toFixed(0)}% of a scan (first run through the cache ${(coldMs / 1000).toFixed(2)} s, ${((100 * coldMs) / trustctlMs).toFixed(0)}%)`,
  )
  console.log(
    `  ratio        ${(trustctlRate / secretlintRate).toFixed(1).padStart(7)}x       (target: at least 5x)`,
  )
  console.log('')
  console.log(
    `  recall on all planted secrets           trustctl ${recall(corpus.planted, oursFound, () => true)}   secretlint ${recall(corpus.planted, theirs, () => true)}`,
  )
  console.log(
    `  recall on formats both tools cover      trustctl ${recall(corpus.planted, oursFound, (p) => p.both)}   secretlint ${recall(corpus.planted, theirs, (p) => p.both)}`,
  )
  console.log(`  missed by trustctl: ${missedTypes(corpus.planted, oursFound)}`)
  console.log(`  missed by secretlint: ${missedTypes(corpus.planted, theirs)}`)
  const plantedKeys = new Set(corpus.planted.map((p) => `${p.file}:${p.line}`))
  const privateKeyBodies = new Set(corpus.planted.filter((p) => p.type === 'private-key').map((p) => p.file))
  const extra = (found: ReadonlySet<string>): number =>
    [...found].filter((k) => !plantedKeys.has(k) && !privateKeyBodies.has(k.slice(0, k.lastIndexOf(':'))))
      .length
  console.log(
    `  findings outside the planted lines      trustctl ${extra(oursFound)}   secretlint ${extra(theirs)}`,
  )

  const fixtures = secretlintFixtures()
  if (fixtures.length === 0) {
    console.log(
      '  secretlint test fixtures: not in node_modules (the rule packages ship only their built code), so not compared',
    )
  } else {
    const compiled = compileRules()
    for (const dir of fixtures) {
      let files = 0
      let hits = 0
      for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile() || !entry.name.startsWith('input')) continue
        files++
        if (scanText(readFileSync(path.join(entry.parentPath, entry.name), 'utf8'), compiled).length > 0)
          hits++
      }
      console.log(`  secretlint fixtures ${dir}: trustctl finds something in ${hits}/${files} inputs`)
    }
  }
  console.log(`  peak RSS     ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`)
} finally {
  rmSync(root, { recursive: true, force: true })
}
