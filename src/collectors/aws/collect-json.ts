/**
 * `type: aws-json`: a folder of AWS CLI outputs (`aws <service> <command> --output json > file`).
 * Files are recognised by their conventional name (the CLI command, plus the resource for per-resource
 * commands: `get-bucket-encryption-<bucket>.json`) or, failing that, by the shape of their content.
 * A sub-folder named like a region (`eu-west-1/`) holds that region's regional outputs.
 */
import { createHash } from 'node:crypto'
import { readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import type { CollectionError, EvidenceKind } from '../../core/evidence.js'
import type { CollectedInput, FileCollection, SourceContext } from '../source-collector.js'
import { readAuthorizationDetails } from './authorization-details.js'
import { decodeReportContent } from './credential-report.js'
import * as api from './schemas.js'
import { type AccountSnapshot, emptyRegion, emptySnapshot, type RegionSnapshot } from './snapshot.js'
import { snapshotToEvidence } from './to-evidence.js'

export const awsJsonOptions = z.strictObject({
  type: z.literal('aws-json'),
  /** Folder of CLI outputs, relative to trustctl.yaml. */
  path: z.string().min(1),
  /** Region of the outputs at the top of the folder (regional sub-folders name their own). */
  region: z.string().optional(),
  /** The 12-digit account id, when no ARN in the outputs tells it. */
  account: z
    .string()
    .regex(/^\d{12}$/, 'an AWS account id has 12 digits')
    .optional(),
})
export type AwsJsonOptions = z.infer<typeof awsJsonOptions>

const regionPattern = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/

/** AWS CLI errors that mean "this configuration does not exist": the setting is known to be absent. */
const absentErrors = new Set([
  'NoSuchEntity',
  'ServerSideEncryptionConfigurationNotFoundError',
  'NoSuchPublicAccessBlockConfiguration',
  'NoSuchBucketPolicy',
])

type Context = {
  snapshot: AccountSnapshot
  region: RegionSnapshot
  file: string
  /** The resource named after the command in the file name (`my-bucket` in `get-bucket-versioning-my-bucket`). */
  subject: string
}

/**
 * The evidence kinds the command lists: a file of it that cannot be read leaves them incomplete, so
 * their checks say so instead of "nothing to test".
 */
const listedKinds: Record<string, EvidenceKind[]> = {
  'describe-trails': ['aws.cloudtrail'],
  'list-detectors': ['aws.guardduty-detector'],
  'get-account-authorization-details': ['aws.iam-user', 'aws.iam-policy'],
  'list-buckets': ['aws.s3-bucket'],
  'describe-db-instances': ['aws.db-instance'],
  'describe-security-groups': ['aws.security-group'],
  'describe-vpcs': ['aws.vpc'],
  'list-keys': ['aws.kms-key'],
  'describe-cluster': ['aws.eks-cluster'],
  'describe-load-balancers': ['aws.load-balancer-listener'],
  'describe-listeners': ['aws.load-balancer-listener'],
}

/** A reader for one CLI command: its schema and where the parsed response goes in the snapshot. */
interface Reader<S extends z.ZodType> {
  /** The command as it starts the file name. */
  command: string
  schema: S
  /** True when the command is about one resource, named after the command in the file name. */
  perResource?: boolean
  /** True when the CLI prints nothing for an empty answer (versioning never enabled, logging off). */
  emptyMeansNone?: boolean
  /** True when an "absent configuration" error is a fact worth keeping (null). */
  absentIsFact?: boolean
  /** CLI errors that only mean the command does not apply to the resource: the file is skipped. */
  notApplicableErrors?: string[]
  /** Top-level keys that identify the command's output when the file name does not. */
  shape?: string[]
  store(data: z.output<S> | null, context: Context): void
}

const reader = <S extends z.ZodType>(r: Reader<S>): Reader<z.ZodType> => r as unknown as Reader<z.ZodType>

function need<T>(data: T | null, what: string): T {
  if (data === null) throw new Error(`${what}: an error output where a response was expected`)
  return data
}

const readers: Reader<z.ZodType>[] = [
  reader({
    command: 'describe-trails',
    schema: api.describeTrails,
    shape: ['trailList'],
    store: (d, c) => {
      c.region.trails = { file: c.file, data: need(d, c.file) }
    },
  }),
  reader({
    command: 'get-trail-status',
    schema: api.getTrailStatus,
    perResource: true,
    store: (d, c) => {
      c.region.trailStatus.set(c.subject, { file: c.file, data: need(d, c.file) })
    },
  }),
  reader({
    command: 'list-detectors',
    schema: api.listDetectors,
    shape: ['DetectorIds'],
    store: (d, c) => {
      c.region.detectorIds = { file: c.file, data: need(d, c.file) }
    },
  }),
  reader({
    command: 'get-detector',
    schema: api.getDetector,
    perResource: true,
    store: (d, c) => {
      c.region.detectors.set(c.subject, { file: c.file, data: need(d, c.file) })
    },
  }),
  reader({
    command: 'get-credential-report',
    schema: api.getCredentialReport,
    shape: ['Content', 'ReportFormat'],
    store: (d, c) => {
      const report = need(d, c.file)
      c.snapshot.credentialReport = {
        file: c.file,
        data: {
          csv: decodeReportContent(report.Content),
          ...(report.GeneratedTime === undefined ? {} : { generatedAt: report.GeneratedTime }),
        },
      }
    },
  }),
  reader({
    command: 'get-account-summary',
    schema: api.getAccountSummary,
    shape: ['SummaryMap'],
    store: (d, c) => {
      c.snapshot.accountSummary = { file: c.file, data: need(d, c.file) }
    },
  }),
  reader({
    command: 'get-account-password-policy',
    schema: api.getAccountPasswordPolicy,
    shape: ['PasswordPolicy'],
    absentIsFact: true,
    store: (d, c) => {
      c.snapshot.passwordPolicy = { file: c.file, data: d }
    },
  }),
  reader({
    command: 'get-account-authorization-details',
    schema: api.getAccountAuthorizationDetails,
    shape: ['UserDetailList'],
    store: (d, c) => {
      c.snapshot.authorizationDetails = { file: c.file, data: need(d, c.file) }
    },
  }),
  reader({
    command: 'list-buckets',
    schema: api.listBuckets,
    shape: ['Buckets'],
    store: (d, c) => {
      c.snapshot.buckets = { file: c.file, data: need(d, c.file) }
    },
  }),
  reader({
    command: 'get-bucket-encryption',
    schema: api.getBucketEncryption,
    perResource: true,
    absentIsFact: true,
    store: (d, c) => {
      c.snapshot.bucketEncryption.set(c.subject, { file: c.file, data: d })
    },
  }),
  // `aws s3control get-public-access-block --account-id <id>`: the account-level switches.
  reader({
    command: 's3control-get-public-access-block',
    schema: api.getPublicAccessBlock,
    absentIsFact: true,
    store: (d, c) => {
      c.snapshot.accountPublicAccessBlock = { file: c.file, data: d }
    },
  }),
  reader({
    command: 'get-public-access-block',
    schema: api.getPublicAccessBlock,
    perResource: true,
    absentIsFact: true,
    store: (d, c) => {
      c.snapshot.bucketPublicAccessBlock.set(c.subject, { file: c.file, data: d })
    },
  }),
  reader({
    command: 'get-bucket-versioning',
    schema: api.getBucketVersioning,
    perResource: true,
    emptyMeansNone: true,
    store: (d, c) => {
      c.snapshot.bucketVersioning.set(c.subject, { file: c.file, data: d ?? {} })
    },
  }),
  reader({
    command: 'get-bucket-policy-status',
    schema: api.getBucketPolicyStatus,
    perResource: true,
    absentIsFact: true,
    store: (d, c) => {
      c.snapshot.bucketPolicyStatus.set(c.subject, { file: c.file, data: d })
    },
  }),
  reader({
    command: 'get-bucket-logging',
    schema: api.getBucketLogging,
    perResource: true,
    emptyMeansNone: true,
    store: (d, c) => {
      c.snapshot.bucketLogging.set(c.subject, { file: c.file, data: d ?? {} })
    },
  }),
  reader({
    command: 'get-bucket-acl',
    schema: api.getBucketAcl,
    perResource: true,
    store: (d, c) => {
      c.snapshot.bucketAcl.set(c.subject, { file: c.file, data: need(d, c.file) })
    },
  }),
  reader({
    command: 'describe-db-instances',
    schema: api.describeDbInstances,
    shape: ['DBInstances'],
    store: (d, c) => {
      c.region.dbInstances = { file: c.file, data: need(d, c.file) }
    },
  }),
  reader({
    command: 'describe-security-groups',
    schema: api.describeSecurityGroups,
    shape: ['SecurityGroups'],
    store: (d, c) => {
      c.region.securityGroups = { file: c.file, data: need(d, c.file) }
    },
  }),
  reader({
    command: 'describe-vpcs',
    schema: api.describeVpcs,
    shape: ['Vpcs'],
    store: (d, c) => {
      c.region.vpcs = { file: c.file, data: need(d, c.file) }
    },
  }),
  reader({
    command: 'describe-flow-logs',
    schema: api.describeFlowLogs,
    shape: ['FlowLogs'],
    store: (d, c) => {
      c.region.flowLogs = { file: c.file, data: need(d, c.file) }
    },
  }),
  reader({
    command: 'list-keys',
    schema: api.listKeys,
    shape: ['Keys'],
    store: (d, c) => {
      c.region.keys = { file: c.file, data: need(d, c.file) }
    },
  }),
  reader({
    command: 'describe-key',
    schema: api.describeKey,
    shape: ['KeyMetadata'],
    store: (d, c) => {
      const data = need(d, c.file)
      c.region.keyMetadata.set(data.KeyMetadata.KeyId, { file: c.file, data })
    },
  }),
  reader({
    command: 'get-key-rotation-status',
    schema: api.getKeyRotationStatus,
    perResource: true,
    // Asymmetric, HMAC and imported keys cannot rotate; disabled keys answer with an invalid state.
    notApplicableErrors: ['UnsupportedOperationException', 'KMSInvalidStateException'],
    store: (d, c) => {
      c.region.keyRotation.set(c.subject, { file: c.file, data: need(d, c.file) })
    },
  }),
  reader({
    command: 'list-aliases',
    schema: api.listAliases,
    shape: ['Aliases'],
    store: (d, c) => {
      c.region.aliases = { file: c.file, data: need(d, c.file) }
    },
  }),
  reader({
    command: 'describe-cluster',
    schema: api.describeCluster,
    shape: ['cluster'],
    store: (d, c) => {
      c.region.clusters.push({ file: c.file, data: need(d, c.file) })
    },
  }),
  reader({
    command: 'describe-load-balancers',
    schema: api.describeLoadBalancers,
    shape: ['LoadBalancers'],
    store: (d, c) => {
      c.region.loadBalancers = { file: c.file, data: need(d, c.file) }
    },
  }),
  reader({
    command: 'describe-listeners',
    schema: api.describeListeners,
    shape: ['Listeners'],
    store: (d, c) => {
      c.region.listeners.push({ file: c.file, data: need(d, c.file) })
    },
  }),
]

/** Picks the reader by file name (longest command first: `s3control-get-public-access-block`). */
function readerByName(base: string): { reader: Reader<z.ZodType>; subject: string } | undefined {
  const stem = base.replace(/\.(json|txt|out)$/i, '')
  const byLength = [...readers].sort((a, b) => b.command.length - a.command.length)
  for (const r of byLength) {
    if (stem === r.command && r.perResource !== true) return { reader: r, subject: '' }
    if (r.perResource === true && stem.startsWith(`${r.command}-`))
      return { reader: r, subject: stem.slice(r.command.length + 1) }
  }
  // `get-public-access-block.json` without a bucket is the account-level (s3control) output.
  if (stem === 'get-public-access-block')
    return {
      reader: readers.find((r) => r.command === 's3control-get-public-access-block') as Reader<z.ZodType>,
      subject: '',
    }
  return undefined
}

function readerByShape(data: unknown): Reader<z.ZodType> | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined
  return readers.find((r) => r.shape?.every((key) => key in data) === true)
}

