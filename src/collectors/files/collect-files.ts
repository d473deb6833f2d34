import { createHash } from 'node:crypto'
import { readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import picomatch from 'picomatch'
import type { CollectionError, EvidenceItem } from '../../core/evidence.js'
import { parseDockerfile } from '../dockerfile/parse-dockerfile.js'
import { parseWorkflow } from '../github-actions/parse-workflow.js'
import { parseManifests } from '../kubernetes/parse-manifests.js'

export type FileSourceType = 'auto' | 'kubernetes' | 'dockerfile' | 'github-actions'

export interface FileSource {
  /** Path relative to `root`, a folder or a single file. */
  path: string
  type: FileSourceType
  exclude?: readonly string[]
}

/** A file that was read, with the hash of the exact bytes, so a result can name what it saw. */
export interface CollectedInput {
  file: string
  collector: Exclude<FileSourceType, 'auto'>
  sha256: string
  bytes: number
  items: number
}

export interface FileCollection {
  evidence: EvidenceItem[]
  errors: CollectionError[]
  inputs: CollectedInput[]
}

const skippedFolders = new Set([
  'node_modules',
  '.git',
  'dist',
  'vendor',
  '.terraform',
  '.trustctl',
  'target',
  '__pycache__',
])

/** Decides which collector reads a file, the way the README of checks/ documents it. */
export function classifyFile(
  relativePath: string,
  type: FileSourceType = 'auto',
): Exclude<FileSourceType, 'auto'> | undefined {
  const base = path.posix.basename(relativePath)
  const isYaml = /\.ya?ml$/i.test(base)
  // `Dockerfile.dockerignore` is BuildKit's per-Dockerfile ignore file, a list of globs, not a Dockerfile.
  const isDockerfile =
    (/^(Dockerfile|Containerfile)(\..+)?$/.test(base) || /\.(Dockerfile|Containerfile)$/i.test(base)) &&
    !base.endsWith('.dockerignore')
  const isWorkflow = isYaml && /(^|\/)\.github\/workflows\/[^/]+$/.test(relativePath)
  if (type === 'dockerfile') return isDockerfile || !isYaml ? 'dockerfile' : undefined
  if (type === 'github-actions') return isYaml ? 'github-actions' : undefined
  if (type === 'kubernetes') return isYaml ? 'kubernetes' : undefined
  if (isDockerfile) return 'dockerfile'
  if (isWorkflow) return 'github-actions'
  if (isYaml) return 'kubernetes'
  return undefined
}

/** Lists files under a folder (or the file itself), skipping dependency and build folders. */
export async function listFiles(
  root: string,
  relative: string,
  exclude: readonly string[] = [],
): Promise<string[]> {
  const absolute = path.resolve(root, relative)
  const info = await stat(absolute)
  const toRelative = (p: string): string => path.relative(root, p).split(path.sep).join('/')
  if (info.isFile()) return [toRelative(absolute)]
  const out: string[] = []
  const excluded = picomatch([...exclude], { dot: true })
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true })
    entries.sort((a, b) => a.name.localeCompare(b.name))
    for (const entry of entries) {
      const full = path.join(dir, entry.name)
      const rel = toRelative(full)
      if (exclude.length > 0 && excluded(rel)) continue
      if (entry.isDirectory()) {
        if (!skippedFolders.has(entry.name)) await walk(full)
      } else if (entry.isFile()) {
        out.push(rel)
      }
    }
  }
  await walk(absolute)
  return out
}

/**
 * Reads every recognised file under the sources and parses it into evidence. An unreadable or
 * malformed file becomes a collection error naming it; every other file is still read.
 */
export async function collectFiles(root: string, sources: readonly FileSource[]): Promise<FileCollection> {
  const collection: FileCollection = { evidence: [], errors: [], inputs: [] }
  const seen = new Set<string>()
  for (const source of sources) {
    let files: string[]
    try {
      files = await listFiles(root, source.path, source.exclude)
    } catch (error) {
      collection.errors.push({ file: source.path, message: `cannot read: ${describeFsError(error)}` })
      continue
    }
    for (const file of files) {
      if (seen.has(file)) continue
      const collector = classifyFile(file, source.type)
      if (collector === undefined) continue
      seen.add(file)
      await collectFile(root, file, collector, collection)
    }
  }
  return collection
}

async function collectFile(
  root: string,
  file: string,
  collector: Exclude<FileSourceType, 'auto'>,
  into: FileCollection,
): Promise<void> {
  let bytes: Buffer
  try {
    bytes = await readFile(path.join(root, file))
  } catch (error) {
    into.errors.push({ file, message: `cannot read: ${describeFsError(error)}` })
    return
  }
  const text = bytes.toString('utf8')
  if (text.includes('\u0000')) {
    into.errors.push({ file, message: 'binary file: expected text' })
    return
  }
  const result =
    collector === 'dockerfile'
      ? { ...parseDockerfile(text, file), isManifest: true }
      : collector === 'github-actions'
        ? { ...parseWorkflow(text, file), isManifest: true }
        : parseManifests(text, file)
  if (!result.isManifest) return
  into.evidence.push(...result.evidence)
  into.errors.push(...result.errors)
  into.inputs.push({
    file,
    collector,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.length,
    items: result.evidence.length,
  })
}

function describeFsError(error: unknown): string {
  if (error instanceof Error && 'code' in error) {
    if (error.code === 'ENOENT') return 'no such file or folder'
    if (error.code === 'EACCES') return 'permission denied'
  }
  return error instanceof Error ? error.message : String(error)
}
