// `npm run bench` (findings API): every query shape of the findings list (bench/findings-shapes.ts:
// each filter the API accepts and the dashboard's combinations × every sort × both orders) over a
// million findings in PostgreSQL, a first page and a deep page (after 20 pages by cursor) of each,
// offered at 200 requests/s evenly paced and in bursts (the whole second's requests at once). It
// measures the store query the GET /api/findings route makes (page, total and JSON-ready rows) on a
// pool of 10 connections like the server's; HTTP is measured by server.bench.ts. Latency counts from
// when a request was due, so a slow response also delays the ones queued behind it.
import os from 'node:os'
import { loadLibrary } from '../src/app/run-assessment.js'
import type { FindingQuery } from '../src/core/team.js'
import { PostgresTeamStore } from '../src/store/postgres/team-store.js'
import { splitFilter } from '../src/store/team/findings-index.js'
import { findingShapes, type ShapeValues } from './findings-shapes.js'
import { benchNamespaces, checkProfiles, generateFindings } from './server-findings.js'

const pgUrl = process.env.TRUSTCTL_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const total = Number(process.env.BENCH_FINDINGS ?? 1_000_000)
const rate = Number(process.env.BENCH_FINDINGS_RATE ?? 200)
const seconds = Number(process.env.BENCH_FINDINGS_SECONDS ?? 45)
const deepPages = Number(process.env.BENCH_FINDINGS_DEEP_PAGES ?? 20)
/** Connections of the burst load, as server.bench.ts's autocannon (and the server's pool). */
const connections = Number(process.env.BENCH_FINDINGS_CONNECTIONS ?? 10)
const goalMs = 50
/** BENCH_FINDINGS_KEEP_SCHEMA=<name>: work in that schema and keep it; a later run reuses its index. */
const keptSchema = process.env.BENCH_FINDINGS_KEEP_SCHEMA
const schema = keptSchema ?? `bench_findings_${process.pid}`
const runId = 1

const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '-')

/** Nearest-rank percentile of unsorted values. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  )
}

interface Probe {
  shape: string
  depth: 'first' | 'deep'
  query: FindingQuery
}

/** Filter values picked from the generated data: the largest control and criterion (the worst case). */
function shapeValues(profiles: ReturnType<typeof checkProfiles>): ShapeValues {
  const mostShared = (lists: string[][]): string => {
    const counts = new Map<string, number>()
    for (const list of lists) for (const value of list) counts.set(value, (counts.get(value) ?? 0) + 1)
    return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'none'
  }
  const scan = profiles.find((p) => p.perFindingSeverity)
  const kubernetes = profiles.find((p) => p.source === 'kubernetes')
  return {
    check: kubernetes?.id ?? profiles[0]?.id ?? 'none',
    otherCheck: scan?.id ?? profiles[1]?.id ?? 'none',
    control: mostShared(profiles.map((p) => p.controls)),
    criterion: mostShared(profiles.map((p) => p.criteria)),
    namespace: 'payments-prod',
    narrowSubject: 'app-123-deployment',
    broadSubject: 'app-1',
  }
}

/** Indexes the findings unless a kept schema holds them already; returns how long it took. */
async function seed(store: PostgresTeamStore, profiles: ReturnType<typeof checkProfiles>): Promise<string> {
  if (await store.findingsIndexed(runId)) {
    const page = await store.queryFindings({ runId, sort: 'severity', order: 'asc', limit: 1 })
    if (page.total === total) return `reused the index of schema ${schema}`
  }
  const start = performance.now()
  const indexed = await store.indexFindings(runId, generateFindings(profiles, benchNamespaces(), total))
  return `indexed ${indexed.toLocaleString('en')} findings in ${fmt((performance.now() - start) / 1000)} s`
}

/** The probes: each shape's first page and its page deepPages + 1 (or its last, in a shorter list). */
async function probesOf(store: PostgresTeamStore, values: ShapeValues): Promise<Probe[]> {
  const probes: Probe[] = []
  for (const { name, query } of findingShapes(values)) {
    const first: FindingQuery = { runId, limit: 50, ...query }
    probes.push({ shape: name, depth: 'first', query: first })
    let after: string | undefined
    for (let page = 0; page < deepPages; page++) {
      const next: string | undefined = (
        await store.queryFindings({ ...first, ...(after === undefined ? {} : { after }) })
      ).next
      if (next === undefined) break
      after = next
    }
    probes.push({
      shape: name,
      depth: 'deep',
      query: { ...first, ...(after === undefined ? {} : { after }) },
    })
  }
  return probes
}

/**
 * Offers the probes round-robin at `rate`/s for `seconds`. 'even': one request every 1000/rate ms,
 * latency counted from when it was due (a slow one delays those behind it). 'burst': as autocannon's
 * overallRate with `connections` connections (server.bench.ts): at each second every connection sends
 * its share back to back, latency counted from each send.
 */
