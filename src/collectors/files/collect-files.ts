import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { readdir, realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import picomatch from 'picomatch'
import type { CollectionError } from '../../core/evidence.js'
import { findToolFolders, type ToolFolders } from '../kubernetes/tool-folders.js'
import {
  type FileCollection,
  givesSomething,
  type ParseCache,
  type ParsedInput,
  parseCacheKey,
  parseThroughCache,
} from '../source-collector.js'

export type { CollectedInput, FileCollection } from '../source-collector.js'

/** The source types read by walking repository files; other types have collectors of their own. */
export const fileSourceTypes = ['auto', 'kubernetes', 'dockerfile', 'github-actions', 'gitlab-ci'] as const
export type FileSourceType = (typeof fileSourceTypes)[number]

export interface FileSource {
  /** Path relative to `root`, a folder or a single file. */
  path: string
  type: FileSourceType
  exclude?: readonly string[]
  /** Follow symbolic links that lead out of the repository (refused by default). */
  allowOutside?: boolean
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

/**
 * What reads a file found by a walk: a manifest or pipeline reader, or, in an `auto` source,
 * Terraform source (read per folder as modules) and JSON, whose content tells a plan, a
 * CloudFormation template, a scanner report or a manifest apart.
 */
export type FileReader = Exclude<FileSourceType, 'auto'> | 'terraform' | 'json'

/** Terraform's own files: the module's `.tf`, and the variable values Terraform reads by itself. */
const isTerraformName = (base: string): boolean =>
  base.endsWith('.tf') || base === 'terraform.tfvars' || base.endsWith('.auto.tfvars')

/** Decides which collector reads a file, the way the README of checks/ documents it. */
export function classifyFile(relativePath: string, type: FileSourceType = 'auto'): FileReader | undefined {
  const base = path.posix.basename(relativePath)
  const isYaml = /\.ya?ml$/i.test(base)
  // `Dockerfile.dockerignore` is BuildKit's per-Dockerfile ignore file, a list of globs, not a Dockerfile.
  // `Dockerfile-prod` and `Dockerfile_arm64` name variants as often as `Dockerfile.prod` does; left
  // unread, the image a repository ships may be the one no test saw. A dotted name after the dash
  // (`Dockerfile-guide.md`) is another kind of file.
  const isDockerfile =
    (/^(Dockerfile|Containerfile)(\..+|[-_][\w-]+)?$/.test(base) ||
      /^(dockerfile|containerfile)$/i.test(base) ||
      /\.(Dockerfile|Containerfile)$/i.test(base)) &&
    !base.endsWith('.dockerignore')
  const isWorkflow = isYaml && /(^|\/)\.github\/workflows\/[^/]+$/.test(relativePath)
  // `.gitlab-ci.yml` is GitLab's default pipeline file; `*.gitlab-ci.yml` is how templates and local
  // includes are conventionally named (`Security/SAST.gitlab-ci.yml`).
  const isGitLabPipeline = /\.gitlab-ci\.ya?ml$/.test(base)
  if (type === 'dockerfile') return isDockerfile || !isYaml ? 'dockerfile' : undefined
  if (type === 'github-actions') return isYaml ? 'github-actions' : undefined
  if (type === 'kubernetes') return isYaml ? 'kubernetes' : undefined
  if (type === 'gitlab-ci') return isYaml ? 'gitlab-ci' : undefined
  if (isDockerfile) return 'dockerfile'
  if (isWorkflow) return 'github-actions'
  if (isGitLabPipeline) return 'gitlab-ci'
  if (isYaml) return 'kubernetes'
  if (isTerraformName(base)) return 'terraform'
  if (/\.(json|sarif|ndjson|jsonl)$/i.test(base)) return 'json'
  return undefined
}

/** What a walk found: the files to read, and links it could not follow. */
export interface FileListing {
  files: string[]
  problems: CollectionError[]
}

/** True when `target` is `folder` or below it (both already resolved to real paths). */
export function isInside(folder: string, target: string): boolean {
  const relative = path.relative(folder, target)
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))
}

