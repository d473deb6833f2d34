import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads'
import { StoreError, TrustctlError } from '../core/errors.js'
import type { LedgerEntry } from '../core/ledger.js'
import type { SignedManifest } from '../core/ledger-manifest.js'
import type { AssessmentStore, WholeRun } from '../core/store.js'
import { handOverPieces } from './ledger-writer-handover.js'
import type { LoadedConfig } from './load-config.js'
import { storeLocation } from './open-store.js'

/**
 * The server's whole-run writes (a push: recordRun) on a thread with its own database connection
 * (SQLite or PostgreSQL, as configured). Measured on a 31 MB push to SQLite
 * (test/server-push-write-health.test.ts): written on the event loop in
 * 256 KB slices, the one COMMIT still held it for 53-55 ms (the run's pages written to the WAL and
 * synced), and every other statement of the server on the file waited for the whole push (0.6-0.9 s),
 * since one connection takes one statement at a time. Here the event loop only hands the records
 * over; reads of the server go on during the write (WAL), its writes wait for it without blocking.
 *
 * The signing key never leaves the main thread: the writer asks for each signature (and for the
 * run's finishing time) synchronously over a shared buffer, as the store's Signer is synchronous.
 */

export interface LedgerWriterData {
  /** The parts of LoadedConfig a thread can receive (the line locator is a function). */
  loaded: Pick<LoadedConfig, 'config' | 'file' | 'root'>
  env: NodeJS.ProcessEnv
  /** The answer buffer of the synchronous asks (layout in `answerTo`). */
  answers: SharedArrayBuffer
}

/** A run without its records (sent before it), signer and clock (functions do not cross threads: the writer asks). */
export interface RunToWrite {
  startedAt: string
  toolVersion: string
  fingerprint: string
  publicKeyPem: string
  /** Cache entries the run's own transaction remembers (WholeRun.remember): written with it or not at all. */
  remember?: readonly { key: string; blobRef: string }[]
}

/**
 * To the writer: a piece of a run's records (`entries`, in order), then the run to write with them.
 * Or `hold`: the run's records come over `port` from another thread (ledger-writer-handover.ts), and
 * `record` waits for their end; `discard` drops a held run that will not be written (a refused push).
 */
export type ToLedgerWriter =
  | { type: 'entries'; id: number; entries: LedgerEntry[] }
  | { type: 'hold'; id: number; port: MessagePort }
  | { type: 'record'; id: number; run: RunToWrite }
  | { type: 'discard'; id: number }
  | { type: 'close'; id: number }

export interface WriterFailure {
  code?: string
  message: string
  hint?: string
}

export type FromLedgerWriter =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'ask'; id: number; what: 'sign'; data: Uint8Array }
  | { type: 'ask'; id: number; what: 'finishedAt' }
  | { type: 'recorded'; id: number; runId: number; manifest: SignedManifest }
  | { type: 'refused'; id: number; error: WriterFailure }
  | { type: 'closed'; id: number }

/** Answer buffer: [state, byte length] as Int32, then the answer's UTF-8 bytes. */
export const answerBytes = 64 * 1024
const answerHeader = 8
/** State of the answer buffer: asked (waiting), answered, or failed (the bytes are the message). */
export const answerState = { asked: 0, answered: 1, failed: 2 } as const

/** Writes an answer for the waiting writer and wakes it. */
function answerTo(buffer: SharedArrayBuffer, state: number, text: string): void {
  const header = new Int32Array(buffer, 0, 2)
  const encoded = new TextEncoder().encode(text)
  const fits = encoded.byteLength <= answerBytes
  const bytes = fits ? encoded : new TextEncoder().encode('the answer does not fit the writer thread buffer')
  new Uint8Array(buffer, answerHeader, answerBytes).set(bytes)
  Atomics.store(header, 1, bytes.byteLength)
  Atomics.store(header, 0, fits ? state : answerState.failed)
  Atomics.notify(header, 0)
}

/** Reads the answer once the state left `asked` (the writer thread's side). */
export function readAnswer(buffer: SharedArrayBuffer): { state: number; text: string } {
  const header = new Int32Array(buffer, 0, 2)
  const length = Atomics.load(header, 1)
  const text = new TextDecoder().decode(new Uint8Array(buffer, answerHeader, length).slice())
  return { state: Atomics.load(header, 0), text }
}

export const newAnswerBuffer = (): SharedArrayBuffer => new SharedArrayBuffer(answerHeader + answerBytes)

/** The compiled worker beside this module; absent when running from TypeScript sources (tests). */
export const builtLedgerWriter = fileURLToPath(new URL('./ledger-writer-worker.js', import.meta.url))

/** True when the compiled writer thread exists (running from dist); from sources runs are written inline. */
export function ledgerWriterAvailable(file: string = builtLedgerWriter): boolean {
  return existsSync(file)
}

