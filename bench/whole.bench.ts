// `npm run bench` (whole process): what a user times. Each measure spawns `node bin/trustctl.js …` on a
// fresh store (start-up, config, collection, checks and the signed store included) and, in the same
// run and alternating with it, its peer or its limit: secretlint 13 on the same corpus, a one-pass
// regular expression over the same bytes, js-yaml or JSON.parse alone in a process of their own,
// better-sqlite3 inserting rows, yamllint and @mitre/saf when they are on PATH. The in-process figure
// (the collector called directly, no start-up, no store) is printed beside the whole-process one.
// The summary at the end is the table of issue 18 with today's figures in the `now` column.
//
// Scale with BENCH_WHOLE_SCALE (1 = the issue's sizes; 0.2 for a quick look, 4 for a big run), and the
// number of alternating runs with BENCH_WHOLE_RUNS (default 5). On the 2-core machine the default run
// takes a few minutes; the 40k- and 100k-object measures and the audit log (minutes, not seconds)
// run BENCH_WHOLE_BIG_RUNS times (default 1).
import { spawnSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { loadConfig } from '../src/app/load-config.js'
import { collectSources } from '../src/collectors/registry.js'
import { importReport } from '../src/collectors/scanners/scan-report.js'
import { collectSecrets, secretsOptions } from '../src/collectors/secrets/index.js'
import { setSecretsWorkerFile } from '../src/collectors/secrets/scan-pool.js'
import { canonicalBytes, type LedgerEntry, sha256 } from '../src/core/ledger.js'
import { ed25519Signer } from '../src/core/ledger-manifest.js'
import { exportBundle } from '../src/store/bundle.js'
import { ingestInputs, type LedgerInput } from '../src/store/ingest.js'
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js'
import { appendAuditLog } from './generate-audit-log.js'
import { generateEstate } from './generate-estate.js'

const scale = Number(process.env.BENCH_WHOLE_SCALE ?? 1)
const runs = Number(process.env.BENCH_WHOLE_RUNS ?? 5)
const bigRuns = Number(process.env.BENCH_WHOLE_BIG_RUNS ?? 1)
// BENCH_WHOLE_ONLY=secrets,rerun runs only those parts (startup, secrets, k8s, rerun, k8s-40k,
// k8s-100k, trivy, sarif, ingest, verify, log): one measure again after a change, not the whole table.
const only = new Set((process.env.BENCH_WHOLE_ONLY ?? '').split(',').filter((part) => part !== ''))
const wanted = (part: string): boolean => only.size === 0 || only.has(part)
const n = (base: number): number => Math.max(1, Math.round(base * scale))

// bench/ compiles to dist/bench/: the checkout is two levels up, and its CLI is bin/trustctl.js.
const checkout = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const cli = path.join(checkout, 'bin', 'trustctl.js')
const nodeModules = path.join(checkout, 'node_modules')
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined

/** One timed child process: wall time measured here, peak RSS from GNU time when it is installed. */
interface Sample {
  ms: number
  rssMb?: number
}

/** Where a contender's command is missing, the table says so instead of a figure. */
interface Contender {
  label: string
  /** argv; undefined = not installed on this machine (never downloaded by the bench). */
  argv?: string[]
  cwd: string
  /** Runs before each timed run, untimed (a fresh store, a rewritten config). */
  prepare?: () => void
  /** The command exits 1 when it reports findings: that is a result, not a failure. */
  okCodes?: number[]
  missing?: string
}

function which(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const full = path.join(dir, command)
    if (dir !== '' && existsSync(full)) return full
  }
  return undefined
}

function runOnce(c: Contender): Sample {
  const argv = c.argv
  if (argv === undefined) throw new Error(`${c.label}: not installed`)
  c.prepare?.()
  const rssFile = path.join(os.tmpdir(), `trustctl-whole-rss-${process.pid}`)
  const [command, args] =
    gnuTime === undefined
      ? [argv[0] as string, argv.slice(1)]
      : [gnuTime, ['-f', '%M', '-o', rssFile, ...argv]]
  const start = process.hrtime.bigint()
  const result = spawnSync(command, args, { cwd: c.cwd, encoding: 'utf8', maxBuffer: 256 << 20 })
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  const ok = c.okCodes ?? [0]
  if (result.status === null || !ok.includes(result.status))
    throw new Error(
      `${c.label}: exited ${result.status ?? result.signal}: ${(result.stderr || result.stdout).slice(0, 2000)}`,
    )
  let rssMb: number | undefined
  if (gnuTime !== undefined) {
    const kb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1))
    if (Number.isFinite(kb)) rssMb = kb / 1024
    rmSync(rssFile, { force: true })
  }
  return rssMb === undefined ? { ms } : { ms, rssMb }
}

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN

