import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { LoadedConfig } from '../load-config.js'
import type { DecisionSink } from './decision-log.js'
import type { AdmissionDecision } from './judge.js'

/**
 * The webhook's decisions written on a thread of their own. Measured on this machine, writing a batch
 * of 500 decisions (canonical bytes, hashes, the chain, a signed manifest, SQLite) takes 55–65 ms of
 * CPU: on the event loop that is a stall every batch, and it set the webhook's p99. Here the event
 * loop only hands decisions over, gathered for a few milliseconds so each hand-over copies many.
 */

export interface DecisionWorkerData {
  /** The parts of LoadedConfig a thread can receive (the line locator is a function). */
  loaded: Pick<LoadedConfig, 'config' | 'file' | 'root'>
  env: NodeJS.ProcessEnv
  toolVersion: string
  batchSize: number
  flushMs: number
}

export type ToDecisionWorker =
  | { type: 'decisions'; decisions: AdmissionDecision[] }
  | { type: 'flush' | 'close'; id: number }

export type FromDecisionWorker =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'error'; message: string }
  | { type: 'written'; recorded: number }
  | { type: 'flushed' | 'closed'; id: number; recorded: number }

/** How long decisions gather on the event loop before one hand-over to the writer thread. */
const handOverMs = 5

/** The compiled worker beside this module; absent when running from TypeScript sources (tests). */
export const builtDecisionWorker = fileURLToPath(new URL('./decision-log-worker.js', import.meta.url))

/** True when the compiled writer thread exists (running from dist); from sources the log runs inline. */
export function decisionWorkerAvailable(file: string = builtDecisionWorker): boolean {
  return existsSync(file)
}

export class ThreadedDecisionLog implements DecisionSink {
  private gathered: AdmissionDecision[] = []
  private timer: NodeJS.Timeout | undefined
  private written = 0
  private nextId = 0
  private readonly waiting = new Map<number, () => void>()

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: FromDecisionWorker) => {
      if (message.type === 'written') this.written = message.recorded
      if (message.type !== 'flushed' && message.type !== 'closed') return
      this.written = message.recorded
      this.waiting.get(message.id)?.()
      this.waiting.delete(message.id)
    })
    // A writer gone for good answers no more flushes: release whoever waits rather than hang the stop.
    worker.on('exit', () => {
      for (const resolve of this.waiting.values()) resolve()
      this.waiting.clear()
    })
  }

  /** Starts the writer thread; resolves once it has opened the store, or fails with its reason. */
  static async start(
    data: DecisionWorkerData,
    notify: (text: string) => void,
    file: string = builtDecisionWorker,
  ): Promise<ThreadedDecisionLog> {
    const worker = new Worker(file, { workerData: data })
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: FromDecisionWorker) => {
        if (message.type === 'ready') resolve()
        if (message.type === 'failed') reject(new Error(message.message))
      }
      worker.on('message', onMessage)
      worker.once('error', reject)
      worker.once('exit', (code) => reject(new Error(`the decision writer stopped (exit ${code}) on start`)))
    })
    worker.removeAllListeners('exit')
    worker.removeAllListeners('error')
    worker.on('message', (message: FromDecisionWorker) => {
      if (message.type === 'error')
        notify(
          `trustctl admission: decisions not yet written to the ledger (kept for the next batch): ${message.message}\n`,
        )
    })
    // A writer that dies takes unwritten decisions with it: say so loudly rather than answer on.
    worker.on('error', (error) =>
      notify(`trustctl admission: the decision writer failed: ${error.message}\n`),
    )
    return new ThreadedDecisionLog(worker)
  }

  get recorded(): number {
    return this.written
  }

  add(decision: AdmissionDecision): void {
    this.gathered.push(decision)
    this.timer ??= setTimeout(() => this.handOver(), handOverMs)
  }

  flush(): Promise<void> {
    return this.ask('flush')
  }

  /** Writes what is queued, closes the writer's store and stops the thread. */
  async close(): Promise<void> {
    await this.ask('close')
    await this.worker.terminate()
  }

  private handOver(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    if (this.gathered.length === 0) return
    const decisions = this.gathered
    this.gathered = []
    this.worker.postMessage({ type: 'decisions', decisions } satisfies ToDecisionWorker)
  }

  private ask(type: 'flush' | 'close'): Promise<void> {
    this.handOver()
    const id = this.nextId++
    return new Promise((resolve) => {
      this.waiting.set(id, resolve)
      this.worker.postMessage({ type, id } satisfies ToDecisionWorker)
    })
  }
}