/** A JSON.parse failure as `line 4, column 7`, from the position or line/column the engine names. */
export function describeJsonError(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const lineColumn = /line (\d+) column (\d+)/.exec(message)
  if (lineColumn !== null) return `invalid JSON at line ${lineColumn[1]}, column ${lineColumn[2]}: ${message}`
  const match = /position (\d+)/.exec(message)
  const position =
    match?.[1] !== undefined
      ? Number(match[1])
      : /end of (JSON )?input|Unterminated/i.test(message)
        ? text.length
        : undefined
  if (position === undefined) return `invalid JSON: ${message}`
  const before = text.slice(0, position)
  const line = before.split('\n').length
  const column = position - before.lastIndexOf('\n')
  return `invalid JSON at line ${line}, column ${column}: ${message}`
}

async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true })
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort()
}

function regionOf(relative: string, fallback: string | undefined): string | undefined {
  const folders = path.dirname(relative).split(path.sep).reverse()
  return folders.find((f) => regionPattern.test(f)) ?? fallback
}

/**
 * Reads one file into the snapshot: undefined when read, `not-aws` for a file that is no AWS CLI
 * output trustctl knows (a README beside the exports), else what is wrong with it.
 */
function readOne(
  relative: string,
  text: string,
  snapshot: AccountSnapshot,
  region: RegionSnapshot,
  problems: CollectionError[],
): string | undefined {
  const base = path.basename(relative)
  if (/\.csv$/i.test(base)) {
    if (!/credential-report/i.test(base)) return 'not-aws'
    snapshot.credentialReport = { file: relative, data: { csv: text } }
    return undefined
  }
  if (!/\.(json|txt|out)$/i.test(base)) return 'not-aws'
  const named = readerByName(base)
  const trimmed = text.trim()
  // With `2>&1`, a CLI error lands in the file: some errors are facts (no password policy).
  const cliError = /^An error occurred \((\w+)\)/.exec(trimmed)
  if (cliError !== null) {
    if (named !== undefined && named.reader.absentIsFact === true && absentErrors.has(cliError[1] ?? '')) {
      named.reader.store(null, { snapshot, region, file: relative, subject: named.subject })
      return undefined
    }
    if (named?.reader.notApplicableErrors?.includes(cliError[1] ?? '') === true) return undefined
    return `the AWS CLI reported an error instead of output: ${trimmed.split('\n')[0]}`
  }
  if (trimmed === '') {
    if (named?.reader.emptyMeansNone === true) {
      named.reader.store(null, { snapshot, region, file: relative, subject: named.subject })
      return undefined
    }
    return named === undefined ? 'not-aws' : 'the file is empty'
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    return describeJsonError(text, error)
  }
  const chosen =
    named ??
    (() => {
      const r = readerByShape(data)
      return r === undefined ? undefined : { reader: r, subject: '' }
    })()
  if (chosen === undefined) return 'not-aws'
  if (chosen.reader.command === 'get-account-authorization-details') {
    // Item by item, as the live collector reads it: one odd item is named, not the whole file lost.
    let details: ReturnType<typeof readAuthorizationDetails>
    try {
      details = readAuthorizationDetails(data)
    } catch (error) {
      return error instanceof Error ? error.message : String(error)
    }
    for (const problem of details.problems) problems.push({ file: relative, ...problem })
    snapshot.authorizationDetails = { file: relative, data: details.data }
    return undefined
  }
  const parsed = chosen.reader.schema.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const at = issue?.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') ?? ''
    return `not a \`${chosen.reader.command}\` output: ${at === '' ? '(top level)' : at.replace(/^\./, '')}: ${issue?.message ?? 'invalid'}`
  }
  chosen.reader.store(parsed.data, { snapshot, region, file: relative, subject: chosen.subject })
  return undefined
}

