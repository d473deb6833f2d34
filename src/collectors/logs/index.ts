import { createHash, type Hash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import { createGunzip } from 'node:zlib'
import picomatch from 'picomatch'
import { z } from 'zod'
import type { CollectionError } from '../../core/evidence.js'
import type { LogEvent, LogSource, LogSummary } from '../../core/evidence-logs.js'
import { listTree } from '../secrets/walk.js'
import {
  defineSourceCollector,
  type FileCollection,
  type SourceCollector,
  type SourceContext,
} from '../source-collector.js'
import { recordTime, reduceCloudTrailRecord } from './cloudtrail.js'
import { auditEventTime, reduceAuditEvent } from './k8s-audit.js'
import { RecordSplitter } from './read-records.js'
import { EventRetainer, type RetentionLimits } from './retain-events.js'

const logOptions = <T extends string>(type: T) =>
  z.strictObject({
    type: z.literal(type),
    /** A log file or a folder of them (`.gz` files are decompressed as they stream). */
    path: z.string().min(1),
    exclude: z.array(z.string()).default([]),
  })

export const k8sAuditLogOptions = logOptions('k8s-audit-log')
export const cloudTrailLogOptions = logOptions('cloudtrail-log')
type LogOptions = z.infer<typeof k8sAuditLogOptions> | z.infer<typeof cloudTrailLogOptions>

/** Unreadable lines reported one by one per file; beyond this they are counted in one message. */
const reportedErrorsPerFile = 20

/** What reading one file produced, before it becomes evidence. */
interface FileRead {
  /** Events of a category an auditor asks about; the retainer holds their samples. */
  kept: number
  errors: CollectionError[]
  read: number
  parseErrors: number
  first?: string
  last?: string
}

class FileReader {
  readonly result: FileRead = { kept: 0, errors: [], read: 0, parseErrors: 0 }
  constructor(
    private readonly file: string,
    private readonly retainer: EventRetainer,
  ) {}

  keep(event: LogEvent | undefined): void {
    if (event === undefined) return
    this.result.kept++
    this.retainer.add(event)
  }

  seen(time: string | undefined): void {
    this.result.read++
    if (time === undefined) return
    if (this.result.first === undefined || time < this.result.first) this.result.first = time
    if (this.result.last === undefined || time > this.result.last) this.result.last = time
  }

  error(message: string, line?: number): void {
    this.result.parseErrors++
    if (this.result.parseErrors <= reportedErrorsPerFile) {
      this.result.errors.push(
        line === undefined ? { file: this.file, message } : { file: this.file, line, message },
      )
    }
  }

  finish(): FileRead {
    this.retainer.endFile()
    const extra = this.result.parseErrors - reportedErrorsPerFile
    if (extra > 0)
      this.result.errors.push({ file: this.file, message: `and ${extra} more unreadable entries` })
    return this.result
  }
}

/** Opens a log file for streaming, hashing its bytes on the way so the input is identified exactly. */
function open(file: string, hash: Hash): Readable {
  const raw = createReadStream(file, { highWaterMark: 1024 * 1024 })
  raw.on('data', (chunk) => hash.update(chunk))
  if (!file.endsWith('.gz')) return raw
  const gunzip = createGunzip({ chunkSize: 256 * 1024 })
  raw.on('error', (error) => gunzip.destroy(error))
  return raw.pipe(gunzip)
}

const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/**
 * The lines of a stream, a chunk's worth at a time. Measured here: readline's per-line async
 * iteration cost more than parsing the JSON; splitting each 1 MiB chunk at once keeps the loop tight.
 * A multi-byte character cut between chunks is joined by the decoder.
 */
async function* lineBatches(input: Readable): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8')
  let rest = ''
  for await (const chunk of input) {
    const lines = (rest + decoder.write(chunk as Buffer)).split('\n')
    rest = lines.pop() ?? ''
    yield lines
  }
  const last = rest + decoder.end()
  if (last !== '') yield [last]
}

/** Reads a Kubernetes audit log: one JSON `Event` per line (an `EventList` line is read item by item). */
async function readAuditLog(
  full: string,
  label: string,
  hash: Hash,
  retainer: EventRetainer,
): Promise<FileRead> {
  const reader = new FileReader(label, retainer)
  let line = 0
  const take = (event: unknown, at: number): void => {
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      reader.error('not an audit event object', at)
      return
    }
    reader.seen(auditEventTime(event))
    reader.keep(reduceAuditEvent(event, label, at))
  }
  try {
    for await (const batch of lineBatches(open(full, hash))) {
      for (const raw of batch) {
        line++
        const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw
        if (text.trim() === '') continue
        let parsed: unknown
        try {
          parsed = JSON.parse(text)
        } catch (error) {
          reader.error(`not valid JSON: ${describeError(error)}`, line)
          continue
        }
        if (
          typeof parsed === 'object' &&
          parsed !== null &&
          'items' in parsed &&
          Array.isArray(parsed.items)
        ) {
          for (const item of parsed.items) take(item, line)
        } else take(parsed, line)
      }
    }
  } catch (error) {
    reader.error(`reading stopped after line ${line}: ${describeError(error)}`)
  }
  return reader.finish()
}

