import { existsSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import type { ParsedInput } from '../source-collector.js'
import { type ParsedReader, type ParseTask, parseFile } from './parse-file.js'

/**
 * File parsing on both cores. A walk parses on the calling thread until it has parsed
 * `parallelAfterBytes` with at least `parallelMinFiles` files still to go; from there, when the
 * machine has a core to spare, a piscina pool parses the rest in worker threads, a batch of files per
 * message, while the calling thread reads, hashes, looks up the parse cache and gathers results (in
 * the walk's order, so the collection is the same as on one thread). A small estate, and a re-run
 * whose inputs all come from the parse cache, never start the pool.
 *
 * Why a spare core: the threads only pay when they run beside the calling thread. On the shared
 * 2-core machine (load 10-12) the pool was slower at every size, in process, medians of 2-5 runs:
 * 10k objects 2.3-3.7 s against 0.7-1.2 s on one thread, 100k 9.6-10.1 s against 5.7-7.2 s, with
 * 25-40% more CPU in all (each thread warms its own parser up; results are copied back).
 */
/** Bytes parsed on the calling thread before the pool may start (about 80 files of 20 objects). */
export const parallelAfterBytes = 1 << 20

/** The pool starts only with at least this many files still to parse. */
export const parallelMinFiles = 32

/** The compiled worker beside this module; absent when running from TypeScript sources (tests). */
const builtWorker = fileURLToPath(new URL('./parse-worker.js', import.meta.url))

let workerFile: string | undefined = existsSync(builtWorker) ? builtWorker : undefined

/**
 * Chooses the worker script (a test passes one it compiled), or none: every file is then parsed on the
 * calling thread, as it is from TypeScript sources. Returns the one chosen before.
 */
export function setParseWorkerFile(file: string | undefined): string | undefined {
  const before = workerFile
  workerFile = file
  return before
}

/**
 * Files per message to a worker, by size: one message per file cost more in round trips between
 * threads than the parse saved (10k objects: 2.4-3.5 s against 0.4-0.8 s on one thread, load 10).
 */
export const batchBytes = 256 * 1024

interface Pool {
  run: (tasks: ParseTask[]) => Promise<ParsedInput[]>
  destroy: () => Promise<void>
}

async function startPool(filename: string, threads: number): Promise<Pool> {
  const { Piscina } = await import('piscina')
  const pool = new Piscina<ParseTask[], ParsedInput[]>({ filename, minThreads: threads, maxThreads: threads })
  // A worker that cannot start (its file missing or broken) is reported on the pool, not on a task:
  // without a listener it would be an uncaught exception instead of a failed collection.
  const failed = new Promise<never>((_, reject) => pool.on('error', reject))
  failed.catch(() => undefined)
  return {
    run: (tasks) => Promise.race([pool.run(tasks), failed]),
    destroy: () => pool.destroy(),
  }
}

interface Queued {
  task: ParseTask
  resolve: (parsed: ParsedInput) => void
  reject: (error: unknown) => void
}

/** Parses the files of one walk, on the calling thread or, once the walk proves large, on the pool. */
export class FileParser {
  private parsedHere = 0
  private decided = false
  private pool: Promise<Pool> | undefined
  private queue: Queued[] = []
  private queuedBytes = 0
  /** The results `queue` will settle: a file among them is waited for only after its batch is sent. */
  private queued = new Set<Promise<ParsedInput>>()

  constructor(
    private readonly cores = availableParallelism(),
    private readonly worker = workerFile,
    /** Cores nothing else is running on (the last minute's load average subtracted). */
    private readonly spareCores = (): number => availableParallelism() - (loadavg()[0] ?? 0),
  ) {}

  /** Whether files are being parsed on worker threads (from the first file handed to the pool). */
  get parallel(): boolean {
    return this.pool !== undefined
  }

  /**
   * Parses one file; `remaining` is how many files of the walk come after it. On the pool the file
   * waits in a batch until the batch is full or `wait` is called for it.
   */
  parse(file: string, collector: ParsedReader, bytes: Uint8Array, remaining: number): Promise<ParsedInput> {
    if (
      !this.decided &&
      this.worker !== undefined &&
      this.parsedHere >= parallelAfterBytes &&
      remaining >= parallelMinFiles
    ) {
      // Decided once a walk: a pool started for part of it is kept for the rest.
      this.decided = true
      if (this.cores >= 2 && this.spareCores() >= 1) this.pool = startPool(this.worker, this.cores)
    }
    if (this.pool === undefined) {
      this.parsedHere += bytes.length
      try {
        return Promise.resolve(parseFile(file, collector, bytes))
      } catch (error) {
        return Promise.reject(error)
      }
    }
    const parsed = new Promise<ParsedInput>((resolve, reject) =>
      this.queue.push({ task: { file, collector, bytes }, resolve, reject }),
    )
    this.queued.add(parsed)
    this.queuedBytes += bytes.length
    if (this.queuedBytes >= batchBytes) this.send()
    return parsed
  }

  /** The result of `parse`, sending its batch first if it is still waiting to fill. */
  wait(parsed: Promise<ParsedInput>): Promise<ParsedInput> {
    if (this.queued.has(parsed)) this.send()
    return parsed
  }

  private send(): void {
    const batch = this.queue
    const pool = this.pool
    this.queue = []
    this.queued = new Set()
    this.queuedBytes = 0
    if (batch.length === 0 || pool === undefined) return
    pool
      .then((started) => started.run(batch.map((q) => q.task)))
      .then(
        (results) => {
          for (const [i, q] of batch.entries()) q.resolve(results[i] as ParsedInput)
        },
        (error: unknown) => {
          for (const q of batch) q.reject(error)
        },
      )
  }

  /** Stops the pool's threads, if it started. */
  async close(): Promise<void> {
    this.send()
    const pool = this.pool
    this.pool = undefined
    // A pool that never started has already failed the parse that started it.
    if (pool !== undefined)
      await pool.then(
        (started) => started.destroy(),
        () => undefined,
      )
  }
}
