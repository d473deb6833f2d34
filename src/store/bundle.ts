import { closeSync, existsSync, openSync, readdirSync, readSync } from 'node:fs'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { ConfigError, StoreError } from '../core/errors.js'
import { genesisHash, type LedgerRecord } from '../core/ledger.js'
import { keyFingerprint } from '../core/ledger-manifest.js'
import {
  LedgerVerifier,
  type VerifyOptions,
  type VerifyProblem,
  type VerifyReport,
  withProblems,
} from '../core/ledger-verify.js'
import type { AssessmentStore } from '../core/store.js'
import { textLines } from './text-lines.js'

/** Names the bundle format, so a folder of something else is told apart at once. */
export const bundleFormat = 'trustctl-ledger-bundle'

const bundleSchema = z.object({
  format: z.literal(bundleFormat),
  version: z.literal(1),
  exportedAt: z.string(),
  period: z.object({ from: z.string(), to: z.string() }),
  runs: z.array(z.number().int()),
  /** The record before the first one in the bundle (genesis for a bundle from the start). */
  start: z.object({ seq: z.number().int().min(0), hash: z.string().regex(/^[0-9a-f]{64}$/) }),
  chainHead: z.object({ seq: z.number().int(), hash: z.string() }),
  records: z.number().int(),
  keys: z.array(z.object({ fingerprint: z.string(), file: z.string() })),
})
export type BundleIndex = z.infer<typeof bundleSchema>

/** Where a blob lies in a bundle, relative to its folder and with `/`: `blobs/<h[0:2]>/<h>`. */
const blobFile = (ref: string): string => blobFileOfName(blobName(ref))
/** A blob's file name: its reference without `sha256:`. */
const blobName = (ref: string): string => (ref.startsWith('sha256:') ? ref.slice('sha256:'.length) : ref)
const blobFileOfName = (name: string): string => `blobs/${name.slice(0, 2)}/${name}`
const blobPath = (dir: string, ref: string): string => path.join(dir, ...blobFile(ref).split('/'))
/** A bundle-relative path (with `/`) as this system writes it: the same string where `/` is the separator. */
const nativeRelative =
  path.sep === '/' ? (file: string): string => file : (file: string): string => file.split('/').join(path.sep)

/**
 * Writes the signed runs that started in a period as a self-contained bundle: the records (a
 * contiguous slice of the chain, so it can be walked), their blobs, and the public keys.
 */
export async function exportBundle(
  store: AssessmentStore,
  request: { from: string; to: string; dir: string; exportedAt: string },
): Promise<BundleIndex & { appendedAfterManifest: { seq: number; runId: number }[] }> {
  const runs = (await store.runs()).filter(
    (r) =>
      r.status === 'complete' &&
      r.startedAt.slice(0, 10) >= request.from &&
      r.startedAt.slice(0, 10) <= request.to,
  )
  if (runs.length === 0)
    throw new ConfigError(`no signed run started between ${request.from} and ${request.to}`, {
      hint: 'trustctl history lists the runs in the store',
    })
  if (existsSync(request.dir) && (await readdir(request.dir)).length > 0)
    throw new ConfigError(`${request.dir}: the folder is not empty; export into a new folder`)
  const ids = new Set(runs.map((r) => r.id))
  let fromSeq = Number.POSITIVE_INFINITY
  let toSeq = 0
  for (const run of runs) {
    for await (const { record } of store.scan({
      runId: run.id,
      kinds: ['run-start', 'signing-key', 'manifest'],
    })) {
      fromSeq = Math.min(fromSeq, record.seq)
      toSeq = Math.max(toSeq, record.seq)
    }
  }
  // Keys recorded before the slice travel with it, so every manifest in it can be checked.
  const keys: { fingerprint: string; pem: string }[] = []
  let start = { seq: 0, hash: genesisHash }
  for await (const { record, blob } of store.scan({ toSeq: fromSeq - 1, kinds: ['signing-key'] })) {
    if (blob !== undefined) {
      const { publicKeyPem } = JSON.parse(Buffer.from(blob).toString('utf8')) as { publicKeyPem: string }
      keys.push({ fingerprint: keyFingerprint(publicKeyPem), pem: publicKeyPem })
    }
    void record
  }
  if (fromSeq > 1) {
    for await (const { record } of store.scan({ fromSeq: fromSeq - 1, toSeq: fromSeq - 1 })) {
      start = { seq: record.seq, hash: record.hash }
    }
  }
  await mkdir(path.join(request.dir, 'blobs'), { recursive: true })
  await mkdir(path.join(request.dir, 'keys'), { recursive: true })
  const lines: string[] = []
  let head = start
  let count = 0
  const written = new Set<string>()
  // The slice stays contiguous (the chain cannot be walked with holes), so a record added to a run
  // after its manifest travels with it: every verifier then fails the bundle, and the export says so.
  const sealed = new Set<number>()
  const appendedAfterManifest: { seq: number; runId: number }[] = []
  for await (const { record, blob } of store.scan({ fromSeq, toSeq })) {
    if (sealed.has(record.runId)) appendedAfterManifest.push({ seq: record.seq, runId: record.runId })
    if (record.kind === 'manifest') sealed.add(record.runId)
    lines.push(JSON.stringify(record))
    head = { seq: record.seq, hash: record.hash }
    count += 1
    if (blob === undefined)
      throw new StoreError(`record ${record.seq}: blob ${record.blobRef} is missing; run trustctl verify`)
    if (!written.has(record.blobRef)) {
      const file = blobPath(request.dir, record.blobRef)
      await mkdir(path.dirname(file), { recursive: true })
      await writeFile(file, blob)
      written.add(record.blobRef)
    }
  }
  await writeFile(path.join(request.dir, 'records.jsonl'), `${lines.join('\n')}\n`)
  const keyFiles = []
  for (const key of keys) {
    const file = `keys/${key.fingerprint}.pem`
    await writeFile(path.join(request.dir, file), key.pem)
    keyFiles.push({ fingerprint: key.fingerprint, file })
  }
  const index: BundleIndex = {
    format: bundleFormat,
    version: 1,
    exportedAt: request.exportedAt,
    period: { from: request.from, to: request.to },
    runs: [...ids],
    start,
    chainHead: head,
    records: count,
    keys: keyFiles,
  }
  await writeFile(path.join(request.dir, 'bundle.json'), `${JSON.stringify(index, null, 2)}\n`)
  return { ...index, appendedAfterManifest }
}

