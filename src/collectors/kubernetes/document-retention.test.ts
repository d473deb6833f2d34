import { randomUUID } from 'node:crypto'
import { getHeapSnapshot } from 'node:v8'
import { describe, expect, it } from 'vitest'
import type { EvidenceItem } from '../../core/evidence.js'
import { parseManifests } from './parse-manifests.js'

/**
 * A manifest whose every document starts with a comment naming the marker: the comment is in the
 * document's text and in no value read from it, so finding it in the heap means a document is held.
 * Built at run time, so the only copies of the text are the ones the parse makes.
 */
function manifest(marker: string): string {
  const documents = [
    `# ${marker}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: payments-api-server
  namespace: payments-production
  labels: { app.kubernetes.io/name: payments-api-server }
spec:
  template:
    metadata:
      labels: { app.kubernetes.io/name: payments-api-server }
    spec:
      serviceAccountName: payments-api-server
      containers:
        - name: payments-api-server
          image: registry.example.com/payments/api-server@sha256:0123456789abcdef
          env: [{ name: DATABASE_HOSTNAME, value: db.payments.internal }]
          resources: { requests: { memory: 128Mi }, limits: { memory: 256Mi } }`,
    `# ${marker}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: payments-default-deny, namespace: payments-production }
spec:
  podSelector: { matchLabels: { app.kubernetes.io/name: payments-api-server } }
  ingress: [{ ports: [{ port: payments-http-port }] }]`,
    `# ${marker}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: { name: payments-api-monitor, namespace: payments-production }
spec: { endpoints: [{ port: payments-metrics-port, path: /metrics/prometheus-format }] }`,
  ]
  return documents.join('\n---\n')
}

/** Whether a heap snapshot of this process holds the text (read in chunks, with an overlap for a text cut in two). */
async function heapHolds(text: string): Promise<boolean> {
  const needle = Buffer.from(text)
  let tail = Buffer.alloc(0)
  for await (const chunk of getHeapSnapshot()) {
    const window = Buffer.concat([tail, chunk as Buffer])
    if (window.includes(needle)) return true
    tail = window.subarray(Math.max(0, window.length - needle.length))
  }
  return false
}

describe('Kubernetes evidence and the manifest text it was read from', () => {
  // A kept name or image used to be a slice of its document: the whole text stayed in memory as long
  // as the evidence did (50 MB of manifests at 100k objects).
  it('holds no document text once the manifest is read', { timeout: 60_000 }, async () => {
    const marker = `manifest-text-marker-${randomUUID()}`
    const { evidence } = parseManifests(manifest(marker), 'deploy/payments.yaml')
    expect(evidence.map((item: EvidenceItem) => [item.kind, item.name])).toEqual([
      ['k8s.workload', 'payments-api-server'],
      ['k8s.network-policy', 'payments-default-deny'],
      ['k8s.resource', 'payments-api-monitor'],
    ])
    // RegExp's legacy statics (RegExp.input) keep the last string a pattern ran on: the whole file here.
    expect(/./.test('another subject')).toBe(true)
    // The comment line, JSON-escaped as the snapshot writes strings, is found only in a document's text.
    expect(await heapHolds(`# ${marker}\\napiVersion`)).toBe(false)
    // The evidence is still alive (and so are its strings) while the heap is searched.
    expect(evidence).toHaveLength(3)
  })
})
