import { existsSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Worker } from 'node:worker_threads'
import { type ScanJob, type ScannedFile, scanFiles } from './scan-files.js'
import type { CompiledRules } from './scan-text.js'
import type { ShareAnswer, ShareRequest } from './scan-worker.js'
import { bundledScanWorker } from './scan-worker-bundle.js'

/**
 * The secrets scan on both cores: a large tree is cut into contiguous shares that the calling thread
 * and a worker thread per other core take in turn, and the shares' results are joined in the tree's
 * order, so the findings are the same, in the same order, as on one thread. The calling thread works
 * too instead of waiting: on two cores one worker is started, not two, and the thread that would sit
 * idle scans. The workers are plain `node:worker_threads` (scan-worker.ts answers each share by id):
 * piscina cost about 20 ms more CPU and 60 ms more before the first share on this machine, for
 * nothing a fixed set of threads for one scan needs. A small tree stays on the calling thread:
 * starting a worker costs more than it saves there.
 */

/**
 * Below this many bytes the tree is scanned on the calling thread. An estimate from CPU time, since
 * the shared 2-core machine (load 10-12) could not show wall-clock gains: one thread spends about
 * 10 ms of CPU per MB (the whole-process bench's 50 MB tree: 0.51 s), one worker beside it about
 * 0.11 s more in all (starting the thread, compiling the rules in it: 0.62 s). On an idle second
 * core most of that is off the critical path, since the worker starts while this thread already
 * scans; what stays on it (posting shares, waiting for the worker's last ones) is paid back from a
 * few MB at ~5 ms saved per MB. Under load (10-15 on two cores) the pool measured no faster than one
 * thread on the 50 MB tree (1.38 s against 1.32 s in process), nor slower by much.
 * `npm run bench` (whole.bench.ts, secrets) prints the in-process figure with and without the pool.
 */
export const parallelMinBytes = 8 * 1024 * 1024

/** Trees with fewer files than this are not even measured for the pool (statting costs too). */
const parallelMinFiles = 64

/** The compiled worker beside this module; absent when running from TypeScript sources (tests). */
const builtWorker = fileURLToPath(new URL('./scan-worker.js', import.meta.url))

/**
 * The worker script: the CLI bundle's own (scan-worker-bundle.ts) when this module runs from the
 * bundle and the script is there, else the compiled worker beside this module.
 */
function defaultWorkerFile(): string | undefined {
  const bundled = bundledScanWorker === undefined ? undefined : fileURLToPath(bundledScanWorker)
  if (bundled !== undefined && existsSync(bundled)) return bundled
  return existsSync(builtWorker) ? builtWorker : undefined
}

let workerFile: string | undefined = defaultWorkerFile()

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

/** The smallest share: a few small files, so that posting a share costs little beside scanning it. */
const minShareFiles = 16

/**
 * Where the share that starts at `start` ends: a part of what is left for each thread, smaller as the
 * tree runs out (guided scheduling). Early shares are large, so few messages are posted; the last
 * ones are small, so no thread waits long at the end for another's share (with equal shares of a
 * sixteenth and two in a worker's hands, this thread could wait for an eighth of the tree).
 */
export function shareEnd(total: number, start: number, threads: number): number {
  const size = Math.max(minShareFiles, Math.ceil((total - start) / (threads * 4)))
  return Math.min(total, start + size)
}

/** A thread that scans shares: a worker, or a stand-in in a test. */
export interface ShareRunner {
  /** Settles when the thread has started: shares are taken for it from then. */
  readonly ready: Promise<void>
  /** Rejects when the thread fails (it could not start, threw, or exited); never resolves. */
  readonly failed: Promise<never>
  run(start: number, end: number): Promise<ScannedFile[]>
}

/**
 * node:worker_threads, loaded when the first worker starts: most scans (a small repository's tree)
 * start none, and loading it was start-up time of every `assess` with a secrets source.
 */
let workerThreads: typeof import('node:worker_threads') | undefined

function startWorker(file: string): Worker {
  workerThreads ??= createRequire(import.meta.url)(
    'node:worker_threads',
  ) as typeof import('node:worker_threads')
  return new workerThreads.Worker(file)
}

