// Collector traffic for the server bench: batches of distinct Kubernetes workloads (a few KB each,
// as a real cluster's Deployments are once containers, env and labels are parsed), encoded in the push
// format, and a loop per collector that POSTs them and remembers every content hash it sent.
import { createHash } from 'node:crypto'
import type { Container, K8sWorkload } from '../src/core/evidence.js'
import { canonicalBytes, sha256 } from '../src/core/ledger.js'

/** One batch ready to send: its body bytes, headers and the content hashes of its items. */
export interface PushBatch {
  /** The canonical JSON of the batch (UTF-8 on the wire; its digest is over those bytes). */
  body: string
  idempotencyKey: string
  contentDigest: string
  hashes: string[]
}

function container(collector: string, batch: number, item: number, index: number): Container {
  const name = index === 0 ? 'app' : `sidecar-${index}`
  return {
    name,
    image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/${collector}/svc-${item}@sha256:${sha256(`${collector}/${batch}/${item}/${index}`)}`,
    init: false,
    runAsNonRoot: (batch + item) % 7 !== 0,
    runAsUser: 10001,
    privileged: false,
    allowPrivilegeEscalation: (item + index) % 11 === 0,
    readOnlyRootFilesystem: item % 3 !== 0,
    capabilities: { add: [], drop: ['ALL'] },
    seccompProfile: 'RuntimeDefault',
    env: Array.from({ length: 8 }, (_, e) => ({
      name: [
        'LOG_LEVEL',
        'PORT',
        'DATABASE_URL',
        'REDIS_URL',
        'OTEL_ENDPOINT',
        'REGION',
        'FEATURE_FLAGS',
        'API_KEY',
      ][e] as string,
      source: e === 2 || e === 7 ? ('secret' as const) : ('literal' as const),
      hasLiteralValue: e !== 2 && e !== 7,
      literalLooksLikeSecret: false,
    })),
    envFromSecrets: index === 0 ? [`svc-${item}-config`] : [],
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } },
    livenessProbe: { type: 'httpGet' },
    readinessProbe: { type: 'httpGet' },
  }
}

/** A workload unique to (collector, batch, item): distinct content, so no two items share a hash. */
export function benchWorkload(collector: string, batch: number, item: number): K8sWorkload {
  const namespace = `team-${item % 12}-prod`
  const labels = {
    app: `svc-${item}`,
    'app.kubernetes.io/part-of': collector,
    'app.kubernetes.io/version': `1.${batch}.${item}`,
    team: `team-${item % 12}`,
    tier: item % 2 === 0 ? 'backend' : 'worker',
  }
  return {
    kind: 'k8s.workload',
    resourceKind: item % 5 === 0 ? 'StatefulSet' : 'Deployment',
    name: `svc-${item}-b${batch}`,
    namespace,
    file: `cluster/${collector}/${namespace}/svc-${item}.yaml`,
    labels,
    podLabels: { app: `svc-${item}`, team: labels.team },
    replicas: 2 + (item % 4),
    serviceAccountName: `svc-${item}`,
    automountServiceAccountToken: false,
    hostNetwork: false,
    hostPID: false,
    hostIPC: false,
    containers: Array.from({ length: 3 }, (_, index) => container(collector, batch, item, index)),
    secretVolumes: [`svc-${item}-tls`],
    hostPathVolumes: [],
  }
}

/**
 * The push body of one batch: `{format, collector, collectedAt, inputs, errors, items: [{hash,
 * evidence}]}`, with its Idempotency-Key (SHA-256 of the canonical batch) and Content-Digest.
 */
export function pushBatch(
  collector: string,
  batch: number,
  itemsPerBatch: number,
  collectedAt: string,
): PushBatch {
  const evidence = Array.from({ length: itemsPerBatch }, (_, item) => benchWorkload(collector, batch, item))
  const items = evidence.map((e) => ({ hash: sha256(canonicalBytes(e)), evidence: e }))
  const files = [...new Set(evidence.map((e) => e.file))]
  const batchContent = {
    format: 1,
    collector: { name: collector, version: 'bench' },
    collectedAt,
    inputs: files.map((file) => ({
      file,
      collector: 'kubernetes',
      sha256: sha256(file),
      bytes: 4096,
      items: evidence.filter((e) => e.file === file).length,
    })),
    errors: [],
    items,
  }
  const bytes = canonicalBytes(batchContent)
  return {
    body: bytes.toString('utf8'),
    idempotencyKey: sha256(bytes),
    contentDigest: `sha-256=:${createHash('sha256').update(bytes).digest('base64')}:`,
    hashes: items.map((i) => i.hash),
  }
}

/** What the collectors did, and every content hash the server accepted from each. */
export interface PushResult {
  pushes: number
  items: number
  /** Latency of each accepted push (ms), retries included. */
  latencies: number[]
  /** Non-2xx answers and network failures, by status (0 for a network error). */
  errors: Map<number, number>
  firstError?: string
  /** Retries of an already-accepted batch, and how many the server stored anything for (must be 0). */
  retries: number
  retriesStored: number
  /** Content hashes of accepted batches, per collector name. */
  sent: Map<string, string[]>
  seconds: number
  /** Body size of one batch. */
  bytesPerBatch: number
}

interface PushAnswer {
  status: number
  stored: number
  duplicate: boolean
  text: string
  ms: number
}

async function post(url: string, secret: string, batch: PushBatch): Promise<PushAnswer> {
  const start = process.hrtime.bigint()
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${secret}`,
        'content-type': 'application/json',
        'idempotency-key': batch.idempotencyKey,
        'content-digest': batch.contentDigest,
      },
      body: batch.body,
      signal: AbortSignal.timeout(30_000),
    })
    const text = await response.text()
    const ms = Number(process.hrtime.bigint() - start) / 1e6
    let stored = 0
    let duplicate = false
    if (response.ok) {
      const json = JSON.parse(text) as { stored?: number; duplicate?: boolean }
      stored = json.stored ?? 0
      duplicate = json.duplicate === true
    }
    return { status: response.status, stored, duplicate, text, ms }
  } catch (error) {
    return { status: 0, stored: 0, duplicate: false, text: (error as Error).message, ms: 0 }
  }
}