interface Figure {
  label: string
  ms: number
  rssMb?: number
  missing?: string
}

/**
 * Runs the contenders in turn, `times` rounds (A B C, A B C, …) so that a burst of load from the other
 * processes on a shared machine falls on all of them alike, and prints each one's median.
 */
function alternate(title: string, contenders: readonly Contender[], times = runs): Figure[] {
  console.log(`\n${title}`)
  const samples = contenders.map(() => [] as Sample[])
  for (let r = 0; r < times; r++)
    contenders.forEach((c, i) => {
      if (c.argv !== undefined) samples[i]?.push(runOnce(c))
    })
  return contenders.map((c, i) => {
    if (c.argv === undefined) {
      console.log(`  ${c.label.padEnd(52)} ${c.missing ?? 'not installed'}`)
      return { label: c.label, ms: Number.NaN, missing: c.missing ?? 'not installed' }
    }
    const list = samples[i] ?? []
    const ms = median(list.map((s) => s.ms))
    const rss = list.flatMap((s) => (s.rssMb === undefined ? [] : [s.rssMb]))
    const rssMb = rss.length === 0 ? undefined : Math.max(...rss)
    const spread = list.map((s) => s.ms).sort((a, b) => a - b)
    console.log(
      `  ${c.label.padEnd(52)} median ${fmtS(ms).padStart(8)}  (min ${fmtS(spread[0] ?? 0)}, max ${fmtS(spread.at(-1) ?? 0)}, n=${list.length})${rssMb === undefined ? '' : `  peak RSS ${rssMb.toFixed(0)} MiB`}`,
    )
    return rssMb === undefined ? { label: c.label, ms } : { label: c.label, ms, rssMb }
  })
}

