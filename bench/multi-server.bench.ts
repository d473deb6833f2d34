// `npm run bench` (several servers): whole `trustctl serve` processes of the built CLI on one
// PostgreSQL database. Pushes per second with every collector sending to one server, then with the
// collectors split over two servers (the same two processes, so start-up and caches are alike),
// alternating, medians of several runs; and /api/health latency while one 32 MB push is answered
// (issue goal: p99 < 50 ms), next to the same server idle.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { prepareBatches } from '../src/app/push-client.js'
import type { EvidenceItem } from '../src/core/evidence.js'
import { contentDigest } from '../src/core/push-format.js'
import { PostgresStore } from '../src/store/postgres/postgres-store.js'
import { PostgresTeamStore } from '../src/store/postgres/team-store.js'
import { type PushResult, runCollectors } from './server-push.js'
import { type BenchToken, createBenchTokens, prepareEstate } from './server-seed.js'
import { percentile } from './server-stats.js'

const adminUrl = process.env.TRUSTCTL_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const runs = Number(process.env.BENCH_MULTI_RUNS ?? 3)
const pushSeconds = Number(process.env.BENCH_MULTI_SECONDS ?? 10)
const collectorCount = Number(process.env.BENCH_MULTI_COLLECTORS ?? 16)
const itemsPerBatch = Number(process.env.BENCH_MULTI_ITEMS ?? 20)
const bigPushMb = 31
const here = path.dirname(fileURLToPath(import.meta.url))
// dist/bench/ → the package root, where bin/trustctl.js runs the built CLI.
const cli = path.resolve(here, '..', '..', 'bin', 'trustctl.js')
const database = `bench_multi_${process.pid}`
const dbUrl = (() => {
  const url = new URL(adminUrl)
  url.pathname = `/${database}`
  return url.toString()
})()

const fmt = (n: number, digits = 1): string => n.toFixed(digits)
const median = (values: readonly number[]): number => percentile(values, 50)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Server {
  child: ChildProcess
  url: string
  stop(): Promise<void>
}

