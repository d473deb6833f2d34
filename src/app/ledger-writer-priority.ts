import { readlinkSync } from 'node:fs'
import os from 'node:os'

/**
 * How much lower than the event loop the server's worker threads (the ledger writer, the push
 * checks) are scheduled: nice 10 weighs about a tenth of nice 0 under Linux's scheduler. On 2 cores a
 * 32 MB push keeps both threads busy for seconds; at the same priority they took the CPU from the
 * event loop, whose health answers then waited for a time slice (measured at load 13: health p99
 * 44-82 ms during a push against 12-43 ms idle). Lower, they use what the loop leaves, which on an
 * idle core is all of it.
 */
export const workerNice = 10

/**
 * Lowers the calling thread's scheduling priority (Linux: the nice value belongs to the thread, and
 * /proc/thread-self names it). Elsewhere, or where it is not allowed, the thread keeps its priority:
 * the work is the same, only its share of a busy CPU differs.
 */
export function lowerThreadPriority(nice: number = workerNice): boolean {
  try {
    const thread = Number(readlinkSync('/proc/thread-self').split('/').pop())
    if (!Number.isInteger(thread) || thread <= 0) return false
    os.setPriority(thread, Math.max(os.getPriority(thread), nice))
    return true
  } catch {
    return false
  }
}
