// A Kubernetes API server audit log of a busy cluster, generated deterministically (the same bytes
// every run): control-plane components and service accounts make most calls, people a few percent,
// and one call in 997 is an exec into a pod. Shared by the logs bench and the whole-process bench.
import { createWriteStream } from 'node:fs'

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
export async function appendAuditLog(
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