/** Reads a folder of AWS CLI outputs into AWS evidence; a bad file is an error, the rest still counts. */
export async function collectAwsJson(
  options: AwsJsonOptions,
  context: SourceContext,
): Promise<FileCollection> {
  const folder = path.resolve(context.root, options.path)
  const info = await stat(folder).catch(() => undefined)
  if (info === undefined || !info.isDirectory())
    throw new Error(`${context.where}.path: ${options.path} is not a folder of AWS CLI outputs`)
  const snapshot = emptySnapshot('cli-json', context.now.toISOString())
  if (options.account !== undefined) snapshot.account = options.account
  const errors: CollectionError[] = []
  const inputs: CollectedInput[] = []
  const regions = new Map<string | undefined, RegionSnapshot>()
  for (const absolute of await listFiles(folder)) {
    const relative = path.relative(context.root, absolute).split(path.sep).join('/')
    const name = regionOf(path.relative(folder, absolute), options.region)
    let region = regions.get(name)
    if (region === undefined) {
      region = emptyRegion(name)
      regions.set(name, region)
    }
    const bytes = await readFile(absolute)
    const outcome = readOne(relative, bytes.toString('utf8'), snapshot, region, errors)
    if (outcome === 'not-aws') continue
    if (outcome !== undefined) {
      const kinds = listedKinds[readerByName(path.basename(relative))?.reader.command ?? ''] ?? []
      errors.push({ file: relative, message: outcome, ...(kinds.length === 0 ? {} : { kinds }) })
    }
    inputs.push({
      file: relative,
      collector: 'aws-json',
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes: bytes.length,
      items: 0,
    })
  }
  snapshot.regions = [...regions.values()]
  const mapped = snapshotToEvidence(snapshot)
  for (const input of inputs) input.items = mapped.evidence.filter((e) => e.file === input.file).length
  return { evidence: mapped.evidence, errors: [...errors, ...mapped.errors], inputs }
}