/**
 * A path's form relative to `root`, with forward slashes (as path.relative gives it). A walk names each
 * of a repository's files this way, twice on a repeated run: a normalised path under the root is cut
 * after the root's own prefix, which costs a slice where path.relative resolved both paths every time
 * (1,000 calls: ~10 ms of a repeated run). Any other path (outside the root, spelled otherwise, with
 * a `.` or `..` segment) goes through path.relative.
 */
export function relativeTo(root: string): (target: string) => string {
  const resolved = path.resolve(root)
  const prefix = resolved.endsWith(path.sep) ? resolved : `${resolved}${path.sep}`
  return (target) => {
    const rest = target.startsWith(prefix) ? target.slice(prefix.length) : undefined
    const relative = rest !== undefined && isPlainRelative(rest) ? rest : path.relative(root, target)
    return path.sep === '/' ? relative : relative.split(path.sep).join('/')
  }
}

/**
 * Whether a relative path has no empty, `.` or `..` segment, so path.relative would give it back as
 * it is. A name that merely starts with a dot (`.github`) is sent the long way too: still right.
 */
function isPlainRelative(relative: string): boolean {
  const sep = path.sep
  return (
    relative !== '' &&
    !relative.startsWith('.') &&
    !relative.startsWith(sep) &&
    !relative.endsWith(sep) &&
    !relative.includes(`${sep}.`) &&
    !relative.includes(`${sep}${sep}`)
  )
}

/** What an entry that is neither a file nor a folder is, for the message that skips it. */
function specialFileKind(info: {
  isFIFO(): boolean
  isSocket(): boolean
  isBlockDevice(): boolean
  isCharacterDevice(): boolean
}): string {
  if (info.isFIFO()) return 'a named pipe (FIFO)'
  if (info.isSocket()) return 'a socket'
  if (info.isBlockDevice() || info.isCharacterDevice()) return 'a device file'
  return 'not a regular file'
}

/**
 * Lists files under a folder (or the file itself), skipping dependency and build folders. Symbolic
 * links are followed inside the repository (a repository may link shared manifests in); a link that
 * leads out of it is refused unless `allowOutside`, so a checkout cannot make trustctl read `/etc`
 * into evidence. A link cycle, a broken link, a pipe or a device file is reported, never silently
 * skipped. `exclude` globs match paths relative to the source folder, and also relative to the
 * config folder, so both `charts/**` and `deploy/charts/**` work.
 */
export async function listFiles(
  root: string,
  relative: string,
  exclude: readonly string[] = [],
  options: { allowOutside?: boolean } = {},
): Promise<FileListing> {
  const absolute = path.resolve(root, relative)
  const info = await stat(absolute)
  const toRelative = relativeTo(root)
  if (info.isFile()) return { files: [toRelative(absolute)], problems: [] }
  const out: string[] = []
  const problems: CollectionError[] = []
  const realRoot = await realpath(root)
  const excluded = picomatch([...exclude], { dot: true })
  const isExcluded = (full: string): boolean => {
    if (exclude.length === 0) return false
    const fromSource = path.relative(absolute, full).split(path.sep).join('/')
    return excluded(fromSource) || excluded(toRelative(full))
  }
  const visited = new Set<string>()
  // Only a symbolic link can lead back into a folder already walked, so only links pay for realpath.
  const walk = async (dir: string, viaLink: boolean): Promise<void> => {
    if (viaLink || visited.size === 0) {
      const real = await realpath(dir)
      if (visited.has(real)) {
        problems.push({
          file: toRelative(dir),
          message: 'symbolic link loop: it leads back to a folder already read, so it is not read again',
        })
        return
      }
      visited.add(real)
    }
    const entries = await readdir(dir, { withFileTypes: true })
    entries.sort((a, b) => a.name.localeCompare(b.name))
    for (const entry of entries) {
      const full = path.join(dir, entry.name)
      if (isExcluded(full)) continue
      let isDirectory = entry.isDirectory()
      let isFile = entry.isFile()
      const isLink = entry.isSymbolicLink()
      let special: string | undefined = isDirectory || isFile || isLink ? undefined : specialFileKind(entry)
      if (isLink) {
        let real: string
        try {
          const target = await stat(full)
          real = await realpath(full)
          isDirectory = target.isDirectory()
          isFile = target.isFile()
          if (!isDirectory && !isFile) special = specialFileKind(target)
        } catch (error) {
          problems.push({ file: toRelative(full), message: brokenLinkMessage(error) })
          continue
        }
        if (options.allowOutside !== true && !isInside(realRoot, real)) {
          problems.push({
            file: toRelative(full),
            message: `symbolic link leads out of the repository (to ${real}): not read`,
            hint: 'set allowOutside: true on the source in trustctl.yaml to read it',
          })
          continue
        }
      }
      if (special !== undefined) {
        problems.push({ file: toRelative(full), message: `${special}: skipped` })
      } else if (isDirectory) {
        if (!skippedFolders.has(entry.name)) await walk(full, isLink)
      } else if (isFile) {
        out.push(toRelative(full))
      }
    }
  }
  await walk(absolute, false)
  return { files: out, problems }
}

