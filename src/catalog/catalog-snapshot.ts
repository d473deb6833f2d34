import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { isDeepStrictEqual } from 'node:util'
import { packageTemplateKeys } from '../core/package/templates.js'
import type { CatalogSources } from './load-catalog.js'

/**
 * The shipped catalog validated at build time (`npm run build` writes it beside the built loader, so
 * runs from source never see one): the validated sources plus the SHA-256 of every file they came
 * from, keyed by its path below catalog/. At run time it stands in for parsing and validating the
 * catalog only when the catalog folder holds exactly those files with exactly those hashes.
 */
export interface CatalogSnapshot {
  version: 1
  files: Record<string, string>
  sources: CatalogSources
}

/** Where the build writes it: beside the built loader (dist/src/catalog). */
export const catalogSnapshotFile = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'catalog-snapshot.json',
)

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

/** Lists YAML files below a folder, sorted, so load order (and any error) is the same everywhere. */
export async function listYaml(dir: string): Promise<string[]> {
  // Synchronous, as the reads below: the promise form walks the ~15 folders through as many promises
  // and thread-pool round trips, ~3x the CPU of this (measured: ~3 ms against ~1 ms a start-up).
  const entries = readdirSync(dir, { withFileTypes: true, recursive: true })
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort()
}

/** Every file the catalog sources are read from, as paths below the catalog folder. */
async function catalogSourceFiles(root: string): Promise<string[]> {
  const controls = (await listYaml(path.join(root, 'controls'))).map((f) =>
    path.relative(root, f).split(path.sep).join('/'),
  )
  const prose = Object.keys(packageTemplateKeys).map((id) => `package/${id}.md`)
  return ['frameworks/tsc-2017.yaml', ...controls, ...prose]
}

/**
 * The SHA-256 of every catalog source file; undefined when one cannot be listed or read (the
 * validating load then reports it properly, naming the file).
 */
export async function catalogFileHashes(root: string): Promise<Record<string, string> | undefined> {
  try {
    const files = await catalogSourceFiles(root)
    // Read synchronously: ~140 small files from a warm cache cost far less CPU one after another than
    // as many promises and thread-pool round trips (each is an open, a stat, a read and a close).
    return Object.fromEntries(files.map((f) => [f, sha256(readFileSync(path.join(root, f), 'utf8'))]))
  } catch {
    return undefined
  }
}

/** Same file names and same hashes: an added or removed control counts as a change too. */
export function sameHashes(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k])
}

// Only the envelope is checked on reading: the sources were validated when the snapshot was
// written, and the body's own hash (below) catches a damaged or hand-edited file cheaply. Checked by
// hand, not with a zod schema: building and running the schema at every start-up cost more than the
// reading (~140 hashes; rule-snapshot and check-manifest reading do likewise).
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const isSha256 = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{64}$/.test(value)

/** The body's files and sources when they have the snapshot's shape (only the sources' parts named). */
function snapshotBody(value: unknown): Omit<CatalogSnapshot, 'version'> | undefined {
  if (!isRecord(value) || !isRecord(value.files) || !isRecord(value.sources)) return undefined
  const { files, sources } = value
  for (const name in files) if (!isSha256(files[name])) return undefined
  if (!Array.isArray(sources.controls) || !Array.isArray(sources.packageTemplates)) return undefined
  const { framework, controls, packageTemplates } = sources
  return {
    files: files as Record<string, string>,
    sources: { framework, controls, packageTemplates } as CatalogSources,
  }
}

/**
 * The snapshot file's text: the body is kept as a string with its own hash, so any change to it
 * after the build (truncation, a stray edit) makes the whole snapshot be ignored, not half-trusted.
 * Fails when the validated sources would not come back unchanged from JSON.
 */
export function catalogSnapshotText(files: Record<string, string>, sources: CatalogSources): string {
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(sources)), sources))
    throw new Error('the validated catalog does not survive JSON; a snapshot would change it')
  const body = JSON.stringify({ files, sources })
  return `${JSON.stringify({ version: 1, bodySha256: sha256(body), body })}\n`
}

/** Reads the build's snapshot; a missing, damaged or foreign one is undefined (load validates). */
export async function readCatalogSnapshot(file = catalogSnapshotFile): Promise<CatalogSnapshot | undefined> {
  try {
    const outer: unknown = JSON.parse(await readFile(file, 'utf8'))
    if (!isRecord(outer) || outer.version !== 1 || !isSha256(outer.bodySha256)) return undefined
    if (typeof outer.body !== 'string' || sha256(outer.body) !== outer.bodySha256) return undefined
    const inner = snapshotBody(JSON.parse(outer.body))
    return inner === undefined ? undefined : { version: 1, ...inner }
  } catch {
    return undefined
  }
}

/** Builds the snapshot text for a catalog folder from its validated sources and current hashes. */
export async function buildCatalogSnapshotText(
  root: string,
  read: (root: string) => Promise<CatalogSources>,
): Promise<string> {
  const before = await catalogFileHashes(root)
  const sources = await read(root)
  const after = await catalogFileHashes(root)
  // A file edited while it was being read would pair old data with a new hash.
  if (before === undefined || after === undefined || !sameHashes(before, after))
    throw new Error(`catalog files under ${root} changed or could not be read while the snapshot was built`)
  return catalogSnapshotText(after, sources)
}
