import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { checkPush, type PushCheckInput, type PushCheckResult } from './push-check.js'

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

function inWorker(file: string, input: PushCheckInput): Promise<PushCheckResult> {
  return new Promise((resolve, reject) => {
    // The body moves to the worker without a copy when it owns its whole buffer (a large body does).
    const { raw } = input
    const ownsBuffer =
      raw.byteOffset === 0 && raw.buffer instanceof ArrayBuffer && raw.byteLength === raw.buffer.byteLength
    const worker = takeWorker(file)
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
      worker.off('message', onMessage)
      worker.off('error', onError)
      worker.off('exit', onExit)
    }
    worker.on('message', onMessage)
    worker.on('error', onError)
    worker.on('exit', onExit)
    worker.postMessage(input, ownsBuffer && raw.buffer instanceof ArrayBuffer ? [raw.buffer] : [])
  })
}

/** Checks a push off the event loop (or inline without a built worker); refusals come back as data. */
export async function checkPushOffThread(input: PushCheckInput): Promise<PushCheckResult> {
  const file = workerFile
  if (file === undefined) return checkPush(input)
  const release = await slot()
  try {
    return await inWorker(file, input)
  } finally {
    release()
  }
}