/** A failure of the writer thread as the error the store itself would have thrown. */
function errorOf(failure: WriterFailure): Error {
  const options = failure.hint === undefined ? {} : { hint: failure.hint }
  if (failure.code === 'store' || failure.code === undefined) return new StoreError(failure.message, options)
  return new TrustctlError(failure.code, failure.message, options)
}

/** What the writer needs of a run besides its records (the signer and clock stay here: it asks). */
const runToWrite = (run: Omit<WholeRun, 'entries'>): RunToWrite => ({
  startedAt: run.startedAt,
  toolVersion: run.toolVersion,
  fingerprint: run.signer.fingerprint,
  publicKeyPem: run.signer.publicKeyPem,
  ...(run.remember === undefined ? {} : { remember: run.remember }),
})

/** A run whose records travel to the writer thread over `port` (see LedgerWriterThread.holdRun). */
export interface HeldRun {
  /** Transfer to the thread that builds the records; it calls sendHeldRun on it. */
  port: MessagePort
  /** Writes the run once its records have all arrived: one transaction, as recordRun. */
  record(run: Omit<WholeRun, 'entries'>): Promise<{ runId: number; manifest: SignedManifest }>
  /** Drops the run and whatever of its records arrived. */
  discard(): void
}

interface Pending {
  run?: WholeRun
  resolve(value: unknown): void
  reject(error: Error): void
}

export class LedgerWriterThread {
  private nextId = 0
  private readonly pending = new Map<number, Pending>()
  private stopped: Error | undefined

  private constructor(
    private readonly worker: Worker,
    private readonly answers: SharedArrayBuffer,
  ) {
    worker.on('message', (message: FromLedgerWriter) => this.onMessage(message))
    // A writer gone takes its open transaction with it (SQLite rolls it back): the run is not stored.
    const stop = (error: Error) => {
      this.stopped = error
      for (const waiting of this.pending.values()) waiting.reject(error)
      this.pending.clear()
    }
    worker.on('error', (error) => stop(new StoreError(`the ledger writer thread failed: ${error.message}`)))
    worker.on('exit', (code) => stop(new StoreError(`the ledger writer thread stopped (exit ${code})`)))
  }

  /** Starts the writer; resolves once it has opened the store, or fails with its reason. */
  static async start(
    data: Omit<LedgerWriterData, 'answers'>,
    file: string = builtLedgerWriter,
  ): Promise<LedgerWriterThread> {
    const answers = newAnswerBuffer()
    const worker = new Worker(file, { workerData: { ...data, answers } satisfies LedgerWriterData })
    const listening: {
      message?: (m: FromLedgerWriter) => void
      error?: (e: Error) => void
      exit?: (c: number) => void
    } = {}
    try {
      await new Promise<void>((resolve, reject) => {
        listening.message = (message) => {
          if (message.type === 'ready') resolve()
          if (message.type === 'failed') reject(new StoreError(message.message))
        }
        listening.error = reject
        listening.exit = (code) => reject(new StoreError(`the ledger writer stopped (exit ${code}) on start`))
        worker.on('message', listening.message).on('error', listening.error).on('exit', listening.exit)
      })
    } catch (error) {
      await worker.terminate()
      throw error
    } finally {
      // Only these: removeAllListeners() without a name also drops the worker's own, and with them
      // every later message from the thread.
      if (listening.message) worker.off('message', listening.message)
      if (listening.error) worker.off('error', listening.error)
      if (listening.exit) worker.off('exit', listening.exit)
    }
    // Idle, the writer never keeps the process alive; while it writes a run, it does (see `ask`).
    worker.unref()
    return new LedgerWriterThread(worker, answers)
  }

  private onMessage(message: FromLedgerWriter): void {
    if (message.type === 'ask') {
      this.answer(message)
      return
    }
    if (message.type === 'ready' || message.type === 'failed') return
    const waiting = this.pending.get(message.id)
    if (waiting === undefined) return
    this.pending.delete(message.id)
    if (this.pending.size === 0) this.worker.unref()
    if (message.type === 'refused') waiting.reject(errorOf(message.error))
    else if (message.type === 'recorded')
      waiting.resolve({ runId: message.runId, manifest: message.manifest })
    else waiting.resolve(undefined)
  }

  /** Signs, or tells the time, for the run being written: the writer waits on the answer buffer. */
  private answer(message: Extract<FromLedgerWriter, { type: 'ask' }>): void {
    const run = this.pending.get(message.id)?.run
    try {
      if (run === undefined) throw new Error(`no run ${message.id} is being written`)
      const text = message.what === 'sign' ? run.signer.sign(message.data) : run.finishedAt()
      answerTo(this.answers, answerState.answered, text)
    } catch (error) {
      answerTo(this.answers, answerState.failed, error instanceof Error ? error.message : String(error))
    }
  }