/**
 * The bundle's own edges (docs/ledger-format.md, rule 7): an export starts at a listed run's
 * signing-key or run-start record and ends at a listed run's manifest, so a record past that
 * manifest was added after the export, and a slice starting elsewhere was cut by hand.
 */
export function bundleBoundaryProblems(
  index: Pick<BundleIndex, 'runs'>,
  first: LedgerRecord | undefined,
  last: LedgerRecord | undefined,
): VerifyProblem[] {
  const listed = new Set(index.runs)
  const problems: VerifyProblem[] = []
  if (first !== undefined && !(listed.has(first.runId) && ['signing-key', 'run-start'].includes(first.kind)))
    problems.push({
      type: 'bundle-boundary',
      seq: first.seq,
      message: `record ${first.seq} (${first.kind} of run ${first.runId}) opens the bundle: an export starts at a listed run's signing-key or run-start record`,
    })
  if (last !== undefined && !(listed.has(last.runId) && last.kind === 'manifest'))
    problems.push({
      type: 'bundle-boundary',
      seq: last.seq,
      message: `record ${last.seq} (${last.kind} ${last.id}) follows the last signed manifest: added after the bundle was sealed`,
    })
  return problems
}

/** Reads a bundle's index; a folder that is not a trustctl bundle is a clear error. */
export async function readBundleIndex(dir: string): Promise<BundleIndex> {
  const file = path.join(dir, 'bundle.json')
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    throw new ConfigError(`${dir}: not a trustctl ledger bundle (no bundle.json)`, {
      hint: 'export one with `trustctl export --from <date> --to <date> --out <dir>`',
    })
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new ConfigError(`${file}: not valid JSON (${(error as Error).message})`)
  }
  const parsed = bundleSchema.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ConfigError(
      `${file}: not a trustctl ledger bundle: ${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'invalid'}`,
    )
  }
  return parsed.data
}

/**
 * The files a bundle accounts for (rule 9): its index, its records, the keys it lists and the blob
 * of every record. A blob file is known by its name alone, matched in the folder its name gives
 * (`blobs/<name[0:2]>/<name>`): 42k paths built and hashed once to be added and once more for each
 * listed file to be looked up cost more than the rest of the listing. A name that holds a `/` is
 * no plain file name and is kept as its whole path, like the other files.
 */
class AccountedFiles {
  private readonly paths: Set<string>
  private readonly blobNames = new Set<string>()

  constructor(paths: readonly string[]) {
    this.paths = new Set(paths)
  }

  addBlob(name: string): void {
    if (name.includes('/')) this.paths.add(blobFileOfName(name))
    else this.blobNames.add(name)
  }

  /** Whether a listed file is accounted for: `name` in the folder `folder` (`''` for the bundle's own). */
  has(folder: string, name: string): boolean {
    if (this.blobNames.has(name) && isBlobFolderOf(folder, name)) return true
    return this.paths.has(folder === '' ? name : `${folder}/${name}`)
  }
}

/**
 * `folder === \`blobs/${name.slice(0, 2)}\``, compared character by character: no string built for
 * each of 42k files. `name` is a listed file's name, so it is not empty.
 */
function isBlobFolderOf(folder: string, name: string): boolean {
  const prefix = Math.min(2, name.length)
  if (folder.length !== 'blobs/'.length + prefix || !folder.startsWith('blobs/')) return false
  for (let i = 0; i < prefix; i++)
    if (folder.charCodeAt('blobs/'.length + i) !== name.charCodeAt(i)) return false
  return true
}

/**
 * Files in the bundle folder that no record, key or index accounts for (rule 9): nothing signed
 * vouches for them, so an auditor must not take them for evidence. Named one by one.
 */
