// `npm run bench` (server): the team server under load, against 127.0.0.1 only and bounded in time.
// Phase 1: the findings list at a fixed 200 requests/s over a million findings in PostgreSQL, next to
// the same query straight through pg (the machine's floor). Phase 2: 50 collectors pushing at once,
// then a proof that the ledger holds exactly what they sent (count and hashes) and verifies.
// The server runs in its own process (server-child.ts), so its figures are not the load generator's.
import { type ChildProcess, fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { loadLibrary } from '../src/app/run-assessment.js'
import type { TeamStore } from '../src/core/team.js'
import { assessmentRuns, verifyStore } from '../src/store/ledger-operations.js'
import { PostgresStore } from '../src/store/postgres/postgres-store.js'
import { benchNamespaces } from './server-findings.js'
import {
  findingQueryOf,
  firstPages,
  type MixKind,
  mixKinds,
  runListLoad,
  walkPage,
} from './server-list-load.js'
import { runCollectors } from './server-push.js'
import {
  type BenchToken,
  createBenchTokens,
  indexGeneratedFindings,
  openBenchTeamStore,
  prepareEstate,
  recordSmallRun,
} from './server-seed.js'
import {
  type CapturedQuery,
  captureQueries,
  ledgerHashesByCollector,
  percentile,
  sameMultiset,
  sequentialMedian,
} from './server-stats.js'

const pgUrl = process.env.TRUSTCTL_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const findingsTotal = Number(process.env.BENCH_SERVER_FINDINGS ?? 1_000_000)
const listSeconds = Number(process.env.BENCH_SERVER_SECONDS ?? 30)
const listRate = Number(process.env.BENCH_SERVER_RATE ?? 200)
const listConnections = Number(process.env.BENCH_SERVER_CONNECTIONS ?? 10)
const listPacing = process.env.BENCH_SERVER_PACING === 'burst' ? 'burst' : 'even'
const pushSeconds = Number(process.env.BENCH_PUSH_SECONDS ?? 60)
const collectorCount = Number(process.env.BENCH_PUSH_COLLECTORS ?? 50)
const itemsPerBatch = Number(process.env.BENCH_PUSH_ITEMS ?? 20)
const floorRuns = Number(process.env.BENCH_RUNS ?? 200)
const namedMix = (process.env.BENCH_SERVER_MIX ?? '')
  .split(',')
  .filter((kind): kind is MixKind => (mixKinds as readonly string[]).includes(kind))
const listMix: readonly MixKind[] = namedMix.length > 0 ? namedMix : mixKinds
/** Indexing a million rows takes well under this; past it the setup is abandoned, not waited on. */
const setupLimitSeconds = Number(process.env.BENCH_SERVER_SETUP_SECONDS ?? 900)
/**
 * BENCH_SERVER_KEEP_SCHEMA=<name>: the bench works in that schema and keeps it afterwards; a later run
 * with the same name reuses its seeded run when it holds the findings asked for (seeding a million
 * findings is most of the bench's time). Collectors get names of their own in every run.
 */
const keptSchema = process.env.BENCH_SERVER_KEEP_SCHEMA
const schema = keptSchema ?? `bench_server_${process.pid}`
const here = path.dirname(fileURLToPath(import.meta.url))
const root = mkdtempSync(path.join(os.tmpdir(), 'trustctl-server-bench-'))

/** Rejects when `promise` has not settled after `seconds`, naming what was being waited on. */
function within<T>(seconds: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: gave up after ${seconds} s`)), seconds * 1000)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

const fmt = (n: number, digits = 1): string => n.toFixed(digits)
const int = (n: number): string => Math.round(n).toLocaleString('en')

interface ServerProcess {
  child: ChildProcess
  url: string
  stop(): Promise<{ cpuSeconds: number; maxRssMb: number } | undefined>
}

/** Starts the real server in a child process on 127.0.0.1 and a free port. */
async function startServer(configFile: string): Promise<ServerProcess> {
  const child = fork(path.join(here, 'server-child.js'), [], {
    env: {
      ...process.env,
      BENCH_SERVER_CONFIG: configFile,
      BENCH_SERVER_SCHEMA: schema,
      BENCH_PG_URL: pgUrl,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const port = await within(
    60,
    'starting the server',
    new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the server process exited (${code}) before listening`)))
      child.on('message', (message: { type?: string; port?: number; message?: string }) => {
        if (message.type === 'listening' && message.port !== undefined) resolve(message.port)
        if (message.type === 'error') reject(new Error(`the server did not start: ${message.message}`))
      })
    }),
  )
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null) return undefined
      const usage = new Promise<{ cpuSeconds: number; maxRssMb: number } | undefined>((resolve) => {
        child.on('message', (message: { type?: string; cpuSeconds?: number; maxRssMb?: number }) => {
          if (message.type === 'stopped')
            resolve({ cpuSeconds: message.cpuSeconds ?? 0, maxRssMb: message.maxRssMb ?? 0 })
        })
        child.once('exit', () => resolve(undefined))
      })
      child.send({ type: 'stop' })
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      const result = await within(30, 'stopping the server', usage).catch(() => undefined)
      await within(30, 'server exit', exited).catch(() => child.kill('SIGKILL'))
      return result
    },
  }
}

