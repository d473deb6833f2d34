import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import path from 'node:path'
import { secretRules } from './rules.js'
import { type CompiledRules, compileRules, isBinary, scanText } from './scan-text.js'

/**
 * The literal secret values the secret rules find in one input file, so that evidence read from that
 * file can be masked wherever a value reappears (a label, a tag, a RUN line) even when the value has
 * no recognisable shape of its own. The values stay in memory: callers mask with them and drop them.
 */
export interface FileSecrets {
  /** The secrets in `file` (as evidence names it, relative to the root); none for what is no file. */
  of(file: string): readonly string[]
  /**
   * Screens a file a collector has just read whole (`bytes` and their text), so that `of(file)` does
   * not read and decode it a second time: a 10 MB scanner report cost 30 ms more so.
   */
  screen(file: string, bytes: Uint8Array, text: string): void
}

/** A file is read whole up to this size; a larger one in pieces that overlap, so no secret is cut. */
const wholeFileBytes = 64 * 1024 * 1024
const pieceBytes = 4 * 1024 * 1024
const overlapBytes = 64 * 1024

function readPiece(fd: number, position: number, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length)
  let read = 0
  while (read < length) {
    const n = readSync(fd, bytes, read, length - read, position + read)
    if (n === 0) break
    read += n
  }
  return bytes.subarray(0, read)
}

/** The distinct secret values in a file's text; none when its bytes are binary (as secretsInFile). */
export function secretsInText(bytes: Uint8Array, text: string, compiled: CompiledRules): string[] {
  if (isBinary(bytes)) return []
  const found = new Set<string>()
  for (const match of scanText(text, compiled)) found.add(match.value)
  return [...found]
}

/** The distinct secret values in one file; none when it cannot be read, is no file or is binary. */
export function secretsInFile(full: string, compiled: CompiledRules): string[] {
  let fd: number
  try {
    fd = openSync(full, 'r')
  } catch {
    return []
  }
  try {
    const info = fstatSync(fd)
    if (!info.isFile()) return []
    const found = new Set<string>()
    // Synchronous reads, as the secrets collector does: cheaper than the promise API on small files,
    // and the parse cache hands results over synchronously.
    for (let position = 0; position < info.size; position += pieceBytes) {
      const whole = info.size <= wholeFileBytes
      const bytes = readPiece(fd, position, whole ? info.size : pieceBytes + overlapBytes)
      if (position === 0 && isBinary(bytes)) return []
      for (const match of scanText(bytes.toString('utf8'), compiled)) found.add(match.value)
      if (whole) break
    }
    return [...found]
  } catch {
    return []
  } finally {
    closeSync(fd)
  }
}

/**
 * The secrets of each input file under `root`, each file scanned once however many items came from
 * it. A name that is no readable file (an API source, a directory, `sources[2]`) has none.
 */
export function fileSecrets(root: string): FileSecrets {
  const compiled = compileRules(secretRules)
  // Looked up once per evidence item: a scanner report's 10k findings all name the same file, and
  // resolving that name for each of them cost more than the lookup. By the name first, then by the
  // resolved path, so two spellings of one file (`a/b.json`, `a/./b.json`) still scan it once.
  const byName = new Map<string, readonly string[]>()
  const byPath = new Map<string, readonly string[]>()
  return {
    of(file) {
      let values = byName.get(file)
      if (values !== undefined) return values
      const full = path.resolve(root, file)
      values = byPath.get(full)
      if (values === undefined) {
        values = secretsInFile(full, compiled)
        byPath.set(full, values)
      }
      byName.set(file, values)
      return values
    },
    screen(file, bytes, text) {
      const values = secretsInText(bytes, text, compiled)
      byPath.set(path.resolve(root, file), values)
      byName.set(file, values)
    },
  }
}