function extraFileProblems(dir: string, accounted: AccountedFiles): VerifyProblem[] {
  const extra: string[] = []
  const walk = (rel: string): void => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      if (entry.isDirectory()) walk(rel === '' ? entry.name : `${rel}/${entry.name}`)
      else if (!accounted.has(rel, entry.name)) extra.push(rel === '' ? entry.name : `${rel}/${entry.name}`)
    }
  }
  walk('')
  return extra.sort().map((file) => ({
    type: 'bundle-extra-file' as const,
    message: `${file}: a file no record or key of the bundle accounts for (added after the export)`,
  }))
}

/**
 * Reads a bundle's blob files one after the other into one buffer it reuses. Synchronous: a bundle
 * holds one small file per blob, and each promise-based read is four round trips to the thread pool
 * (open, stat, read, close) that the main thread waits for; measured on 42k blobs, the async loop
 * spent most of its time idle. One buffer, not readFileSync: no stat and no new buffer per file
 * (42k allocations the collector then sweeps); the file is read to its end, whatever its size.
 */
class BlobFileReader {
  private buffer: Buffer = Buffer.allocUnsafe(64 * 1024)

  /**
   * The file's bytes, or undefined when it cannot be read (the verifier then names the record whose
   * blob is missing). The bytes are a view of the shared buffer: valid until the next read.
   */
  read(file: string): Uint8Array | undefined {
    let fd: number
    try {
      fd = openSync(file, 'r')
    } catch {
      return undefined
    }
    try {
      let length = 0
      for (;;) {
        if (length === this.buffer.length) this.buffer = grownBuffer(this.buffer)
        const read = readSync(fd, this.buffer, length, this.buffer.length - length, null)
        if (read === 0) return this.buffer.subarray(0, length)
        length += read
      }
    } catch {
      // A folder or an unreadable file where the blob should be: the blob is missing.
      return undefined
    } finally {
      closeSync(fd)
    }
  }
}

/** A buffer twice the size holding the same bytes: for a blob larger than any read before it. */
function grownBuffer(buffer: Buffer): Buffer {
  const bigger = Buffer.allocUnsafe(buffer.length * 2)
  buffer.copy(bigger)
  return bigger
}

/**
 * One line of records.jsonl as a record. Only its JSON shape is checked here: every field is checked
 * by the verifier, which re-hashes the record (a field of the wrong type or value makes another hash).
 * A line that is not a JSON object cannot be a record and stops the verification, naming file:line.
 */
function parseRecordLine(text: string, file: string, line: number): LedgerRecord {
  let record: unknown
  try {
    record = JSON.parse(text)
  } catch (error) {
    throw new ConfigError(`${file}:${line}: not a JSON record (${(error as Error).message})`)
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record))
    throw new ConfigError(
      `${file}:${line}: not a JSON record (a record is an object, this line is ${jsonKind(record)})`,
    )
  return record as LedgerRecord
}

const jsonKind = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`

/** Verifies a bundle on any machine: chain, blobs, manifests, against the keys it carries (or a pinned one). */
export async function verifyBundle(dir: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const index = await readBundleIndex(dir)
  const keys = await Promise.all(
    index.keys.map(async (k) => {
      const publicKeyPem = await readFile(path.join(dir, k.file), 'utf8').catch(() => {
        throw new ConfigError(`${dir}: key file ${k.file} named in bundle.json is missing`)
      })
      if (keyFingerprint(publicKeyPem) !== k.fingerprint)
        throw new ConfigError(
          `${path.join(dir, k.file)}: the key does not have the fingerprint bundle.json gives it`,
        )
      return { fingerprint: k.fingerprint, publicKeyPem }
    }),
  )
  const verifier = new LedgerVerifier({
    start: index.start,
    keys,
    completeRuns: index.runs,
    expectHashes: [index.chainHead.hash],
    ...options,
  })
  const recordsFile = path.join(dir, 'records.jsonl')
  if (!existsSync(recordsFile))
    throw new ConfigError(`${dir}: not a trustctl ledger bundle (no records.jsonl)`)
  let line = 0
  let first: LedgerRecord | undefined
  let last: LedgerRecord | undefined
  // Every file the bundle may hold (rule 9): its index, its records, the keys it lists, its blobs.
  const accounted = new AccountedFiles(['bundle.json', 'records.jsonl', ...index.keys.map((k) => k.file)])
  const blobs = new BlobFileReader()
  const blobFolderPrefix = `${dir}${path.sep}`
  for (const text of textLines(recordsFile)) {
    line += 1
    if (text.trim() === '') continue
    const record = parseRecordLine(text, recordsFile, line)
    const name = blobName(String(record.blobRef))
    // The blob's bytes are only read during add(): the reader reuses its buffer for the next blob.
    verifier.add(record, blobs.read(blobFolderPrefix + nativeRelative(blobFileOfName(name))))
    accounted.addBlob(name)
    first ??= record
    last = record
  }
  return withProblems(verifier.finish(), [
    ...bundleBoundaryProblems(index, first, last),
    ...extraFileProblems(dir, accounted),
  ])
}