/**
 * Replays captured statements straight through pg, in the store's schema, side by side as the store
 * sends them (a page and its count at once), each on its own connection.
 */
async function pgFloor(statements: readonly CapturedQuery[]): Promise<{ median: number; n: number }> {
  const pool = new pg.Pool({
    connectionString: pgUrl,
    max: Math.max(1, statements.length),
    options: `-c search_path=${schema}`,
  })
  try {
    return await sequentialMedian(floorRuns, () =>
      Promise.all(statements.map((statement) => pool.query(statement.text, statement.values))),
    )
  } finally {
    await pool.end()
  }
}

/** GETs a path through the server one request at a time (keep-alive), median ms. */
async function serverMedian(
  url: string,
  pathAndQuery: string,
  authorization: string,
): Promise<{ median: number; n: number }> {
  return sequentialMedian(floorRuns, async () => {
    const response = await fetch(`${url}${pathAndQuery}`, { headers: { authorization } })
    await response.arrayBuffer()
    if (response.status !== 200) throw new Error(`GET ${pathAndQuery}: ${response.status}`)
  })
}

/**
 * The cursor of page `pages + 1` of the walk's sort (or of the last page, in a shorter list), found
 * through the store (not timed); and which page that is.
 */
async function cursorAt(
  team: TeamStore,
  runId: number,
  pages: number,
): Promise<{ cursor?: string; page: number }> {
  let cursor: string | undefined
  let page = 1
  while (page <= pages) {
    const next = (await team.queryFindings(findingQueryOf(walkPage(cursor), runId))).next
    if (next === undefined) break
    cursor = next
    page += 1
  }
  return { ...(cursor === undefined ? {} : { cursor }), page }
}

interface Comparison {
  label: string
  floor: number
  store: number
  server: number
  n: number
}

/** One list request measured three ways, one at a time: its SQL through pg, the store, the server. */
async function compareQuery(
  label: string,
  team: TeamStore,
  runId: number,
  server: ServerProcess,
  pathAndQuery: string,
  authorization: string,
): Promise<Comparison> {
  const query = findingQueryOf(pathAndQuery, runId)
  const statements = await captureQueries(() => team.queryFindings(query))
  const floor = await pgFloor(statements)
  const store = await sequentialMedian(floorRuns, () => team.queryFindings(query))
  const viaServer = await serverMedian(server.url, pathAndQuery, authorization)
  return {
    label,
    floor: floor.median,
    store: store.median,
    server: viaServer.median,
    n: Math.min(floor.n, store.n, viaServer.n),
  }
}