/** Reads a CloudTrail log file record by record while it streams (and decompresses). */
async function readCloudTrail(
  full: string,
  label: string,
  hash: Hash,
  retainer: EventRetainer,
): Promise<FileRead> {
  const reader = new FileReader(label, retainer)
  const splitter = new RecordSplitter()
  let index = 0
  const onRecord = (json: string): void => {
    const at = `Records[${index++}]`
    let record: unknown
    try {
      record = JSON.parse(json)
    } catch (error) {
      reader.error(`${at}: not valid JSON: ${describeError(error)}`)
      return
    }
    if (typeof record !== 'object' || record === null) {
      reader.error(`${at}: not a record object`)
      return
    }
    reader.seen(recordTime(record))
    reader.keep(reduceCloudTrailRecord(record, label, at))
  }
  try {
    const stream = open(full, hash)
    stream.setEncoding('utf8')
    for await (const chunk of stream) splitter.push(String(chunk), onRecord)
    if (!splitter.sawRecords) reader.error('no "Records" array: not a CloudTrail log file')
    else if (splitter.truncated)
      reader.error(`the file ends inside the records (truncated after ${index} records)`)
  } catch (error) {
    reader.error(`reading stopped after ${index} records: ${describeError(error)}`)
  }
  return reader.finish()
}

async function listLogFiles(root: string, options: LogOptions, where: string): Promise<string[]> {
  const info = await stat(root).catch(() => undefined)
  if (info === undefined) throw new Error(`${where}.path: ${options.path} does not exist`)
  if (info.isFile()) return ['']
  const excluded = picomatch(options.exclude.length === 0 ? ['**/.*'] : options.exclude, { dot: true })
  return listTree(root, excluded)
}

/**
 * Reads every log file of one source entry. Memory is the retainer's, bounded whatever the logs'
 * size: `limits` is there for tests that show it (the default suits real logs).
 */
export async function readLogs(
  options: LogOptions,
  context: SourceContext,
  source: LogSource,
  limits?: RetentionLimits,
): Promise<{ collection: FileCollection; retained: number }> {
  const root = path.resolve(context.root, options.path)
  const files = await listLogFiles(root, options, context.where)
  const collection: FileCollection = { evidence: [], errors: [], inputs: [] }
  const retainer = new EventRetainer(limits)
  for (const file of files) {
    const full = file === '' ? root : path.join(root, file)
    const label = path.relative(context.root, full).split(path.sep).join('/')
    const hash = createHash('sha256')
    const read =
      source === 'k8s-audit'
        ? await readAuditLog(full, label, hash, retainer)
        : await readCloudTrail(full, label, hash, retainer)
    const samples = retainer.samplesOf(label)
    const notRetained = retainer.notRetainedIn(label)
    const bytes = (await stat(full)).size
    const summary: LogSummary = {
      kind: 'log.summary',
      resourceKind: source === 'k8s-audit' ? 'KubernetesAuditLog' : 'CloudTrailLog',
      name: label,
      file: label,
      source,
      eventsRead: read.read,
      eventsKept: read.kept,
      parseErrors: read.parseErrors,
      bytes,
    }
    if (notRetained.length > 0) summary.notRetained = notRetained
    if (read.first !== undefined) summary.firstEvent = read.first
    if (read.last !== undefined) summary.lastEvent = read.last
    // Many samples are too many to spread into one call's arguments.
    collection.evidence.push(summary)
    for (const event of samples) collection.evidence.push(event)
    collection.errors.push(...read.errors)
    const sha256 = hash.digest('hex')
    collection.inputs.push({
      file: label,
      collector: options.type,
      sha256,
      bytes,
      items: samples.length + 1,
    })
  }
  return { collection, retained: retainer.retained }
}

const collectLogs = async (options: LogOptions, context: SourceContext, source: LogSource) =>
  (await readLogs(options, context, source)).collection

export const collectors: readonly SourceCollector[] = [
  defineSourceCollector({
    type: 'k8s-audit-log',
    summary:
      'Kubernetes API server audit logs (JSON lines, gzip or plain): exec, RBAC changes, secrets read, changes by people',
    options: k8sAuditLogOptions,
    collect: (options, context) => collectLogs(options, context, 'k8s-audit'),
  }),
  defineSourceCollector({
    type: 'cloudtrail-log',
    summary: 'CloudTrail log files (.json.gz): root use, console logins and MFA, trail stopped, IAM changes',
    options: cloudTrailLogOptions,
    collect: (options, context) => collectLogs(options, context, 'cloudtrail'),
  }),
]