/** An in-process figure: the function alone, in this process, median of `runs`. */
async function inProcess(label: string, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = []
  for (let r = 0; r < runs; r++) {
    globalThis.gc?.()
    const start = process.hrtime.bigint()
    await fn()
    times.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  const ms = median(times)
  console.log(`  ${`${label} (in process)`.padEnd(52)} median ${fmtS(ms).padStart(8)}  (n=${runs})`)
  return ms
}

const fmtS = (ms: number): string => (Number.isNaN(ms) ? '–' : `${(ms / 1000).toFixed(2)} s`)
const fmtRss = (f: Figure): string => (f.rssMb === undefined ? '' : `, ${f.rssMb.toFixed(0)} MiB`)
const ratio = (a: number, b: number): string =>
  Number.isNaN(a) || Number.isNaN(b) ? '–' : `${(a / b).toFixed(2)}×`

// ---------------------------------------------------------------------------------------------------
// Inputs. Every generator is deterministic: the same bytes on every run.

let state = 20261206
function next(): number {
  state = (state * 1103515245 + 12345) % 2147483648
  return state >>> 8
}
const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const rand = (len: number): string => Array.from({ length: len }, () => alnum[next() % 62]).join('')

const words = ['const', 'return', 'user', 'config', 'token', 'value', 'password', 'client', 'cache', 'error']
const codeLine = (): string =>
  `${'  '.repeat(next() % 3)}const ${words[next() % 10]}${next() % 100} = ${Array.from({ length: 4 + (next() % 6) }, () => words[next() % 10]).join('.')}(${next() % 1000})`

/** About 10 KB files of code-like lines, one in ten with a token-shaped secret. */
function secretsCorpus(root: string, files: number): number {
  let bytes = 0
  for (let i = 0; i < files; i++) {
    const dir = path.join(root, `pkg-${i % 50}`, `mod-${i % 7}`)
    mkdirSync(dir, { recursive: true })
    const lines: string[] = []
    let size = 0
    while (size < 10_000) {
      const line = lines.length === 20 && i % 10 === 0 ? `  token: "${'ghp_'}${rand(36)}"` : codeLine()
      lines.push(line)
      size += line.length + 1
    }
    const text = `${lines.join('\n')}\n`
    writeFileSync(path.join(dir, `file-${i}.${['ts', 'js', 'py', 'yaml', 'md'][i % 5]}`), text)
    bytes += text.length
  }
  return bytes
}

function trivyReport(file: string, count: number): void {
  const vulns = Array.from({ length: count }, (_, i) => ({
    VulnerabilityID: `CVE-${2020 + (i % 6)}-${10000 + i}`,
    PkgName: `pkg-${i % 700}`,
    InstalledVersion: `1.${i % 13}.${i % 7}`,
    ...(i % 3 === 0 ? {} : { FixedVersion: `1.${i % 13}.${(i % 7) + 1}` }),
    Status: i % 3 === 0 ? 'affected' : 'fixed',
    PrimaryURL: `https://avd.aquasec.com/nvd/cve-${i}`,
    Title: `pkg-${i % 700}: memory corruption in a parser of untrusted input ${i}`,
    Description:
      'A flaw in the way the library parses crafted input lets an attacker cause a buffer over-read, leading to a crash or disclosure of memory.',
    Severity: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'][i % 5],
    CweIDs: ['CWE-125'],
    CVSS: { nvd: { V3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H', V3Score: 4 + (i % 60) / 10 } },
    References: [`https://nvd.nist.gov/vuln/detail/CVE-${i}`],
    PublishedDate: '2026-01-01T00:00:00Z',
    LastModifiedDate: '2026-01-02T00:00:00Z',
  }))
  const report = {
    SchemaVersion: 2,
    CreatedAt: '2026-11-29T06:00:00Z',
    ArtifactName: 'ghcr.io/acme/api:1.8.0',
    ArtifactType: 'container_image',
    Results: [
      {
        Target: 'ghcr.io/acme/api:1.8.0 (alpine 3.20.3)',
        Class: 'os-pkgs',
        Type: 'alpine',
        Vulnerabilities: vulns,
      },
    ],
  }
  writeFileSync(file, JSON.stringify(report, null, 2))
}

function sarifReport(file: string, count: number): void {
  const rules = Array.from({ length: 200 }, (_, i) => ({
    id: `R${i}`,
    defaultConfiguration: { level: 'warning' },
    properties: { 'security-severity': String(((i % 90) + 10) / 10) },
  }))
  const results = Array.from({ length: count }, (_, i) => ({
    ruleId: `R${i % 200}`,
    ruleIndex: i % 200,
    level: i % 5 === 0 ? 'error' : 'warning',
    message: { text: `Possible injection of untrusted data into a query built here (${i}).` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: `src/module${i % 900}/file${i % 37}.ts`, uriBaseId: '%SRCROOT%' },
          region: { startLine: (i % 800) + 1, startColumn: 5, endLine: (i % 800) + 1, endColumn: 42 },
        },
      },
    ],
    partialFingerprints: { primaryLocationLineHash: `${(i * 2654435761).toString(16)}:1` },
  }))
  const report = {
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'bench-analyser', semanticVersion: '1.0.0', rules } }, results }],
  }
  writeFileSync(file, JSON.stringify(report, null, 2))
}

/** A repository with its trustctl.yaml; `fresh()` puts it back as before any run (no store, no key pin). */
function project(root: string, sources: string): { root: string; fresh: () => void } {
  const config = `version: 1
organization: Bench Co
system: { name: Whole-process bench, description: Synthetic estate for the trustctl whole-process benchmark. }
scope: { categories: [security], asOf: 2026-11-30 }
sources: ${sources}
store: { path: .trustctl }
`
  const fresh = (): void => {
    rmSync(path.join(root, '.trustctl'), { recursive: true, force: true })
    rmSync(path.join(root, 'trustctl.anchor'), { force: true })
    // The first assess pins its new signing key in trustctl.yaml: a fresh store gets the file back.
    writeFileSync(path.join(root, 'trustctl.yaml'), config)
  }
  fresh()
  return { root, fresh }
}

/** A one-file Node script for the limits (parse-only, one regex): start-up included, like ours. */
function script(dir: string, name: string, body: string): string {
  const file = path.join(dir, name)
  writeFileSync(file, body)
  return file
}

const assess = (
  p: { root: string; fresh: () => void },
  label = 'trustctl assess (whole process)',
): Contender => ({
  label,
  argv: [process.execPath, cli, 'assess', '--config', 'trustctl.yaml'],
  cwd: p.root,
  prepare: p.fresh,
  okCodes: [0, 1],
})

// ---------------------------------------------------------------------------------------------------

interface Row {
  measure: string
  trustctl: string
  peer: string
  now: string
  goal: string
}
const rows: Row[] = []

