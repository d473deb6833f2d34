import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { checkPush, type PushCheckInput, type PushCheckResult } from './push-check.js'

/**
 * Runs the CPU work of a push (push-check.ts) in a worker thread, so a 32 MB batch does not hold the
 * event loop while it is hashed and canonicalised: /api/health and every other request go on being
 * answered. One worker per push, at most `maxPushWorkers` at a time (the rest wait their turn), so a
 * burst of pushes cannot start a thread each.
 */

export const maxPushWorkers = 2

/** The compiled worker beside this module; absent when running from TypeScript sources (tests). */
const builtWorker = fileURLToPath(new URL('./push-worker.js', import.meta.url))

let workerFile: string | undefined = existsSync(builtWorker) ? builtWorker : undefined

/**
 * Chooses the worker script (a test of the built worker passes dist/src/server/push-worker.js), or none:
 * the checks then run on the calling thread, as they do from TypeScript sources.
 */
export function setPushWorkerFile(file: string | undefined): void {
  workerFile = file
}

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

function inWorker(file: string, input: PushCheckInput): Promise<PushCheckResult> {
  return new Promise((resolve, reject) => {
    // The body moves to the worker without a copy when it owns its whole buffer (a large body does).
    const { raw } = input
    const ownsBuffer =
      raw.byteOffset === 0 && raw.buffer instanceof ArrayBuffer && raw.byteLength === raw.buffer.byteLength
    const worker = new Worker(file, {
      workerData: input,
      ...(ownsBuffer && raw.buffer instanceof ArrayBuffer ? { transferList: [raw.buffer] } : {}),
    })
    let settled = false
    worker.once('message', (result: PushCheckResult) => {
      settled = true
      resolve(result)
    })
    worker.once('error', (error) => {
      settled = true
      reject(error)
    })
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the push worker stopped (exit ${code}) without an answer`))
    })
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
