/**
 * `type: aws`: reads an AWS account live through SDK v3 with the standard credential chain
 * (environment, SSO, shared config/profile, container or instance role). Read-only calls only
 * (Describe/List/Get); every paginated call is followed to its end; throttling is retried with the
 * SDK's adaptive back-off. A call that fails (access denied, service not enabled in a region) is an
 * error naming the call: everything else is still read.
 */
import { createHash } from 'node:crypto'
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail'
import {
  EC2Client,
  paginateDescribeFlowLogs,
  paginateDescribeSecurityGroups,
  paginateDescribeVpcs,
} from '@aws-sdk/client-ec2'
import { DescribeClusterCommand, EKSClient, paginateListClusters } from '@aws-sdk/client-eks'
import {
  ElasticLoadBalancingV2Client,
  paginateDescribeListeners,
  paginateDescribeLoadBalancers,
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { GetDetectorCommand, GuardDutyClient, paginateListDetectors } from '@aws-sdk/client-guardduty'
import {
  GenerateCredentialReportCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  IAMClient,
  paginateGetAccountAuthorizationDetails,
} from '@aws-sdk/client-iam'
import {
  DescribeKeyCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  paginateListAliases,
  paginateListKeys,
} from '@aws-sdk/client-kms'
import { paginateDescribeDBInstances, RDSClient } from '@aws-sdk/client-rds'
import {
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLoggingCommand,
  GetBucketPolicyStatusCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  paginateListBuckets,
  S3Client,
} from '@aws-sdk/client-s3'
import {
  GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand,
  S3ControlClient,
} from '@aws-sdk/client-s3-control'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { z } from 'zod'
import { type CollectionError, type EvidenceKind, evidenceKinds } from '../../core/evidence.js'
import type { CollectedInput, FileCollection, SourceContext } from '../source-collector.js'
import { readAuthorizationDetails } from './authorization-details.js'
import { decodeReportContent } from './credential-report.js'
import {
  type AwsService,
  awsServices,
  customEndpoint,
  describeAwsError,
  endpointSettings,
  environmentCredentials,
  hostTakesNoPrefix,
} from './endpoints.js'
import type { AwsLiveOptions } from './live-options.js'
import * as api from './schemas.js'
import {
  type AccountSnapshot,
  emptyRegion,
  emptySnapshot,
  type RegionSnapshot,
  type Sourced,
} from './snapshot.js'
import { snapshotToEvidence } from './to-evidence.js'

export { type AwsLiveOptions, awsLiveOptions } from './live-options.js'

/** AWS error names that mean "this configuration does not exist": a fact, not a failure. */
const absentErrors = new Set([
  'NoSuchEntity',
  'NoSuchEntityException',
  'ServerSideEncryptionConfigurationNotFoundError',
  'NoSuchPublicAccessBlockConfiguration',
  'NoSuchBucketPolicy',
])

/** What one read costs: where it is reported and how its response is kept. */
class LiveReader {
  readonly errors: CollectionError[] = []
  readonly inputs: CollectedInput[] = []

  constructor(readonly account: string) {}

  /** `aws://<account>/<region>/<Call>[/<resource>]`: the place an auditor can re-run the call. */
  where(region: string, call: string, resource?: string): string {
    return `aws://${this.account}/${region}/${call}${resource === undefined ? '' : `/${resource}`}`
  }

  /**
   * Runs one read and validates the response. Returns undefined when it failed (recorded as an
   * error), `null` when AWS answers that the configuration does not exist.
   */
  async read<S extends z.ZodType>(
    file: string,
    schema: S,
    call: () => Promise<unknown>,
    kinds: readonly EvidenceKind[] = [],
  ): Promise<Sourced<z.output<S> | null> | undefined> {
    let response: unknown
    try {
      response = await call()
    } catch (error) {
      const name = error instanceof Error ? error.name : ''
      if (absentErrors.has(name)) return { file, data: null }
      this.fail(file, describeAwsError(error), kinds)
      return undefined
    }
    const parsed = schema.safeParse(response)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      this.fail(file, `unexpected response at ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`, kinds)
      return undefined
    }
    this.keep(file, response)
    return { file, data: parsed.data }
  }

  /** Records a failed read; `kinds` are the evidence kinds it leaves incomplete. */
  fail(file: string, message: string, kinds: readonly EvidenceKind[] = [], hint?: string): void {
    this.errors.push({
      file,
      message,
      ...(hint === undefined ? {} : { hint }),
      ...(kinds.length === 0 ? {} : { kinds: [...kinds] }),
    })
  }

  /** Records a response that was read, with the hash of what AWS returned. */
  keep(file: string, response: unknown): void {
    const text = JSON.stringify(response)
    this.inputs.push({
      file,
      collector: 'aws',
      sha256: createHash('sha256').update(text).digest('hex'),
      bytes: Buffer.byteLength(text),
      items: 0,
    })
  }

  /** Like `read`, for a call whose "absent" answer is not expected: null is an error too. */
  async require<S extends z.ZodType>(
    file: string,
    schema: S,
    call: () => Promise<unknown>,
    kinds: readonly EvidenceKind[] = [],
  ): Promise<Sourced<z.output<S>> | undefined> {
    const result = await this.read(file, schema, call, kinds)
    if (result === undefined || result.data === null) return undefined
    return { file, data: result.data }
  }
}

