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

/** Drives the list at `rate` requests/s for `seconds` and returns what autocannon measured. */
export async function runListLoad(options: {
  url: string
  namespaces: readonly string[]
  authorization: string
  rate: number
  connections: number
  seconds: number
  mix?: readonly MixKind[]
}): Promise<ListLoadResult> {
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