/** Every kind of request of the load's mix, each measured alone (which one is slow, and where). */
async function compareMix(
  team: TeamStore,
  runId: number,
  server: ServerProcess,
  authorization: string,
): Promise<Comparison[]> {
  const deepPages = Number(process.env.BENCH_SERVER_DEEP_PAGES ?? 1000)
  const deep = await cursorAt(team, runId, deepPages)
  const probes: [string, string][] = [
    ['status=fail', firstPages.failing],
    ['severity=critical,high&sort=severity', firstPages.severe],
    ['namespace=payments-prod&status=fail,no-evidence', firstPages.namespace('payments-prod')],
    ['status=fail,no-evidence&sort=subject&order=desc', firstPages.bySubject],
    [`sort=check, page ${int(deep.page)} by cursor`, walkPage(deep.cursor)],
  ]
  const out: Comparison[] = []
  for (const [label, pathAndQuery] of probes)
    out.push(await compareQuery(label, team, runId, server, pathAndQuery, authorization))
  return out
}

/** Whether the server has a route (a missing one answers 404 with "no route"). */
async function hasRoute(url: string, method: 'GET' | 'POST', pathname: string, authorization: string) {
  const response = await fetch(`${url}${pathname}`, { method, headers: { authorization } })
  const text = await response.text()
  return !(response.status === 404 && text.includes('no route'))
}

/** Phase 1: the findings list at a fixed rate, then each kind of request alone next to its pg floor. */
async function listPhase(
  team: TeamStore,
  runId: number,
  server: ServerProcess,
  reader: string,
): Promise<void> {
  console.log('')
  if (listSeconds <= 0) return void console.log('  findings list: skipped (BENCH_SERVER_SECONDS=0)')
  if (!(await hasRoute(server.url, 'GET', '/api/findings', reader)))
    return void console.log('  findings list: skipped: the server has no GET /api/findings route')
  const list = await within(
    listSeconds + 120,
    'the findings load',
    runListLoad({
      url: server.url,
      namespaces: benchNamespaces(),
      authorization: reader,
      rate: listRate,
      connections: listConnections,
      seconds: listSeconds,
      mix: listMix,
      pacing: listPacing,
    }),
  )
  console.log(
    `  findings list: ${listRate} req/s target, ${listPacing === 'even' ? `paced evenly (${listRate} clients × 1 req/s, ${fmt(1000 / listRate)} ms apart)` : `${listConnections} connections, bursts at each second`}, ${listSeconds} s; mix: ${listMix.join(', ')} (cursor walks reached page ${int(list.deepestPage)})`,
  )
  console.log('    achieved rps    p50 ms   p90 ms   p99 ms   max ms   non-2xx   errors')
  console.log(
    `    ${fmt(list.rps).padStart(12)} ${fmt(list.p50).padStart(9)} ${fmt(list.p90).padStart(8)} ${fmt(list.p99).padStart(8)} ${fmt(list.max).padStart(8)} ${String(list.non2xx).padStart(9)} ${String(list.errors).padStart(8)}`,
  )
  if (list.non2xx > 0) console.log(`    status codes: ${JSON.stringify(list.statusCounts)}`)
  console.log(`    p99 ${fmt(list.p99)} ms (target < 50 ms): ${list.p99 < 50 ? 'met' : 'NOT met'}`)

  const comparisons = await compareMix(team, runId, server, reader)
  console.log(
    `    each request of the mix alone (medians in ms, up to ${floorRuns} runs or 15 s each): pg floor | store | server | server / pg`,
  )
  for (const c of comparisons)
    console.log(
      `      ${c.label.padEnd(50)} ${fmt(c.floor, 2).padStart(8)} ${fmt(c.store, 2).padStart(8)} ${fmt(c.server, 2).padStart(8)} ${`${fmt(c.server / c.floor, 2)}x`.padStart(8)}  (n=${c.n})`,
    )
  // What a request costs the server before any findings query: HTTP alone, then a token lookup.
  const health = await serverMedian(server.url, '/api/health', reader)
  const me = await serverMedian(server.url, '/api/me', reader)
  console.log(
    `      server without findings: GET /api/health ${fmt(health.median, 2)} ms (HTTP, no database), GET /api/me ${fmt(me.median, 2)} ms (+ token lookup)`,
  )
  // A geometric mean, so one pathological query does not hide (or stand for) the others.
  const ratios = comparisons.map((c) => c.server / c.floor)
  const geometric = Math.exp(ratios.reduce((sum, r) => sum + Math.log(r), 0) / ratios.length)
  console.log(`    server / pg floor, geometric mean over the mix: ${fmt(geometric, 2)}x`)
}

