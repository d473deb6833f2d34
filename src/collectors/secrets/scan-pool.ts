import { existsSync, statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { type ScanJob, type ScannedFile, scanFiles } from './scan-files.js'
import type { CompiledRules } from './scan-text.js'

/**
 * The secrets scan on both cores: a large tree is cut into contiguous shares that the calling thread
 * and a piscina pool of the other cores' worker threads take in turn, and the shares' results are
 * joined in the tree's order, so the findings are the same, in the same order, as on one thread. The
 * calling thread works too instead of waiting: on two cores one worker is started, not two (starting
 * one, loading piscina and compiling the rules in it, cost about 0.1 s of CPU under load), and the
 * thread that would sit idle scans. A small tree stays on the calling thread: starting a worker costs
 * more than it saves there, so piscina is imported only when a tree is large enough.
 */

/**
 * Below this many bytes the tree is scanned on the calling thread. An estimate from CPU time, since
 * the shared 2-core machine (load 10-12) could not show wall-clock gains: one thread spends about
 * 10 ms of CPU per MB (the whole-process bench's 50 MB tree: 0.50 s), the pool about 0.14 s more in
 * all (piscina, one worker, the rules compiled in it: 0.64 s). On an idle second core most of that
 * is off the critical path, since the worker starts while this thread already scans; what stays on it
 * (importing piscina, posting shares, about 30 ms) is paid back from about 6 MB at ~5 ms saved per MB.
 * `npm run bench` (whole.bench.ts, secrets) prints the in-process figure with and without the pool.
 */
export const parallelMinBytes = 8 * 1024 * 1024

/** Trees with fewer files than this are not even measured for the pool (statting costs too). */
const parallelMinFiles = 64

/** The compiled worker beside this module; absent when running from TypeScript sources (tests). */
const builtWorker = fileURLToPath(new URL('./scan-worker.js', import.meta.url))

let workerFile: string | undefined = existsSync(builtWorker) ? builtWorker : undefined

/**
 * Chooses the worker script (a test passes one it compiled), or none: every tree is then scanned on
 * the calling thread, as it is from TypeScript sources. Returns the one chosen before.
 */
export function setSecretsWorkerFile(file: string | undefined): string | undefined {
  const before = workerFile
  workerFile = file
  return before
}

/** How many threads a tree of these files is worth: 1 (the calling thread) below the thresholds. */
export function threadsFor(root: string, files: readonly string[], cores = availableParallelism()): number {
  if (workerFile === undefined || cores < 2 || files.length < parallelMinFiles) return 1
  let bytes = 0
  for (const file of files) {
    try {
      bytes += statSync(path.join(root, file)).size
    } catch {
      // Unreadable here is reported by the scan itself; it adds nothing to the estimate.
    }
    if (bytes >= parallelMinBytes) return cores
  }
  return 1
}

/**
 * Shares posted to each worker at once: a worker that finishes one starts on the next straight away,
 * instead of waiting until this thread, busy with a share of its own, takes its result and posts
 * another (a profile showed the worker idle for a tenth of the scan so).
 */
const inFlight = 2

/** Contiguous shares of about equal size, several per thread so a slow share does not hold the rest. */
export function shares(files: readonly string[], count: number): string[][] {
  const out: string[][] = []
  const size = Math.ceil(files.length / count)
  for (let i = 0; i < files.length; i += size) out.push(files.slice(i, i + size))
  return out
}

/** Scans `job.files` on `threads` threads, this one included (1: this one alone); results in order. */
export async function scanTreeFiles(
  job: ScanJob,
  rules: CompiledRules,
  threads: number,
): Promise<ScannedFile[]> {
  const file = workerFile
  if (threads < 2 || file === undefined) return scanFiles(job, rules)
  const workers = threads - 1
  const { Piscina } = await import('piscina')
  const pool = new Piscina<ScanJob, ScannedFile[]>({
    filename: file,
    minThreads: workers,
    maxThreads: workers,
    concurrentTasksPerWorker: inFlight,
  })
  // Many small shares, taken in turn from one queue: whichever thread is free takes the next, so a
  // worker that starts late or a loaded core does not leave the other waiting at the end.
  const parts = shares(job.files, threads * 16)
  const results: ScannedFile[][] = new Array(parts.length)
  let taken = 0
  // Once the scan has failed, no thread takes another share.
  const stop = (): void => {
    taken = parts.length
  }
  // A worker that cannot start (its file missing or broken) is reported on the pool, not on a task:
  // without a listener it would be an uncaught exception instead of a failed scan.
  const poolFailed = new Promise<never>((_, reject) => pool.on('error', reject))
  poolFailed.catch(stop)
  const take = (): number | undefined => (taken < parts.length ? taken++ : undefined)
  const worker = async (): Promise<void> => {
    for (let i = take(); i !== undefined; i = take())
      results[i] = await pool.run({ ...job, files: parts[i] as string[] })
  }
  const here = async (): Promise<void> => {
    for (let i = take(); i !== undefined; i = take()) {
      results[i] = await scanFiles({ ...job, files: parts[i] as string[] }, rules)
      // Let the worker's finished share be seen and its next one posted before scanning on.
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
  }
  try {
    await Promise.race([
      Promise.all([...Array.from({ length: workers * inFlight }, worker), here()]),
      poolFailed,
    ])
    return results.flat()
  } finally {
    stop()
    await pool.destroy()
  }
}
