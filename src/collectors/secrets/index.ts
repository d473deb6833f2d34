import { createHash } from 'node:crypto'
import { stat } from 'node:fs/promises'
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
import { scanHistory } from './scan-history.js'
import { type EarlyThreads, likelyThreads, scanTreeFiles, startThreads, threadsFor } from './scan-pool.js'
import { type CompiledRules, compileRules, fingerprintSecret } from './scan-text.js'
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
 * Workers started for a tree before its collector runs, by tree (its absolute path and `exclude`):
 * prestartSecretsScans puts them here, scanTree takes them.
 */
const prestartedTrees = new Map<string, EarlyThreads>()
const treeKey = (root: string, exclude: readonly string[]): string => JSON.stringify([root, exclude])

function takePrestarted(root: string, exclude: readonly string[]): EarlyThreads | undefined {
  const key = treeKey(root, exclude)
  const early = prestartedTrees.get(key)
  prestartedTrees.delete(key)
  return early
}

/**
 * Starts the scan workers of every large tree among `sources` now, before the run loads its checks,
 * opens its store and loads its catalog: a worker takes 100-200 ms of wall time to start, and started
 * by the collector it was ready well after this thread had begun to scan alone. The tree is listed
 * here only to judge its size (likelyThreads); the collector lists it again when it runs, so what it
 * scans is the tree as it is then (the store folder and a new signing key may be created in between).
 * For a first run (nothing cached): on a re-run the collector starts workers only when its probe finds
 * the tree not cached. Returns what stops the workers no collector took (call it once the run ends).
 */
export async function prestartSecretsScans(
  sources: readonly { type: string; [setting: string]: unknown }[],
  base: string,
): Promise<() => Promise<void>> {
  const keys: string[] = []
  for (const source of sources) {
    if (source.type !== 'secrets') continue
    // allowOutside is the registry's setting, not the collector's (collectorSettings leaves it out).
    const { allowOutside: _registryOnly, ...settings } = source
    const parsed = secretsOptions.safeParse(settings)
    // A bad entry, or one that reads outside the repository, is the collector's to report.
    if (!parsed.success || (source.allowOutside !== true && isOutside(base, parsed.data.path))) continue
    const root = path.resolve(base, parsed.data.path)
    const key = treeKey(root, parsed.data.exclude)
    if (prestartedTrees.has(key)) continue
    const files = await listTree(root, listingFilter(parsed.data.exclude)).catch(() => undefined)
    const early = files === undefined ? undefined : startThreads(likelyThreads(root, files))
    if (early === undefined) continue
    prestartedTrees.set(key, early)
    keys.push(key)
  }
  return async () => {
    for (const key of keys) {
      const early = prestartedTrees.get(key)
      prestartedTrees.delete(key)
      await early?.release()
    }
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
  const files = await listTree(root, listingFilter(options.exclude))
  const job = { root, files, salt, allow: options.allow, where }
  // Workers a first run started while it loaded (prestartSecretsScans) are taken first.
  const prestarted = takePrestarted(root, options.exclude)
  const startEarly = () => prestarted ?? startThreads(likelyThreads(root, files))
  try {
    return await scanListedTree(job, compiled, toFinding, label, cache, options, startEarly)
  } finally {
    // Not taken (a probe found the tree cached): stopped, not left to keep the process alive.
    await prestarted?.release()
  }
}

/** scanTree once the tree is listed. */
async function scanListedTree(
  job: ScanJob,
  compiled: CompiledRules,
  toFinding: (file: string, found: FoundSecret) => SecretFinding,
  label: (file: string) => string,
  cache: ParseCache | undefined,
  options: SecretsOptions,
  startEarly: () => EarlyThreads | undefined,
): Promise<ScanTotals & { listing: string; findings: SecretFinding[]; reused: boolean }> {
  const { root, salt } = job
  const scan: CachedTreeScan =
    cache === undefined
      ? await scanUncached(job, compiled, startEarly()).then((scanned) => ({
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
        })
  const totals = { files: 0, bytes: 0, binary: 0 }
  const listing = createHash('sha256')
  for (const file of scan.files) {
    listing.update(`${file.file}\0${file.size}\n`)
    if (file.binary) {
      totals.binary++
      continue
    }
    totals.files++
    totals.bytes += file.size
  }
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
  const label = (file: string): string =>
    path.relative(context.root, path.join(root, file)).split(path.sep).join('/') || '.'
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