async function load(
  store: PostgresTeamStore,
  probes: readonly Probe[],
  pacing: 'even' | 'burst',
): Promise<{ latencies: Map<Probe, number[]>; errors: number; achieved: number }> {
  const latencies = new Map<Probe, number[]>(probes.map((p) => [p, []]))
  let errors = 0
  const count = rate * seconds
  const probeOf = (i: number): Probe => probes[(i * 7919) % probes.length] as Probe
  const one = async (probe: Probe, from: number): Promise<void> => {
    try {
      // What the route sends: the page as JSON.
      JSON.stringify(await store.queryFindings(probe.query))
      latencies.get(probe)?.push(performance.now() - from)
    } catch {
      errors += 1
    }
  }
  const start = performance.now()
  const pending: Promise<void>[] = []
  if (pacing === 'even') {
    for (let i = 0; i < count; i++) {
      const due = start + (i * 1000) / rate
      const wait = due - performance.now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      pending.push(one(probeOf(i), due))
    }
  } else {
    for (let second = 0; second < seconds; second++) {
      const wait = start + second * 1000 - performance.now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      for (let c = 0; c < connections; c++)
        pending.push(
          (async () => {
            for (let i = second * rate + c; i < (second + 1) * rate; i += connections)
              await one(probeOf(i), performance.now())
          })(),
        )
    }
  }
  await Promise.all(pending)
  return { latencies, errors, achieved: count / ((performance.now() - start) / 1000) }
}

/** PostgreSQL's own execution time of a probe (EXPLAIN ANALYZE), the lower of two: the plan's cost. */
async function serverMs(store: PostgresTeamStore, probe: Probe): Promise<number> {
  // A list of checks or severities is read one value at a time (in parallel): the sum is an upper bound.
  let sum = 0
  for (const query of splitFilter(probe.query) ?? [probe.query]) {
    const times = [await store.explainFindings(query), await store.explainFindings(query)]
    sum += Math.min(...times.map((t) => t.executionMs))
  }
  return sum
}

async function main(): Promise<void> {
  const started = performance.now()
  console.log(
    `trustctl findings API bench: ${total.toLocaleString('en')} findings in PostgreSQL, ${rate} req/s for ${seconds} s per pacing; node ${process.version}, ${os.cpus().length} cores; load average ${os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(', ')}`,
  )
  let store: PostgresTeamStore
  try {
    store = await PostgresTeamStore.open(pgUrl, schema, { maxConnections: 10 })
  } catch (error) {
    console.log(`  skipped: PostgreSQL not reachable (${(error as Error).message})`)
    return
  }
  try {
    const library = await loadLibrary()
    const profiles = checkProfiles(library.checks, library.catalog)
    console.log(`  setup     ${await seed(store, profiles)}`)
    const values = shapeValues(profiles)
    const cursorsStart = performance.now()
    const probes = await probesOf(store, values)
    console.log(
      `  setup     ${probes.length / 2} shapes; cursors of page ${deepPages + 1} found in ${fmt((performance.now() - cursorsStart) / 1000)} s; values ${JSON.stringify(values)}`,
    )
    const results: Record<'even' | 'burst', Awaited<ReturnType<typeof load>>> = {
      even: await load(store, probes, 'even'),
      burst: await load(store, probes, 'burst'),
    }
    for (const pacing of ['even', 'burst'] as const) {
      if (pacing === 'burst')
        console.log(`  burst: ${connections} connections, each sending its share of a second back to back`)
      const all = [...results[pacing].latencies.values()].flat()
      console.log(
        `  ${pacing.padEnd(5)} pacing: ${all.length} requests, ${fmt(results[pacing].achieved)} req/s achieved, ${results[pacing].errors} errors; all shapes p50 ${fmt(percentile(all, 50))} ms, p99 ${fmt(percentile(all, 99))} ms, max ${fmt(Math.max(...all))} ms (goal p99 < ${goalMs} ms: ${percentile(all, 99) < goalMs ? 'met' : 'NOT met'})`,
      )
    }
    const executions = new Map<Probe, number>()
    for (const probe of probes) executions.set(probe, await serverMs(store, probe))
    console.log(
      `  per shape, ms: p50/p99 over ~${Math.round((rate * seconds) / probes.length)} requests each: first page even | deep page (${deepPages + 1}) even | first burst | deep burst || PostgreSQL execution first | deep`,
    )
    const misses: string[] = []
    const shapes = [...new Set(probes.map((p) => p.shape))]
    for (const shape of shapes) {
      const of = (depth: 'first' | 'deep'): Probe =>
        probes.find((p) => p.shape === shape && p.depth === depth) as Probe
      const cells = (['even', 'burst'] as const).flatMap((pacing) =>
        (['first', 'deep'] as const).map((depth) => {
          const samples = results[pacing].latencies.get(of(depth)) ?? []
          const p99 = percentile(samples, 99)
          if (!(p99 < goalMs)) misses.push(`${shape} (${depth} page, ${pacing}): p99 ${fmt(p99)} ms`)
          return `${fmt(percentile(samples, 50)).padStart(6)}/${fmt(p99).padEnd(6)}`
        }),
      )
      const pgCells = (['first', 'deep'] as const).map((depth) =>
        fmt(executions.get(of(depth)) ?? Number.NaN, 2).padStart(7),
      )
      console.log(`    ${shape.slice(0, 64).padEnd(64)} ${cells.join(' ')} || ${pgCells.join(' ')}`)
    }
    const slowest = [...executions].sort((a, b) => b[1] - a[1]).slice(0, 5)
    console.log(
      `  slowest in PostgreSQL: ${slowest.map(([p, ms]) => `${p.shape} (${p.depth}) ${fmt(ms, 2)} ms`).join('; ')}`,
    )
    console.log(
      misses.length === 0
        ? `  every shape: p99 < ${goalMs} ms at first and deep pages, even and burst`
        : `  shapes over the ${goalMs} ms goal (${misses.length}):\n    ${misses.join('\n    ')}`,
    )
    console.log(`  bench took ${fmt((performance.now() - started) / 1000)} s in all`)
  } finally {
    if (keptSchema === undefined) await store.dropSchema().catch(() => undefined)
    await store.close().catch(() => undefined)
  }
}

await main()