function brokenLinkMessage(error: unknown): string {
  if (error instanceof Error && 'code' in error && error.code === 'ELOOP')
    return 'symbolic link loop: the link leads back to itself'
  return 'broken symbolic link: its target does not exist'
}

/**
 * Reads every recognised file under the sources and parses it into evidence. An unreadable or
 * malformed file becomes a collection error naming it; every other file is still read.
 */
export async function collectFiles(
  root: string,
  sources: readonly FileSource[],
  cache?: ParseCache,
  run: ReportContext = {},
): Promise<FileCollection> {
  const collection: FileCollection = { evidence: [], errors: [], inputs: [] }
  const seen = new Set<string>()
  for (const source of sources) {
    let listing: FileListing
    try {
      listing = await listFiles(root, source.path, source.exclude, {
        allowOutside: source.allowOutside === true,
      })
    } catch (error) {
      collection.errors.push({ file: source.path, message: `cannot read: ${describeFsError(error)}` })
      continue
    }
    collection.errors.push(...listing.problems)
    const inputsBefore = collection.inputs.length
    const errorsBefore = collection.errors.length
    // Charts and overlays first: one message each, and their files are not read one by one.
    const tools: ToolFolders =
      source.type === 'auto' || source.type === 'kubernetes'
        ? await findToolFolders(root, listing.files)
        : { skipped: new Set(), errors: [] }
    collection.errors.push(...tools.errors)
    const classified = listing.files.flatMap((file) => {
      const collector = classifyFile(file, source.type)
      if (collector === undefined || seen.has(file) || tools.skipped.has(file)) return []
      if (source.type === 'auto' && claimedElsewhere(file, collector, run.claimed)) return []
      seen.add(file)
      return [{ file, collector }]
    })
    const terraform = classified.filter((w) => w.collector === 'terraform').map((w) => w.file)
    if (terraform.length > 0) await collectTerraform(root, source.path, terraform, collection, cache)
    const wanted = classified.flatMap((w) =>
      w.collector === 'terraform' ? [] : [{ ...w, collector: w.collector }],
    )
    // Files are prepared a few ahead (read, hashed, looked up in the parse cache), so the cache's
    // lookups overlap; results are gathered in file order. Parsing stays on this thread: a worker pool measured slower at every size on 2 cores
    // (10k objects, whole process, load 2: 3.26 s against 2.99 s), because copying the parsed
    // objects back between threads costs about what parsing them does.
    const ahead = new Map<number, Promise<FileRead> | Promise<PreparedFile>>()
    try {
      for (let i = 0; i < wanted.length; i++) {
        for (let j = i; j < Math.min(wanted.length, i + readAhead); j++) {
          const next = wanted[j]
          if (next === undefined || ahead.has(j)) continue
          const read = readBytes(root, next.file)
          ahead.set(
            j,
            next.collector === 'json'
              ? read
              : prepareFile(next.file, next.collector, read, cache, run.screenText),
          )
        }
        const current = wanted[i]
        const step = ahead.get(i)
        ahead.delete(i)
        if (current === undefined || step === undefined) continue
        if (current.collector === 'json')
          await collectJsonFile(current.file, (await step) as FileRead, collection, run, cache)
        else gatherFile((await step) as PreparedFile, collection, cache)
      }
    } finally {
      // A failed walk leaves files read or parsed ahead: their outcome no longer matters.
      for (const step of ahead.values()) step.catch(() => undefined)
    }
    // A configured source that yields nothing readable is a misconfiguration worth saying out loud:
    // otherwise a typo in a path or a type silently leaves every test without evidence.
    if (collection.inputs.length === inputsBefore && collection.errors.length === errorsBefore) {
      collection.errors.push({
        file: source.path,
        message: `no file here is one trustctl reads${source.type === 'auto' ? ' (Kubernetes YAML or JSON, Dockerfiles, GitHub Actions, GitLab CI, Terraform, Terraform plans, CloudFormation, scanner reports)' : ` as ${source.type}`}`,
        hint: 'check the path and type in trustctl.yaml',
      })
    }
  }
  return collection
}

