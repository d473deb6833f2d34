import { closeSync, openSync, readSync } from 'node:fs'

const lineFeed = 0x0a

/** Bytes read at a time: large enough that reading a file of records costs few calls, small enough to stay in cache. */
const defaultChunkBytes = 256 * 1024

/**
 * The lines of a text file, read synchronously in large chunks: what readline gives with
 * `crlfDelay: Infinity` (a line ends at `\n`, `\r\n` or a lone `\r`; a last line without a line
 * break is a line; empty lines are lines, so a caller counting them names the same line numbers),
 * at a third of the cost. readline decodes every chunk, runs a regular expression over it and
 * hands each line through an event and a promise; a bundle's records.jsonl is one line per record.
 *
 * A line is found by its `\n` byte and decoded on its own: `\n` and `\r` never occur inside a
 * multi-byte UTF-8 sequence, so a character cut by a chunk boundary is whole again in the line. A
 * line longer than a chunk grows the buffer. The file is closed when the loop ends, however it ends.
 */
export function* textLines(file: string, chunkBytes = defaultChunkBytes): Generator<string, void, undefined> {
  const fd = openSync(file, 'r')
  try {
    let buffer: Buffer = Buffer.allocUnsafe(Math.max(1, chunkBytes))
    // buffer[0, carried) is the start of a line whose end has not been read yet.
    let carried = 0
    for (;;) {
      if (carried === buffer.length) buffer = grown(buffer)
      const read = readSync(fd, buffer, carried, buffer.length - carried, null)
      if (read === 0) break
      const end = carried + read
      let start = 0
      // The carried bytes hold no `\n` (else they would have been a line): search the new ones only.
      for (let at = newlineIn(buffer, carried, end); at !== -1; at = newlineIn(buffer, start, end)) {
        const text = buffer.toString('utf8', start, at)
        if (text.includes('\r')) yield* splitAtCarriageReturns(text)
        else yield text
        start = at + 1
      }
      buffer.copy(buffer, 0, start, end)
      carried = end - start
    }
    if (carried > 0) yield* splitAtCarriageReturns(buffer.toString('utf8', 0, carried))
  } finally {
    closeSync(fd)
  }
}

/** Where the next `\n` is in buffer[from, end), or -1; the bytes past `end` are stale and never match. */
function newlineIn(buffer: Buffer, from: number, end: number): number {
  const at = buffer.indexOf(lineFeed, from)
  return at < end ? at : -1
}

/** A buffer twice the size holding the same bytes: for a line longer than a chunk. */
function grown(buffer: Buffer): Buffer {
  const bigger = Buffer.allocUnsafe(buffer.length * 2)
  buffer.copy(bigger)
  return bigger
}

/**
 * The lines in the text between two `\n`: a `\r` at its end belongs to a `\r\n` line break; any
 * other `\r` ends a line of its own (as readline reads a lone carriage return). Records never hold
 * a raw `\r` (JSON escapes it), so the split is for the rare edited file, not the common path.
 */
function splitAtCarriageReturns(text: string): string[] {
  return (text.endsWith('\r') ? text.slice(0, -1) : text).split('\r')
}
