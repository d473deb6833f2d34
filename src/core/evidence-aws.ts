/**
 * AWS account state, read from the account (SDK or CLI JSON) or planned in Terraform: one shape for both, so every check runs on either.
 * Collectors fill these shapes; checks read them. Evidence states facts only.
 *
 * Conventions for every kind below:
 * - A field left undefined was not collected (the export lacks the file, the API did not return it,
 *   the plan does not know it). Checks treat undefined as "cannot tell", never as the good state.
 * - `null` where a type allows it means the setting is known to be absent in AWS (no password
 *   policy, no default encryption configuration, no public access block).
 * - `unknown` lists the fields (dot paths in this item's own field names, e.g. `storageEncrypted`,
 *   `publicAccessBlock.blockPublicAcls`, `ingress`) whose value is known only after `terraform apply`.
 *   A check that needs one of them calls `result.undetermined`.
 * - `resourceKind` is the AWS name for account state (`S3Bucket`, `DBInstance`, `SecurityGroup`,
 *   `IamUser`, `IamPolicy`, `IamInlinePolicy`, …) and the Terraform resource type for planned state
 *   (`aws_s3_bucket`); `name` is the identifier (bucket name, DB identifier, group id, trail name,
 *   key id, region for GuardDuty) or the Terraform address.
 */
import type { EvidenceBase } from './evidence.js'
import type { IamPolicyDocument } from './iam-policy.js'

/** How the state was read. */
export type AwsOrigin = 'live' | 'cli-json' | 'terraform-plan' | 'terraform-hcl' | 'cloudformation'

/** Fields every AWS evidence item carries besides `EvidenceBase`. */
export interface AwsResourceBase extends EvidenceBase {
  /** The 12-digit AWS account id, when known (live: STS; CLI: an ARN or the source settings). */
  account?: string
  /** The region code (`eu-west-1`); undefined for global resources (IAM) or when not known. */
  region?: string
  /** The resource ARN, when known. */
  arn?: string
  /** Where the state came from: the account itself (live or CLI export) or a Terraform plan/source. */
  origin?: AwsOrigin
  /**
   * When the state was observed (ISO 8601): collection time for live reads, the credential report's
   * generation time for exports. Ages (of access keys, of passwords) are computed against it, so
   * checks never read a clock. Undefined for planned state.
   */
  observedAt?: string
  /** Fields known only after apply (see the file comment). */
  unknown?: string[]
}

/** The four S3 Block Public Access switches, at bucket or account level. */
export interface AwsPublicAccessBlock {
  /** Rejects requests that add public ACLs. */
  blockPublicAcls?: boolean
  /** Ignores public ACLs already present. */
  ignorePublicAcls?: boolean
  /** Rejects bucket policies that grant public access. */
  blockPublicPolicy?: boolean
  /** Limits access under a public policy to AWS services and the owner account. */
  restrictPublicBuckets?: boolean
}

/** The account's IAM password policy as AWS reports it. */
export interface AwsPasswordPolicy {
  minimumLength?: number
  requireUppercase?: boolean
  requireLowercase?: boolean
  requireNumbers?: boolean
  requireSymbols?: boolean
  /** Days after which a password expires; undefined = never. */
  maxAgeDays?: number
  /** How many previous passwords cannot be reused; undefined = none remembered. */
  reusePrevention?: number
  allowUsersToChangePassword?: boolean
  /** True when an expired password can only be reset by an administrator. */
  hardExpiry?: boolean
}

/** The account as a whole: root user and account-wide settings. */
export interface AwsAccount extends AwsResourceBase {
  kind: 'aws.account'
  /** True when the root user has at least one active access key. */
  rootAccessKeysPresent?: boolean
  /** True when the root user has an MFA device. */
  rootMfaEnabled?: boolean
  /** When the root user's password or keys were last used (ISO 8601); undefined when never or unknown. */
  rootLastUsedAt?: string
  /** The IAM password policy; `null` when the account has none (AWS defaults apply). */
  passwordPolicy?: AwsPasswordPolicy | null
  /** The account-level S3 Block Public Access settings; `null` when none are set. */
  s3PublicAccessBlock?: AwsPublicAccessBlock | null
}

/** An IAM access key. The secret is never read; the key id is masked (`AKIA…WXYZ`). */
export interface AwsAccessKey {
  /** Masked key id: prefix and last four characters only. Undefined when the source gives no id (credential report). */
  maskedId?: string
  active: boolean
  /** When the key was created or last rotated (ISO 8601). */
  createdAt?: string
  /** When the key was last used (ISO 8601); undefined when never used or unknown. */
  lastUsedAt?: string
  /** The service the key was last used with (`s3`), when known. */
  lastUsedService?: string
}