/**
 * One worker thread running scan-worker.js: shares posted by id, answered in any order. It is started
 * without its job (each share carries it), so that it can be started before the job is known.
 */
class ShareWorker {
  private readonly worker: Worker
  private readonly pending = new Map<
    number,
    { resolve: (files: ScannedFile[]) => void; reject: (error: Error) => void }
  >()
  private nextId = 0
  private dead: Error | undefined
  private stopping = false
  readonly ready: Promise<void>
  readonly failed: Promise<never>

  constructor(file: string) {
    this.worker = startWorker(file)
    let started: () => void = () => undefined
    this.ready = new Promise<void>((resolve) => {
      started = resolve
    })
    this.failed = new Promise<never>((_, reject) => {
      const fail = (error: Error): void => {
        this.dead ??= error
        for (const task of this.pending.values()) task.reject(error)
        this.pending.clear()
        reject(error)
      }
      this.worker.on('error', fail)
      // Any exit not asked for is a failure, before or after the thread said it was ready.
      this.worker.on('exit', (code) => {
        if (!this.stopping) fail(new Error(`secrets scan: a worker thread exited (code ${code})`))
      })
    })
    this.failed.catch(() => undefined)
    this.worker.on('message', (answer: ShareAnswer) => {
      if ('ready' in answer) return started()
      const task = this.pending.get(answer.id)
      this.pending.delete(answer.id)
      if (answer.error !== undefined) task?.reject(new Error(answer.error))
      else task?.resolve(answer.files ?? [])
    })
  }

  /** This worker as the runner of `job`'s shares. */
  runnerOf(whole: ScanJob): ShareRunner {
    return { ready: this.ready, failed: this.failed, run: (start, end) => this.run(whole, start, end) }
  }

  private run(whole: ScanJob, start: number, end: number): Promise<ScannedFile[]> {
    if (this.dead !== undefined) return Promise.reject(this.dead)
    const id = this.nextId++
    const job = { ...whole, files: whole.files.slice(start, end) }
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.worker.postMessage({ id, job } satisfies ShareRequest)
    })
  }

  async stop(): Promise<void> {
    this.stopping = true
    await this.worker.terminate()
  }
}

/** When this thread joins a scan of shares (runShares), and what stops the scan before it ends. */
export interface ShareSchedule {
  /**
   * This thread takes shares once this settles (at once without it): a scan started before this
   * thread is free leaves the shares to the workers meanwhile, and posts them their first ones
   * without waiting for them to say they have started.
   */
  hereFrom?: Promise<void>
  /** Rejects to stop the scan: no share is taken after, and the scan fails with its error. */
  stopped?: Promise<never>
  /**
   * Told each share's results as they come (files `start..` of the list), in no particular order: the
   * caller works on what has come in while the rest is scanned.
   */
  onShare?: SharesSeen
}

/** Told each share's results as the scan gets them: files `start..start + files.length` of the list. */
export type SharesSeen = (start: number, files: ScannedFile[]) => void

/**
 * Scans files `0..total` in shares on this thread (`here`) and on `runners`, and joins the results in
 * order. A runner takes shares once it is ready, `inFlight` at a time; the scan fails when a runner
 * or a share fails, and ends once this thread is done, every runner has started, and what they hold
 * is answered.
 */