/** The bytes of a file, or the reason it could not be read. */
type FileRead = { bytes: Buffer } | { error: unknown }

/**
 * Read synchronously: a repository's files are small and mostly in the page cache, and the promise
 * API's open, stat, read and close (each a trip through the thread pool) cost ~6 times the CPU time
 * of the synchronous read (500 files of 10k objects: 45 ms against 7 ms), on every run, a repeated
 * run's probe included. Still behind a promise, so the walk around it is unchanged.
 */
async function readBytes(root: string, file: string): Promise<FileRead> {
  try {
    return { bytes: readFileSync(path.join(root, file)) }
  } catch (error) {
    return { error }
  }
}

/** How many files are read ahead of the one being gathered. */
const readAhead = 16

/** A file read and hashed, with its result from the parse cache or parsed. */
type PreparedFile =
  | { file: string; error: unknown }
  | {
      file: string
      collector: Exclude<FileSourceType, 'auto'>
      sha256: string
      key: string
      size: number
      cached: ParsedInput | undefined
      result: ParsedInput
    }

let parsers: Promise<typeof import('./file-parsers.js')> | undefined

/** The parsers, imported the first time a file is parsed rather than answered by the cache (file-parsers.ts). */
function loadParsers(): Promise<typeof import('./file-parsers.js')> {
  parsers ??= import('./file-parsers.js')
  return parsers
}

async function prepareFile(
  file: string,
  collector: Exclude<FileSourceType, 'auto'>,
  reading: Promise<FileRead>,
  cache: ParseCache | undefined,
  screenText: ReportContext['screenText'],
): Promise<PreparedFile> {
  const read = await reading
  if ('error' in read) return { file, error: read.error }
  const { bytes } = read
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const key = parseCacheKey(collector, file, sha256)
  const cached = await cache?.get(key)
  // The masking pass screens each file whose evidence or errors it masks: from the text in hand, so
  // the file is not read again, and before gatherFile hands a new result to the (masking) cache.
  const screen = screenText === undefined ? undefined : (text: string) => screenText(file, bytes, text)
  const result = cached ?? (await loadParsers()).parseFile(file, collector, bytes, screen)
  if (cached !== undefined && screen !== undefined && givesSomething(cached)) screen(bytes.toString('utf8'))
  return { file, collector, sha256, key, size: bytes.length, cached, result }
}