/**
 * Phase 2: collectors pushing at once, then the proof that the ledger holds exactly what they sent.
 * Returns false when evidence was lost or duplicated or the store does not verify.
 */
async function pushPhase(
  ledger: PostgresStore,
  server: ServerProcess,
  collectors: readonly BenchToken[],
): Promise<boolean> {
  console.log('')
  if (pushSeconds <= 0 || collectors.length === 0) {
    console.log('  pushes: skipped (BENCH_PUSH_SECONDS or BENCH_PUSH_COLLECTORS is 0)')
    return true
  }
  const first = collectors[0] as BenchToken
  if (!(await hasRoute(server.url, 'POST', '/api/push', `Bearer ${first.secret}`))) {
    console.log('  pushes: skipped: the server has no POST /api/push route')
    return true
  }
  const push = await within(
    pushSeconds + 120,
    'the push load',
    runCollectors({ url: `${server.url}/api/push`, collectors, seconds: pushSeconds, itemsPerBatch }),
  )
  const errors = [...push.errors.values()].reduce((sum, n) => sum + n, 0)
  console.log(
    `  pushes: ${collectors.length} collectors × ${pushSeconds} s, ${itemsPerBatch} k8s.workload items a batch (~${fmt(push.bytesPerBatch / 1024, 0)} KB)`,
  )
  console.log('    pushes/s   items/s    p50 ms    p99 ms    max ms   errors')
  console.log(
    `    ${fmt(push.pushes / push.seconds).padStart(8)} ${int(push.items / push.seconds).padStart(9)} ${fmt(percentile(push.latencies, 50)).padStart(9)} ${fmt(percentile(push.latencies, 99)).padStart(9)} ${fmt(percentile(push.latencies, 100)).padStart(9)} ${String(errors).padStart(8)}`,
  )
  if (errors > 0)
    console.log(
      `    errors by status: ${JSON.stringify(Object.fromEntries(push.errors))}; first: ${push.firstError}`,
    )

  // Proof: the ledger holds exactly what was accepted, once, and verifies.
  const names = collectors.map((c) => c.name)
  const stored = await ledgerHashesByCollector(pgUrl, schema, names)
  const mismatched = names.filter((name) => !sameMultiset(stored.get(name) ?? [], push.sent.get(name) ?? []))
  const storedTotal = [...stored.values()].reduce((sum, list) => sum + list.length, 0)
  const sentTotal = [...push.sent.values()].reduce((sum, list) => sum + list.length, 0)
  const verify = await within(600, 'verifyStore', verifyStore(ledger))
  console.log(
    `    proof: ledger holds ${int(storedTotal)} evidence records from these collectors, ${int(sentTotal)} accepted; content hashes equal (as multisets) for ${names.length - mismatched.length}/${names.length} collectors; ${push.retries} retries stored ${push.retriesStored} times more; verifyStore ${verify.ok ? 'ok' : `FAILED: ${verify.problems[0]?.message}`}`,
  )
  if (mismatched.length > 0)
    console.log(`    collectors whose ledger differs from what they sent: ${mismatched.join(', ')}`)
  return mismatched.length === 0 && push.retriesStored === 0 && verify.ok
}

