import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { inBlocks, writeChunks, writeChunksToFile } from './write-chunks.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-write-chunks-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Pieces of text of every size, some multi-byte, some longer than a block. */
const pieces = (): string[] =>
  Array.from({ length: 300 }, (_, i) => `${i}:${'é😀x'.repeat(i % 100 === 0 ? 300_000 : i)}\n`)

describe('writing text made a piece at a time', () => {
  it('joins the pieces into blocks of about the size asked, in order', () => {
    const blocks = [...inBlocks(['ab', 'cd', 'e', 'fghij', 'k'], 4)]
    expect(blocks).toEqual(['abcd', 'efghij', 'k'])
    expect([...inBlocks([], 4)]).toEqual([])
  })

  it('waits for a slow reader to drain before writing more, and writes everything in order', async () => {
    const received: Buffer[] = []
    let writes = 0
    let waitedForDrain = false
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, done) {
        received.push(chunk)
        setTimeout(done, 1)
      },
    })
    const write = slow.write.bind(slow)
    slow.write = ((chunk: string) => {
      writes++
      // Nothing is written while the stream is over its mark: the writer waited for 'drain'.
      if (slow.writableNeedDrain) throw new Error('written without waiting for drain')
      const more = write(chunk)
      if (!more) waitedForDrain = true
      return more
    }) as typeof slow.write
    await writeChunks(slow, pieces())
    expect(waitedForDrain).toBe(true)
    expect(writes).toBeGreaterThan(1)
    expect(Buffer.concat(received).toString('utf8')).toBe(pieces().join(''))
  })

  it('fails, instead of waiting for ever, when the reader goes away', async () => {
    const broken = new Writable({
      highWaterMark: 16,
      write(_chunk, _encoding, done) {
        setTimeout(() => done(new Error('EPIPE: the reader went away')), 1)
      },
    })
    await expect(writeChunks(broken, pieces())).rejects.toThrow(/EPIPE/)
  })

  it('writes a file whole, multi-byte text and all', async () => {
    const file = path.join(dir, 'out.json')
    await writeChunksToFile(file, pieces())
    expect(readFileSync(file, 'utf8')).toBe(pieces().join(''))
    // Written again: the file is emptied first, not written over in place.
    await writeChunksToFile(file, ['short'])
    expect(readFileSync(file, 'utf8')).toBe('short')
  })
})
