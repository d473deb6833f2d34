// The findings-list load of the server bench: autocannon at a fixed request rate over a mix of the
// queries the dashboard makes — filters, sorts, a namespace, and deep pages reached by following
// `next` cursors, as someone paging through a million findings would.
import autocannon from 'autocannon'
import type { FindingStatus, Severity } from '../src/core/check.js'
import type { FindingQuery, FindingSort } from '../src/core/team.js'

/** The first pages of the mix, as the dashboard asks for them (a namespace is filled in per request). */
export const firstPages = {
  failing: '/api/findings?status=fail',
  severe: '/api/findings?severity=critical,high&sort=severity',
  namespace: (namespace: string): string =>
    `/api/findings?namespace=${encodeURIComponent(namespace)}&status=fail,no-evidence`,
  bySubject: '/api/findings?status=fail,no-evidence&sort=subject&order=desc&limit=100',
}

/** The kinds of request in the mix; BENCH_SERVER_MIX may name a subset (to see one kind's share). */
export const mixKinds = ['failing', 'severe', 'namespace', 'subject', 'walk'] as const
export type MixKind = (typeof mixKinds)[number]

/** The deep walk's page after a cursor (page 1 without one). */
export const walkPage = (cursor?: string): string =>
  `/api/findings?sort=check&limit=50${cursor === undefined ? '' : `&after=${encodeURIComponent(cursor)}`}`

/** The store query a list path asks for (the route's defaults: sort=severity, asc, 50 a page). */
export function findingQueryOf(pathAndQuery: string, runId: number): FindingQuery {
  const params = new URL(pathAndQuery, 'http://bench').searchParams
  const list = (name: string): string[] | undefined => params.get(name)?.split(',')
  const status = list('status') as FindingStatus[] | undefined
  const severity = list('severity') as Severity[] | undefined
  const namespace = params.get('namespace') ?? undefined
  const after = params.get('after') ?? undefined
  return {
    runId,
    ...(status === undefined ? {} : { status }),
    ...(severity === undefined ? {} : { severity }),
    ...(namespace === undefined ? {} : { namespace }),
    sort: (params.get('sort') ?? 'severity') as FindingSort,
    order: params.get('order') === 'desc' ? 'desc' : 'asc',
    ...(after === undefined ? {} : { after }),
    limit: Number(params.get('limit') ?? 50),
  }
}

/**
 * A walk through the whole list by `next` cursor. Walks live outside autocannon's per-connection
 * context, which it clears at every cycle of the request list; a connection borrows a walk for one
 * request (setupRequest) and hands it back with the next cursor (onResponse).
 */
interface Walk {
  cursor?: string
  pages: number
}

/** The deepest a walk goes before starting over at page 1 (50 rows a page: 100,000 rows deep). */
const maxDeepPages = 2000

/**
 * The request mix, one cycle per connection: four filtered/sorted first pages, then four steps of deep
 * walks through the whole list by `next` cursor.
 */
export function findingRequests(
  namespaces: readonly string[],
  authorization: string,
  depth: { deepestPage: number },
  mix: readonly MixKind[] = mixKinds,
): autocannon.Request[] {
  const headers = { authorization, accept: 'application/json' }
  const idle: Walk[] = []
  let turn = 0
  const fixed = (path: string): autocannon.Request => ({ method: 'GET', path, headers })
  const deep: autocannon.Request = {
    method: 'GET',
    path: walkPage(),
    headers,
    setupRequest: (request, context) => {
      const walk = idle.pop() ?? { pages: 0 }
      ;(context as { walk?: Walk }).walk = walk
      return { ...request, path: walkPage(walk.cursor) }
    },
    onResponse: (status, body, context) => {
      const walk = (context as { walk?: Walk }).walk
      if (walk === undefined) return
      const next = status === 200 ? (JSON.parse(body) as { next?: string }).next : undefined
      walk.pages += 1
      depth.deepestPage = Math.max(depth.deepestPage, walk.pages)
      if (next === undefined || walk.pages >= maxDeepPages) {
        delete walk.cursor
        walk.pages = 0
      } else walk.cursor = next
      idle.push(walk)
    },
  }
  const byNamespace: autocannon.Request = {
    method: 'GET',
    path: '/api/findings',
    headers,
    setupRequest: (request) => {
      turn += 1
      const namespace = namespaces[(turn * 7919) % namespaces.length] ?? 'payments-prod'
      return { ...request, path: firstPages.namespace(namespace) }
    },
  }
  const kinds: Record<MixKind, autocannon.Request[]> = {
    failing: [fixed(firstPages.failing)],
    severe: [fixed(firstPages.severe)],
    namespace: [byNamespace],
    subject: [fixed(firstPages.bySubject)],
    walk: [deep, deep, deep, deep],
  }
  return mix.flatMap((kind) => kinds[kind])
}