/** The latest assessment run of a kept schema, when its findings index holds `findingsTotal` rows. */
async function seededRun(ledger: PostgresStore, team: TeamStore): Promise<number | undefined> {
  const runId = (await assessmentRuns(ledger)).at(-1)
  if (runId === undefined || !(await team.findingsIndexed(runId))) return undefined
  const page = await team.queryFindings({ runId, sort: 'severity', order: 'asc', limit: 1 })
  return page.total === findingsTotal ? runId : undefined
}

async function main(): Promise<void> {
  console.log(
    `trustctl server bench: ${int(findingsTotal)} findings in PostgreSQL, ${collectorCount} collectors; node ${process.version}, ${os.cpus().length} cores; server in its own process on 127.0.0.1`,
  )
  let ledger: PostgresStore
  try {
    ledger = await PostgresStore.open(pgUrl, schema)
  } catch (error) {
    console.log(`  skipped: PostgreSQL not reachable (${(error as Error).message})`)
    return
  }
  let team: TeamStore | undefined
  let server: ServerProcess | undefined
  // Every phase is bounded; this bounds the whole, whatever hangs (the server is killed, the schema dropped).
  const watchdog = setTimeout(
    () => {
      console.log('  gave up: the bench ran past its time limit')
      server?.child.kill('SIGKILL')
      void (keptSchema === undefined ? ledger.dropSchema() : Promise.resolve())
        .catch(() => undefined)
        .finally(() => process.exit(1))
    },
    (2 * setupLimitSeconds + listSeconds + pushSeconds + 1800) * 1000,
  )
  watchdog.unref()
  try {
    const teamStore = await openBenchTeamStore(pgUrl, schema)
    team = teamStore
    const library = await loadLibrary()
    const estate = await prepareEstate(root, pgUrl)

    const reused = keptSchema === undefined ? undefined : await seededRun(ledger, teamStore)
    let runId: number
    if (reused !== undefined) {
      runId = reused
      console.log(
        `  setup     reused run ${runId} of schema ${schema}: ${int(findingsTotal)} findings indexed`,
      )
    } else {
      // Setup: a real small run, then a million findings indexed for it.
      const setupStart = Date.now()
      const run = await within(
        setupLimitSeconds,
        'recording the small run',
        recordSmallRun(ledger, teamStore, estate.loaded, library, estate.signer),
      )
      const runSeconds = (Date.now() - setupStart) / 1000
      const indexed = await within(
        setupLimitSeconds,
        'indexing findings',
        indexGeneratedFindings(teamStore, run.runId, library, findingsTotal),
      )
      runId = run.runId
      console.log(
        `  setup     run ${run.runId}: ${int(run.evidence)} evidence, ${int(run.findings)} findings, recorded in ${fmt(runSeconds)} s`,
      )
      console.log(
        `  setup     indexFindings ${int(indexed.indexed)} findings (${indexed.checks} checks) in ${fmt(indexed.seconds, 2)} s  ${int(indexed.indexed / indexed.seconds)} rows/s`,
      )
    }
    const tokens = await createBenchTokens(teamStore, collectorCount, `-${process.pid}`)

    server = await startServer(estate.loaded.file)
    await listPhase(teamStore, runId, server, `Bearer ${tokens.reader.secret}`)
    const proven = await pushPhase(ledger, server, tokens.collectors)
    // Speed is reported, not enforced; lost or duplicated evidence is a failure.
    if (!proven) process.exitCode = 1

    const usage = await server.stop()
    server = undefined
    if (usage !== undefined)
      console.log(
        `\n  server process: ${fmt(usage.cpuSeconds)} s CPU over both phases, peak RSS ${int(usage.maxRssMb)} MB`,
      )
  } finally {
    clearTimeout(watchdog)
    await server?.stop().catch(() => undefined)
    await team?.close().catch(() => undefined)
    if (keptSchema === undefined) await ledger.dropSchema().catch(() => undefined)
    await ledger.close().catch(() => undefined)
    rmSync(root, { recursive: true, force: true })
  }
}

await main()