/** `trustctl serve --port 0` in its own process; resolves with its URL once it listens. */
async function startServer(configFile: string, keyFile: string): Promise<Server> {
  const child = spawn(process.execPath, [cli, 'serve', '--config', configFile, '--port', '0'], {
    env: { ...process.env, TRUSTCTL_SIGNING_KEY: keyFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not listen within 60 s: ${stderr}`)), 60_000)
    child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)))
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString()
      const match = stdout.match(/trustctl serving (http:\/\/\S+)/)
      if (match?.[1] !== undefined) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
  })
  return {
    child,
    url,
    stop: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.kill('SIGTERM')
      await Promise.race([exited, sleep(30_000).then(() => child.kill('SIGKILL'))])
    },
  }
}

/** Collectors pushing for `pushSeconds`, spread round-robin over the servers' URLs. */
async function pushRate(
  servers: readonly Server[],
  collectors: readonly BenchToken[],
): Promise<PushResult[]> {
  return Promise.all(
    servers.map((server, i) =>
      runCollectors({
        url: `${server.url}/api/push`,
        collectors: collectors.filter((_, c) => c % servers.length === i),
        seconds: pushSeconds,
        itemsPerBatch,
      }),
    ),
  )
}

/** About `megabytes` MB of namespaces in one batch, as `collect --push` would send it. */
function bigBatch(megabytes: number, collector: string, tag: string): { body: string; key: string } {
  const perItem = 4000
  const count = Math.floor((megabytes * 1024 * 1024) / (perItem + 300))
  const evidence = Array.from({ length: count }, (_, i) => ({
    kind: 'k8s.namespace',
    resourceKind: 'Namespace',
    name: `${tag}-${i}`,
    file: `${tag}/namespaces.yaml`,
    line: i + 1,
    labels: { team: tag, note: 'x'.repeat(perItem) },
    annotations: {},
  })) as unknown as EvidenceItem[]
  const [prepared] = prepareBatches(
    { evidence, errors: [], inputs: [] },
    { name: collector, version: 'bench' },
    new Date().toISOString(),
    64 * 1024 * 1024,
  )
  if (prepared === undefined) throw new Error('no batch')
  return prepared
}

/** GET /api/health every 10 ms until `during` settles (or for `idleMs` alone); latencies in ms. */
async function healthLatencies(base: string, during: Promise<unknown> | number): Promise<number[]> {
  const latencies: number[] = []
  let done = false
  if (typeof during === 'number') setTimeout(() => (done = true), during)
  else void during.finally(() => (done = true))
  while (!done) {
    const started = performance.now()
    await fetch(`${base}/api/health`).then((r) => r.arrayBuffer())
    latencies.push(performance.now() - started)
    await sleep(10)
  }
  return latencies
}

async function pushBig(
  base: string,
  token: BenchToken,
  tag: string,
): Promise<{ status: number; ms: number }> {
  const batch = bigBatch(bigPushMb, token.name, tag)
  const started = performance.now()
  const response = await fetch(`${base}/api/push`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token.secret}`,
      'content-type': 'application/json',
      'content-digest': contentDigest(batch.body),
      'idempotency-key': batch.key,
    },
    body: batch.body,
  })
  await response.arrayBuffer()
  return { status: response.status, ms: performance.now() - started }
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

const root = mkdtempSync(path.join(os.tmpdir(), 'trustctl-multi-bench-'))
const servers: Server[] = []
await admin(`CREATE DATABASE ${database}`)
try {
  const { loaded, keyFile } = await prepareEstate(root, dbUrl)
  // Open (and migrate) the store once here, so the servers start on a ready database.
  const ledger = await PostgresStore.open(dbUrl)
  await ledger.close()
  const team = await PostgresTeamStore.open(dbUrl)
  const tokens = await createBenchTokens(team, collectorCount + 1)
  await team.close()
  const [big, ...collectors] = tokens.collectors as [BenchToken, ...BenchToken[]]
  servers.push(await startServer(loaded.file, keyFile), await startServer(loaded.file, keyFile))
  const [first] = servers as [Server, Server]
  console.log(
    `\nSeveral servers (whole processes: \`trustctl serve\` ×2 on one PostgreSQL database; ${collectorCount} collectors, ${itemsPerBatch} workloads a batch, ${pushSeconds} s a run, ${runs} runs each, alternating; load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})`,
  )

  const rates: Record<1 | 2, number[]> = { 1: [], 2: [] }
  const latency: Record<1 | 2, number[]> = { 1: [], 2: [] }
  const failures: string[] = []
  for (let run = 0; run < runs; run++) {
    for (const n of run % 2 === 0 ? ([1, 2] as const) : ([2, 1] as const)) {
      const results = await pushRate(servers.slice(0, n), collectors)
      const pushes = results.reduce((sum, r) => sum + r.pushes, 0)
      const seconds = Math.max(...results.map((r) => r.seconds))
      rates[n].push(pushes / seconds)
      latency[n].push(
        percentile(
          results.flatMap((r) => r.latencies),
          50,
        ),
      )
      for (const r of results) if (r.firstError !== undefined) failures.push(r.firstError)
      console.log(
        `  run ${run + 1}, ${n} server${n === 1 ? '' : 's'}: ${pushes} pushes in ${fmt(seconds)} s = ${fmt(pushes / seconds)}/s`,
      )
    }
  }

  const idle: number[] = []
  const during: number[] = []
  const pushMs: number[] = []
  for (let run = 0; run < runs; run++) {
    idle.push(percentile(await healthLatencies(first.url, 2000), 99))
    const push = pushBig(first.url, big, `big-${run}`)
    const latencies = await healthLatencies(first.url, push)
    const answer = await push
    if (answer.status !== 201) failures.push(`32 MB push answered ${answer.status}`)
    during.push(percentile(latencies, 99))
    pushMs.push(answer.ms)
    console.log(
      `  run ${run + 1}: 32 MB push ${fmt(answer.ms, 0)} ms (HTTP ${answer.status}); health p99 ${fmt(percentile(latencies, 99))} ms over ${latencies.length} requests, max ${fmt(Math.max(...latencies))} ms`,
    )
  }

  const [one, two] = [median(rates[1]), median(rates[2])]
  console.log(`\n| measure | 1 server | 2 servers | ratio | goal |`)
  console.log('| --- | --- | --- | --- | --- |')
  console.log(
    `| pushes/s (median of ${runs}) | ${fmt(one)} | ${fmt(two)} | ${fmt(two / one, 2)}× | more with two |`,
  )
  console.log(
    `| push latency p50, ms | ${fmt(median(latency[1]))} | ${fmt(median(latency[2]))} | ${fmt(median(latency[2]) / median(latency[1]), 2)}× | – |`,
  )
  console.log(`\n| measure | idle | during a ${bigPushMb} MB push | ratio | goal |`)
  console.log('| --- | --- | --- | --- | --- |')
  console.log(
    `| health p99, ms (median of ${runs}) | ${fmt(median(idle))} | ${fmt(median(during))} | ${fmt(median(during) / median(idle), 2)}× | < 50 ms during pushes |`,
  )
  console.log(
    `  the ${bigPushMb} MB push itself: median ${fmt(median(pushMs), 0)} ms; load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )
  if (failures.length > 0) {
    console.log(`  FAILED pushes: ${failures.length}; first: ${failures[0]}`)
    process.exitCode = 1
  }
} finally {
  for (const server of servers) await server.stop()
  rmSync(root, { recursive: true, force: true })
  await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
}
