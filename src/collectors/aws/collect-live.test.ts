import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail'
import { EC2Client } from '@aws-sdk/client-ec2'
import { EKSClient } from '@aws-sdk/client-eks'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { GuardDutyClient } from '@aws-sdk/client-guardduty'
import { IAMClient } from '@aws-sdk/client-iam'
import { KMSClient } from '@aws-sdk/client-kms'
import { RDSClient } from '@aws-sdk/client-rds'
import { S3Client } from '@aws-sdk/client-s3'
import { S3ControlClient } from '@aws-sdk/client-s3-control'
import { STSClient } from '@aws-sdk/client-sts'
import { mockClient } from 'aws-sdk-client-mock'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EvidenceItem } from '../../core/evidence.js'
import { collectAwsJson } from './collect-json.js'
import { collectAwsLive } from './collect-live.js'
import { recorded } from './testdata/recorded-responses.js'

/** Each client, with the prefix its calls have in IAM policies. */
const services = [
  { client: STSClient, prefix: 'sts', global: true },
  { client: IAMClient, prefix: 'iam', global: true },
  { client: S3Client, prefix: 's3', global: true },
  { client: S3ControlClient, prefix: 's3', global: true },
  { client: CloudTrailClient, prefix: 'cloudtrail' },
  { client: GuardDutyClient, prefix: 'guardduty' },
  { client: RDSClient, prefix: 'rds' },
  { client: EC2Client, prefix: 'ec2' },
  { client: KMSClient, prefix: 'kms' },
  { client: EKSClient, prefix: 'eks' },
  { client: ElasticLoadBalancingV2Client, prefix: 'elasticloadbalancing' },
] as const

/** SDK commands whose IAM action is named differently from the API operation. */
const actionOf: Record<string, string> = {
  'S3Client:ListBuckets': 's3:ListAllMyBuckets',
  'S3Client:GetBucketEncryption': 's3:GetEncryptionConfiguration',
  'S3Client:GetPublicAccessBlock': 's3:GetBucketPublicAccessBlock',
  'S3ControlClient:GetPublicAccessBlock': 's3:GetAccountPublicAccessBlock',
}

type Mock = ReturnType<typeof mockClient>
let mocks: { name: string; prefix: string; mock: Mock }[] = []

const tokenOf = (page: unknown): unknown =>
  typeof page === 'object' && page !== null
    ? ((page as Record<string, unknown>).NextToken ?? (page as Record<string, unknown>).Marker)
    : undefined

/** Answers a command from the recordings: by region, then by page token or resource id. */
function answer(
  region: string,
  clientName: string,
  command: { constructor: { name: string }; input: Record<string, unknown> },
) {
  let name = command.constructor.name
  if (clientName === 'S3ControlClient' && name === 'GetPublicAccessBlockCommand')
    name = 'GetAccountPublicAccessBlockCommand'
  const table = recorded[region] ?? {}
  let response = table[name]
  if (response === undefined) throw new Error(`no recording for ${name} in ${region}`)
  if (Array.isArray(response)) {
    const token = command.input.NextToken ?? command.input.Marker
    const index = token === undefined ? 0 : response.findIndex((page) => tokenOf(page) === token) + 1
    response = response[index]
  }
  if (name === 'DescribeKeyCommand')
    response = (response as Record<string, unknown>)[String(command.input.KeyId)]
  if (response instanceof Error) throw response
  return response
}

beforeEach(() => {
  mocks = services.map(({ client, prefix, ...rest }) => {
    const mock = mockClient(client as never) as Mock
    const global = 'global' in rest
    const fake = async function (this: { config: { region: () => Promise<string> } }, command: never) {
      const region = global ? 'global' : await this.config.region()
      return answer(region, client.name, command)
    }
    mock.send.callsFake(fake as never)
    return { name: client.name, prefix, mock }
  })
})

afterEach(() => {
  for (const { mock } of mocks) mock.restore()
})

const context = { root: '/', where: 'sources[0]', now: new Date('2026-06-30T00:00:00Z'), env: {} }
const options = { type: 'aws' as const, regions: ['eu-west-1', 'us-east-1'] }
const find = (evidence: EvidenceItem[], kind: string, name: string) =>
  evidence.find((e) => e.kind === kind && e.name === name)