/** Adds a prepared file's evidence, errors and input to the collection (in the walk's file order). */
function gatherFile(prepared: PreparedFile, into: FileCollection, cache: ParseCache | undefined): void {
  if ('error' in prepared) {
    into.errors.push({ file: prepared.file, message: `cannot read: ${describeFsError(prepared.error)}` })
    return
  }
  const { file, collector, sha256, cached, result } = prepared
  if (cached === undefined) cache?.set(prepared.key, result)
  // Not a file trustctl reads (a YAML file with no objects): no input, but a binary file is reported.
  if (!result.isManifest) {
    into.errors.push(...result.errors)
    return
  }
  into.evidence.push(...result.evidence)
  into.errors.push(...result.errors)
  into.inputs.push({
    file,
    collector: result.collector ?? collector,
    sha256,
    bytes: prepared.size,
    items: result.evidence.length,
    ...(cached === undefined ? {} : { reused: true }),
  })
}

/** What a scanner report's import needs from the run: its clock and the store's fingerprint salt. */
export interface ReportContext {
  now?: Date
  fingerprintSalt?: string | undefined
  /**
   * Paths other sources read with a type of their own (`terraform`, `scan-report`…), by type. An
   * `auto` walk over a parent folder leaves those files to them, so nothing is read twice.
   */
  claimed?: ReadonlyMap<string, string>
  /** The secret screen of the masking pass (SourceContext.screenText), given each file read here. */
  screenText?: (file: string, bytes: Uint8Array, text: string) => void
}

/** True when an `auto` walk must leave `file` to the typed source that names its folder. */
function claimedElsewhere(
  file: string,
  reader: FileReader,
  claimed: ReadonlyMap<string, string> | undefined,
): boolean {
  if (claimed === undefined) return false
  for (const [claimedPath, type] of claimed) {
    const prefix = path.posix.normalize(claimedPath).replace(/\/$/, '')
    const under = prefix === '.' || file === prefix || file.startsWith(`${prefix}/`)
    if (!under) continue
    if (reader === 'terraform' || reader === 'json') return true
    if (reader === 'kubernetes' && type === 'cloudformation') return true
  }
  return false
}

/** Terraform source found by a walk: its folders read as modules, as a `terraform` source reads them. */
async function collectTerraform(
  root: string,
  sourcePath: string,
  files: readonly string[],
  into: FileCollection,
  cache: ParseCache | undefined,
): Promise<void> {
  // Loaded only when a repository holds Terraform: the HCL parser is large.
  const { collectTerraformSource } = await import('../terraform/collect-hcl.js')
  try {
    const part = await collectTerraformSource(
      root,
      sourcePath,
      files.map((f) => path.join(root, f)),
      cache,
    )
    for (const item of part.evidence) into.evidence.push(item)
    into.errors.push(...part.errors)
    into.inputs.push(...part.inputs)
  } catch (error) {
    into.errors.push({
      file: sourcePath,
      message: `terraform: ${error instanceof Error ? error.message : String(error)}`,
    })
  }
}

/**
 * A JSON file found by an `auto` walk. Its content says what it is: a Terraform plan, a
 * CloudFormation template, a Kubernetes object or list, or a scanner report (Trivy, Grype, SARIF,
 * Checkov, gitleaks, TruffleHog, Prowler, CycloneDX). Any other JSON (package.json, tsconfig.json)
 * is not ours and is left alone; so is JSON that does not parse, unless its name or first bytes say
 * it is a report or a plan, which then cannot be read and is reported.
 */
async function collectJsonFile(
  file: string,
  read: FileRead,
  into: FileCollection,
  run: ReportContext,
  cache: ParseCache | undefined,
): Promise<void> {
  if ('error' in read) {
    into.errors.push({ file, message: `cannot read: ${describeFsError(read.error)}` })
    return
  }
  const text = read.bytes.toString('utf8')
  const before = { evidence: into.evidence.length, errors: into.errors.length }
  await readJsonFile(file, read, text, into, run, cache)
  // Screened while its text is in hand, when the run will mask something the file gave.
  if (into.evidence.length > before.evidence || into.errors.length > before.errors)
    run.screenText?.(file, read.bytes, text)
}

