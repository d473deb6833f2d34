import { parentPort } from 'node:worker_threads'
import { type ScanJob, type ScannedFile, scanFiles } from './scan-files.js'
import { compileRules } from './scan-text.js'

/**
 * The worker side of the secrets scan's threads (scan-pool.ts): each message is a contiguous share of
 * the tree, answered with its results under the same id. Rules are compiled once per thread. What goes
 * back holds fingerprints and redacted previews only: the secret values stay in this thread and are
 * dropped with the share. A share that fails is answered with the error's message, so the scan fails.
 */
export interface ShareRequest {
  id: number
  job: ScanJob
}

/** A share's results or what failed it, or (once, first) that the thread is ready for shares. */
export type ShareAnswer = { id: number; files?: ScannedFile[]; error?: string } | { ready: true }

const rules = compileRules()
const port = parentPort
port?.postMessage({ ready: true } satisfies ShareAnswer)

port?.on('message', async ({ id, job }: ShareRequest) => {
  try {
    port.postMessage({ id, files: await scanFiles(job, rules) } satisfies ShareAnswer)
  } catch (error) {
    port.postMessage({
      id,
      error: error instanceof Error ? error.message : String(error),
    } satisfies ShareAnswer)
  }
})