const work = mkdtempSync(path.join(os.tmpdir(), 'trustctl-whole-bench-'))
const load = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')
try {
  console.log(
    `trustctl whole-process bench: scale ${scale}, ${runs} alternating runs, node ${process.version}, ${os.cpus().length} cores, load ${load()} at start${gnuTime === undefined ? ', peak RSS not measured (/usr/bin/time missing)' : ''}`,
  )
  const tools = path.join(work, 'tools')
  mkdirSync(tools)

  // 1. Start-up.
  if (wanted('startup')) {
    const [ours, bare] = alternate('--version', [
      { label: 'trustctl --version', argv: [process.execPath, cli, '--version'], cwd: work },
      { label: 'node -e 0', argv: [process.execPath, '-e', '0'], cwd: work },
    ]) as [Figure, Figure]
    rows.push({
      measure: '`--version`',
      trustctl: `${fmtS(ours.ms)}${fmtRss(ours)}`,
      peer: `\`node -e 0\` ${fmtS(bare.ms)}`,
      now: ratio(ours.ms, bare.ms),
      goal: '≤ 3×',
    })
  }

  // 2. Secrets.
  if (wanted('secrets')) {
    const root = path.join(work, 'secrets')
    const files = n(5031)
    const bytes = secretsCorpus(root, files)
    const p = project(root, '[{ type: secrets, path: . }]')
    writeFileSync(
      path.join(root, '.secretlintrc.json'),
      JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }),
    )
    const secretlintBin = path.join(nodeModules, 'secretlint', 'bin', 'secretlint.js')
    // The reference: walk, read every file, one pass of one expression made of the prefixes the
    // rules look for. It finds nothing a rule would not; it is the floor a scan of these bytes has.
    const reference = script(
      tools,
      'one-regex.mjs',
      `import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
const re = /(?:ghp_|gho_|glpat-|xox[abposr]-|sk_live_|rk_live_|AKIA|ASIA|-----BEGIN|SG\\.|npm_|sk-proj-|eyJ|:\\/\\/[^:\\s]+:[^@\\s]+@|pass(?:word|wd)?\\s*[:=])/g
let hits = 0
for (const e of readdirSync(process.argv[2], { recursive: true, withFileTypes: true })) {
  if (!e.isFile() || e.name === 'trustctl.yaml' || e.name.startsWith('.')) continue
  const text = readFileSync(path.join(e.parentPath, e.name), 'utf8')
  for (const _ of text.matchAll(re)) hits++
}
console.log(hits)
`,
    )
    const [ours, theirs, ref] = alternate(`secrets: ${files} files, ${(bytes / 1e6).toFixed(1)} MB`, [
      assess(p),
      {
        label: 'secretlint 13 + preset-recommend',
        argv: [process.execPath, secretlintBin, '--format', 'json', '--maskSecrets', '**/*'],
        cwd: root,
        okCodes: [0, 1],
      },
      {
        label: 'one-regex reference (walk, read, one pass)',
        argv: [process.execPath, reference, root],
        cwd: root,
      },
    ]) as [Figure, Figure, Figure]
    const context = { root, where: 'bench', now: new Date(), env: {}, fingerprintSalt: 'bench' }
    const options = secretsOptions.parse({ type: 'secrets', path: '.' })
    const inside = await inProcess('trustctl secrets collector', () => collectSecrets(options, context))
    // The same scan kept on one thread (no worker pool), beside it: what the pool gains here.
    const worker = setSecretsWorkerFile(undefined)
    const oneThread = await inProcess('trustctl secrets collector, one thread', () =>
      collectSecrets(options, context),
    )
    setSecretsWorkerFile(worker)
    rows.push({
      measure: `secrets, ${files} files, ${(bytes / 1e6).toFixed(1)} MB`,
      trustctl: `${fmtS(ours.ms)} (in process ${fmtS(inside)}${worker === undefined ? ', no worker built' : `; one thread ${fmtS(oneThread)}`})`,
      peer: `secretlint 13: ${fmtS(theirs.ms)}; one-regex reference ${fmtS(ref.ms)}`,
      now: `${ratio(theirs.ms, ours.ms)} secretlint; ${((100 * ref.ms) / ours.ms).toFixed(0)}% of the reference`,
      goal: '≥ 5× secretlint, ≥ 50% of the reference',
    })
  }

  // 3. Kubernetes objects, and the re-run with nothing changed on the same estate.
  const parseOnly = script(
    tools,
    'yaml-parse.mjs',
    `import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
const yaml = createRequire(${JSON.stringify(path.join(checkout, 'package.json'))})('js-yaml')
let docs = 0
for (const name of readdirSync(process.argv[2])) docs += yaml.loadAll(readFileSync(path.join(process.argv[2], name), 'utf8')).length
console.log(docs)
`,
  )
  const yamllint = which('yamllint')
  for (const [objects, times] of [
    [n(10_000), runs],
    [n(40_000), bigRuns],
    [n(100_000), bigRuns],
  ] as const) {
    const part = objects === n(10_000) ? 'k8s' : objects === n(40_000) ? 'k8s-40k' : 'k8s-100k'
    if (!wanted(part) && !(part === 'k8s' && wanted('rerun'))) continue
    const root = path.join(work, `k8s-${objects}`)
    generateEstate(root, objects, 0)
    const p = project(root, '[{ path: deploy }]')
    const deploy = path.join(root, 'deploy')
    if (wanted(part)) {
      const contenders: Contender[] = [
        assess(p),
        {
          label: 'js-yaml parse-only (whole process)',
          argv: [process.execPath, parseOnly, deploy],
          cwd: root,
        },
      ]
      if (objects === n(10_000))
        contenders.push(
          yamllint === undefined
            ? { label: 'yamllint', cwd: root, missing: 'not installed' }
            : {
                label: 'yamllint -d relaxed',
                argv: [yamllint, '-d', 'relaxed', deploy],
                cwd: root,
                okCodes: [0, 1],
              },
        )
      const [ours, parse, lint] = alternate(`${objects} Kubernetes objects`, contenders, times) as [
        Figure,
        Figure,
        Figure | undefined,
      ]
      const { config } = await loadConfig(undefined, root)
      const inside =
        objects === n(10_000)
          ? await inProcess('kubernetes collection', () =>
              collectSources(config.sources, { root, now: new Date(), env: {} }),
            )
          : Number.NaN
      if (lint !== undefined)
        rows.push({
          measure: `${objects} Kubernetes objects`,
          trustctl: `${fmtS(ours.ms)}${fmtRss(ours)} (collection in process ${fmtS(inside)})`,
          peer: `yamllint ${lint.missing ?? fmtS(lint.ms)}; js-yaml parse-only ${fmtS(parse.ms)}`,
          now: `${lint.missing === undefined ? `${ratio(lint.ms, ours.ms)} yamllint; ` : ''}${ratio(ours.ms, parse.ms)} parse`,
          goal: '≥ 20× yamllint; ≤ 3× parse',
        })
      else
        rows.push({
          measure: `${objects} objects`,
          trustctl: `${fmtS(ours.ms)}${fmtRss(ours)}`,
          peer: `js-yaml parse-only ${fmtS(parse.ms)}`,
          now: `${ours.rssMb === undefined ? '–' : `${((ours.rssMb * 1024) / objects).toFixed(1)} KiB per object; peak RSS ${ours.rssMb <= 512 ? 'within' : 'over'} 512 MiB`}`,
          goal: '≤ 512 MiB at 100k',
        })
    }

    if (objects === n(10_000) && wanted('rerun')) {
      // Re-run: the cold run on a fresh store, then the same command again with nothing changed.
      const [cold, warm] = alternate(`re-run, nothing changed (${objects} objects)`, [
        assess(p, 'trustctl assess, fresh store'),
        { ...assess(p, 'trustctl assess again, nothing changed'), prepare: () => {} },
      ]) as [Figure, Figure]
      rows.push({
        measure: `re-run, nothing changed (${objects} objects)`,
        trustctl: `${fmtS(warm.ms)} (cold ${fmtS(cold.ms)})`,
        peer: '–',
        now: `${((100 * warm.ms) / cold.ms).toFixed(0)}% of cold`,
        goal: '≤ 10% of cold, whole process',
      })
    }
    rmSync(root, { recursive: true, force: true })
  }

  // 4. Scanner reports: Trivy and SARIF, against JSON.parse alone and @mitre/saf where installed.
  const jsonParse = script(
    tools,
    'json-parse.mjs',
    `import { readFileSync } from 'node:fs'
const value = JSON.parse(readFileSync(process.argv[2], 'utf8'))
console.log(typeof value)
`,
  )
  const saf = which('saf')
  for (const [kind, count] of [
    ['Trivy', n(10_000)],
    ['SARIF', n(10_000)],
  ] as const) {
    if (!wanted(kind.toLowerCase())) continue
    const root = path.join(work, `scan-${kind}`)
    mkdirSync(path.join(root, 'scans'), { recursive: true })
    const file = path.join(root, 'scans', kind === 'Trivy' ? 'trivy.json' : 'code.sarif')
    if (kind === 'Trivy') trivyReport(file, count)
    else sarifReport(file, count)
    const p = project(root, '[{ type: scan-report, path: scans }]')
    const safArgs =
      kind === 'Trivy'
        ? ['convert', 'trivy2hdf', '-i', file, '-o', path.join(root, 'hdf')]
        : ['convert', 'sarif2hdf', '-i', file, '-o', path.join(root, 'hdf.json')]
    const [ours, parse, theirs] = alternate(
      `${kind}: ${count} ${kind === 'Trivy' ? 'vulnerabilities' : 'results'}, ${(statSync(file).size / 1e6).toFixed(1)} MB`,
      [
        assess(p),
        { label: 'JSON.parse alone (whole process)', argv: [process.execPath, jsonParse, file], cwd: root },
        saf === undefined
          ? { label: '@mitre/saf', cwd: root, missing: 'not installed' }
          : {
              label: '@mitre/saf convert',
              argv: [saf, ...safArgs],
              cwd: root,
              prepare: () => rmSync(path.join(root, 'hdf'), { recursive: true, force: true }),
            },
      ],
    ) as [Figure, Figure, Figure]
    const inside = await inProcess(`${kind} import`, () =>
      importReport(file, { file: path.basename(file), now: new Date('2026-11-30T00:00:00Z') }),
    )
    // The in-process goal's yardstick, measured the same way: read the file and JSON.parse it.
    const parseInside = await inProcess('read + JSON.parse', async () =>
      JSON.parse(readFileSync(file, 'utf8')),
    )
    rows.push({
      measure: `${kind}, ${count} ${kind === 'Trivy' ? 'vulnerabilities' : 'results'}`,
      trustctl: `${fmtS(ours.ms)} (import in process ${fmtS(inside)}, ${ratio(inside, parseInside)} read + JSON.parse)`,
      peer: `saf ${theirs.missing ?? fmtS(theirs.ms)}; \`JSON.parse\` ${fmtS(parse.ms)}`,
      now: `${theirs.missing === undefined ? `${ratio(theirs.ms, ours.ms)} saf; ` : ''}${ratio(ours.ms, parse.ms)} parse`,
      goal: '≥ 5× saf; ≤ 2× parse',
    })
    rmSync(root, { recursive: true, force: true })
  }

  // 5. Ledger ingest: in process (no CLI ingests records alone), beside better-sqlite3's own rate.
  if (wanted('ingest')) {
    const records = n(200_000)
    const perInput = 100
    const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
    // `generation` 1: the same sources changed (new bytes, new evidence), as a later run records them.
    const inputs = (generation = 0): LedgerInput[] =>
      Array.from({ length: Math.ceil(records / perInput) }, (_, i) => ({
        source: `deploy/app-${i}.yaml`,
        collector: 'kubernetes',
        collectorVersion: 'bench',
        sha256: sha256(`input-${i}-${generation}`),
        parse: (): LedgerEntry[] =>
          Array.from({ length: Math.min(perInput, records - i * perInput) }, (_, j) => ({
            kind: 'evidence' as const,
            id: `k8s.workload:prod/app-${i}-${j}`,
            source: `deploy/app-${i}.yaml`,
            collector: 'kubernetes',
            collectorVersion: 'bench',
            collectedAt: '2026-11-28T00:00:00.000Z',
            effectiveAt: '2026-11-28T00:00:00.000Z',
            content: canonicalBytes({
              kind: 'k8s.workload',
              name: `app-${i}-${j}`,
              namespace: 'prod',
              replicas: (j % 5) + generation,
            }),
          })),
      }))
    console.log(`\nledger ingest: ${records} records (in process)`)
    const ours: number[] = []
    const again: number[] = []
    const floor: number[] = []
    for (let r = 0; r < runs; r++) {
      const store = new SqliteStore(path.join(work, `ledger-${r}`, 'trustctl.db'))
      const list = inputs()
      globalThis.gc?.()
      let start = process.hrtime.bigint()
      const runId = await store.beginRun({
        startedAt: new Date().toISOString(),
        toolVersion: 'bench',
        signer,
      })
      await ingestInputs(store, runId, list, { collectedAt: new Date().toISOString() })
      await store.finishRun(runId, new Date().toISOString(), signer)
      ours.push(Number(process.hrtime.bigint() - start) / 1e9)
      // The same ingest again into the store that now holds the first: its indexes no longer fit the
      // page cache, which is where a ledger that grows run after run spends its time.
      const changed = inputs(1)
      globalThis.gc?.()
      start = process.hrtime.bigint()
      const nextRun = await store.beginRun({
        startedAt: new Date().toISOString(),
        toolVersion: 'bench',
        signer,
      })
      await ingestInputs(store, nextRun, changed, { collectedAt: new Date().toISOString() })
      await store.finishRun(nextRun, new Date().toISOString(), signer)
      again.push(Number(process.hrtime.bigint() - start) / 1e9)
      await store.close()
      const db = new Database(path.join(work, `ledger-${r}`, 'floor.db'))
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = NORMAL')
      db.exec(
        'CREATE TABLE t (seq INTEGER PRIMARY KEY, id TEXT, kind TEXT, source TEXT, hash TEXT, bytes BLOB)',
      )
      const insert = db.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)')
      const bytes = Buffer.alloc(200, 1)
      globalThis.gc?.()
      start = process.hrtime.bigint()
      db.transaction(() => {
        for (let i = 1; i <= records; i++)
          insert.run(i, `k8s.workload:prod/app-${i}`, 'evidence', 'deploy/app.yaml', 'a'.repeat(64), bytes)
      })()
      floor.push(Number(process.hrtime.bigint() - start) / 1e9)
      db.close()
      rmSync(path.join(work, `ledger-${r}`), { recursive: true, force: true })
    }
    const oursRate = records / median(ours)
    const floorRate = records / median(floor)
    console.log(
      `  trustctl ingest          ${Math.round(oursRate).toLocaleString('en')} records/s (n=${runs})`,
    )
    console.log(
      `  trustctl ingest, 2nd     ${Math.round(records / median(again)).toLocaleString('en')} records/s into a store of ${records} (n=${runs})`,
    )
    console.log(`  better-sqlite3 raw rows  ${Math.round(floorRate).toLocaleString('en')} rows/s (n=${runs})`)
    rows.push({
      measure: `ledger ingest, ${records} records`,
      trustctl: `${Math.round(oursRate / 1000)}k records/s (in process)`,
      peer: `better-sqlite3 ${Math.round(floorRate / 1000)}k rows/s`,
      now: `${((100 * oursRate) / floorRate).toFixed(0)}%`,
      goal: '≥ 200k/s',
    })
  }

  // 6. Verifying a bundle of a folder of many files: an export bundle (`trustctl export`) holds one
  // file per blob, written here the way trustctl writes it (a store, an ingest, exportBundle), then
  // `trustctl verify --bundle` whole process beside sha256sum over the same folder (the limit: it
  // reads and hashes every file and does nothing else) and node's createHash in a loop.
  if (wanted('verify')) {
    const files = n(42_000)
    const root = path.join(work, 'folder')
    const bundle = path.join(root, 'bundle')
    const signer = ed25519Signer(generateKeyPairSync('ed25519').privateKey)
    const store = new SqliteStore(path.join(root, 'store', 'trustctl.db'))
    const at = '2026-12-06T00:00:00.000Z'
    const runId = await store.beginRun({ startedAt: at, toolVersion: 'bench', signer })
    // bundle.json, records.jsonl and the blobs of the run's signing-key, run-start, evidence sets and
    // manifest are the other files: the evidence items make the folder up to the issue's count.
    const perInput = 100
    const evidence = files - 3 - 2 - Math.ceil(files / (perInput + 1))
    await ingestInputs(
      store,
      runId,
      Array.from({ length: Math.ceil(evidence / perInput) }, (_, i) => ({
        source: `deploy/app-${i}.yaml`,
        collector: 'kubernetes',
        collectorVersion: 'bench',
        sha256: sha256(`folder-input-${i}`),
        parse: (): LedgerEntry[] =>
          Array.from({ length: Math.min(perInput, evidence - i * perInput) }, (_, j) => ({
            kind: 'evidence' as const,
            id: `k8s.workload:prod/app-${i}-${j}`,
            source: `deploy/app-${i}.yaml`,
            collector: 'kubernetes',
            collectorVersion: 'bench',
            collectedAt: at,
            effectiveAt: at,
            content: canonicalBytes({ kind: 'k8s.workload', name: `app-${i}-${j}`, pad: rand(200) }),
          })),
      })),
      { collectedAt: at },
    )
    await store.finishRun(runId, '2026-12-06T00:00:01.000Z', signer)
    await exportBundle(store, { from: '2026-12-06', to: '2026-12-06', dir: bundle, exportedAt: at })
    await store.close()
    const inBundle = (
      readdirSync(bundle, { recursive: true, withFileTypes: true }) as { isFile(): boolean }[]
    ).filter((e) => e.isFile()).length
    const sha = which('sha256sum')
    const list = script(
      tools,
      'hash-folder.mjs',
      `import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
let count = 0
for (const e of readdirSync(process.argv[2], { recursive: true, withFileTypes: true }))
  if (e.isFile()) { createHash('sha256').update(readFileSync(path.join(e.parentPath, e.name))).digest('hex'); count++ }
console.log(count)
`,
    )
    const [ours, floor, node] = alternate(`verify a bundle of ${inBundle} files`, [
      {
        label: 'trustctl verify --bundle --key',
        argv: [process.execPath, cli, 'verify', '--bundle', bundle, '--key', signer.fingerprint],
        cwd: root,
      },
      sha === undefined
        ? { label: 'sha256sum', cwd: bundle, missing: 'not installed' }
        : {
            label: 'find | xargs sha256sum',
            argv: ['sh', '-c', 'find . -type f -print0 | xargs -0 sha256sum >/dev/null'],
            cwd: bundle,
          },
      {
        label: 'node createHash over every file (whole process)',
        argv: [process.execPath, list, bundle],
        cwd: bundle,
      },
    ]) as [Figure, Figure, Figure]
    rows.push({
      measure: `folder of ${inBundle} files, verify a bundle`,
      trustctl: `${fmtS(ours.ms)}${fmtRss(ours)}`,
      peer: `sha256sum ${floor.missing ?? fmtS(floor.ms)}; node createHash ${fmtS(node.ms)}`,
      now: `${floor.missing === undefined ? ratio(ours.ms, floor.ms) : '–'} sha256sum`,
      goal: '≤ 2× sha256sum',
    })
    rmSync(root, { recursive: true, force: true })
  }

  // 7. An audit log assessed whole process, at a quarter of its size and at its size: flat memory
  // means the second peak RSS is no higher than the first by more than noise.
  if (wanted('log')) {
    const root = path.join(work, 'audit-log')
    mkdirSync(root, { recursive: true })
    const log = path.join(root, 'kube-apiserver-audit.log')
    const p = project(root, '[{ type: k8s-audit-log, path: kube-apiserver-audit.log }]')
    const mb = n(1024)
    let next = 0
    let bytes = 0
    const figures: Figure[] = []
    for (const size of [mb / 4, mb]) {
      ;[next, bytes] = await appendAuditLog(log, size, next, bytes)
      const [ours] = alternate(`audit log, ${(statSync(log).size / 1e6).toFixed(0)} MB`, [assess(p)], bigRuns)
      if (ours !== undefined) figures.push(ours)
    }
    const [small, large] = figures as [Figure, Figure]
    const mbPerS = (statSync(log).size / 1e6 / (large.ms / 1000)).toFixed(0)
    rows.push({
      measure: `${(statSync(log).size / 1e6).toFixed(0)} MB audit log`,
      trustctl: `${fmtS(large.ms)} (${mbPerS} MB/s)${fmtRss(large)}; a quarter of it${fmtRss(small)}`,
      peer: '–',
      now:
        large.rssMb === undefined || small.rssMb === undefined
          ? '–'
          : `${(large.rssMb / small.rssMb).toFixed(2)}× the peak RSS for 4× the log; ${large.rssMb <= 512 ? 'within' : 'over'} 512 MiB`,
      goal: '≤ 512 MiB, flat',
    })
    rmSync(root, { recursive: true, force: true })
  }

  rows.push({
    measure: 'findings API, 1M findings; one 32 MB push',
    trustctl: 'see the server part of `npm run bench`',
    peer: '–',
    now: '–',
    goal: 'p99 < 50 ms',
  })

  console.log(`\nSummary (whole process unless marked; load ${load()} at the end; a shared machine):\n`)
  console.log('| measure | trustctl | peer or limit | now | goal |')
  console.log('| --- | --- | --- | --- | --- |')
  for (const r of rows) console.log(`| ${r.measure} | ${r.trustctl} | ${r.peer} | ${r.now} | ${r.goal} |`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