/**
 * Collectors pushing at once until `seconds` have passed, each a loop over its own distinct
 * batches. Every tenth collector also sends its fourth batch twice at the same moment (a retry racing
 * the original) and later re-sends its first accepted batch: the server must store neither again.
 */
export async function runCollectors(options: {
  url: string
  collectors: readonly { name: string; secret: string }[]
  seconds: number
  itemsPerBatch: number
}): Promise<PushResult> {
  const result: PushResult = {
    pushes: 0,
    items: 0,
    latencies: [],
    errors: new Map(),
    retries: 0,
    retriesStored: 0,
    sent: new Map(),
    seconds: 0,
    bytesPerBatch: Buffer.byteLength(
      pushBatch('sizing', 0, options.itemsPerBatch, new Date().toISOString()).body,
    ),
  }
  const fail = (answer: PushAnswer): void => {
    result.errors.set(answer.status, (result.errors.get(answer.status) ?? 0) + 1)
    result.firstError ??= `${answer.status}: ${answer.text.slice(0, 300)}`
  }
  const collectedAt = new Date().toISOString()
  const started = Date.now()
  const deadline = started + options.seconds * 1000
  await Promise.all(
    options.collectors.map(async ({ name, secret }, index) => {
      const sent: string[] = []
      result.sent.set(name, sent)
      const retrier = index % 10 === 0
      let first: PushBatch | undefined
      for (let n = 0; Date.now() < deadline; n++) {
        const batch = pushBatch(name, n, options.itemsPerBatch, collectedAt)
        // A racing retry: the same batch twice at once; exactly one of the two may store it.
        const racing = retrier && n === 3
        const answers = await Promise.all(
          racing
            ? [post(options.url, secret, batch), post(options.url, secret, batch)]
            : [post(options.url, secret, batch)],
        )
        if (racing) result.retries += 1
        const accepted = answers.filter((a) => a.status === 200 || a.status === 201)
        for (const answer of answers) if (!accepted.includes(answer)) fail(answer)
        if (accepted.length === 0) continue
        for (const answer of accepted) result.latencies.push(answer.ms)
        result.pushes += accepted.length
        const storing = accepted.filter((a) => a.stored > 0)
        if (storing.length > 1) result.retriesStored += storing.length - 1
        sent.push(...batch.hashes)
        result.items += batch.hashes.length
        first ??= batch
        if (retrier && n === 5 && first !== undefined) {
          const again = await post(options.url, secret, first)
          result.retries += 1
          if (again.status !== 200 && again.status !== 201) fail(again)
          else if (again.stored > 0 || !again.duplicate) result.retriesStored += 1
        }
      }
    }),
  )
  result.seconds = (Date.now() - started) / 1000
  return result
}