/** Concatenates the list fields of every page of a paginated call into one response. */
async function allPages<P extends object>(pages: AsyncIterable<P>, ...lists: (keyof P)[]): Promise<P> {
  let merged: P | undefined
  for await (const page of pages) {
    if (merged === undefined) {
      merged = { ...page }
      continue
    }
    for (const key of lists) {
      const before = merged[key]
      const next = page[key]
      if (Array.isArray(before) && Array.isArray(next)) merged[key] = [...before, ...next] as P[keyof P]
    }
  }
  return merged ?? ({} as P)
}

/**
 * Maps items with at most `limit` calls in flight, results in input order: per-bucket and per-key
 * reads of a large account are latency-bound, and order keeps the evidence reproducible.
 */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await fn(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

/** Calls in flight per service while reading per-resource settings. */
const concurrency = 8

/**
 * Client settings shared by every service: region, profile or the run's environment credentials,
 * the endpoint the environment names, and retries that ride out throttling.
 */
export function clientConfig(
  region: string,
  options: AwsLiveOptions,
  env: SourceContext['env'] = {},
  service: AwsService = 'STS',
) {
  const credentials = options.profile === undefined ? environmentCredentials(env) : undefined
  // Adaptive retries slow down on throttling instead of failing a large account half-way.
  return {
    region,
    maxAttempts: 10,
    retryMode: 'adaptive' as const,
    ...(options.profile === undefined ? {} : { profile: options.profile }),
    ...(credentials === undefined ? {} : { credentials }),
    ...endpointSettings(env, service),
  }
}

/** Every AWS evidence kind: what a source that cannot even tell its account leaves unread. */
const awsKinds = evidenceKinds.filter((kind) => kind.startsWith('aws.'))

/** Reads the account through SDK v3 into AWS evidence; a failed call is an error, the rest still counts. */
export async function collectAwsLive(
  options: AwsLiveOptions,
  context: SourceContext,
): Promise<FileCollection> {
  const [home] = options.regions
  if (home === undefined) throw new Error(`${context.where}.regions: at least one region is required`)
  const { env } = context
  let account: string
  try {
    // Every endpoint variable is checked first: a typo in one is named before any call is made.
    for (const service of awsServices) customEndpoint(env, service)
    const sts = new STSClient(clientConfig(home, options, env, 'STS'))
    account = api.getCallerIdentity.parse(await sts.send(new GetCallerIdentityCommand({}))).Account
  } catch (error) {
    // Without the account nothing can be read: every AWS check says why, none says "nothing to test".
    return {
      evidence: [],
      errors: [
        {
          file: `aws://${home}/GetCallerIdentity`,
          message: `could not reach the account: ${describeAwsError(error)}`,
          hint: 'check the credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID) and any AWS_ENDPOINT_URL setting',
          kinds: awsKinds,
        },
      ],
      inputs: [],
    }
  }
  const snapshot = emptySnapshot('live', context.now.toISOString())
  snapshot.account = account
  const reader = new LiveReader(account)
  const live: Live = { options, env }
  await readIam(snapshot, reader, home, live)
  await readS3(snapshot, reader, home, live)
  // Regions are independent: read them side by side; the SDK backs off if the account is throttled.
  snapshot.regions = await Promise.all(options.regions.map((region) => readRegion(reader, region, live)))
  const mapped = snapshotToEvidence(snapshot)
  for (const input of reader.inputs) input.items = mapped.evidence.filter((e) => e.file === input.file).length
  return { evidence: mapped.evidence, errors: [...reader.errors, ...mapped.errors], inputs: reader.inputs }
}

/** What every read needs besides the reader: the source's options and the run's environment. */
interface Live {
  options: AwsLiveOptions
  env: SourceContext['env']
}

const config = (live: Live, region: string, service: AwsService) =>
  clientConfig(region, live.options, live.env, service)

/** AWS errors that mean the account has no current credential report. */
const noReportErrors = new Set([
  'ReportNotPresent',
  'ReportExpired',
  'ReportInProgress',
  'CredentialReportNotPresentException',
  'CredentialReportExpiredException',
  'CredentialReportNotReadyException',
])

/** Waits between asking whether a report IAM is generating is ready (about 30 s in all). */
const reportPolls = [250, 500, 1000, 2000, 4000, 8000, 14_000]

async function readIam(snapshot: AccountSnapshot, reader: LiveReader, region: string, live: Live) {
  const iam = new IAMClient(config(live, region, 'IAM'))
  const at = (call: string) => reader.where('global', call)
  await readCredentialReport(snapshot, reader, iam, live)
  const summary = await reader.require(at('GetAccountSummary'), api.getAccountSummary, () =>
    iam.send(new GetAccountSummaryCommand({})),
  )
  if (summary !== undefined) snapshot.accountSummary = summary
  const policy = await reader.read(at('GetAccountPasswordPolicy'), api.getAccountPasswordPolicy, () =>
    iam.send(new GetAccountPasswordPolicyCommand({})),
  )
  if (policy !== undefined) snapshot.passwordPolicy = policy
  const file = at('GetAccountAuthorizationDetails')
  const kinds: EvidenceKind[] = ['aws.iam-user', 'aws.iam-policy']
  let response: unknown
  try {
    response = await allPages(
      paginateGetAccountAuthorizationDetails(
        { client: iam },
        { Filter: ['User', 'Group', 'Role', 'LocalManagedPolicy'] },
      ),
      'UserDetailList',
      'GroupDetailList',
      'RoleDetailList',
      'Policies',
    )
  } catch (error) {
    reader.fail(file, describeAwsError(error), kinds)
    return
  }
  // Item by item: one odd user or policy is named and left out, the rest of the list still counts.
  const details = readAuthorizationDetails(response)
  for (const problem of details.problems) reader.fail(file, problem.message, problem.kinds)
  reader.keep(file, response)
  snapshot.authorizationDetails = { file, data: details.data }
}

/**
 * Reads the IAM credential report. Without a current one, asks IAM to generate it and waits for it
 * (as Prowler does), unless the source says not to; where that is not allowed the error says so.
 */
async function readCredentialReport(
  snapshot: AccountSnapshot,
  reader: LiveReader,
  iam: IAMClient,
  live: Live,
): Promise<void> {
  const file = reader.where('global', 'GetCredentialReport')
  const missing =
    'no current IAM credential report: console, MFA and access-key facts of IAM users are unknown'
  const get = async (): Promise<'read' | 'absent' | 'failed'> => {
    try {
      const report = await iam.send(new GetCredentialReportCommand({}))
      if (report.Content === undefined) return 'absent'
      snapshot.credentialReport = {
        file,
        data: {
          csv: decodeReportContent(report.Content),
          ...(report.GeneratedTime === undefined ? {} : { generatedAt: report.GeneratedTime.toISOString() }),
        },
      }
      reader.keep(file, Buffer.from(report.Content).toString('base64'))
      return 'read'
    } catch (error) {
      if (noReportErrors.has(error instanceof Error ? error.name : '')) return 'absent'
      reader.fail(file, describeAwsError(error))
      return 'failed'
    }
  }
  const first = await get()
  if (first !== 'absent') return
  if (live.options.generateCredentialReport === false) {
    reader.fail(
      file,
      `${missing} (generateCredentialReport is off for this source)`,
      [],
      'aws iam generate-credential-report (then run trustctl again)',
    )
    return
  }
  try {
    await iam.send(new GenerateCredentialReportCommand({}))
  } catch (error) {
    reader.fail(
      file,
      `${missing}, and this identity may not generate one (${describeAwsError(error)})`,
      [],
      'allow iam:GenerateCredentialReport, or run aws iam generate-credential-report once before trustctl',
    )
    return
  }
  for (const wait of reportPolls) {
    const state = await iam.send(new GenerateCredentialReportCommand({})).then(
      (r) => r.State,
      () => undefined,
    )
    if (state === 'COMPLETE' && (await get()) !== 'absent') return
    await new Promise((resolve) => setTimeout(resolve, wait))
  }
  reader.fail(
    file,
    `${missing}: IAM was asked to generate one but it was not ready within 30 s`,
    [],
    'run trustctl again in a minute',
  )
}

async function readS3(snapshot: AccountSnapshot, reader: LiveReader, region: string, live: Live) {
  const s3Config = config(live, region, 'S3')
  // Bucket calls go to the bucket's own region: the SDK follows S3's redirect. A custom endpoint
  // (a VPC endpoint, a local AWS API) takes path-style addresses, where bucket-name hosts may not resolve.
  const s3 = new S3Client({
    ...s3Config,
    followRegionRedirects: true,
    ...('endpoint' in s3Config ? { forcePathStyle: true } : {}),
  })
  const controlEndpoint = customEndpoint(live.env, 'S3_CONTROL')
  const s3control = new S3ControlClient({
    ...config(live, region, 'S3_CONTROL'),
    // S3 Control prefixes the account id to the host; an IP or localhost host cannot take it (the
    // SDK fails with "Invalid URL"), so there the endpoint is used as given.
    ...(controlEndpoint !== undefined && hostTakesNoPrefix(controlEndpoint)
      ? { endpointProvider: () => ({ url: new URL(controlEndpoint) }) }
      : {}),
  })
  const account = snapshot.account ?? ''
  const at = (call: string, bucket?: string) => reader.where('global', call, bucket)
  const accountBlock = await reader.read(at('GetAccountPublicAccessBlock'), api.getPublicAccessBlock, () =>
    s3control.send(new GetAccountPublicAccessBlockCommand({ AccountId: account })),
  )
  if (accountBlock !== undefined) snapshot.accountPublicAccessBlock = accountBlock
  const buckets = await reader.require(
    at('ListBuckets'),
    api.listBuckets,
    () => allPages(paginateListBuckets({ client: s3 }, {}), 'Buckets'),
    ['aws.s3-bucket'],
  )
  if (buckets === undefined) return
  snapshot.buckets = buckets
  const names = (buckets.data.Buckets ?? []).map((b) => b.Name)
  const settings = await mapLimit(names, concurrency, async (Bucket) => ({
    Bucket,
    encryption: await reader.read(at('GetBucketEncryption', Bucket), api.getBucketEncryption, () =>
      s3.send(new GetBucketEncryptionCommand({ Bucket })),
    ),
    block: await reader.read(at('GetPublicAccessBlock', Bucket), api.getPublicAccessBlock, () =>
      s3.send(new GetPublicAccessBlockCommand({ Bucket })),
    ),
    versioning: await reader.require(at('GetBucketVersioning', Bucket), api.getBucketVersioning, () =>
      s3.send(new GetBucketVersioningCommand({ Bucket })),
    ),
    status: await reader.read(at('GetBucketPolicyStatus', Bucket), api.getBucketPolicyStatus, () =>
      s3.send(new GetBucketPolicyStatusCommand({ Bucket })),
    ),
    logging: await reader.require(at('GetBucketLogging', Bucket), api.getBucketLogging, () =>
      s3.send(new GetBucketLoggingCommand({ Bucket })),
    ),
    acl: await reader.require(at('GetBucketAcl', Bucket), api.getBucketAcl, () =>
      s3.send(new GetBucketAclCommand({ Bucket })),
    ),
  }))
  for (const { Bucket, encryption, block, versioning, status, logging, acl } of settings) {
    if (encryption !== undefined) snapshot.bucketEncryption.set(Bucket, encryption)
    if (block !== undefined) snapshot.bucketPublicAccessBlock.set(Bucket, block)
    if (versioning !== undefined) snapshot.bucketVersioning.set(Bucket, versioning)
    if (status !== undefined) snapshot.bucketPolicyStatus.set(Bucket, status)
    if (logging !== undefined) snapshot.bucketLogging.set(Bucket, logging)
    if (acl !== undefined) snapshot.bucketAcl.set(Bucket, acl)
  }
}

async function readRegion(reader: LiveReader, name: string, live: Live): Promise<RegionSnapshot> {
  const region = emptyRegion(name)
  const client = (service: AwsService) => config(live, name, service)
  const at = (call: string, resource?: string) => reader.where(name, call, resource)

  const cloudtrail = new CloudTrailClient(client('CLOUDTRAIL'))
  const trails = await reader.require(
    at('DescribeTrails'),
    api.describeTrails,
    () => cloudtrail.send(new DescribeTrailsCommand({})),
    ['aws.cloudtrail'],
  )
  if (trails !== undefined) {
    region.trails = trails
    // Status is asked where the trail lives; shadow copies of multi-region trails are skipped.
    for (const trail of trails.data.trailList.filter(
      (t) => t.HomeRegion === undefined || t.HomeRegion === name,
    )) {
      const status = await reader.require(at('GetTrailStatus', trail.Name), api.getTrailStatus, () =>
        cloudtrail.send(new GetTrailStatusCommand({ Name: trail.TrailARN ?? trail.Name })),
      )
      if (status !== undefined) region.trailStatus.set(trail.Name, status)
    }
  }

  const guardduty = new GuardDutyClient(client('GUARDDUTY'))
  const detectors = await reader.require(
    at('ListDetectors'),
    api.listDetectors,
    () => allPages(paginateListDetectors({ client: guardduty }, {}), 'DetectorIds'),
    ['aws.guardduty-detector'],
  )
  if (detectors !== undefined) {
    region.detectorIds = detectors
    for (const DetectorId of detectors.data.DetectorIds) {
      const detector = await reader.require(at('GetDetector', DetectorId), api.getDetector, () =>
        guardduty.send(new GetDetectorCommand({ DetectorId })),
      )
      if (detector !== undefined) region.detectors.set(DetectorId, detector)
    }
  }

  const rds = new RDSClient(client('RDS'))
  const dbs = await reader.require(
    at('DescribeDBInstances'),
    api.describeDbInstances,
    () => allPages(paginateDescribeDBInstances({ client: rds }, {}), 'DBInstances'),
    ['aws.db-instance'],
  )
  if (dbs !== undefined) region.dbInstances = dbs

  const ec2 = new EC2Client(client('EC2'))
  const groups = await reader.require(
    at('DescribeSecurityGroups'),
    api.describeSecurityGroups,
    () => allPages(paginateDescribeSecurityGroups({ client: ec2 }, {}), 'SecurityGroups'),
    ['aws.security-group'],
  )
  if (groups !== undefined) region.securityGroups = groups
  const vpcs = await reader.require(
    at('DescribeVpcs'),
    api.describeVpcs,
    () => allPages(paginateDescribeVpcs({ client: ec2 }, {}), 'Vpcs'),
    ['aws.vpc'],
  )
  if (vpcs !== undefined) region.vpcs = vpcs
  const flowLogs = await reader.require(at('DescribeFlowLogs'), api.describeFlowLogs, () =>
    allPages(paginateDescribeFlowLogs({ client: ec2 }, {}), 'FlowLogs'),
  )
  if (flowLogs !== undefined) region.flowLogs = flowLogs

  const kms = new KMSClient(client('KMS'))
  const keys = await reader.require(
    at('ListKeys'),
    api.listKeys,
    () => allPages(paginateListKeys({ client: kms }, {}), 'Keys'),
    ['aws.kms-key'],
  )
  if (keys !== undefined) {
    region.keys = keys
    const read = await mapLimit(keys.data.Keys, concurrency, async ({ KeyId }) => {
      const meta = await reader.require(
        at('DescribeKey', KeyId),
        api.describeKey,
        () => kms.send(new DescribeKeyCommand({ KeyId })),
        ['aws.kms-key'],
      )
      const m = meta?.data.KeyMetadata
      // Rotation status exists only for enabled symmetric customer keys with AWS-made material;
      // asking for any other key is an error by design.
      const spec = m?.KeySpec ?? m?.CustomerMasterKeySpec
      const rotates =
        m?.KeyManager === 'CUSTOMER' &&
        (spec === undefined || spec === 'SYMMETRIC_DEFAULT') &&
        m.Origin === 'AWS_KMS' &&
        m.KeyState === 'Enabled'
      const rotation = rotates
        ? await reader.require(at('GetKeyRotationStatus', KeyId), api.getKeyRotationStatus, () =>
            kms.send(new GetKeyRotationStatusCommand({ KeyId })),
          )
        : undefined
      return { KeyId, meta, rotation }
    })
    for (const { KeyId, meta, rotation } of read) {
      if (meta !== undefined) region.keyMetadata.set(KeyId, meta)
      if (rotation !== undefined) region.keyRotation.set(KeyId, rotation)
    }
  }
  const aliases = await reader.require(at('ListAliases'), api.listAliases, () =>
    allPages(paginateListAliases({ client: kms }, {}), 'Aliases'),
  )
  if (aliases !== undefined) region.aliases = aliases

  const eks = new EKSClient(client('EKS'))
  const clusters = await reader.require(
    at('ListClusters'),
    z.looseObject({ clusters: z.array(z.string()).optional() }),
    () => allPages(paginateListClusters({ client: eks }, {}), 'clusters'),
    ['aws.eks-cluster'],
  )
  const described = await mapLimit(clusters?.data.clusters ?? [], concurrency, (name) =>
    reader.require(
      at('DescribeCluster', name),
      api.describeCluster,
      () => eks.send(new DescribeClusterCommand({ name })),
      ['aws.eks-cluster'],
    ),
  )
  for (const cluster of described) if (cluster !== undefined) region.clusters.push(cluster)

  const elb = new ElasticLoadBalancingV2Client(client('ELASTIC_LOAD_BALANCING_V2'))
  const balancers = await reader.require(
    at('DescribeLoadBalancers'),
    api.describeLoadBalancers,
    () => allPages(paginateDescribeLoadBalancers({ client: elb }, {}), 'LoadBalancers'),
    ['aws.load-balancer-listener'],
  )
  if (balancers !== undefined) {
    region.loadBalancers = balancers
    const listeners = await mapLimit(balancers.data.LoadBalancers, concurrency, (lb) =>
      reader.require(
        at('DescribeListeners', lb.LoadBalancerName),
        api.describeListeners,
        () =>
          allPages(
            paginateDescribeListeners({ client: elb }, { LoadBalancerArn: lb.LoadBalancerArn }),
            'Listeners',
          ),
        ['aws.load-balancer-listener'],
      ),
    )
    for (const response of listeners) if (response !== undefined) region.listeners.push(response)
  }
  return region
}
