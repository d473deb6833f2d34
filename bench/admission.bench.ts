// `npm run bench` (admission): the webhook under load over TLS on 127.0.0.1, bounded in time.
// Phase 1: a fixed 500 reviews/s (the target: p99 under 5 ms there) with the mix a cluster
// sends — a denied privileged Pod, an allowed hardened Deployment, a warned update — for
// BENCH_ADMISSION_SECONDS. Phase 2: as many reviews per second as it answers with 10 connections.
// Beside them, the judge alone in-process (no TLS, no HTTP): the floor the network path adds to.
// The webhook runs in its own process (admission-child.ts); every decision it recorded is counted.
import { type ChildProcess, fork } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { AdmissionJudge } from '../src/app/admission/judge.js'
import { readAdmissionReview } from '../src/app/admission/review.js'
import { loadConfig } from '../src/app/load-config.js'
import { loadLibrary } from '../src/app/run-assessment.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const fixedSeconds = Number(process.env.BENCH_ADMISSION_SECONDS ?? 20)
const fixedRate = Number(process.env.BENCH_ADMISSION_RATE ?? 500)
const maxSeconds = Number(process.env.BENCH_ADMISSION_MAX_SECONDS ?? 10)
// The fixtures are the test's AdmissionReviews, kept beside the source (dist holds no JSON).
const testdata = path.resolve(here, '..', '..', 'src', 'app', 'admission', 'testdata')
const reviews = [
  'pod-create-privileged.json',
  'deployment-create-hardened.json',
  'deployment-update-writable-root.json',
].map((name) => readFileSync(path.join(testdata, name), 'utf8'))

function writeConfig(dir: string): string {
  const file = path.join(dir, 'trustctl.yaml')
  writeFileSync(
    file,
    [
      'version: 1',
      'organization: Bench',
      'system: { name: Bench }',
      'scope: { categories: [security], asOf: 2026-11-30 }',
      'checks:',
      '  kubernetes/workload-image-from-allowed-registry:',
      '    params: { allowedRegistries: [ghcr.io/acme] }',
      'admission: { batchSize: 500, flushSeconds: 1 }',
      '',
    ].join('\n'),
  )
  return file
}

/** Each review with a uid of its own, as the API server sends them (the ledger keys decisions by uid). */
function uniqueUid(body: string, n: number): string {
  return body.replace(/"uid": "[^"]+"/, `"uid": "bench-${n}"`)
}

function startChild(
  configFile: string,
  keyFile: string,
): Promise<{ child: ChildProcess; url: string; checks: number }> {
  const child = fork(path.join(here, 'admission-child.js'), {
    env: { ...process.env, BENCH_ADMISSION_CONFIG: configFile, BENCH_ADMISSION_KEY: keyFile },
  })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`the webhook exited (${code}) before listening`)))
    child.on('message', (message: { type?: string; url?: string; checks?: number }) => {
      if (message.type === 'listening')
        resolve({ child, url: message.url ?? '', checks: message.checks ?? 0 })
    })
  })
}

function ask<T>(child: ChildProcess, type: string, answer: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (message: { type?: string }) => {
      if (message.type !== answer) return
      child.off('message', on)
      resolve(message as T)
    }
    child.on('message', on)
    child.send({ type })
  })
}

async function load(
  url: string,
  options: { seconds: number; rate?: number; connections: number },
  counter: { n: number },
) {
  return autocannon({
    url: `${url}/validate`,
    duration: options.seconds,
    connections: options.connections,
    ...(options.rate === undefined ? {} : { overallRate: options.rate }),
    requests: reviews.map((body) => ({
      method: 'POST' as const,
      headers: { 'content-type': 'application/json' },
      setupRequest: (request: autocannon.Request) => ({ ...request, body: uniqueUid(body, counter.n++) }),
    })),
  })
}

function judgeAlone(judge: AdmissionJudge, runs: number): { perReviewUs: number } {
  const parsed = reviews.map((body) => {
    const read = readAdmissionReview(body)
    if ('problem' in read) throw new Error(read.problem.message)
    return read.review.request
  })
  const now = new Date()
  for (let i = 0; i < 1000; i++) {
    const request = parsed[i % parsed.length]
    if (request !== undefined) judge.judge(request, now)
  }
  const start = process.hrtime.bigint()
  for (let i = 0; i < runs; i++) {
    const read = readAdmissionReview(reviews[i % reviews.length] ?? '')
    if ('review' in read) judge.judge(read.review.request, now)
  }
  return { perReviewUs: Number(process.hrtime.bigint() - start) / 1e3 / runs }
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-admission-bench-'))
let child: ChildProcess | undefined
try {
  const configFile = writeConfig(dir)
  console.log(`admission webhook (${os.cpus().length} CPUs, Node ${process.version})`)
  const judge = new AdmissionJudge((await loadLibrary()).checks, (await loadConfig(configFile, dir)).config)
  const alone = judgeAlone(judge, 20_000)
  console.log(
    `  judge alone (parse + ${judge.checkIds.length} checks), in-process      ${alone.perReviewUs.toFixed(1)} µs a review`,
  )
  const started = await startChild(configFile, path.join(dir, 'ledger.pem'))
  child = started.child
  const counter = { n: 0 }
  // A short warm-up so the first JIT tiers do not count against the fixed-rate figures.
  await load(started.url, { seconds: 2, connections: 4 }, counter)
  const before = await ask<{ rssMb: number }>(child, 'rss', 'rss')
  const fixed = await load(started.url, { seconds: fixedSeconds, rate: fixedRate, connections: 10 }, counter)
  console.log(
    `  fixed ${fixedRate} reviews/s for ${fixedSeconds} s, 10 connections: ${fixed.requests.average.toFixed(0)} reviews/s, ` +
      `p50 ${fixed.latency.p50} ms, p90 ${fixed.latency.p90} ms, p99 ${fixed.latency.p99} ms, max ${fixed.latency.max} ms, ` +
      `errors ${fixed.errors}, non-2xx ${fixed.non2xx}`,
  )
  const most = await load(started.url, { seconds: maxSeconds, connections: 10 }, counter)
  console.log(
    `  as fast as it answers, ${maxSeconds} s, 10 connections: ${most.requests.average.toFixed(0)} reviews/s, ` +
      `p50 ${most.latency.p50} ms, p99 ${most.latency.p99} ms, errors ${most.errors}, non-2xx ${most.non2xx}`,
  )
  const after = await ask<{ rssMb: number }>(child, 'rss', 'rss')
  const stopped = await ask<{ cpuSeconds: number; maxRssMb: number; recorded: number }>(
    child,
    'stop',
    'stopped',
  )
  const answered = fixed.requests.total + most.requests.total
  console.log(
    `  memory: rss ${before.rssMb.toFixed(0)} MB before load, ${after.rssMb.toFixed(0)} MB after, peak ${stopped.maxRssMb.toFixed(0)} MB; ` +
      `webhook CPU ${stopped.cpuSeconds.toFixed(1)} s`,
  )
  console.log(
    `  decisions recorded in the ledger: ${stopped.recorded} (reviews sent: ${counter.n}, answered in the timed phases: ${answered})`,
  )
} finally {
  child?.kill()
  rmSync(dir, { recursive: true, force: true })
}
