import { createHash } from 'node:crypto'
import path from 'node:path'
import type { SecretFinding } from '../../core/evidence-secrets.js'
import { type ParseCache, parseCacheKey } from '../source-collector.js'
import {
  digestFile,
  type FileDigest,
  type FoundSecret,
  type ScanJob,
  type ScannedFile,
} from './scan-files.js'
import { type EarlyThreads, type SharesSeen, scanTreeFiles } from './scan-pool.js'
import type { CompiledRules } from './scan-text.js'

/**
 * Incremental secrets scans: the findings of a run of files are kept in the parse cache under the hash
 * of those files' names and bytes, and a re-run reads them back instead of scanning the files again.
 * What is kept is the findings as they are stored anyway (rule, place, redacted preview, salted
 * fingerprint): never a secret in clear.
 *
 * Files are cached by shard, a run of at most `shardFiles` files of one folder in the tree's sorted
 * order, not one by one: every cache entry is a ledger record and a lookup, and at one per file a
 * tree of 5,000 small files cost more to record than to scan. A changed file has its shard scanned
 * again, up to `shardFiles` files.
 *
 * A first run has nothing cached, and hashing every file before scanning it would read the tree twice:
 * a few shards are looked up first (the first, the middle and the last), and when none is cached the
 * tree is scanned at once, hashed as it is read. Either way a shard's findings are reused only when
 * its entry is found under the hash of its files as they are now.
 */
export const shardFiles = 64

/** Contiguous files `start..end` of the sorted list, all in one folder; `name` is unique per scan. */
export interface Shard {
  start: number
  end: number
  name: string
}

const folderOf = (file: string): string => path.posix.dirname(file)

/** The sorted file list cut into shards: where the folder changes, and every `size` files. */
export function shardsOf(files: readonly string[], size = shardFiles): Shard[] {
  const out: Shard[] = []
  const seen = new Map<string, number>()
  let start = 0
  // Each file's folder is read once (it was twice, the shard's first file's once per file): in a fresh
  // process the CLI took 9-25 ms for the 5,031 files of the bench's tree, before its workers started.
  let folder = files.length > 0 ? folderOf(files[0] as string) : ''
  for (let i = 1; i <= files.length; i++) {
    const next = i < files.length ? folderOf(files[i] as string) : undefined
    if (next === folder && i - start < size) continue
    // A folder's files may come in several runs (`a/b.txt`, `a/b/c.txt`, `a/c.txt`): each its own name.
    const n = seen.get(folder) ?? 0
    seen.set(folder, n + 1)
    out.push({ start, end: i, name: n === 0 ? `${folder}/` : `${folder}/#${n}` })
    start = i
    folder = next ?? ''
  }
  return out
}

/** The hash a shard's entry is kept under: the scan's settings, then each file's name, size and hash. */
export function shardHash(
  settings: string,
  files: readonly string[],
  digests: readonly Pick<FileDigest, 'size' | 'sha256'>[],
): string {
  // One update of the whole text, not one per file: the same bytes hashed, at one native call a shard.
  let text = settings
  files.forEach((file, i) => {
    const digest = digests[i]
    if (digest === undefined) throw new Error(`secrets cache: no digest of ${file}`)
    text += `\n${file}\0${digest.size}\0${digest.sha256}`
  })
  return createHash('sha256').update(text).digest('hex')
}

/** One file of the tree as the scan summary counts it. */
export interface TreeFile {
  file: string
  size: number
  binary: boolean
}

/** The tree's files in order and their findings in order; `reused` when every shard came from the cache. */
export interface CachedTreeScan {
  files: TreeFile[]
  findings: SecretFinding[]
  reused: boolean
}

export interface ScanCacheIo {
  /**
   * Everything besides the bytes that the findings depend on (rules, salt, allow list), already
   * digested: a change to any of them is a new key, so nothing is reused across it.
   */
  settings: string
  /** The finding for a file of the tree (path relative to `job.root`). */
  toFinding: (file: string, found: FoundSecret) => SecretFinding
  /** How a finding names a file (relative to `job.root`): cached findings must name files of their shard. */
  label: (file: string) => string
  /** How many threads a list of files is worth (scan-pool.ts `threadsFor`). */
  threads: (files: readonly string[]) => number
  /**
   * Starts the scan's workers ahead of it (scan-pool.ts `startThreads`), called once the first probe
   * found nothing cached: the scan then most likely reads the whole tree, and the workers start while
   * the other probes run. Not called on a re-run whose first shard is cached, which mostly scans
   * nothing. What the scan did not take is released here.
   */
  startEarly?: () => EarlyThreads | undefined
  /**
   * The whole of `job.files` already being scanned, each file hashed (scan-pool.ts startTreeScan): a
   * first run's scan, started before its store existed, so nothing is looked up in the cache. Joined
   * with a listener told each share's results as they come.
   */
  scanned?: (onShare: SharesSeen) => Promise<ScannedFile[]>
}

/** A cached shard's findings, or undefined when the entry is not one this scan could have written. */
function cachedFindings(
  evidence: readonly { kind: string }[],
  labels: ReadonlySet<string>,
): SecretFinding[] | undefined {
  const out: SecretFinding[] = []
  for (const item of evidence) {
    if (item.kind !== 'secret.finding') return undefined
    const finding = item as SecretFinding
    if (!labels.has(finding.file) || finding.commit !== undefined) return undefined
    out.push(finding)
  }
  return out
}