/** An IAM user (not the root user, which is on `aws.account`). */
export interface AwsIamUser extends AwsResourceBase {
  kind: 'aws.iam-user'
  createdAt?: string
  /** True when the user has a console password (can sign in to the console). */
  consoleAccess?: boolean
  /** When the console password was last used (ISO 8601). */
  passwordLastUsedAt?: string
  /** When the console password was last changed (ISO 8601). */
  passwordLastChangedAt?: string
  /** True when the user has at least one MFA device. */
  mfaEnabled?: boolean
  /** The user's access keys; undefined when they were not collected (not: an empty list). */
  accessKeys?: AwsAccessKey[]
}

/** An IAM policy: customer- or AWS-managed, or inline on a user, group or role. */
export interface AwsIamPolicy extends AwsResourceBase {
  kind: 'aws.iam-policy'
  /** Who maintains it: AWS, the customer (managed policy) or inline on one principal. */
  managedBy?: 'aws' | 'customer' | 'inline'
  /** Principals the policy is attached to, where known. */
  attachedTo?: { type: 'user' | 'group' | 'role'; name: string }[]
  /** Number of attachments as AWS counts them (managed policies). */
  attachmentCount?: number
  /** The default (active) version's document, read by `readIamPolicy`; undefined when not collected. */
  document?: IamPolicyDocument
}

/** Default encryption of an S3 bucket (the first rule of its configuration). */
export interface AwsBucketEncryption {
  /** `AES256` (SSE-S3), `aws:kms` (SSE-KMS) or `aws:kms:dsse`. */
  algorithm?: string
  kmsKeyId?: string
  bucketKeyEnabled?: boolean
}

export interface AwsS3Bucket extends AwsResourceBase {
  kind: 'aws.s3-bucket'
  createdAt?: string
  /** Default encryption; `null` when the bucket has no configuration (only possible before 2023 or in plans). */
  encryption?: AwsBucketEncryption | null
  /** The bucket's Block Public Access settings; `null` when none are set. */
  publicAccessBlock?: AwsPublicAccessBlock | null
  /** The owning account's Block Public Access settings, copied here so a check sees both levels. */
  accountPublicAccessBlock?: AwsPublicAccessBlock | null
  /** `Enabled`, `Suspended`, or `Disabled` (never enabled: AWS returns no Status). */
  versioning?: 'Enabled' | 'Suspended' | 'Disabled'
  mfaDelete?: boolean
  /** True when server access logging is configured. */
  loggingEnabled?: boolean
  /** True when the bucket policy makes the bucket public (AWS's policy status `IsPublic`). */
  policyPublic?: boolean
  /** True when an ACL grant goes to everyone or to any authenticated AWS user. */
  aclPublic?: boolean
}

/** An RDS DB instance. */
export interface AwsDbInstance extends AwsResourceBase {
  kind: 'aws.db-instance'
  /** `postgres`, `mysql`, `aurora-postgresql`, … */
  engine?: string
  engineVersion?: string
  instanceClass?: string
  /** The Aurora cluster the instance belongs to: storage, backups and failover are cluster properties then. */
  clusterIdentifier?: string
  /** True when the instance has a public DNS name reachable from outside the VPC. */
  publiclyAccessible?: boolean
  storageEncrypted?: boolean
  kmsKeyId?: string
  /** True for a standby in another availability zone. */
  multiAz?: boolean
  deletionProtection?: boolean
  /** Days automated backups are kept; 0 = automated backups off. */
  backupRetentionDays?: number
  autoMinorVersionUpgrade?: boolean
  iamAuthentication?: boolean
  /** `available`, `stopped`, … */
  status?: string
}

/** One ingress or egress rule of a security group, as one permission entry of the API. */
export interface AwsSecurityGroupRule {
  /** `tcp`, `udp`, `icmp`, `icmpv6`, a protocol number, or `-1` for all traffic. */
  protocol: string
  /** First port of the range; undefined for all-traffic rules. */
  fromPort?: number
  toPort?: number
  ipv4Ranges: string[]
  ipv6Ranges: string[]
  prefixListIds: string[]
  /** Other security groups allowed as source/destination. */
  sourceGroups: string[]
  description?: string
}

export interface AwsSecurityGroup extends AwsResourceBase {
  kind: 'aws.security-group'
  groupId?: string
  groupName?: string
  vpcId?: string
  description?: string
  ingress: AwsSecurityGroupRule[]
  egress: AwsSecurityGroupRule[]
}

export interface AwsFlowLog {
  id?: string
  /** `ACTIVE` when delivering. */
  status?: string
  /** `ALL`, `ACCEPT` or `REJECT`. */
  trafficType?: string
  /** `cloud-watch-logs`, `s3` or `kinesis-data-firehose`. */
  destinationType?: string
}

