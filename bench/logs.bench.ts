// `npm run bench` (logs): stream a large Kubernetes audit log (1 GB by default) through the collector
// and report throughput and peak memory; the file is generated, so its size is set by BENCH_LOG_MB.
// The log is read at a quarter of its size and at its full size, each time in a child process, so the
// peak RSS printed is the reader's alone and shows whether it stays flat as the log grows.
import { spawnSync } from 'node:child_process'
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { k8sAuditLogOptions, readLogs } from '../src/collectors/logs/index.js'
import type { LogSummary } from '../src/core/evidence-logs.js'

const targetMb = Number(process.env.BENCH_LOG_MB ?? 1024)

let seed = 7
function next(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed >>> 8
}
const pick = <T>(list: readonly T[]): T => list[next() % list.length] as T

const users = [
  {
    username: 'system:serviceaccount:kube-system:replicaset-controller',
    groups: ['system:serviceaccounts', 'system:authenticated'],
  },
  { username: 'system:kube-scheduler', groups: ['system:authenticated'] },
  { username: 'system:node:ip-10-20-1-15.ec2.internal', groups: ['system:nodes', 'system:authenticated'] },
  { username: 'alice@acme-analytics.example.com', groups: ['oidc:developers', 'system:authenticated'] },
  {
    username: 'marcus@acme-analytics.example.com',
    groups: ['oidc:sre-oncall', 'break-glass', 'system:authenticated'],
  },
]
const resources = [
  'pods',
  'deployments',
  'configmaps',
  'secrets',
  'leases',
  'endpoints',
  'rolebindings',
  'events',
]
const verbs = ['get', 'list', 'watch', 'update', 'patch', 'create', 'delete']
const namespaces = ['production', 'staging', 'kube-system', 'monitoring']

function event(i: number): string {
  // Control-plane components and service accounts make most API calls; people make a few percent.
  const user = next() % 100 < 96 ? pick(users.slice(0, 3)) : pick(users.slice(3))
  const resource = pick(resources)
  const namespace = pick(namespaces)
  const exec = i % 997 === 0
  const time = new Date(Date.UTC(2026, 5, 1) + i * 37).toISOString()
  return JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `${(next() % 1e9).toString(16)}-${i.toString(16)}`,
    stage: 'ResponseComplete',
    requestURI: `/api/v1/namespaces/${namespace}/${resource}/obj-${i % 500}${exec ? '/exec?command=sh' : ''}`,
    verb: exec ? 'create' : pick(verbs),
    user,
    sourceIPs: [`10.20.${i % 250}.${next() % 250}`],
    userAgent: 'kubectl/v1.30.2 (linux/amd64) kubernetes/39683505',
    objectRef: {
      resource: exec ? 'pods' : resource,
      namespace,
      name: `obj-${i % 500}`,
      apiVersion: 'v1',
      ...(exec ? { subresource: 'exec' } : {}),
      ...(resource === 'rolebindings' ? { apiGroup: 'rbac.authorization.k8s.io' } : {}),
    },
    responseStatus: { metadata: {}, code: exec ? 101 : 200 },
    requestReceivedTimestamp: time,
    stageTimestamp: time,
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed' },
  })
}

/** Appends events to `file` until it holds `mb` megabytes; returns the next event number. */
async function generate(
  file: string,
  mb: number,
  from: number,
  bytesSoFar: number,
): Promise<[number, number]> {
  const out = createWriteStream(file, { flags: 'a' })
  let bytes = bytesSoFar
  let i = from
  while (bytes < mb * 1e6) {
    const lines: string[] = []
    for (let k = 0; k < 1000; k++) lines.push(event(i++))
    const chunk = `${lines.join('\n')}\n`
    bytes += chunk.length
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  )
  return [i, bytes]
}

/** What one read of the log measured, in a process of its own so its peak RSS is the reader's alone. */
interface ReadFigures {
  seconds: number
  peakRssMb: number
  read: number
  kept: number
  retained: number
  unreadable: number
}

/** The child: reads the log once through the collector and prints its figures as JSON. */
async function readOnce(file: string): Promise<ReadFigures> {
  const start = process.hrtime.bigint()
  const { collection, retained } = await readLogs(
    k8sAuditLogOptions.parse({ type: 'k8s-audit-log', path: file }),
    { root: path.dirname(file), where: 'bench', now: new Date(), env: {} },
    'k8s-audit',
  )
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  const summary = collection.evidence.find((e): e is LogSummary => e.kind === 'log.summary')
  return {
    seconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    read: summary?.eventsRead ?? 0,
    kept: summary?.eventsKept ?? 0,
    retained,
    unreadable: summary?.parseErrors ?? 0,
  }
}

function measure(file: string): ReadFigures {
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), file], {
    encoding: 'utf8',
  })
  if (child.status !== 0) throw new Error(`logs bench child failed: ${child.stderr}`)
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as ReadFigures
}

const childFile = process.argv[2]
if (childFile !== undefined) {
  console.log(JSON.stringify(await readOnce(childFile)))
} else {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-logs-bench-'))
  try {
    const file = path.join(dir, 'kube-apiserver-audit.log')
    console.log(
      `logs bench: Kubernetes audit log read in a process of its own at ${targetMb / 4} MB and ${targetMb} MB, node ${process.version}, ${os.cpus().length} cores, load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    )
    let next = 0
    let bytes = 0
    const figures: ReadFigures[] = []
    for (const mb of [targetMb / 4, targetMb]) {
      ;[next, bytes] = await generate(file, mb, next, bytes)
      const size = statSync(file).size
      const f = measure(file)
      figures.push(f)
      console.log(
        `  ${(size / 1e6).toFixed(0)} MB, ${f.read} events: kept ${f.kept} as ${f.retained} samples, unreadable ${f.unreadable}; ${f.seconds.toFixed(1)} s, ${(size / 1e6 / f.seconds).toFixed(1)} MB/s; peak RSS ${f.peakRssMb.toFixed(0)} MiB   (goal: ≤ 512 MiB, flat)`,
      )
    }
    const [small, large] = figures as [ReadFigures, ReadFigures]
    console.log(
      `  four times the log: ${(large.peakRssMb / small.peakRssMb).toFixed(2)}× the peak RSS, ${(large.retained / Math.max(1, small.retained)).toFixed(2)}× the samples held (flat = 1.00×), load ${os.loadavg()[0]?.toFixed(1)}`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
