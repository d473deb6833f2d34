// `npm run bench` (logs): stream a large Kubernetes audit log (1 GB by default) through the collector
// and report throughput and peak memory; the file is generated, so its size is set by BENCH_LOG_MB.
// The log is read at a quarter of its size and at its full size, each time in a child process, so the
// peak RSS printed is the reader's alone and shows whether it stays flat as the log grows.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { k8sAuditLogOptions, readLogs } from '../src/collectors/logs/index.js'
import type { LogSummary } from '../src/core/evidence-logs.js'
import { appendAuditLog } from './generate-audit-log.js'

const targetMb = Number(process.env.BENCH_LOG_MB ?? 1024)

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
      ;[next, bytes] = await appendAuditLog(file, mb, next, bytes)
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
