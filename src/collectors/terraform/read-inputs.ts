import { createHash } from 'node:crypto'
import { readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import {
  type CollectedInput,
  emptyCollection,
  type FileCollection,
  type ParsedInput,
  parseThroughCache,
  type SourceContext,
} from '../source-collector.js'

/** A file read for a source, with its path as reported (relative to the config folder). */
export interface InputFile {
  /** Path relative to the config folder, with forward slashes. */
  file: string
  absolute: string
  text: string
  bytes: number
  sha256: string
}

const skippedFolders = new Set(['.terraform', '.git', 'node_modules', '.trustctl', 'cdk.out'])

/**
 * The files of a source `path` (a file, or a folder walked recursively) whose name `accept`s, in a
 * stable order. A missing path throws, naming it.
 */
export async function listInputs(
  root: string,
  sourcePath: string,
  accept: (name: string) => boolean,
): Promise<string[]> {
  const absolute = path.resolve(root, sourcePath)
  const info = await stat(absolute).catch(() => undefined)
  if (info === undefined) throw new Error(`${sourcePath}: no such file or folder`)
  if (info.isFile()) return [absolute]
  const out: string[] = []
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true })
    entries.sort((a, b) => a.name.localeCompare(b.name))
    for (const entry of entries) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) {
        if (!skippedFolders.has(entry.name)) await walk(full)
      } else if (entry.isFile() && accept(entry.name)) out.push(full)
    }
  }
  await walk(absolute)
  return out
}

export async function readInput(root: string, absolute: string): Promise<InputFile> {
  const buffer = await readFile(absolute)
  return {
    file: path.relative(root, absolute).split(path.sep).join('/'),
    absolute,
    text: buffer.toString('utf8'),
    bytes: buffer.length,
    sha256: createHash('sha256').update(buffer).digest('hex'),
  }
}

export function inputRecord(input: InputFile, collector: string, items: number): CollectedInput {
  return { file: input.file, collector, sha256: input.sha256, bytes: input.bytes, items }
}

/** How one source type finds, recognises and parses its files. */
export interface InputReader {
  collector: string
  /** File names worth reading in a folder. */
  acceptName: (name: string) => boolean
  /** Whether a file found in a folder is one of this type (a file named outright always is). */
  isInput: (text: string) => boolean
  parse: (input: InputFile) => ParsedInput
}

/**
 * Reads a source path with one reader. An unchanged file is not parsed again: its evidence comes back
 * from an earlier signed run through the parse cache.
 */
export async function collectInputs(
  context: SourceContext,
  sourcePath: string,
  reader: InputReader,
): Promise<FileCollection> {
  const collection = emptyCollection()
  const named = path.resolve(context.root, sourcePath)
  for (const absolute of await listInputs(context.root, sourcePath, reader.acceptName)) {
    const input = await readInput(context.root, absolute)
    if (absolute !== named && !reader.isInput(input.text)) continue
    const { parsed, reused } = await parseThroughCache(context.parseCache, reader.collector, input, () =>
      reader.parse(input),
    )
    collection.evidence.push(...parsed.evidence)
    collection.errors.push(...parsed.errors)
    collection.inputs.push({
      ...inputRecord(input, reader.collector, parsed.evidence.length),
      ...(reused ? { reused } : {}),
    })
  }
  return collection
}
