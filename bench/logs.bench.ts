// `npm run bench` (logs): stream a large Kubernetes audit log (1 GB by default) through the collector
// and report throughput and peak memory; the file is generated, so its size is set by BENCH_LOG_MB.
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { collectors } from '../src/collectors/logs/index.js'
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

async function generate(file: string): Promise<number> {
  const out = createWriteStream(file)
  let bytes = 0
  let i = 0
  while (bytes < targetMb * 1e6) {
    const lines: string[] = []
    for (let k = 0; k < 1000; k++) lines.push(event(i++))
    const chunk = `${lines.join('\n')}\n`
    bytes += chunk.length
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  )
  return i
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-logs-bench-'))
try {
  const file = path.join(dir, 'kube-apiserver-audit.log')
  const generated = await generate(file)
  const size = statSync(file).size
  globalThis.gc?.()
  const rssBefore = process.memoryUsage().rss
  let peakRss = rssBefore
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss)
  }, 50)
  const collector = collectors.find((c) => c.type === 'k8s-audit-log')
  if (collector === undefined) throw new Error('no k8s-audit-log collector')
  const start = process.hrtime.bigint()
  const collection = await collector.collect(collector.options.parse({ type: 'k8s-audit-log', path: file }), {
    root: dir,
    where: 'bench',
    now: new Date(),
    env: {},
  })
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  clearInterval(sampler)
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
  const summary = collection.evidence.find((e): e is LogSummary => e.kind === 'log.summary')
  console.log(
    `logs bench: ${(size / 1e6).toFixed(0)} MB Kubernetes audit log, ${generated} events, node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0]?.toFixed(1)}`,
  )
  console.log(
    `  events read ${summary?.eventsRead}, kept ${summary?.eventsKept}, unreadable ${summary?.parseErrors}`,
  )
  console.log(
    `  streamed in ${seconds.toFixed(1)} s: ${(size / 1e6 / seconds).toFixed(1)} MB/s   (target: at least 50 MB/s)`,
  )
  console.log(
    `  peak RSS while streaming ${(peakRss / 1024 / 1024).toFixed(0)} MB (process peak ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB)   (target: under 512 MB)`,
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
