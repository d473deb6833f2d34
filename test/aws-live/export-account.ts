/**
 * Writes an account's state as the AWS CLI export that `docs/aws-cli-exports.md` describes (one JSON
 * file per command, regional ones under `<region>/`, `2>&1` so a "does not exist" answer lands in the
 * file as the CLI prints it), read through SDK v3: the offline twin of what the live collector reads.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail'
import {
  DescribeFlowLogsCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2'
import { GetDetectorCommand, GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty'
import {
  GetAccountAuthorizationDetailsCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  IAMClient,
} from '@aws-sdk/client-iam'
import {
  DescribeKeyCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  ListAliasesCommand,
  ListKeysCommand,
} from '@aws-sdk/client-kms'
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds'
import {
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLoggingCommand,
  GetBucketPolicyStatusCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  S3Client,
} from '@aws-sdk/client-s3'
import {
  GetPublicAccessBlockCommand as GetAccountBlockCommand,
  S3ControlClient,
} from '@aws-sdk/client-s3-control'
import { motoClientConfig, region } from './build-account.js'

/** Writes `aws <command> --output json > file 2>&1` as the CLI would: the JSON, or its error line. */
async function save(file: string, operation: string, call: () => Promise<object>): Promise<unknown> {
  await mkdir(path.dirname(file), { recursive: true })
  try {
    const { $metadata: _metadata, ...response } = (await call()) as { $metadata?: unknown }
    await writeFile(file, `${JSON.stringify(response, null, 4)}\n`)
    return response
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error'
    const message = error instanceof Error ? error.message : String(error)
    await writeFile(
      file,
      `\nAn error occurred (${name}) when calling the ${operation} operation: ${message}\n`,
    )
    return undefined
  }
}

/** Exports the account behind `endpoint` into `folder` (global files at the top, `<region>/` below). */
export async function exportAccount(endpoint: string, folder: string, account: string): Promise<void> {
  const config = motoClientConfig(endpoint)
  const iam = new IAMClient(config)
  await save(path.join(folder, 'get-credential-report.json'), 'GetCredentialReport', async () => {
    const report = await iam.send(new GetCredentialReportCommand({}))
    // The CLI prints the CSV base64-encoded, as the API sends it.
    return { ...report, Content: Buffer.from(report.Content ?? new Uint8Array()).toString('base64') }
  })
  await save(path.join(folder, 'get-account-summary.json'), 'GetAccountSummary', () =>
    iam.send(new GetAccountSummaryCommand({})),
  )
  await save(path.join(folder, 'get-account-password-policy.json'), 'GetAccountPasswordPolicy', () =>
    iam.send(new GetAccountPasswordPolicyCommand({})),
  )
  await save(
    path.join(folder, 'get-account-authorization-details.json'),
    'GetAccountAuthorizationDetails',
    () =>
      iam.send(
        new GetAccountAuthorizationDetailsCommand({
          Filter: ['User', 'Group', 'Role', 'LocalManagedPolicy'],
        }),
      ),
  )
  const control = new S3ControlClient({
    ...config,
    endpointProvider: () => ({ url: new URL(endpoint) }),
  })
  await save(path.join(folder, 's3control-get-public-access-block.json'), 'GetPublicAccessBlock', () =>
    control.send(new GetAccountBlockCommand({ AccountId: account })),
  )
  const s3 = new S3Client({ ...config, forcePathStyle: true })
  const listed = (await save(path.join(folder, 'list-buckets.json'), 'ListBuckets', () =>
    s3.send(new ListBucketsCommand({})),
  )) as { Buckets?: { Name?: string }[] } | undefined
  for (const Bucket of (listed?.Buckets ?? []).map((b) => b.Name ?? '')) {
    const perBucket: [string, string, () => Promise<object>][] = [
      [
        'get-bucket-encryption',
        'GetBucketEncryption',
        () => s3.send(new GetBucketEncryptionCommand({ Bucket })),
      ],
      [
        'get-public-access-block',
        'GetPublicAccessBlock',
        () => s3.send(new GetPublicAccessBlockCommand({ Bucket })),
      ],
      [
        'get-bucket-versioning',
        'GetBucketVersioning',
        () => s3.send(new GetBucketVersioningCommand({ Bucket })),
      ],
      [
        'get-bucket-policy-status',
        'GetBucketPolicyStatus',
        () => s3.send(new GetBucketPolicyStatusCommand({ Bucket })),
      ],
      ['get-bucket-logging', 'GetBucketLogging', () => s3.send(new GetBucketLoggingCommand({ Bucket }))],
      ['get-bucket-acl', 'GetBucketAcl', () => s3.send(new GetBucketAclCommand({ Bucket }))],
    ]
    for (const [command, operation, call] of perBucket)
      await save(path.join(folder, `${command}-${Bucket}.json`), operation, call)
  }

  const regional = path.join(folder, region)
  const cloudtrail = new CloudTrailClient(config)
  const trails = (await save(path.join(regional, 'describe-trails.json'), 'DescribeTrails', () =>
    cloudtrail.send(new DescribeTrailsCommand({})),
  )) as { trailList?: { Name?: string; TrailARN?: string }[] } | undefined
  for (const trail of trails?.trailList ?? [])
    await save(path.join(regional, `get-trail-status-${trail.Name}.json`), 'GetTrailStatus', () =>
      cloudtrail.send(new GetTrailStatusCommand({ Name: trail.TrailARN ?? trail.Name })),
    )
  const guardduty = new GuardDutyClient(config)
  const detectors = (await save(path.join(regional, 'list-detectors.json'), 'ListDetectors', () =>
    guardduty.send(new ListDetectorsCommand({})),
  )) as { DetectorIds?: string[] } | undefined
  for (const DetectorId of detectors?.DetectorIds ?? [])
    await save(path.join(regional, `get-detector-${DetectorId}.json`), 'GetDetector', () =>
      guardduty.send(new GetDetectorCommand({ DetectorId })),
    )
  const rds = new RDSClient(config)
  await save(path.join(regional, 'describe-db-instances.json'), 'DescribeDBInstances', () =>
    rds.send(new DescribeDBInstancesCommand({})),
  )
  const ec2 = new EC2Client(config)
  await save(path.join(regional, 'describe-security-groups.json'), 'DescribeSecurityGroups', () =>
    ec2.send(new DescribeSecurityGroupsCommand({})),
  )
  await save(path.join(regional, 'describe-vpcs.json'), 'DescribeVpcs', () =>
    ec2.send(new DescribeVpcsCommand({})),
  )
  await save(path.join(regional, 'describe-flow-logs.json'), 'DescribeFlowLogs', () =>
    ec2.send(new DescribeFlowLogsCommand({})),
  )
  const kms = new KMSClient(config)
  const keys = (await save(path.join(regional, 'list-keys.json'), 'ListKeys', () =>
    kms.send(new ListKeysCommand({})),
  )) as { Keys?: { KeyId?: string }[] } | undefined
  await save(path.join(regional, 'list-aliases.json'), 'ListAliases', () =>
    kms.send(new ListAliasesCommand({})),
  )
  for (const KeyId of (keys?.Keys ?? []).map((k) => k.KeyId ?? '')) {
    await save(path.join(regional, `describe-key-${KeyId}.json`), 'DescribeKey', () =>
      kms.send(new DescribeKeyCommand({ KeyId })),
    )
    await save(path.join(regional, `get-key-rotation-status-${KeyId}.json`), 'GetKeyRotationStatus', () =>
      kms.send(new GetKeyRotationStatusCommand({ KeyId })),
    )
  }
}
