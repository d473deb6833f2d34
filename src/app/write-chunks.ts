import { open } from 'node:fs/promises'

/** How much text is handed to a stream or a file at once: few writes, and never the whole text. */
export const blockChars = 1 << 20

/**
 * Text made a piece at a time (jsonChunks) joined into blocks of about `size` characters: a piece
 * longer than that is a block alone. Small pieces would cost a write each; one block bounds what is held.
 */
export function* inBlocks(chunks: Iterable<string>, size = blockChars): Generator<string> {
  let pending: string[] = []
  let length = 0
  for (const chunk of chunks) {
    pending.push(chunk)
    length += chunk.length
    if (length >= size) {
      yield pending.join('')
      pending = []
      length = 0
    }
  }
  if (length > 0) yield pending.join('')
}

/**
 * Writes the text to a stream (standard output) a block at a time, waiting for 'drain' whenever the
 * stream says it holds enough: a reader slower than the writer (a pipe into jq) then never makes the
 * stream buffer the whole text. Rejects when the stream fails (the reader went away) instead of waiting.
 */
export async function writeChunks(stream: NodeJS.WritableStream, chunks: Iterable<string>): Promise<void> {
  for (const block of inBlocks(chunks)) if (!stream.write(block)) await drained(stream)
}

function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error): void => {
      stream.off('drain', onDrain)
      stream.off('error', onError)
      stream.off('close', onClose)
      if (error === undefined) resolve()
      else reject(error)
    }
    const onDrain = (): void => done()
    const onError = (error: Error): void => done(error)
    const onClose = (): void => done(new Error('the output closed before everything was written'))
    stream.on('drain', onDrain)
    stream.on('error', onError)
    stream.on('close', onClose)
  })
}

/** Writes the text to `file` (created or emptied) a block at a time, each write awaited. */
export async function writeChunksToFile(file: string, chunks: Iterable<string>): Promise<void> {
  const handle = await open(file, 'w')
  try {
    for (const block of inBlocks(chunks)) {
      const bytes = Buffer.from(block, 'utf8')
      // A write may take part of the bytes: the rest goes on where it stopped.
      for (let done = 0; done < bytes.length; )
        done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten
    }
  } finally {
    await handle.close()
  }
}