export async function runShares(
  total: number,
  threads: number,
  here: (start: number, end: number) => Promise<ScannedFile[]>,
  runners: readonly ShareRunner[],
  { hereFrom, stopped, onShare }: ShareSchedule = {},
): Promise<ScannedFile[]> {
  const done: { start: number; files: ScannedFile[] }[] = []
  let next = 0
  // One queue of shares for every thread: whichever thread is free takes the next.
  const take = (most = total): { start: number; end: number } | undefined => {
    if (next >= total) return undefined
    const start = next
    next = Math.min(shareEnd(total, start, threads), start + most)
    return { start, end: next }
  }
  // A worker says it is ready by a message, which this thread sees only between its shares: until
  // every runner has started, this thread takes the smallest shares, so that a ready worker gets its
  // first shares at once instead of after this thread's first (an eighth of the tree, on two cores).
  let started = 0
  for (const runner of runners)
    runner.ready.then(
      () => {
        started++
      },
      () => undefined,
    )
  const takeHere = (): { start: number; end: number } | undefined =>
    take(started < runners.length ? minShareFiles : total)
  const running = new Set<Promise<unknown>>()
  let failShare: (error: unknown) => void = () => undefined
  const shareFailed = new Promise<never>((_, reject) => {
    failShare = reject
  })
  shareFailed.catch(() => undefined)
  const feed = async (runner: ShareRunner): Promise<void> => {
    // A runner still starting takes nothing: this thread scans on meanwhile. Unless this thread is
    // not scanning yet (hereFrom): then the first shares are posted at once, queued until the worker
    // listens, since this thread, busy with other work, would see the worker's ready message late.
    if (hereFrom === undefined) await runner.ready
    for (let at = take(); at !== undefined; at = take()) {
      const task = runner.run(at.start, at.end)
      running.add(task)
      try {
        const files = await task
        done.push({ start: at.start, files })
        onShare?.(at.start, files)
      } finally {
        running.delete(task)
      }
    }
  }
  const mine = async (): Promise<void> => {
    if (hereFrom !== undefined) await hereFrom
    for (let at = takeHere(); at !== undefined; at = takeHere()) {
      const files = await here(at.start, at.end)
      done.push({ start: at.start, files })
      onShare?.(at.start, files)
      // Let a runner's finished share be seen and its next one posted before scanning on.
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
    // A broken worker fails the scan however fast this thread was.
    await Promise.all(runners.map((r) => Promise.race([r.ready, r.failed])))
    while (running.size > 0) await Promise.all(running)
  }
  for (const runner of runners) for (let i = 0; i < inFlight; i++) feed(runner).catch(failShare)
  try {
    const ends = [mine(), shareFailed, ...runners.map((r) => r.failed)]
    await Promise.race(stopped === undefined ? ends : [...ends, stopped])
    return done.sort((a, b) => a.start - b.start).flatMap((d) => d.files)
  } finally {
    // Once the scan has ended or failed, no thread takes another share.
    next = total
  }
}

/**
 * Worker threads started before the scan that uses them is ready to start (startThreads): the first
 * scan on threads takes them; `release` stops those no scan took. Whoever starts them releases them.
 */
export interface EarlyThreads {
  take(): ShareWorker[]
  release(): Promise<void>
}

/**
 * Starts the workers for `threads` threads now (none for 1, or without a built worker). A worker
 * takes 40 ms of CPU to start on an idle machine and, measured in the whole-process bench at load 4-5
 * while this thread scanned, 115-380 ms of wall time: started once the tree is listed instead of
 * after the cache probes and the exact size count, it is ready 25-60 ms sooner, time this thread
 * would otherwise scan alone.
 */
export function startThreads(threads: number): EarlyThreads | undefined {
  const file = workerFile
  if (file === undefined || threads < 2) return undefined
  let workers: ShareWorker[] = Array.from({ length: threads - 1 }, () => new ShareWorker(file))
  return {
    take: () => {
      const taken = workers
      workers = []
      return taken
    },
    release: async () => {
      const left = workers
      workers = []
      await Promise.all(left.map((w) => w.stop()))
    },
  }
}

/** A tree's scan started before its collector runs (startTreeScan), on the workers alone until joined. */
export interface StartedScan {
  /**
   * The scan's results, this thread taking shares too from now on, with the collector's compiled
   * `rules` (the same rules the workers compile). Rejects as the scan would. `onShare` is told the
   * shares scanned so far at once, then each as it comes (ShareSchedule).
   */
  join(rules: CompiledRules, onShare?: SharesSeen): Promise<ScannedFile[]>
  /** Stops a scan no collector took: no share is taken after, and its workers are stopped. */
  abandon(): Promise<void>
}

/**
 * Starts scanning `job.files` on `threads - 1` workers now (threads >= 2; those started `early` first,
 * the rest started here), before this thread is free to scan: a first run's calling thread still
 * loads its checks, store and catalog, which the scan does not wait for. The shares are the usual ones (runShares): this thread takes them too once the
 * collector joins, so the results are the same, in the same order, as scanTreeFiles'.
 */
export function startTreeScan(job: ScanJob, threads: number, early?: EarlyThreads): StartedScan {
  let joined: (rules: CompiledRules) => void = () => undefined
  const rules = new Promise<CompiledRules>((resolve) => {
    joined = resolve
  })
  let stop: (error: Error) => void = () => undefined
  const stopped = new Promise<never>((_, reject) => {
    stop = reject
  })
  stopped.catch(() => undefined)
  // Shares scanned before the collector joins wait here for it to listen.
  const seen: [number, ScannedFile[]][] = []
  let listener: SharesSeen | undefined
  const result = scanTreeFiles(job, rules, threads, early, {
    hereFrom: rules.then(() => undefined),
    stopped,
    onShare: (start, files) => (listener === undefined ? seen.push([start, files]) : listener(start, files)),
  })
  // Whoever started it settles it: joined (the collector awaits it) or abandoned.
  result.catch(() => undefined)
  return {
    join: (compiled, onShare) => {
      if (onShare !== undefined) {
        for (const [start, files] of seen.splice(0)) onShare(start, files)
        listener = onShare
      }
      joined(compiled)
      return result
    },
    abandon: async () => {
      stop(new Error('secrets scan: stopped before its collector took it'))
      await result.catch(() => undefined)
    },
  }
}

/**
 * The threads a tree is likely worth, from the sizes of a sample of its files (`sampleFiles` spread
 * over the sorted list) rather than of all of them: enough to start the workers early (startThreads).
 * The scan itself still goes by `threadsFor`; a wrong guess costs a worker started for nothing, or
 * started as late as without a guess, never a different result.
 */
export function likelyThreads(
  root: string,
  files: readonly string[],
  cores = availableParallelism(),
): number {
  if (workerFile === undefined || cores < 2 || files.length < parallelMinFiles) return 1
  const step = Math.max(1, Math.floor(files.length / sampleFiles))
  let bytes = 0
  let sampled = 0
  for (let i = 0; i < files.length; i += step) {
    try {
      bytes += statSync(path.join(root, files[i] as string)).size
    } catch {
      // Unreadable here is reported by the scan itself.
    }
    sampled++
  }
  return (bytes / sampled) * files.length >= parallelMinBytes ? cores : 1
}

/** Files statted for `likelyThreads`' estimate. */
const sampleFiles = 32

/**
 * Scans `job.files` on `threads` threads, this one included (1: this one alone); results in order.
 * Workers started early (`early`) are used first; any more the scan needs are started here.
 * `schedule` (runShares) holds this thread back, or stops the scan, when it runs on workers.
 */
export async function scanTreeFiles(
  job: ScanJob,
  /** The compiled rules, or their promise when this thread is to scan only once they are given. */
  rules: CompiledRules | Promise<CompiledRules>,
  threads: number,
  early?: EarlyThreads,
  schedule?: ShareSchedule,
): Promise<ScannedFile[]> {
  const file = workerFile
  if (threads < 2 || file === undefined) {
    await schedule?.hereFrom
    const files = await scanFiles(job, await rules)
    schedule?.onShare?.(0, files)
    return files
  }
  const started = early?.take() ?? []
  const workers = [
    ...started,
    ...Array.from({ length: Math.max(0, threads - 1 - started.length) }, () => new ShareWorker(file)),
  ]
  const used = workers.slice(0, threads - 1)
  // Workers started early beyond what the scan needs are stopped at once, not kept busy starting.
  const spare = Promise.all(workers.slice(threads - 1).map((w) => w.stop()))
  try {
    return await runShares(
      job.files.length,
      threads,
      // Called only once this thread may scan (hereFrom), by which time the rules are given.
      async (start, end) => scanFiles({ ...job, files: job.files.slice(start, end) }, await rules),
      used.map((w) => w.runnerOf(job)),
      schedule,
    )
  } finally {
    await Promise.all([spare, ...used.map((w) => w.stop())])
  }
}
