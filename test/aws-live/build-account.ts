/**
 * Builds a small AWS account through the AWS API itself (SDK v3 against moto_server): the same calls
 * a team's console clicks or Terraform would make. Each resource is planted to make one check pass
 * or fail, so the test can name the verdict it expects for it.
 */
import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail'
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  EC2Client,
} from '@aws-sdk/client-ec2'
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  IAMClient,
  UpdateAccountPasswordPolicyCommand,
} from '@aws-sdk/client-iam'
import { CreateKeyCommand, EnableKeyRotationCommand, KMSClient } from '@aws-sdk/client-kms'
import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds'
import {
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3'

export const region = 'us-east-1'

/** Client settings for moto: its endpoint, fake credentials, path-style S3. */
export function motoClientConfig(endpoint: string) {
  return {
    region,
    endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  }
}

/** What was planted, by the names the evidence will carry. */
export interface BuiltAccount {
  vpcId: string
  openSshGroup: string
  closedGroup: string
  rotatingKey: string
  staticKey: string
}

export async function buildAccount(endpoint: string): Promise<BuiltAccount> {
  const config = motoClientConfig(endpoint)
  const s3 = new S3Client({ ...config, forcePathStyle: true })
  // A bucket with every protection, one with none.
  await s3.send(new CreateBucketCommand({ Bucket: 'acme-audit-logs' }))
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: 'acme-audit-logs',
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }],
      },
    }),
  )
  await s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: 'acme-audit-logs',
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    }),
  )
  await s3.send(
    new PutBucketVersioningCommand({
      Bucket: 'acme-audit-logs',
      VersioningConfiguration: { Status: 'Enabled' },
    }),
  )
  await s3.send(new CreateBucketCommand({ Bucket: 'acme-marketing-drops' }))

  const iam = new IAMClient(config)
  await iam.send(
    new UpdateAccountPasswordPolicyCommand({
      MinimumPasswordLength: 8,
      RequireSymbols: false,
      RequireNumbers: false,
      RequireUppercaseCharacters: false,
      RequireLowercaseCharacters: true,
    }),
  )
  // A console user without MFA, a console user with MFA, a machine user with an access key.
  await iam.send(new CreateUserCommand({ UserName: 'dana' }))
  await iam.send(new CreateLoginProfileCommand({ UserName: 'dana', Password: 'Initial-Passw0rd!' }))
  await iam.send(new CreateUserCommand({ UserName: 'eli' }))
  await iam.send(new CreateLoginProfileCommand({ UserName: 'eli', Password: 'Initial-Passw0rd!' }))
  const device = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'eli-phone' }))
  await iam.send(
    new EnableMFADeviceCommand({
      UserName: 'eli',
      SerialNumber: device.VirtualMFADevice?.SerialNumber,
      AuthenticationCode1: '123456',
      AuthenticationCode2: '654321',
    }),
  )
  await iam.send(new CreateUserCommand({ UserName: 'ci-deployer' }))
  await iam.send(new CreateAccessKeyCommand({ UserName: 'ci-deployer' }))
  const admin = await iam.send(
    new CreatePolicyCommand({
      PolicyName: 'break-glass-admin',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
      }),
    }),
  )
  await iam.send(new AttachUserPolicyCommand({ UserName: 'dana', PolicyArn: admin.Policy?.Arn }))
  const reader = await iam.send(
    new CreatePolicyCommand({
      PolicyName: 'read-audit-logs',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::acme-audit-logs/*' },
        ],
      }),
    }),
  )
  await iam.send(new AttachUserPolicyCommand({ UserName: 'ci-deployer', PolicyArn: reader.Policy?.Arn }))

  const ec2 = new EC2Client(config)
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }))
  const vpcId = vpc.Vpc?.VpcId ?? ''
  const open = await ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: 'bastion-ssh',
      Description: 'ssh from anywhere',
      VpcId: vpcId,
    }),
  )
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: open.GroupId,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    }),
  )
  const closed = await ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: 'app-internal',
      Description: 'https from the VPC',
      VpcId: vpcId,
    }),
  )
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: closed.GroupId,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.20.0.0/16' }] },
      ],
    }),
  )

  const rds = new RDSClient(config)
  await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: 'orders-db',
      DBInstanceClass: 'db.t3.micro',
      Engine: 'postgres',
      MasterUsername: 'orders',
      MasterUserPassword: 'not-a-real-secret-1',
      AllocatedStorage: 20,
      PubliclyAccessible: true,
      StorageEncrypted: false,
      BackupRetentionPeriod: 1,
      MultiAZ: false,
      DeletionProtection: false,
    }),
  )

  const cloudtrail = new CloudTrailClient(config)
  await cloudtrail.send(
    new CreateTrailCommand({
      Name: 'org-audit',
      S3BucketName: 'acme-audit-logs',
      IsMultiRegionTrail: true,
      EnableLogFileValidation: true,
      IncludeGlobalServiceEvents: true,
    }),
  )
  await cloudtrail.send(new StartLoggingCommand({ Name: 'org-audit' }))

  const kms = new KMSClient(config)
  const rotating = await kms.send(new CreateKeyCommand({ Description: 'app data' }))
  await kms.send(new EnableKeyRotationCommand({ KeyId: rotating.KeyMetadata?.KeyId }))
  const fixed = await kms.send(new CreateKeyCommand({ Description: 'legacy exports' }))

  return {
    vpcId,
    openSshGroup: open.GroupId ?? '',
    closedGroup: closed.GroupId ?? '',
    rotatingKey: rotating.KeyMetadata?.KeyId ?? '',
    staticKey: fixed.KeyMetadata?.KeyId ?? '',
  }
}
