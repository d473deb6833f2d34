// `node --expose-gc dist/bench/canonical-json.bench.js`: the canonical writer in process, on one
// findings record (10k findings shaped as assess builds them: keys in report order, subjects and
// mapping lists shared) and on 10k evidence items written one by one, next to the floor: native
// JSON.stringify of the same text already in canonical order, turned into bytes.
import { canonicalBytesOf, canonicalJson } from '../src/core/canonical-json.js'
import { timeMedian } from './median.js'

const runs = Number(process.env.BENCH_RUNS ?? 15)
const count = Number(process.env.BENCH_CANONICAL_FINDINGS ?? 10_000)

/** As toSubject builds them: kind, name, file, namespace, line (not canonical order). */
const subjects = Array.from({ length: count / 8 }, (_, i) => ({
  kind: 'Deployment',
  name: `svc-${i}`,
  file: `deploy/manifests-${String(i % 500).padStart(4, '0')}.yaml`,
  namespace: `team-${i % 100}`,
  line: 2 + (i % 40) * 26,
}))
const mappings = Array.from({ length: 60 }, (_, c) => ({
  controls: [`access.control-${c % 12}`],
  criteria: [`CC6.${c % 8}`, `CC7.${c % 4}`],
}))
/** As assess.ts builds them: check, severity, status, subject, message, controls, criteria. */
const findings = Array.from({ length: count }, (_, i) => {
  const mapping = mappings[i % mappings.length] as (typeof mappings)[number]
  return {
    check: `kubernetes/check-number-${i % mappings.length}`,
    severity: i % 3 === 0 ? 'high' : 'medium',
    status: i % 4 === 0 ? 'fail' : 'pass',
    subject: subjects[i % subjects.length],
    message: `Deployment svc-${i % subjects.length} container runs as a non-root user`,
    controls: mapping.controls,
    criteria: mapping.criteria,
  }
})
/** Like a k8s.workload item: collector key order, nested containers. */
const items = Array.from({ length: count }, (_, i) => ({
  kind: 'k8s.workload',
  resourceKind: 'Deployment',
  name: `svc-${i}`,
  file: `deploy/manifests-${i % 500}.yaml`,
  line: 28,
  namespace: `team-${i % 100}`,
  labels: { 'app.kubernetes.io/name': `svc-${i}`, 'app.kubernetes.io/part-of': 'bench' },
  containers: [
    {
      name: `svc-${i}`,
      image: `registry.example/svc-${i}@sha256:${'0'.repeat(64)}`,
      capabilities: { add: [], drop: ['ALL'] },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
    },
  ],
  replicas: 3,
}))
const floorFindings = JSON.parse(canonicalJson(findings)) as unknown
const floorItems = items.map((item) => JSON.parse(canonicalJson(item)) as unknown)

console.log(`canonical JSON, ${count} findings (${(canonicalBytesOf(findings).length / 1e6).toFixed(1)} MB)`)
await timeMedian('canonicalBytesOf(findings record)', runs, () => canonicalBytesOf(findings))
await timeMedian('canonicalJson(findings record)', runs, () => canonicalJson(findings))
await timeMedian('floor: Buffer.from(JSON.stringify(sorted))', runs, () =>
  Buffer.from(JSON.stringify(floorFindings)),
)
console.log(`canonical JSON, ${count} evidence items one by one`)
await timeMedian('canonicalBytesOf(item) each', runs, () => {
  for (const item of items) canonicalBytesOf(item)
})
await timeMedian('floor: Buffer.from(JSON.stringify(sorted item)) each', runs, () => {
  for (const item of floorItems) Buffer.from(JSON.stringify(item))
})