async function readJsonFile(
  file: string,
  read: { bytes: Buffer },
  text: string,
  into: FileCollection,
  run: ReportContext,
  cache: ParseCache | undefined,
): Promise<void> {
  const sha256 = createHash('sha256').update(read.bytes).digest('hex')
  const record = (collector: string, items: number, reused = false): void => {
    into.inputs.push({
      file,
      collector,
      sha256,
      bytes: read.bytes.length,
      items,
      ...(reused ? { reused } : {}),
    })
  }
  /**
   * A plan, template or manifest: parsed through the cache (an unchanged file's evidence comes back
   * from an earlier signed run). Scanner reports are not: their evidence holds ages counted from the
   * run's clock and fingerprints salted per store, so the same bytes do not give the same evidence.
   */
  const readCached = async (collector: string, cacheAs: string, parse: () => ParsedInput): Promise<void> => {
    const { parsed, reused } = await parseThroughCache(cache, cacheAs, { file, sha256 }, parse)
    for (const item of parsed.evidence) into.evidence.push(item)
    into.errors.push(...parsed.errors)
    record(parsed.collector ?? collector, parsed.evidence.length, reused)
  }
  const scanners = await import('../scanners/scan-report.js')
  let document: unknown
  try {
    document = scanners.parseReportText(text, file)
  } catch (error) {
    const claimsToBeOurs =
      /\.(sarif|ndjson|jsonl)$/i.test(file) ||
      /"(format_version|AWSTemplateFormatVersion)"/.test(text.slice(0, 4096))
    if (claimsToBeOurs)
      into.errors.push({ file, message: error instanceof Error ? error.message : String(error) })
    return
  }
  // Terraform prints format_version first in plans and state; other JSON it prints (provider
  // schemas, validate output) holds neither planned values, changes nor state values.
  if (
    isRecord(document) &&
    'format_version' in document &&
    ('planned_values' in document || 'resource_changes' in document || 'values' in document)
  ) {
    const { planEvidence } = await import('../terraform/collect-plan.js')
    const { PlanFormatError } = await import('../terraform/read-plan.js')
    await readCached('terraform-plan', 'auto-terraform-plan', () => {
      try {
        return { isManifest: true, evidence: planEvidence(text, file), errors: [] }
      } catch (error) {
        if (!(error instanceof PlanFormatError)) throw error
        return {
          isManifest: true,
          evidence: [],
          errors: [
            { file, ...(error.line === undefined ? {} : { line: error.line }), message: error.message },
          ],
        }
      }
    })
    return
  }
  const { looksLikeTemplate, parseManifests, readYaml } = await loadParsers()
  if (isRecord(document) && looksLikeTemplate(text)) {
    // readYaml's result names its reader; the input is reported as CloudFormation whatever it says.
    await readCached('cloudformation', 'auto-cloudformation', () => {
      const { collector: _reader, ...parsed } = readYaml(text, file)
      return parsed
    })
    return
  }
  if (isRecord(document) && typeof document.apiVersion === 'string' && typeof document.kind === 'string') {
    await readCached('kubernetes', 'auto-kubernetes-json', () => parseManifests(text, file))
    return
  }
  let evidence: readonly FileCollection['evidence'][number][] | undefined
  try {
    evidence = scanners.importParsedReport(document, {
      file,
      now: run.now ?? new Date(),
      fingerprintSalt: run.fingerprintSalt,
    })
  } catch (error) {
    into.errors.push({ file, message: error instanceof Error ? error.message : String(error) })
    record('scan-report', 0)
    return
  }
  if (evidence === undefined) return
  for (const item of evidence) into.evidence.push(item)
  record('scan-report', evidence.length)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describeFsError(error: unknown): string {
  if (error instanceof Error && 'code' in error) {
    if (error.code === 'ENOENT') return 'no such file or folder'
    if (error.code === 'EACCES') return 'permission denied'
  }
  return error instanceof Error ? error.message : String(error)
}
