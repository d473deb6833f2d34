import { createHash } from 'node:crypto'
import { realpathSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import picomatch from 'picomatch'
import { z } from 'zod'
import type { CollectionError } from '../../core/evidence.js'
import type { SecretFinding, SecretScan } from '../../core/evidence-secrets.js'
import {
  defineSourceCollector,
  type FileCollection,
  type ParseCache,
  type SourceCollector,
  type SourceContext,
} from '../source-collector.js'
import { compileAllowList } from './allow-list.js'
import { secretRules } from './rules.js'
import { type CachedTreeScan, scanThroughCache } from './scan-cache.js'
import { type FoundSecret, redactMatch, type ScanJob, type ScannedFile } from './scan-files.js'
import {
  type EarlyThreads,
  likelyThreads,
  type SharesSeen,
  type StartedScan,
  scanTreeFiles,
  startThreads,
  startTreeScan,
  threadsFor,
} from './scan-pool.js'
import { type CompiledRules, compileRules, fingerprintSecret } from './scan-text.js'
import { treeLabel } from './tree-label.js'
import { listTree } from './walk.js'

/**
 * Used only when the run has no store salt (tests, a bare library call). Fingerprints are then still
 * stable, but anyone could recompute them: the CLI always passes the store's own salt.
 */
export const defaultFingerprintSalt = 'trustctl-unsalted-fingerprint'

const allowEntry = z.union([
  z.strictObject({ path: z.string().min(1), reason: z.string().optional() }),
  z.strictObject({
    fingerprint: z.string().regex(/^[0-9a-f]{32}$/, 'must be the 32 hex digits trustctl reports'),
    reason: z.string().optional(),
  }),
  z.strictObject({ pattern: z.string().min(1), reason: z.string().optional() }),
])

export const secretsOptions = z.strictObject({
  type: z.literal('secrets'),
  path: z.string().min(1).default('.'),
  /** Also scan every line any commit added (`git log --all -p`). */
  history: z.boolean().default(false),
  /** Findings to accept: test fixtures by path glob, a known secret by fingerprint, values by pattern. */
  allow: z.array(allowEntry).default([]),
  /** Path globs not scanned at all (relative to `path`), besides `.git`, `node_modules` and `.trustctl`. */
  exclude: z.array(z.string()).default([]),
})

// Third-party code and trustctl's own store are never the organisation's secrets to report.
const alwaysExcludedFolders = ['node_modules', '.trustctl']

/**
 * Whether a path relative to the scanned folder is not to be scanned: the folders always excluded and
 * the source's own `exclude` globs. A path can match the `node_modules` glob only if it holds
 * `node_modules` (globs are case-sensitive; the same for `.trustctl`), so most paths skip that glob:
 * listing the bench's tree of 5,031 files took 13-23 ms instead of 38-65 ms, in a fresh process as
 * the CLI lists it (the glob tests, not yet optimised by the engine, cost more than reading the 357
 * folders).
 */
function exclusion(exclude: readonly string[]): (relative: string) => boolean {
  const always = picomatch(
    alwaysExcludedFolders.map((folder) => `**/${folder}/**`),
    { dot: true },
  )
  const own = exclude.length === 0 ? undefined : picomatch([...exclude], { dot: true })
  return (relative) =>
    (alwaysExcludedFolders.some((folder) => relative.includes(folder)) && always(relative)) ||
    (own?.(relative) ?? false)
}

export type SecretsOptions = z.infer<typeof secretsOptions>

interface ScanTotals {
  files: number
  bytes: number
  binary: number
}

/**
 * What the findings of a tree scan depend on besides the files' bytes, digested for the scan cache's
 * keys: the rules as written (patterns, and the code of their tests), the store's salt (through a
 * fingerprint of it, never the salt itself) and the allow list.
 */
function scanSettings(salt: string, allow: SecretsOptions['allow']): string {
  const rules = secretRules.map((r) => [
    r.id,
    r.detect,
    r.lead,
    r.ignoreCase,
    r.boundary,
    r.requires,
    String(r.secret),
    String(r.rejectLine),
    String(r.accept),
  ])
  return createHash('sha256')
    .update(JSON.stringify({ layout: 1, rules, salt: fingerprintSecret('secrets-scan-cache', salt), allow }))
    .digest('hex')
}

/** listTree's filter for a source's `exclude`. */
function listingFilter(exclude: readonly string[]): (relative: string) => boolean {
  const excluded = exclusion(exclude)
  // A folder is tested with and without its trailing `/`; a file's path has none, so once is enough.
  return (relative) => excluded(relative) || (relative.endsWith('/') && excluded(relative.slice(0, -1)))
}

/**
 * A tree's scan started before its collector runs (prestartSecretsScans): its listing, and what its
 * results depend on besides the files (earlyScanSettings), which the collector's must match to use it.
 */
interface EarlyScan {
  files: string[]
  settings: string
  /** Each file hashed: the results can key a parse cache's entries. */
  hashed: boolean
  scan: StartedScan
}

/** What an early scan's results depend on besides the tree's bytes: salt, allow list, where it is configured. */
const earlyScanSettings = (salt: string, allow: SecretsOptions['allow'], where: string): string =>
  JSON.stringify([salt, allow, where])

/** What was started for a tree before its collector ran: its workers, or its scan already running. */
type Prestarted = { threads: EarlyThreads } | { early: EarlyScan }

/**
 * Workers or scans started for a tree before its collector runs, by tree (its absolute path and
 * `exclude`): prestartSecretsScans puts them here, scanTree takes them.
 */
const prestartedTrees = new Map<string, Prestarted>()
const treeKey = (root: string, exclude: readonly string[]): string => JSON.stringify([root, exclude])

function takePrestarted(root: string, exclude: readonly string[]): Prestarted | undefined {
  const key = treeKey(root, exclude)
  const early = prestartedTrees.get(key)
  prestartedTrees.delete(key)
  return early
}

const stopPrestarted = (prestarted: Prestarted | undefined): Promise<void> =>
  prestarted === undefined
    ? Promise.resolve()
    : 'threads' in prestarted
      ? prestarted.threads.release()
      : prestarted.early.scan.abandon()

/**
 * What a first run tells prestartSecretsScans so that it can start a tree's scan itself, not only
 * its workers.
 */
export interface EarlyScanRun {
  /** The fingerprint salt the collectors will be given (salt.ts upcomingFingerprintSalt). */
  salt: string
  /** Whether the collectors will have a parse cache, whose keys need each file's hash. */
  hash: boolean
  /**
   * Absolute paths the run writes before its collectors run: folders (the store's) and files (a new
   * signing key). A tree whose listing could hold any of them is not scanned early: the collector's
   * listing, made after they were written, would.
   */
  writes: { folders: readonly string[]; files: readonly string[] }
}

/**
 * Starts what the secrets scan of every large tree among `sources` needs, now, before the run loads
 * its checks, opens its store and loads its catalog: a worker takes 100-200 ms of wall time to start,
 * and started by the collector it was ready well after this thread had begun to scan alone. With
 * `run` (a first run of `assess`), the first such tree is listed once and scanned at once on the
 * workers, this thread joining when the collector runs (startTreeScan): the collector takes the
 * listing and the running scan when its settings are the ones the scan started with, else lists and
 * scans again. Without `run`, or for a tree `run.writes` could land in, only the workers are started
 * and the collector lists the tree when it runs. For a first run (nothing cached): on a re-run the
 * collector starts workers only when its probe finds the tree not cached. Returns what stops the
 * workers and scans no collector took (call it once the run ends, whatever its outcome).
 */
export async function prestartSecretsScans(
  sources: readonly { type: string; [setting: string]: unknown }[],
  base: string,
  run?: EarlyScanRun,
): Promise<() => Promise<void>> {
  const keys: string[] = []
  let scanning = false
  for (const [i, source] of sources.entries()) {
    if (source.type !== 'secrets') continue
    // allowOutside is the registry's setting, not the collector's (collectorSettings leaves it out).
    const { allowOutside: _registryOnly, ...settings } = source
    const parsed = secretsOptions.safeParse(settings)
    // A bad entry, or one that reads outside the repository, is the collector's to report.
    if (!parsed.success || (source.allowOutside !== true && isOutside(base, parsed.data.path))) continue
    const root = path.resolve(base, parsed.data.path)
    const key = treeKey(root, parsed.data.exclude)
    if (prestartedTrees.has(key)) continue
    const filter = listingFilter(parsed.data.exclude)
    // One tree scanned early at a time: two would share the same cores.
    const scannable: boolean = run !== undefined && !scanning && !mayList(root, filter, run.writes)
    // Its workers start before the listing, not after it: they are ready that much sooner (the
    // listing and the size estimate took 25-60 ms of the bench's first runs at load 4-6), and a tree
    // that turns out too small for them stops them (a first run only: about 40 ms of CPU, mostly on
    // the other core).
    const ahead: EarlyThreads | undefined = scannable ? startThreads(availableParallelism()) : undefined
    const files = await listTree(root, filter).catch(() => undefined)
    if (files === undefined) {
      await ahead?.release()
      continue
    }
    const scan: EarlyScan | undefined =
      run !== undefined && scannable
        ? await startEarlyScan(root, files, parsed.data, `sources[${i}]`, run, ahead)
        : undefined
    scanning ||= scan !== undefined
    const threads = scan === undefined ? startThreads(likelyThreads(root, files)) : undefined
    const prestarted: Prestarted | undefined =
      scan !== undefined ? { early: scan } : threads !== undefined ? { threads } : undefined
    if (prestarted === undefined) continue
    prestartedTrees.set(key, prestarted)
    keys.push(key)
  }
  return async () => {
    for (const key of keys) {
      const prestarted = prestartedTrees.get(key)
      prestartedTrees.delete(key)
      await stopPrestarted(prestarted)
    }
  }
}

/**
 * The scan of a listed tree started on workers, those started `ahead` of the listing first (undefined
 * when the tree is not worth them, threadsFor: then the workers started ahead are stopped).
 */
async function startEarlyScan(
  root: string,
  files: string[],
  options: SecretsOptions,
  where: string,
  run: EarlyScanRun,
  ahead: EarlyThreads | undefined,
): Promise<EarlyScan | undefined> {
  const threads = threadsFor(root, files)
  if (threads < 2) {
    await ahead?.release()
    return undefined
  }
  const job: ScanJob = { root, files, salt: run.salt, allow: options.allow, where, hash: run.hash }
  return {
    files,
    settings: earlyScanSettings(run.salt, options.allow, where),
    hashed: run.hash,
    scan: startTreeScan(job, threads, ahead),
  }
}

/**
 * Whether listing `root` could take in any of `writes`: a file or folder under it that is neither
 * excluded (`filter`, or a `.git` folder) nor under an excluded folder. Paths are compared as their
 * nearest existing folder resolves (symbolic links followed), so that a link cannot hide one.
 */
function mayList(
  root: string,
  filter: (relative: string) => boolean,
  writes: EarlyScanRun['writes'],
): boolean {
  const realRoot = realPath(root)
  const listed = (target: string, isFolder: boolean): boolean => {
    const relative = path.relative(realRoot, realPath(target))
    if (relative === '') return true
    if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return false
    const parts = relative.split(path.sep)
    for (let n = 1; n <= parts.length; n++) {
      const at = parts.slice(0, n).join('/')
      const folder = n < parts.length || isFolder
      if (folder && (parts[n - 1] === '.git' || filter(`${at}/`))) return false
      if (!folder && filter(at)) return false
    }
    return true
  }
  return writes.folders.some((f) => listed(f, true)) || writes.files.some((f) => listed(f, false))
}

/** `target` with its nearest existing folder's symbolic links resolved (the rest may not exist yet). */
function realPath(target: string): string {
  const absolute = path.resolve(target)
  try {
    return realpathSync(absolute)
  } catch {
    const parent = path.dirname(absolute)
    return parent === absolute ? absolute : path.join(realPath(parent), path.basename(absolute))
  }
}

const isOutside = (base: string, relative: string): boolean => {
  const to = path.relative(base, path.resolve(base, relative))
  return to === '..' || to.startsWith(`..${path.sep}`) || path.isAbsolute(to)
}

/** The tree scanned without a cache, its workers started (`early`) before its exact size is counted. */
async function scanUncached(
  job: ScanJob,
  compiled: CompiledRules,
  early: EarlyThreads | undefined,
): Promise<ScannedFile[]> {
  try {
    return await scanTreeFiles(job, compiled, threadsFor(job.root, job.files), early)
  } finally {
    await early?.release()
  }
}

/**
 * Scans the working tree under `root` (on worker threads when it is large: scan-pool.ts; through the
 * parse cache when the run has one: scan-cache.ts). Files and findings come in the tree's sorted order.
 */
async function scanTree(
  root: string,
  options: SecretsOptions,
  where: string,
  salt: string,
  compiled: CompiledRules,
  toFinding: (file: string, found: FoundSecret) => SecretFinding,
  label: (file: string) => string,
  cache: ParseCache | undefined,
): Promise<ScanTotals & { listing: string; findings: SecretFinding[]; reused: boolean }> {
  const prestarted = takePrestarted(root, options.exclude)
  try {
    // The scan a first run started while it loaded (prestartSecretsScans), if it is this one: its
    // results depend on nothing else that could differ. Its listing is this scan's.
    const early = prestarted !== undefined && 'early' in prestarted ? prestarted.early : undefined
    if (
      early !== undefined &&
      early.settings === earlyScanSettings(salt, options.allow, where) &&
      (early.hashed || cache === undefined)
    ) {
      const job = { root, files: early.files, salt, allow: options.allow, where }
      const none = () => undefined
      return await scanListedTree(job, compiled, toFinding, label, cache, options, none, (onShare) =>
        early.scan.join(compiled, onShare),
      )
    }
    // Not this scan's: stopped before this one starts workers of its own.
    await early?.scan.abandon()
    const files = await listTree(root, listingFilter(options.exclude))
    const job = { root, files, salt, allow: options.allow, where }
    // Workers a first run started while it loaded (prestartSecretsScans) are taken first.
    const threads = prestarted !== undefined && 'threads' in prestarted ? prestarted.threads : undefined
    const startEarly = () => threads ?? startThreads(likelyThreads(root, files))
    return await scanListedTree(job, compiled, toFinding, label, cache, options, startEarly)
  } finally {
    // Not taken (a probe found the tree cached), or the scan failed: stopped, not left to keep the
    // process alive.
    await stopPrestarted(prestarted)
  }
}

/** Characters of the listing text hashed at once (scanListedTree). */
const listingPiece = 64 * 1024

/** scanTree once the tree is listed. */
async function scanListedTree(
  job: ScanJob,
  compiled: CompiledRules,
  toFinding: (file: string, found: FoundSecret) => SecretFinding,
  label: (file: string) => string,
  cache: ParseCache | undefined,
  options: SecretsOptions,
  startEarly: () => EarlyThreads | undefined,
  /** Joins the whole tree's scan already running (prestartSecretsScans), its files hashed. */
  started?: (onShare?: SharesSeen) => Promise<ScannedFile[]>,
): Promise<ScanTotals & { listing: string; findings: SecretFinding[]; reused: boolean }> {
  const { root, salt } = job
  const scan: CachedTreeScan =
    cache === undefined
      ? await (started?.() ?? scanUncached(job, compiled, startEarly())).then((scanned) => ({
          files: scanned,
          findings: scanned.flatMap((file) => file.found.map((found) => toFinding(file.file, found))),
          reused: false,
        }))
      : await scanThroughCache(job, compiled, cache, {
          settings: scanSettings(salt, options.allow),
          toFinding,
          label,
          threads: (list) => threadsFor(root, list),
          startEarly,
          ...(started === undefined ? {} : { scanned: started }),
        })
  const totals = { files: 0, bytes: 0, binary: 0 }
  // The listing hashed in pieces of about 64 KiB, not one update per file: the same bytes, but 5,031
  // native calls cost 25 ms of the main thread after the scan in a profile at load 8 (as many
  // conversions of a short string and calls into the hash as there are files).
  const listing = createHash('sha256')
  let pending = ''
  for (const file of scan.files) {
    pending += `${file.file}\0${file.size}\n`
    if (pending.length >= listingPiece) {
      listing.update(pending)
      pending = ''
    }
    if (file.binary) {
      totals.binary++
      continue
    }
    totals.files++
    totals.bytes += file.size
  }
  listing.update(pending)
  return { ...totals, listing: listing.digest('hex'), findings: scan.findings, reused: scan.reused }
}

/** Reads a directory (and optionally its git history) for credentials. */
export async function collectSecrets(
  options: SecretsOptions,
  context: SourceContext,
): Promise<FileCollection> {
  const root = path.resolve(context.root, options.path)
  const info = await stat(root).catch(() => undefined)
  if (info === undefined || !info.isDirectory()) {
    throw new Error(`${context.where}.path: ${options.path} is not a directory`)
  }
  const salt = context.fingerprintSalt ?? defaultFingerprintSalt
  const allowance = compileAllowList(options.allow, context.where)
  const compiled = compileRules(secretRules)
  const label = treeLabel(context.root, root)
  const findings: SecretFinding[] = []
  const seen = new Set<string>()

  const toFinding = (file: string, match: FoundSecret, commit?: string): SecretFinding => {
    const { fingerprint, allowed } = match
    const rule = compiled.rules[match.rule]
    if (rule === undefined) throw new Error(`secrets scan: no rule at index ${match.rule}`)
    const where = label(file)
    const finding: SecretFinding = {
      kind: 'secret.finding',
      resourceKind: 'Secret',
      name: `${where}:${match.line}${commit === undefined ? '' : `@${commit.slice(0, 12)}`}`,
      file: where,
      line: match.line,
      column: match.column,
      rule: rule.id,
      ruleTitle: rule.title,
      preview: match.preview,
      fingerprint,
    }
    if (commit !== undefined) finding.commit = commit
    if (allowed !== undefined) finding.allowed = allowed
    return finding
  }
  // A secret still in the tree is reported there; history adds only what the tree no longer shows.
  const keyOf = (finding: SecretFinding): string => `${finding.fingerprint}\0${finding.file}`

  const tree = await scanTree(
    root,
    options,
    context.where,
    salt,
    compiled,
    toFinding,
    label,
    context.parseCache,
  )
  for (const finding of tree.findings) {
    seen.add(keyOf(finding))
    findings.push(finding)
  }
  let commits = 0
  let historyBytes = 0
  let historyRead = false
  const errors: CollectionError[] = []
  if (options.history) {
    // No history (not a repository, git missing) is reported; the working tree's findings are kept.
    try {
      // Imported here: git's child process and line reader are loaded only by a scan that reads history.
      const { scanHistory } = await import('./scan-history.js')
      const history = await scanHistory(root, compiled)
      commits = history.commits
      historyBytes = history.bytes
      historyRead = true
      const excluded = exclusion(options.exclude)
      for (const match of history.matches) {
        if (excluded(match.file)) continue
        const finding = toFinding(
          match.file,
          redactMatch(match.file, match, compiled, salt, allowance),
          match.commit,
        )
        if (seen.has(keyOf(finding))) continue
        seen.add(keyOf(finding))
        findings.push(finding)
      }
    } catch (error) {
      errors.push({
        file: label(''),
        message: `${context.where}.history: could not read the git history: ${error instanceof Error ? error.message : String(error)}`,
      })
    }
  }

  const scan: SecretScan = {
    kind: 'secret.scan',
    resourceKind: 'SecretScan',
    name: label(''),
    file: label(''),
    filesScanned: tree.files,
    bytesScanned: tree.bytes + historyBytes,
    binaryFilesSkipped: tree.binary,
    rules: secretRules.map((r) => r.id),
    history: historyRead,
    commitsScanned: commits,
    findings: findings.length,
    allowedFindings: findings.filter((f) => f.allowed !== undefined).length,
  }
  return {
    evidence: [scan, ...findings],
    errors,
    inputs: [
      // The working tree is many files: its input hash covers the list of files and their sizes.
      {
        file: label(''),
        collector: 'secrets',
        sha256: tree.listing,
        bytes: tree.bytes,
        items: findings.length + 1,
        ...(tree.reused && !options.history ? { reused: true } : {}),
      },
    ],
  }
}

export const collectors: readonly SourceCollector[] = [
  defineSourceCollector({
    type: 'secrets',
    summary:
      'Credentials in a directory and optionally its git history (redacted preview and salted fingerprint only)',
    options: secretsOptions,
    collect: collectSecrets,
  }),
]
