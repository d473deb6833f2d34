import type { MessagePort } from 'node:worker_threads'
import type { LedgerEntry } from '../core/ledger.js'

/**
 * How a run's records travel to the ledger writer thread (ledger-writer-thread.ts): in pieces of
 * about `handOverBytes`, each piece's contents copied into one buffer of its own (each content a
 * view of it), so a message transfers one buffer instead of cloning thousands of small ones.
 *
 * The records of a push are built in a push thread (src/server/push-worker.ts), which hands them to
 * the writer over a port of their own: the event loop of the server never holds the 31 MB of a big
 * push, and never copies or deserialises its 7,000 records (measured at load 11 on 2 cores: the
 * main thread's copy and hand-over held it 90-120 ms). Kept apart from the writer's start-up code,
 * so the push thread loads only this.
 */

/**
 * Bytes of content per hand-over message. Measured at load 17-20 on 2 cores: copying a 31 MB push
 * into one buffer held the loop 115-200 ms and posting its 8,000 records 8-34 ms more; in 1 MB
 * pieces each step is a few milliseconds, and other requests are answered in between.
 */
export const handOverBytes = 1024 * 1024

/** A piece of records, their contents views of the one buffer that moves with them. */
export interface HandOverPiece {
  entries: LedgerEntry[]
  buffer: ArrayBuffer
}

/** The entries in pieces of about `handOverBytes` (at least one entry each); the caller's are left as they were. */
export function* handOverPieces(entries: readonly LedgerEntry[]): Generator<HandOverPiece> {
  let start = 0
  while (start < entries.length) {
    let end = start
    let bytes = 0
    while (
      end < entries.length &&
      (end === start || bytes + (entries[end]?.content.byteLength ?? 0) <= handOverBytes)
    ) {
      bytes += entries[end]?.content.byteLength ?? 0
      end += 1
    }
    const buffer = new ArrayBuffer(bytes)
    const all = new Uint8Array(buffer)
    let offset = 0
    const piece = entries.slice(start, end).map((entry) => {
      all.set(entry.content, offset)
      const content = new Uint8Array(buffer, offset, entry.content.byteLength)
      offset += entry.content.byteLength
      return { ...entry, content }
    })
    yield { entries: piece, buffer }
    start = end
  }
}

/** What a producer thread sends over a run's own port: its records in order, then `end`. */
export type ToHeldRun = { type: 'entries'; entries: LedgerEntry[] } | { type: 'end'; count: number }

/**
 * Sends a run's records over its port (from `LedgerWriterThread.holdRun`), piece by piece, then
 * `end` with how many were sent: the writer writes the run only once all arrived, and closes the port.
 */
export function sendHeldRun(port: MessagePort, entries: readonly LedgerEntry[]): void {
  for (const piece of handOverPieces(entries))
    port.postMessage({ type: 'entries', entries: piece.entries } satisfies ToHeldRun, [piece.buffer])
  port.postMessage({ type: 'end', count: entries.length } satisfies ToHeldRun)
}
