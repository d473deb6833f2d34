import { createHash } from 'node:crypto'
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import picomatch from 'picomatch'
import { z } from 'zod'
import type { CollectionError } from '../../core/evidence.js'
import type { SecretAllowance, SecretFinding, SecretScan } from '../../core/evidence-secrets.js'
import {
  defineSourceCollector,
  type FileCollection,
  type SourceCollector,
  type SourceContext,
} from '../source-collector.js'
import { secretRules } from './rules.js'
import { scanHistory } from './scan-history.js'
import {
  type CompiledRules,
  compileRules,
  fingerprintSecret,
  isBinary,
  previewSecret,
  type RawSecretMatch,
  scanText,
} from './scan-text.js'
import { listTree, readLines } from './walk.js'

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
const alwaysExcluded = ['**/node_modules/**', '**/.trustctl/**']

export type SecretsOptions = z.infer<typeof secretsOptions>

const largeFileBytes = 8 * 1024 * 1024

interface Allowance {
  check(file: string, value: string, fingerprint: string): SecretAllowance | undefined
}

function compileAllowList(entries: SecretsOptions['allow'], where: string): Allowance {
  const tests = entries.map((entry, i) => {
    const reason = entry.reason === undefined ? {} : { reason: entry.reason }
    if ('path' in entry) {
      const matches = picomatch(entry.path, { dot: true })
      return (file: string): SecretAllowance | undefined =>
        matches(file) ? { by: 'path', entry: entry.path, ...reason } : undefined
    }
    if ('fingerprint' in entry) {
      return (_file: string, _value: string, fingerprint: string): SecretAllowance | undefined =>
        fingerprint === entry.fingerprint
          ? { by: 'fingerprint', entry: entry.fingerprint, ...reason }
          : undefined
    }
    let pattern: RegExp
    try {
      pattern = new RegExp(entry.pattern)
    } catch (error) {
      throw new Error(
        `${where}.allow[${i}].pattern: ${error instanceof Error ? error.message : String(error)}`,
      )
    }
    return (_file: string, value: string): SecretAllowance | undefined =>
      pattern.test(value) ? { by: 'pattern', entry: entry.pattern, ...reason } : undefined
  })
  return {
    check: (file, value, fingerprint) => {
      for (const test of tests) {
        const allowed = test(file, value, fingerprint)
        if (allowed !== undefined) return allowed
      }
      return undefined
    },
  }
}

interface ScanTotals {
  files: number
  bytes: number
  binary: number
}

/** The whole file when it is at most `largeFileBytes`; undefined for a larger file, read in pieces. */
function readSmallFile(full: string): Buffer | undefined {
  const fd = openSync(full, 'r')
  try {
    const size = fstatSync(fd).size
    if (size > largeFileBytes) return undefined
    const bytes = Buffer.allocUnsafe(size)
    let read = 0
    while (read < size) {
      const n = readSync(fd, bytes, read, size - read, read)
      if (n === 0) break
      read += n
    }
    return read === size ? bytes : bytes.subarray(0, read)
  } finally {
    closeSync(fd)
  }
}

/** Scans the working tree under `root`; each file's matches go to `onMatch` with its relative path. */
async function scanTree(
  root: string,
  exclude: readonly string[],
  compiled: CompiledRules,
  onMatch: (file: string, match: RawSecretMatch) => void,
): Promise<ScanTotals & { listing: string }> {
  const excluded = picomatch([...alwaysExcluded, ...exclude], { dot: true })
  const files = await listTree(
    root,
    (relative) => excluded(relative) || excluded(relative.replace(/\/$/, '')),
  )
  const totals = { files: 0, bytes: 0, binary: 0 }
  const listing = createHash('sha256')
  // Small files are read synchronously: measured here, the promise API's open/fstat/read/close
  // round trips through the thread pool cost four times the scan itself on a tree of 10 KB files.
  for (const file of files) {
    const full = path.join(root, file)
    const bytes = readSmallFile(full)
    if (bytes === undefined) {
      let binary = false
      const size = await readLines(full, (piece, firstLine) => {
        if (firstLine === 1 && isBinary(piece)) binary = true
        if (binary) return
        for (const match of scanText(piece.toString('utf8'), compiled, firstLine)) onMatch(file, match)
      })
      if (binary) totals.binary++
      else {
        totals.files++
        totals.bytes += size
      }
      listing.update(`${file}\0${size}\n`)
      continue
    }
    listing.update(`${file}\0${bytes.length}\n`)
    if (isBinary(bytes)) {
      totals.binary++
      continue
    }
    totals.files++
    totals.bytes += bytes.length
    for (const match of scanText(bytes.toString('utf8'), compiled, 1)) onMatch(file, match)
  }
  return { ...totals, listing: listing.digest('hex') }
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

  const record = (file: string, match: RawSecretMatch, commit?: string): void => {
    const fingerprint = fingerprintSecret(match.value, salt)
    const key = `${fingerprint}\0${file}`
    // A secret still in the tree is reported there; history adds only what the tree no longer shows.
    if (commit !== undefined && seen.has(key)) return
    seen.add(key)
    const allowed = allowance.check(file, match.value, fingerprint)
    const where = label(file)
    const finding: SecretFinding = {
      kind: 'secret.finding',
      resourceKind: 'Secret',
      name: `${where}:${match.line}${commit === undefined ? '' : `@${commit.slice(0, 12)}`}`,
      file: where,
      line: match.line,
      column: match.column,
      rule: match.rule.id,
      ruleTitle: match.rule.title,
      preview: previewSecret(match.value),
      fingerprint,
    }
    if (commit !== undefined) finding.commit = commit
    if (allowed !== undefined) finding.allowed = allowed
    findings.push(finding)
  }

  const tree = await scanTree(root, options.exclude, compiled, (file, match) => record(file, match))
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
      const excluded = picomatch([...alwaysExcluded, ...options.exclude], { dot: true })
      for (const match of history.matches) if (!excluded(match.file)) record(match.file, match, match.commit)
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