export interface ListLoadResult {
  requests: number
  rps: number
  p50: number
  p90: number
  p99: number
  max: number
  non2xx: number
  errors: number
  timeouts: number
  statusCounts: Record<string, number>
  /** The deepest page a cursor walk reached. */
  deepestPage: number
}

/** How the load spreads its requests over each second (BENCH_SERVER_PACING). */
export type Pacing = 'even' | 'burst'

interface ListLoadOptions {
  url: string
  namespaces: readonly string[]
  authorization: string
  rate: number
  connections: number
  seconds: number
  mix?: readonly MixKind[]
  pacing?: Pacing
}

/**
 * Drives the list at `rate` requests/s for `seconds` and returns what autocannon measured. Pacing
 * 'burst' is one autocannon with overallRate: each connection sends its share of a second back to back
 * when the second starts, so the whole second's load arrives at once. 'even' (the default) spreads the
 * same rate over the second: `rate` autocannon clients of one connection at 1 request/s each, started
 * 1000/rate ms apart, so a request starts every 1000/rate ms — how independent users arrive.
 */
export function runListLoad(options: ListLoadOptions): Promise<ListLoadResult> {
  return options.pacing === 'burst' ? burstLoad(options) : evenLoad(options)
}

/** Nearest-rank percentile of sorted values. */
const ranked = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0

async function evenLoad(options: ListLoadOptions): Promise<ListLoadResult> {
  const depth = { deepestPage: 0 }
  const requests = findingRequests(options.namespaces, options.authorization, depth, options.mix)
  const interval = 1000 / options.rate
  const latencies: number[] = []
  const started = performance.now()
  let lastResponse = started
  const runs: Promise<autocannon.Result>[] = []
  for (let slot = 0; slot < options.rate; slot++) {
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, started + slot * interval - performance.now())),
    )
    let finished: (result: autocannon.Result) => void = () => undefined
    let failed: (error: Error) => void = () => undefined
    runs.push(
      new Promise<autocannon.Result>((resolve, reject) => {
        finished = resolve
        failed = reject
      }),
    )
    const instance = autocannon(
      {
        url: options.url,
        connections: 1,
        connectionRate: 1,
        // autocannon would correct for coordinated omission with a 1 ms interval (1/rate, in ms): up to a
        // sample per millisecond of each response, costing the load generator CPU. The correction with
        // the real interval (1 s) is made below.
        ignoreCoordinatedOmission: true,
        duration: options.seconds,
        timeout: 10,
        // Each client starts at a different place of the mix, so every second carries all of it.
        requests: [...requests.slice(slot % requests.length), ...requests.slice(0, slot % requests.length)],
      },
      (error, result) => (error ? failed(error) : finished(result)),
    )
    // autocannon's own latency of each response; a response slower than the 1 s between a client's
    // requests delays the next one, so it also counts for the requests that were held back.
    instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
      for (let held = ms; held > 0; held -= 1000) latencies.push(held)
      lastResponse = performance.now()
    })
  }
  const results = await Promise.all(runs)
  // The rate over the time the load ran: the first request's start to the last response (autocannon
  // clients take a moment to stop after their last response; that is not time the load was offered).
  const seconds = (lastResponse - started) / 1000
  const total = results.reduce((sum, r) => sum + r.requests.total, 0)
  const statusCounts: Record<string, number> = {}
  for (const r of results)
    for (const [status, stat] of Object.entries(r.statusCodeStats ?? {}))
      statusCounts[status] = (statusCounts[status] ?? 0) + (stat.count ?? 0)
  latencies.sort((a, b) => a - b)
  return {
    requests: total,
    rps: total / seconds,
    p50: ranked(latencies, 50),
    p90: ranked(latencies, 90),
    p99: ranked(latencies, 99),
    max: latencies.at(-1) ?? 0,
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    timeouts: results.reduce((sum, r) => sum + r.timeouts, 0),
    statusCounts,
    deepestPage: depth.deepestPage,
  }
}

async function burstLoad(options: ListLoadOptions): Promise<ListLoadResult> {
  const depth = { deepestPage: 0 }
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    overallRate: options.rate,
    duration: options.seconds,
    timeout: 10,
    requests: findingRequests(options.namespaces, options.authorization, depth, options.mix),
  })
  const statusCounts = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([status, stat]) => [status, stat.count ?? 0]),
  )
  return {
    requests: result.requests.total,
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCounts,
    deepestPage: depth.deepestPage,
  }
}