export interface AwsVpc extends AwsResourceBase {
  kind: 'aws.vpc'
  vpcId?: string
  isDefault?: boolean
  cidrBlock?: string
  /** Flow logs attached to the VPC; undefined when flow logs were not collected. */
  flowLogs?: AwsFlowLog[]
}

export interface AwsCloudTrail extends AwsResourceBase {
  kind: 'aws.cloudtrail'
  homeRegion?: string
  multiRegion?: boolean
  organizationTrail?: boolean
  logFileValidation?: boolean
  /** True when the trail is recording (`get-trail-status` IsLogging). */
  logging?: boolean
  includeGlobalServiceEvents?: boolean
  kmsKeyId?: string
  cloudWatchLogsGroupArn?: string
  s3BucketName?: string
}

export interface AwsKmsKey extends AwsResourceBase {
  kind: 'aws.kms-key'
  keyId?: string
  /** `CUSTOMER` or `AWS` (AWS-managed keys rotate on AWS's schedule). */
  keyManager?: 'CUSTOMER' | 'AWS'
  /** `SYMMETRIC_DEFAULT`, `RSA_2048`, `HMAC_256`, …: only symmetric keys support automatic rotation. */
  keySpec?: string
  /** `ENCRYPT_DECRYPT`, `SIGN_VERIFY`, `GENERATE_VERIFY_MAC`, … */
  keyUsage?: string
  /** `Enabled`, `Disabled`, `PendingDeletion`, … */
  keyState?: string
  /** `AWS_KMS`, `EXTERNAL` (imported material: cannot rotate automatically), `AWS_CLOUDHSM`, … */
  keyOrigin?: string
  rotationEnabled?: boolean
  rotationPeriodDays?: number
  aliases?: string[]
}

/**
 * The threat-detection (GuardDuty) state of one region: one item per region collected, also when
 * the region has no detector at all, so "every region" can be judged.
 */
export interface AwsGuardDutyDetector extends AwsResourceBase {
  kind: 'aws.guardduty-detector'
  /** Undefined when the region has no detector. */
  detectorId?: string
  /** `ENABLED`, `DISABLED`, or `ABSENT` when the region has no detector. */
  status?: 'ENABLED' | 'DISABLED' | 'ABSENT'
}

export interface AwsEksCluster extends AwsResourceBase {
  kind: 'aws.eks-cluster'
  version?: string
  /** Control-plane log types sent to CloudWatch (`api`, `audit`, `authenticator`, `controllerManager`, `scheduler`). */
  enabledLogTypes?: string[]
  endpointPublicAccess?: boolean
  endpointPrivateAccess?: boolean
  /** CIDRs allowed to reach the public endpoint (`0.0.0.0/0` when unrestricted). */
  publicAccessCidrs?: string[]
  /** True when Kubernetes Secrets are envelope-encrypted with a KMS key. */
  secretsEncrypted?: boolean
}

/** A listener of a load balancer (ALB, NLB, classic). */
export interface AwsLoadBalancerListener extends AwsResourceBase {
  kind: 'aws.load-balancer-listener'
  loadBalancerName?: string
  /** `application`, `network`, `gateway` or `classic`. */
  loadBalancerType?: string
  /** `internet-facing` or `internal`. */
  scheme?: string
  port?: number
  /** `HTTP`, `HTTPS`, `TCP`, `TLS`, `UDP`, `TCP_UDP`, `GENEVE`, `SSL`. */
  protocol?: string
  /** The TLS negotiation policy (`ELBSecurityPolicy-TLS13-1-2-2021-06`). */
  sslPolicy?: string
  /** True when the default action redirects to HTTPS. */
  redirectsToHttps?: boolean
}

/** Evidence kinds of this domain by name; `evidence.ts` joins them into `EvidenceKinds`. */
export interface AwsEvidenceKinds {
  'aws.account': AwsAccount
  'aws.iam-user': AwsIamUser
  'aws.iam-policy': AwsIamPolicy
  'aws.s3-bucket': AwsS3Bucket
  'aws.db-instance': AwsDbInstance
  'aws.security-group': AwsSecurityGroup
  'aws.vpc': AwsVpc
  'aws.cloudtrail': AwsCloudTrail
  'aws.kms-key': AwsKmsKey
  'aws.guardduty-detector': AwsGuardDutyDetector
  'aws.eks-cluster': AwsEksCluster
  'aws.load-balancer-listener': AwsLoadBalancerListener
}

export const awsEvidenceKinds: readonly (keyof AwsEvidenceKinds)[] = [
  'aws.account',
  'aws.iam-user',
  'aws.iam-policy',
  'aws.s3-bucket',
  'aws.db-instance',
  'aws.security-group',
  'aws.vpc',
  'aws.cloudtrail',
  'aws.kms-key',
  'aws.guardduty-detector',
  'aws.eks-cluster',
  'aws.load-balancer-listener',
]
