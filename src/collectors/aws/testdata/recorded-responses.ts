/**
 * Responses recorded from an AWS account (ids and names replaced), in the shape SDK v3 returns them:
 * timestamps as Date, blobs as bytes, paginated calls as their pages. Keyed by region ('global' for
 * IAM, S3 and STS), then by command name.
 */
const account = '111122223333'
const d = (iso: string) => new Date(iso)

const report = [
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated',
  `<root_account>,arn:aws:iam::${account}:root,2019-03-04T09:12:44+00:00,not_supported,2026-05-02T08:01:13+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
  `maria,arn:aws:iam::${account}:user/maria,2022-09-12T14:03:27+00:00,true,2026-06-28T16:40:02+00:00,2026-01-15T09:00:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
  `ci-deployer,arn:aws:iam::${account}:user/ci-deployer,2022-09-12T14:03:27+00:00,false,N/A,N/A,N/A,false,true,2025-01-20T10:00:00+00:00,2026-06-29T05:00:00+00:00,eu-west-1,ecr,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
].join('\n')

const lbArn = `arn:aws:elasticloadbalancing:eu-west-1:${account}:loadbalancer/app/web-public/50dc6c495c0c9188`
const keyId = '0f6c3f0e-2a6b-4d2e-9d55-8f1b2c3d4e5f'
const awsKeyId = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d'
const trail = {
  Name: 'org-audit',
  S3BucketName: `acme-cloudtrail-${account}`,
  IncludeGlobalServiceEvents: true,
  IsMultiRegionTrail: true,
  HomeRegion: 'eu-west-1',
  TrailARN: `arn:aws:cloudtrail:eu-west-1:${account}:trail/org-audit`,
  LogFileValidationEnabled: true,
  HasCustomEventSelectors: false,
  HasInsightSelectors: false,
  IsOrganizationTrail: false,
}

const meta = { httpStatusCode: 200, attempts: 1, totalRetryDelay: 0 }

/** An AWS service error as the SDK raises it (name = the error code). */
export function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 403 } })
}

export const recorded: Record<string, Record<string, unknown>> = {
  global: {
    GetCallerIdentityCommand: {
      $metadata: meta,
      UserId: 'AROAEXAMPLEID:trustctl',
      Account: account,
      Arn: `arn:aws:sts::${account}:assumed-role/trustctl-readonly/trustctl`,
    },
    GetCredentialReportCommand: {
      $metadata: meta,
      Content: new TextEncoder().encode(report),
      ReportFormat: 'text/csv',
      GeneratedTime: d('2026-06-29T07:15:02Z'),
    },
    GetAccountSummaryCommand: {
      $metadata: meta,
      SummaryMap: { AccountMFAEnabled: 1, AccountAccessKeysPresent: 0, Users: 2 },
    },
    GetAccountPasswordPolicyCommand: awsError(
      'NoSuchEntityException',
      `The Password Policy with domain name ${account} cannot be found.`,
    ),
    GetAccountAuthorizationDetailsCommand: [
      {
        $metadata: meta,
        UserDetailList: [
          {
            UserName: 'maria',
            Arn: `arn:aws:iam::${account}:user/maria`,
            AttachedManagedPolicies: [],
            UserPolicyList: [],
          },
        ],
        GroupDetailList: [],
        RoleDetailList: [],
        Policies: [],
        IsTruncated: true,
        Marker: 'page-2',
      },
      {
        $metadata: meta,
        UserDetailList: [],
        GroupDetailList: [],
        RoleDetailList: [
          {
            RoleName: 'ops-admin',
            Arn: `arn:aws:iam::${account}:role/ops-admin`,
            RolePolicyList: [],
            AttachedManagedPolicies: [
              { PolicyName: 'ops-break-glass', PolicyArn: `arn:aws:iam::${account}:policy/ops-break-glass` },
            ],
          },
        ],
        Policies: [
          {
            PolicyName: 'ops-break-glass',
            Arn: `arn:aws:iam::${account}:policy/ops-break-glass`,
            DefaultVersionId: 'v1',
            AttachmentCount: 1,
            // The API returns policy documents URL-encoded; the CLI decodes them, the SDK does not.
            PolicyVersionList: [
              {
                VersionId: 'v1',
                IsDefaultVersion: true,
                Document: encodeURIComponent(
                  JSON.stringify({
                    Version: '2012-10-17',
                    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
                  }),
                ),
              },
            ],
          },
        ],
        IsTruncated: false,
      },
    ],
    GetAccountPublicAccessBlockCommand: {
      $metadata: meta,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    },
    ListBucketsCommand: {
      $metadata: meta,
      Buckets: [{ Name: 'acme-prod-uploads', CreationDate: d('2023-03-14T08:21:40Z') }],
      Owner: { ID: '79a59df9' },
    },
    GetBucketEncryptionCommand: {
      $metadata: meta,
      ServerSideEncryptionConfiguration: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyId },
            BucketKeyEnabled: true,
          },
        ],
      },
    },
    GetPublicAccessBlockCommand: awsError(
      'NoSuchPublicAccessBlockConfiguration',
      'The public access block configuration was not found',
    ),
    GetBucketVersioningCommand: { $metadata: meta, Status: 'Suspended' },
    GetBucketPolicyStatusCommand: awsError('NoSuchBucketPolicy', 'The bucket policy does not exist'),
    GetBucketLoggingCommand: { $metadata: meta },
    GetBucketAclCommand: {
      $metadata: meta,
      Owner: { ID: '79a59df9' },
      Grants: [{ Grantee: { Type: 'CanonicalUser', ID: '79a59df9' }, Permission: 'FULL_CONTROL' }],
    },
  },
  'eu-west-1': {
    DescribeTrailsCommand: { $metadata: meta, trailList: [trail] },
    GetTrailStatusCommand: {
      $metadata: meta,
      IsLogging: true,
      LatestDeliveryTime: d('2026-06-29T07:11:53Z'),
    },
    ListDetectorsCommand: { $metadata: meta, DetectorIds: ['12abc34d567e8fa901bc2d34e56789f0'] },
    GetDetectorCommand: {
      $metadata: meta,
      Status: 'ENABLED',
      ServiceRole: 'x',
      CreatedAt: '2024-01-09T10:14:22.417Z',
    },
    DescribeDBInstancesCommand: {
      $metadata: meta,
      DBInstances: [
        {
          DBInstanceIdentifier: 'orders-prod',
          DBInstanceArn: `arn:aws:rds:eu-west-1:${account}:db:orders-prod`,
          Engine: 'postgres',
          EngineVersion: '16.3',
          DBInstanceClass: 'db.r6g.large',
          DBInstanceStatus: 'available',
          PubliclyAccessible: false,
          StorageEncrypted: true,
          MultiAZ: true,
          DeletionProtection: true,
          BackupRetentionPeriod: 14,
          InstanceCreateTime: d('2024-01-22T10:14:05Z'),
        },
      ],
    },
    DescribeSecurityGroupsCommand: [
      {
        $metadata: meta,
        SecurityGroups: [
          {
            GroupId: 'sg-0a1b2c3d4e5f60002',
            GroupName: 'bastion',
            VpcId: 'vpc-0a1b2c3d4e5f60718',
            OwnerId: account,
            IpPermissions: [
              {
                IpProtocol: 'tcp',
                FromPort: 22,
                ToPort: 22,
                IpRanges: [{ CidrIp: '0.0.0.0/0' }],
                Ipv6Ranges: [],
                PrefixListIds: [],
                UserIdGroupPairs: [],
              },
            ],
            IpPermissionsEgress: [
              {
                IpProtocol: '-1',
                IpRanges: [{ CidrIp: '0.0.0.0/0' }],
                Ipv6Ranges: [],
                PrefixListIds: [],
                UserIdGroupPairs: [],
              },
            ],
          },
        ],
        NextToken: 'page-2',
      },
      {
        $metadata: meta,
        SecurityGroups: [
          {
            GroupId: 'sg-0a1b2c3d4e5f60001',
            GroupName: 'web-alb',
            VpcId: 'vpc-0a1b2c3d4e5f60718',
            OwnerId: account,
            IpPermissions: [
              {
                IpProtocol: 'tcp',
                FromPort: 443,
                ToPort: 443,
                IpRanges: [{ CidrIp: '0.0.0.0/0' }],
                Ipv6Ranges: [{ CidrIpv6: '::/0' }],
              },
            ],
            IpPermissionsEgress: [],
          },
        ],
      },
    ],
    DescribeVpcsCommand: {
      $metadata: meta,
      Vpcs: [
        { VpcId: 'vpc-0a1b2c3d4e5f60718', CidrBlock: '10.20.0.0/16', IsDefault: false, OwnerId: account },
      ],
    },
    DescribeFlowLogsCommand: {
      $metadata: meta,
      FlowLogs: [
        {
          FlowLogId: 'fl-0a1b2c3d4e5f60718',
          FlowLogStatus: 'ACTIVE',
          ResourceId: 'vpc-0a1b2c3d4e5f60718',
          TrafficType: 'ALL',
          LogDestinationType: 's3',
          CreationTime: d('2024-02-03T11:09:27Z'),
        },
      ],
    },
    ListKeysCommand: {
      $metadata: meta,
      Keys: [
        { KeyId: keyId, KeyArn: `arn:aws:kms:eu-west-1:${account}:key/${keyId}` },
        { KeyId: awsKeyId, KeyArn: `arn:aws:kms:eu-west-1:${account}:key/${awsKeyId}` },
      ],
      Truncated: false,
    },
    DescribeKeyCommand: {
      [keyId]: {
        $metadata: meta,
        KeyMetadata: {
          KeyId: keyId,
          AWSAccountId: account,
          KeyManager: 'CUSTOMER',
          KeySpec: 'SYMMETRIC_DEFAULT',
          KeyUsage: 'ENCRYPT_DECRYPT',
          KeyState: 'Enabled',
          Origin: 'AWS_KMS',
          CreationDate: d('2023-05-10T09:30:41Z'),
        },
      },
      [awsKeyId]: {
        $metadata: meta,
        KeyMetadata: {
          KeyId: awsKeyId,
          AWSAccountId: account,
          KeyManager: 'AWS',
          KeySpec: 'SYMMETRIC_DEFAULT',
          KeyUsage: 'ENCRYPT_DECRYPT',
          KeyState: 'Enabled',
          Origin: 'AWS_KMS',
        },
      },
    },
    GetKeyRotationStatusCommand: { $metadata: meta, KeyRotationEnabled: false },
    ListAliasesCommand: {
      $metadata: meta,
      Aliases: [{ AliasName: 'alias/app-data', TargetKeyId: keyId }],
      Truncated: false,
    },
    ListClustersCommand: { $metadata: meta, clusters: ['prod'] },
    DescribeClusterCommand: {
      $metadata: meta,
      cluster: {
        name: 'prod',
        arn: `arn:aws:eks:eu-west-1:${account}:cluster/prod`,
        version: '1.31',
        createdAt: d('2024-03-18T14:22:09Z'),
        resourcesVpcConfig: {
          endpointPublicAccess: true,
          endpointPrivateAccess: true,
          publicAccessCidrs: ['0.0.0.0/0'],
        },
        logging: {
          clusterLogging: [
            { types: ['api', 'audit'], enabled: true },
            { types: ['scheduler'], enabled: false },
          ],
        },
        encryptionConfig: [{ resources: ['secrets'], provider: { keyArn: 'x' } }],
      },
    },
    DescribeLoadBalancersCommand: {
      $metadata: meta,
      LoadBalancers: [
        {
          LoadBalancerArn: lbArn,
          LoadBalancerName: 'web-public',
          Scheme: 'internet-facing',
          Type: 'application',
          CreatedTime: d('2024-04-02T09:17:55Z'),
        },
      ],
    },
    DescribeListenersCommand: {
      $metadata: meta,
      Listeners: [
        {
          ListenerArn: `${lbArn.replace('loadbalancer', 'listener')}/1`,
          LoadBalancerArn: lbArn,
          Port: 443,
          Protocol: 'HTTPS',
          SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
          DefaultActions: [{ Type: 'forward' }],
        },
        {
          ListenerArn: `${lbArn.replace('loadbalancer', 'listener')}/2`,
          LoadBalancerArn: lbArn,
          Port: 80,
          Protocol: 'HTTP',
          DefaultActions: [{ Type: 'forward' }],
        },
      ],
    },
  },
  'us-east-1': {
    // The multi-region trail shows here too, as a shadow trail.
    DescribeTrailsCommand: { $metadata: meta, trailList: [trail] },
    ListDetectorsCommand: { $metadata: meta, DetectorIds: [] },
    DescribeDBInstancesCommand: { $metadata: meta, DBInstances: [] },
    DescribeSecurityGroupsCommand: { $metadata: meta, SecurityGroups: [] },
    DescribeVpcsCommand: { $metadata: meta, Vpcs: [] },
    DescribeFlowLogsCommand: awsError(
      'UnauthorizedOperation',
      'You are not authorized to perform this operation. User: arn:aws:sts::111122223333:assumed-role/trustctl-readonly/trustctl is not authorized to perform: ec2:DescribeFlowLogs',
    ),
    ListKeysCommand: { $metadata: meta, Keys: [], Truncated: false },
    ListAliasesCommand: { $metadata: meta, Aliases: [], Truncated: false },
    ListClustersCommand: { $metadata: meta, clusters: [] },
    DescribeLoadBalancersCommand: { $metadata: meta, LoadBalancers: [] },
  },
}