describe('collectAwsLive', () => {
  it('reads the account through read-only calls, following every page, into AWS evidence', async () => {
    const result = await collectAwsLive(options, context)
    expect(find(result.evidence, 'aws.account', '111122223333')).toMatchObject({
      rootMfaEnabled: true,
      rootAccessKeysPresent: false,
      passwordPolicy: null,
      s3PublicAccessBlock: { blockPublicAcls: true, restrictPublicBuckets: true },
      origin: 'live',
      file: 'aws://111122223333/global/GetCredentialReport',
    })
    expect(find(result.evidence, 'aws.iam-user', 'ci-deployer')).toMatchObject({
      observedAt: '2026-06-29T07:15:02.000Z',
      accessKeys: [{ active: true, createdAt: '2025-01-20T10:00:00.000Z', lastUsedService: 'ecr' }],
    })
    // Second page of the authorization details, URL-encoded document decoded.
    expect(find(result.evidence, 'aws.iam-policy', 'ops-break-glass')).toMatchObject({
      attachedTo: [{ type: 'role', name: 'ops-admin' }],
      document: { readable: true, statements: [{ effect: 'Allow', actions: ['*'], resources: ['*'] }] },
    })
    expect(find(result.evidence, 'aws.s3-bucket', 'acme-prod-uploads')).toMatchObject({
      encryption: { algorithm: 'aws:kms' },
      publicAccessBlock: null,
      versioning: 'Suspended',
      policyPublic: false,
      aclPublic: false,
      loggingEnabled: false,
    })
    // Both pages of security groups.
    expect(result.evidence.filter((e) => e.kind === 'aws.security-group').map((e) => e.name)).toEqual([
      'sg-0a1b2c3d4e5f60002',
      'sg-0a1b2c3d4e5f60001',
    ])
    expect(result.evidence.filter((e) => e.kind === 'aws.cloudtrail')).toHaveLength(1)
    expect(find(result.evidence, 'aws.cloudtrail', 'org-audit')).toMatchObject({
      logging: true,
      multiRegion: true,
    })
    expect(find(result.evidence, 'aws.guardduty-detector', 'us-east-1')).toMatchObject({ status: 'ABSENT' })
    expect(find(result.evidence, 'aws.kms-key', '0f6c3f0e-2a6b-4d2e-9d55-8f1b2c3d4e5f')).toMatchObject({
      rotationEnabled: false,
      aliases: ['alias/app-data'],
    })
    expect(find(result.evidence, 'aws.eks-cluster', 'prod')).toMatchObject({
      enabledLogTypes: ['api', 'audit'],
      publicAccessCidrs: ['0.0.0.0/0'],
      secretsEncrypted: true,
    })
    expect(find(result.evidence, 'aws.load-balancer-listener', 'web-public:80')).toMatchObject({
      protocol: 'HTTP',
      redirectsToHttps: false,
      scheme: 'internet-facing',
    })
  })

  it('records a denied call as an error naming it, and reads everything else', async () => {
    const result = await collectAwsLive(options, context)
    expect(result.errors).toEqual([
      {
        file: 'aws://111122223333/us-east-1/DescribeFlowLogs',
        message: expect.stringContaining('UnauthorizedOperation'),
      },
    ])
    // The us-east-1 VPC list was still read; eu-west-1 flow logs are unaffected.
    expect(find(result.evidence, 'aws.vpc', 'vpc-0a1b2c3d4e5f60718')).toMatchObject({
      region: 'eu-west-1',
      flowLogs: [{ trafficType: 'ALL', status: 'ACTIVE' }],
    })
  })

  it('says so when there is no credential report and it may not generate one', async () => {
    const iam = mocks.find((m) => m.name === 'IAMClient')?.mock
    const original = recorded.global?.GetCredentialReportCommand
    if (recorded.global !== undefined) {
      recorded.global.GetCredentialReportCommand = Object.assign(new Error('report not present'), {
        name: 'ReportNotPresent',
      })
      recorded.global.GenerateCredentialReportCommand = Object.assign(
        new Error(
          'User: arn:aws:iam::111122223333:user/auditor is not authorized to perform: iam:GenerateCredentialReport',
        ),
        { name: 'AccessDenied' },
      )
    }
    try {
      const result = await collectAwsLive(options, context)
      expect(result.errors).toContainEqual({
        file: 'aws://111122223333/global/GetCredentialReport',
        message: expect.stringMatching(
          /no current IAM credential report.*may not generate one \(AccessDenied: /,
        ),
        hint: expect.stringContaining('iam:GenerateCredentialReport'),
      })
      // Root facts still come from the account summary.
      expect(find(result.evidence, 'aws.account', '111122223333')).toMatchObject({
        rootMfaEnabled: true,
        rootAccessKeysPresent: false,
      })
      expect(iam?.calls().map((c) => c.args[0].constructor.name)).toContain('GenerateCredentialReportCommand')
    } finally {
      if (recorded.global !== undefined) {
        recorded.global.GetCredentialReportCommand = original
        delete recorded.global.GenerateCredentialReportCommand
      }
    }
  })

  it('does not ask IAM for a credential report when the source forbids it', async () => {
    const iam = mocks.find((m) => m.name === 'IAMClient')?.mock
    const original = recorded.global?.GetCredentialReportCommand
    if (recorded.global !== undefined)
      recorded.global.GetCredentialReportCommand = Object.assign(new Error('report expired'), {
        name: 'ReportExpired',
      })
    try {
      const result = await collectAwsLive({ ...options, generateCredentialReport: false }, context)
      expect(result.errors).toContainEqual(
        expect.objectContaining({
          file: 'aws://111122223333/global/GetCredentialReport',
          hint: expect.stringContaining('generate-credential-report'),
        }),
      )
      expect(iam?.calls().map((c) => c.args[0].constructor.name)).not.toContain(
        'GenerateCredentialReportCommand',
      )
    } finally {
      if (recorded.global !== undefined) recorded.global.GetCredentialReportCommand = original
    }
  })

  it('sends only calls that docs/aws-readonly-policy.json allows, and only Describe/List/Get calls when the credential report is current', async () => {
    await collectAwsLive(options, context)
    const policy = JSON.parse(
      await readFile(path.resolve(import.meta.dirname, '../../../docs/aws-readonly-policy.json'), 'utf8'),
    )
    const allowed = new Set<string>(policy.Statement.flatMap((s: { Action: string[] }) => s.Action))
    const sent = new Set<string>()
    for (const { name, prefix, mock } of mocks) {
      for (const call of mock.calls()) {
        const operation = call.args[0].constructor.name.replace(/Command$/, '')
        expect(operation).toMatch(/^(Describe|List|Get)/)
        sent.add(actionOf[`${name}:${operation}`] ?? `${prefix}:${operation}`)
      }
    }
    expect(sent.size).toBeGreaterThan(25)
    expect([...sent].filter((action) => !allowed.has(action))).toEqual([])
    // And the policy grants nothing the collector does not use: the one write-like call, generating
    // a missing credential report, is sent only when the report is missing (tested above).
    const onlyWhenMissing = new Set(['iam:GenerateCredentialReport'])
    expect([...allowed].filter((action) => !sent.has(action) && !onlyWhenMissing.has(action))).toEqual([])
  })

  it('produces the same evidence as the CLI exports of the same responses', async () => {
    const live = await collectAwsLive({ type: 'aws', regions: ['eu-west-1'] }, context)
    // Write the eu-west-1 recordings as the CLI would print them (JSON, dates as ISO strings).
    const root = await mkdtemp(path.join(tmpdir(), 'trustctl-aws-same-'))
    const folder = path.join(root, 'aws', 'eu-west-1')
    await mkdir(folder, { recursive: true })
    const r = recorded['eu-west-1'] ?? {}
    const pages = r.DescribeSecurityGroupsCommand as { SecurityGroups: unknown[] }[]
    const files: Record<string, unknown> = {
      'describe-db-instances.json': r.DescribeDBInstancesCommand,
      'describe-security-groups.json': { SecurityGroups: pages.flatMap((p) => p.SecurityGroups) },
      'describe-vpcs.json': r.DescribeVpcsCommand,
      'describe-flow-logs.json': r.DescribeFlowLogsCommand,
      'describe-cluster-prod.json': r.DescribeClusterCommand,
      'describe-load-balancers.json': r.DescribeLoadBalancersCommand,
      'describe-listeners-web-public.json': r.DescribeListenersCommand,
    }
    for (const [name, body] of Object.entries(files))
      await writeFile(path.join(folder, name), JSON.stringify(body, null, 4))
    const offline = await collectAwsJson(
      { type: 'aws-json', path: 'aws', account: '111122223333' },
      { ...context, root },
    )
    expect(offline.errors).toEqual([])
    const kinds = [
      'aws.db-instance',
      'aws.security-group',
      'aws.vpc',
      'aws.eks-cluster',
      'aws.load-balancer-listener',
    ]
    const comparable = (items: EvidenceItem[]) =>
      items
        .filter((e) => kinds.includes(e.kind))
        .map(({ file: _file, origin: _origin, ...rest }: EvidenceItem & { origin?: string }) => rest)
    expect(comparable(offline.evidence)).toEqual(comparable(live.evidence))
    expect(comparable(live.evidence)).toHaveLength(7)
  })
})
