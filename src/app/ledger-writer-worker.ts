// The server's ledger writer, in a worker thread (ledger-writer-thread.ts starts it). It owns its own
// store connection and writes each whole run it is handed (a push) in one transaction, so the
// server's event loop neither inserts the records nor waits for the COMMIT. Signatures and the
// finishing time come from the main thread, which alone holds the signing key.
import { type MessagePort, parentPort, workerData } from 'node:worker_threads'
import { StoreError, TrustctlError } from '../core/errors.js'
import type { LedgerEntry } from '../core/ledger.js'
import type { Signer } from '../core/ledger-manifest.js'
import type { ToHeldRun } from './ledger-writer-handover.js'
import { lowerThreadPriority } from './ledger-writer-priority.js'
import type {
  FromLedgerWriter,
  LedgerWriterData,
  RunToWrite,
  ToLedgerWriter,
  WriterFailure,
} from './ledger-writer-thread.js'
import { answerState, readAnswer } from './ledger-writer-thread.js'
import { openStore } from './open-store.js'

// The event loop first: this thread takes the CPU the loop leaves (ledger-writer-priority.ts).
lowerThreadPriority()

const port = parentPort
if (port === null) throw new Error('ledger-writer-worker runs as a worker thread of trustctl serve')
const post = (message: FromLedgerWriter): void => port.postMessage(message)
const data = workerData as LedgerWriterData
const header = new Int32Array(data.answers, 0, 2)

/** Long enough for a loaded event loop; a main thread that never answers fails the run, not the server. */
const askTimeoutMs = 30_000

/** Asks the main thread and waits (this thread only) for its answer. */
function ask(message: Extract<FromLedgerWriter, { type: 'ask' }>): string {
  Atomics.store(header, 0, answerState.asked)
  post(message)
  if (Atomics.wait(header, 0, answerState.asked, askTimeoutMs) === 'timed-out')
    throw new StoreError(`the server did not answer the ledger writer within ${askTimeoutMs / 1000} s`)
  const { state, text } = readAnswer(data.answers)
  if (state !== answerState.answered) throw new StoreError(`the server could not ${message.what}: ${text}`)
  return text
}

/** The run's signer as the store sees it: the key stays with the main thread. */
const remoteSigner = (id: number, run: RunToWrite): Signer => ({
  fingerprint: run.fingerprint,
  publicKeyPem: run.publicKeyPem,
  sign: (bytes) => ask({ type: 'ask', id, what: 'sign', data: bytes }),
})

const failure = (error: unknown): WriterFailure =>
  error instanceof TrustctlError
    ? { code: error.code, message: error.message, ...(error.hint === undefined ? {} : { hint: error.hint }) }
    : { message: error instanceof Error ? error.message : String(error) }

try {
  const store = await openStore(data.loaded as Parameters<typeof openStore>[0], data.env)
  const recordRun = store.recordRun?.bind(store)
  if (recordRun === undefined) throw new Error('this store cannot write a whole run at once')
  // The records of each run handed over so far, by run id, until its `record` message.
  const received = new Map<number, LedgerEntry[]>()
  // Runs whose records still come over their own port (`hold`), and a `record` that came first.
  const held = new Map<number, MessagePort>()
  const recordWhenHeld = new Map<number, RunToWrite>()
  // Held runs whose records did not all arrive: their `record` is refused, never written in part.
  const incomplete = new Map<number, string>()
  const take = (id: number, entries: readonly LedgerEntry[]) => {
    const list = received.get(id)
    if (list === undefined) received.set(id, [...entries])
    else for (const entry of entries) list.push(entry)
  }
  const write = (id: number, run: RunToWrite) => {
    const entries = received.get(id) ?? []
    received.delete(id)
    const missing = incomplete.get(id)
    incomplete.delete(id)
    if (missing !== undefined) {
      // Never write part of a run.
      post({ type: 'refused', id, error: { message: missing } })
      return
    }
    recordRun({
      startedAt: run.startedAt,
      toolVersion: run.toolVersion,
      signer: remoteSigner(id, run),
      entries,
      finishedAt: () => ask({ type: 'ask', id, what: 'finishedAt' }),
      ...(run.remember === undefined ? {} : { remember: run.remember }),
    }).then(
      ({ runId, manifest }) => post({ type: 'recorded', id, runId, manifest }),
      (error: unknown) => post({ type: 'refused', id, error: failure(error) }),
    )
  }
  const drop = (id: number) => {
    held.get(id)?.close()
    held.delete(id)
    received.delete(id)
    recordWhenHeld.delete(id)
    incomplete.delete(id)
  }
  const hold = (id: number, from: MessagePort) => {
    held.set(id, from)
    received.set(id, [])
    from.on('message', (message: ToHeldRun) => {
      if (message.type === 'entries') {
        take(id, message.entries)
        return
      }
      from.close()
      held.delete(id)
      const count = received.get(id)?.length ?? 0
      const run = recordWhenHeld.get(id)
      recordWhenHeld.delete(id)
      if (count !== message.count)
        incomplete.set(id, `${count} of ${message.count} records of the run arrived`)
      if (run !== undefined) write(id, run)
    })
  }
  port.on('message', (message: ToLedgerWriter) => {
    switch (message.type) {
      case 'entries':
        take(message.id, message.entries)
        return
      case 'hold':
        hold(message.id, message.port)
        return
      case 'discard':
        drop(message.id)
        return
      case 'close':
        void store.close().finally(() => post({ type: 'closed', id: message.id }))
        return
      case 'record':
        // Records still on their way over the run's port: written when their end arrives.
        if (held.has(message.id)) recordWhenHeld.set(message.id, message.run)
        else write(message.id, message.run)
    }
  })
  post({ type: 'ready' })
} catch (error) {
  post({ type: 'failed', message: error instanceof Error ? error.message : String(error) })
}