/** Scans `job.files` through the cache: unchanged shards read back, the rest scanned and offered to it. */
export async function scanThroughCache(
  job: ScanJob,
  rules: CompiledRules,
  cache: ParseCache,
  io: ScanCacheIo,
): Promise<CachedTreeScan> {
  const shards = shardsOf(job.files)
  const digests = new Map<number, FileDigest>()
  const hits = new Map<number, SecretFinding[]>()
  const keyFile = (shard: Shard): string => io.label(shard.name)
  const filesOf = (shard: Shard): readonly string[] => job.files.slice(shard.start, shard.end)

  const lookUp = async (s: number): Promise<void> => {
    const shard = shards[s] as Shard
    const files = filesOf(shard)
    const list: FileDigest[] = []
    for (let i = shard.start; i < shard.end; i++) {
      let digest = digests.get(i)
      if (digest === undefined) {
        digest = await digestFile(path.join(job.root, job.files[i] as string))
        digests.set(i, digest)
      }
      list.push(digest)
    }
    const key = parseCacheKey('secrets', shardHash(io.settings, files, list), keyFile(shard))
    const cached = await cache.get(key)
    if (cached === undefined) return
    const findings = cachedFindings(cached.evidence, new Set(files.map(io.label)))
    if (findings !== undefined) hits.set(s, findings)
  }

  const files: TreeFile[] = []
  const findings: SecretFinding[] = []
  // Each shard is turned into its files, findings and cache entry in the tree's order, as soon as the
  // scan has its files (shares come back in any order): most of that work is done while the rest is
  // scanned, on a first run of the bench's tree 351 entries serialised beside the workers instead of
  // after them, with the same entries and findings in the same order as once the scan is done.
  const arrived = new Map<number, ScannedFile[]>()
  const scannedSoFar: ScannedFile[] = []
  let shard = 0
  let next = 0
  const takeShards = (): void => {
    for (let piece = arrived.get(scannedSoFar.length); piece !== undefined; ) {
      arrived.delete(scannedSoFar.length)
      for (const file of piece) scannedSoFar.push(file)
      piece = arrived.get(scannedSoFar.length)
    }
    for (; shard < shards.length; shard++) {
      const { start, end } = shards[shard] as Shard
      const cached = hits.get(shard)
      if (cached !== undefined) {
        for (let i = start; i < end; i++) {
          const digest = digests.get(i) as FileDigest
          files.push({ file: job.files[i] as string, size: digest.size, binary: digest.binary })
        }
        findings.push(...cached)
        continue
      }
      if (next + (end - start) > scannedSoFar.length) return
      const mine = scannedSoFar.slice(next, next + (end - start))
      next += mine.length
      takeScanned(shards[shard] as Shard, mine)
    }
  }
  const onShare: SharesSeen = (start, piece) => {
    arrived.set(start, piece)
    takeShards()
  }
  const takeScanned = (at: Shard, mine: ScannedFile[]): void => {
    const found = mine.flatMap((file) => file.found.map((match) => io.toFinding(file.file, match)))
    for (const file of mine) files.push({ file: file.file, size: file.size, binary: file.binary })
    findings.push(...found)
    // The key is of the bytes scanned, hashed as they were read: what the findings are of.
    const hashed = mine.map((file) => ({ size: file.size, sha256: file.sha256 ?? '' }))
    if (hashed.some((d) => d.sha256 === '')) return
    const key = parseCacheKey(
      'secrets',
      shardHash(
        io.settings,
        mine.map((file) => file.file),
        hashed,
      ),
      keyFile(at),
    )
    cache.set(key, { isManifest: true, evidence: found, errors: [] })
  }

  // A few shards looked up first; the whole tree when any of them was cached; the rest scanned.
  const probeAndScan = async (): Promise<ScannedFile[]> => {
    const probes = [...new Set([0, shards.length >> 1, shards.length - 1])].filter((s) => s < shards.length)
    let early: EarlyThreads | undefined
    try {
      for (const s of probes) {
        await lookUp(s)
        if (s === 0 && !hits.has(0)) early = io.startEarly?.()
      }
      // Something was cached: every other shard is worth looking up too.
      if (hits.size > 0) for (let s = 0; s < shards.length; s++) if (!probes.includes(s)) await lookUp(s)

      const missing = shards.flatMap((shard, s) => (hits.has(s) ? [] : filesOf(shard)))
      return await scanTreeFiles({ ...job, files: missing, hash: true }, rules, io.threads(missing), early, {
        onShare,
      })
    } finally {
      await early?.release()
    }
  }
  const scanned = await (io.scanned?.(onShare) ?? probeAndScan())
  // The scan's list, in order, begins with what its shares told: the rest (none, when every share
  // was told) completes it, and every shard is taken.
  arrived.clear()
  arrived.set(scannedSoFar.length, scanned.slice(scannedSoFar.length))
  takeShards()
  if (shard !== shards.length || next !== scanned.length)
    throw new Error(`secrets cache: ${next} of ${scanned.length} scanned files taken into shards`)
  return { files, findings, reused: shards.length > 0 && hits.size === shards.length }
}