  private ask<T>(message: ToLedgerWriter, transfer: ArrayBuffer[] = [], run?: WholeRun): Promise<T> {
    if (this.stopped !== undefined) return Promise.reject(this.stopped)
    return new Promise<T>((resolve, reject) => {
      this.pending.set(message.id, {
        ...(run === undefined ? {} : { run }),
        resolve: resolve as never,
        reject,
      })
      this.worker.ref()
      this.worker.postMessage(message, transfer)
    })
  }

  /**
   * A run whose records another thread sends straight to the writer over `port` (sendHeldRun), so
   * they never pass through this thread. Either `record` it once they are sent, or `discard` it.
   */
  holdRun(): HeldRun {
    const id = this.nextId++
    const { port1, port2 } = new MessageChannel()
    this.worker.postMessage({ type: 'hold', id, port: port2 } satisfies ToLedgerWriter, [port2])
    return {
      port: port1,
      record: (run) => this.ask({ type: 'record', id, run: runToWrite(run) }, [], { ...run, entries: [] }),
      discard: () => {
        port1.close()
        if (this.stopped === undefined)
          this.worker.postMessage({ type: 'discard', id } satisfies ToLedgerWriter)
      },
    }
  }

  /** Writes a whole run in one transaction on the writer's connection: all of it, or nothing. */
  async recordRun(run: WholeRun): Promise<{ runId: number; manifest: SignedManifest }> {
    const id = this.nextId++
    // The records go over in pieces, the loop free between them; the thread keeps them until `record`.
    for (const piece of handOverPieces(run.entries)) {
      if (this.stopped !== undefined) throw this.stopped
      this.worker.postMessage({ type: 'entries', id, entries: piece.entries } satisfies ToLedgerWriter, [
        piece.buffer,
      ])
      await new Promise((resolve) => setImmediate(resolve))
    }
    return this.ask({ type: 'record', id, run: runToWrite(run) }, [], run)
  }

  /** Closes the writer's store and stops the thread. */
  async close(): Promise<void> {
    if (this.stopped === undefined)
      await this.ask({ type: 'close', id: this.nextId++ }).catch(() => undefined)
    await this.worker.terminate()
  }
}

/** The property under which a threaded ledger offers holdRun (a proxy over it passes it on). */
export const holdRunKey = Symbol('trustctl.holdRun')

/**
 * How to hand a run's records to this ledger's writer thread from another thread (holdRun), when
 * its whole runs are written by one (withLedgerWriter); otherwise undefined: records are passed to
 * recordRun as usual.
 */
export function runHolder(ledger: AssessmentStore): (() => HeldRun) | undefined {
  const holder: unknown = Reflect.get(ledger, holdRunKey)
  return typeof holder === 'function' ? (holder as () => HeldRun) : undefined
}

/**
 * The ledger with its whole-run writes (recordRun) made by a writer thread. On SQLite (`file`), other
 * writes of this process to the file wait while the thread writes (whileWrittenElsewhere): they would
 * otherwise wait for its lock inside SQLite, blocking the event loop. PostgreSQL needs no such gate:
 * its driver waits asynchronously, and the store's advisory lock orders both connections' writes.
 * Closing the ledger stops the writer.
 */
export async function withLedgerWriter(
  ledger: AssessmentStore,
  writer: LedgerWriterThread,
  file?: string,
): Promise<AssessmentStore> {
  const gate =
    file === undefined
      ? <T>(write: () => Promise<T>) => write()
      : await import('../store/sqlite/sqlite-driver.js').then(
          ({ whileWrittenElsewhere }) =>
            <T>(write: () => Promise<T>) =>
              whileWrittenElsewhere(file, write),
        )
  const holdRun = (): HeldRun => {
    const held = writer.holdRun()
    return { ...held, record: (run) => gate(() => held.record(run)) }
  }
  return new Proxy(ledger, {
    get(target, property) {
      if (property === 'recordRun') return (run: WholeRun) => gate(() => writer.recordRun(run))
      if (property === holdRunKey) return holdRun
      if (property === 'close')
        return async () => {
          await writer.close()
          await target.close()
        }
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
}

/**
 * The configured ledger, with whole runs written on a writer thread when one is built (from
 * TypeScript sources, runs are written inline as before). On SQLite the thread takes the inserts and
 * the COMMIT off the event loop; on PostgreSQL the driver waits asynchronously, but hashing the
 * records and encoding 31 MB of blobs as query parameters held the loop too (measured: health p99
 * 120-145 ms during a 32 MB push at load 19, bench/multi-server.bench.ts).
 */
export async function threadedLedger(
  ledger: AssessmentStore,
  loaded: LoadedConfig,
  env: NodeJS.ProcessEnv,
  file: string = builtLedgerWriter,
): Promise<AssessmentStore> {
  if (!ledgerWriterAvailable(file)) return ledger
  const { config, file: configFile, root } = loaded
  const writer = await LedgerWriterThread.start({ loaded: { config, file: configFile, root }, env }, file)
  const sqlite = config.store.backend !== 'postgres'
  return withLedgerWriter(ledger, writer, sqlite ? storeLocation(loaded, env) : undefined)
}
