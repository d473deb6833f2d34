import { existsSync } from 'node:fs'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { type MessagePort, Worker } from 'node:worker_threads'
import { sendHeldRun } from '../app/ledger-writer-handover.js'
import { PayloadTooLargeError, ValidationError } from '../core/errors.js'
import { checkPush, type PushCheckInput, type PushCheckResult, type ToPushWorker } from './push-check.js'

/**
 * Runs the CPU work of a push (push-check.ts) in a worker thread, so a 32 MB batch does not hold the
 * event loop while it is hashed and canonicalised: /api/health and every other request go on being
 * answered. The threads are pooled, at most `maxPushWorkers` (the rest wait their turn): starting a
 * thread per push cost more CPU than checking a small batch (its imports, measured at 0.3-0.4 s on
 * this machine), so a busy server spent most of its time starting threads.
 */

export const maxPushWorkers = 2

/** The compiled worker beside this module; absent when running from TypeScript sources (tests). */
const builtWorker = fileURLToPath(new URL('./push-worker.js', import.meta.url))

let workerFile: string | undefined = existsSync(builtWorker) ? builtWorker : undefined

/** Threads waiting for a push, all of `workerFile`. */
let idle: Worker[] = []

/**
 * Chooses the worker script (a test of the built worker passes dist/src/server/push-worker.js), or none:
 * the checks then run on the calling thread, as they do from TypeScript sources.
 */
export function setPushWorkerFile(file: string | undefined): void {
  workerFile = file
  for (const worker of idle) void worker.terminate()
  idle = []
}

/** Threads in the pool waiting for a push (tests see that a thread serves push after push). */
export const idlePushWorkers = (): number => idle.length

let running = 0
const waiting: (() => void)[] = []

async function slot(): Promise<() => void> {
  if (running >= maxPushWorkers) await new Promise<void>((resolve) => waiting.push(resolve))
  running += 1
  return () => {
    running -= 1
    waiting.shift()?.()
  }
}

/** An idle pooled thread, or a new one. */
function takeWorker(file: string): Worker {
  const worker = idle.pop() ?? new Worker(file)
  // Busy: it keeps the process alive until it answers.
  worker.ref()
  return worker
}

/** Back to the pool when it still runs this script; an idle thread never keeps the process alive. */
function giveBack(worker: Worker, file: string): void {
  if (file !== workerFile) {
    void worker.terminate()
    return
  }
  worker.unref()
  idle.push(worker)
}

/** What checking a push needs: its body as it arrives, the most it may be, and what came with it. */
export interface PushStreamInput extends Omit<PushCheckInput, 'raw' | 'rawSha256'> {
  /** The request body, read here chunk by chunk (never whole on this thread). */
  body: Readable
  /** More bytes than this: refused with 413 as soon as they arrive (the rest is not read). */
  maxBytes: number
  /** Where the records go (a HeldRun's port of the ledger writer thread); else they come back. */
  records?: MessagePort
}

/** The refusal of a body over the limit (413), naming the setting that sets it. */
export const tooLarge = (bytes: number, maxBytes: number) =>
  new PayloadTooLargeError(
    `the batch is ${bytes} bytes; this server accepts at most ${maxBytes} (server.push.maxBytes)`,
    { hint: 'push smaller batches: trustctl collect --push … --max-batch-bytes' },
  )

/**
 * Hands each chunk of a request body to `onChunk` as it arrives; resolves with the byte count at
 * its end. Past `maxBytes` it stops listening and rejects (413); the rest of the body is read and
 * dropped, so the refusal can still be answered on the connection.
 */
export function streamBody(
  body: Readable,
  maxBytes: number,
  onChunk: (chunk: Buffer) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0
    const stop = () => {
      body.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose)
      // A late error (the client gone) must not become an uncaught one.
      body.on('error', () => undefined)
    }
    const onData = (chunk: Buffer | string) => {
      const bytesOf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      bytes += bytesOf.byteLength
      if (bytes > maxBytes) {
        stop()
        body.resume()
        reject(tooLarge(bytes, maxBytes))
        return
      }
      onChunk(bytesOf)
    }
    const onEnd = () => {
      stop()
      resolve(bytes)
    }
    const onError = (error: Error) => {
      stop()
      reject(new ValidationError(`the body could not be read to its end: ${error.message}`))
    }
    // Closed before its end without an error (the client went away): never wait for the rest.
    const onClose = () => onError(new Error('the connection closed'))
    body.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose)
  })
}

/** A push checked on this thread (no built worker): the body gathered, then checked. */
async function checkInline(input: PushStreamInput): Promise<PushCheckResult> {
  const chunks: Buffer[] = []
  const bytes = await streamBody(input.body, input.maxBytes, (chunk) => chunks.push(Buffer.from(chunk)))
  const { body: _body, maxBytes: _max, records, ...rest } = input
  const result = checkPush({ ...rest, raw: Buffer.concat(chunks, bytes) })
  if (!result.ok || records === undefined) return result
  sendHeldRun(records, result.entries)
  return { ...result, entries: [], held: true }
}

function inWorker(file: string, input: PushStreamInput): Promise<PushCheckResult> {
  return new Promise((resolve, reject) => {
    const worker = takeWorker(file)
    let settled = false
    const onMessage = (result: PushCheckResult) => {
      settle()
      giveBack(worker, file)
      resolve(result)
    }
    const onError = (error: Error) => {
      settle()
      // A thread that threw is not reused: its state is unknown.
      void worker.terminate()
      reject(error)
    }
    const onExit = (code: number) => {
      settle()
      reject(new Error(`the push worker stopped (exit ${code}) without an answer`))
    }
    const settle = () => {
      settled = true
      worker.off('message', onMessage)
      worker.off('error', onError)
      worker.off('exit', onExit)
    }
    worker.on('message', onMessage)
    worker.on('error', onError)
    worker.on('exit', onExit)
    const { body, maxBytes, records, ...rest } = input
    const begin: ToPushWorker = { type: 'begin', ...rest, ...(records === undefined ? {} : { records }) }
    worker.postMessage(begin, records === undefined ? [] : [records])
    // Each chunk is copied out of the socket's buffer (which it shares) into one of its own, which
    // moves to the thread: the thread hashes it as it comes, and this thread never holds the body.
    streamBody(body, maxBytes, (chunk) => {
      const bytes = new Uint8Array(chunk)
      worker.postMessage({ type: 'chunk', bytes } satisfies ToPushWorker, [bytes.buffer])
    }).then(
      () => worker.postMessage({ type: 'end' } satisfies ToPushWorker),
      (error: unknown) => {
        // A thread that failed meanwhile was answered for (and not kept): nothing to give back.
        if (settled) return
        worker.postMessage({ type: 'abort' } satisfies ToPushWorker)
        settle()
        giveBack(worker, file)
        reject(error)
      },
    )
  })
}

/**
 * Checks a push off the event loop (or inline without a built worker) as its body arrives: a body
 * larger than `maxBytes` is refused (thrown, 413) without reading the rest; refusals of the checks
 * come back as data.
 */
export async function checkPushOffThread(input: PushStreamInput): Promise<PushCheckResult> {
  const file = workerFile
  if (file === undefined) return checkInline(input)
  const release = await slot()
  try {
    return await inWorker(file, input)
  } finally {
    release()
  }
}
