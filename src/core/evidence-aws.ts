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
import { z } from 'zod'
import { deferredSchema } from './deferred-schema.js'
import { type EvidenceTypes, evidenceBaseSchema, evidenceSchema } from './evidence-base.js'
import { iamPolicyDocumentSchema } from './iam-policy.js'

// Schemas are immutable: one instance serves every optional field of its type (cheaper to load).
const optionalString = deferredSchema(() => z.string().exactOptional())
const optionalBoolean = deferredSchema(() => z.boolean().exactOptional())
const optionalNumber = deferredSchema(() => z.number().exactOptional())

/** How the state was read. */
export const awsOriginSchema = deferredSchema(() =>
  z.enum(['live', 'cli-json', 'terraform-plan', 'terraform-hcl', 'cloudformation']),
)
export type AwsOrigin = z.output<typeof awsOriginSchema>

/** Fields every AWS evidence item carries besides the evidence base. */
export const awsResourceBaseShape = {
  /** The 12-digit AWS account id, when known (live: STS; CLI: an ARN or the source settings). */
  account: optionalString,
  /** The region code (`eu-west-1`); undefined for global resources (IAM) or when not known. */
  region: optionalString,
  /** The resource ARN, when known. */
  arn: optionalString,
  /** Where the state came from: the account itself (live or CLI export) or a Terraform plan/source. */
  origin: awsOriginSchema.exactOptional(),
  /**
   * When the state was observed (ISO 8601): collection time for live reads, the credential report's
   * generation time for exports. Ages (of access keys, of passwords) are computed against it, so
   * checks never read a clock. Undefined for planned state.
   */
  observedAt: optionalString,
  /** Fields known only after apply (see the file comment). */
  unknown: z.array(z.string()).exactOptional(),
}

/** The schema of an AWS kind: the evidence base, the AWS base, then the kind's own fields. */
function awsEvidenceSchema<const K extends string, const S extends z.ZodRawShape>(kind: K, shape: S) {
  return evidenceSchema(kind, awsResourceBaseShape).extend(shape)
}

/** The schema every AWS kind extends (for code that handles any AWS item). */
export const awsResourceBaseSchema = deferredSchema(() => evidenceBaseSchema.extend(awsResourceBaseShape))
export type AwsResourceBase = z.output<typeof awsResourceBaseSchema>

/** The four S3 Block Public Access switches, at bucket or account level. */
export const awsPublicAccessBlockSchema = deferredSchema(() =>
  z.strictObject({
    /** Rejects requests that add public ACLs. */
    blockPublicAcls: optionalBoolean,
    /** Ignores public ACLs already present. */
    ignorePublicAcls: optionalBoolean,
    /** Rejects bucket policies that grant public access. */
    blockPublicPolicy: optionalBoolean,
    /** Limits access under a public policy to AWS services and the owner account. */
    restrictPublicBuckets: optionalBoolean,
  }),
)
export type AwsPublicAccessBlock = z.output<typeof awsPublicAccessBlockSchema>

/** The account's IAM password policy as AWS reports it. */
export const awsPasswordPolicySchema = deferredSchema(() =>
  z.strictObject({
    minimumLength: optionalNumber,
    requireUppercase: optionalBoolean,
    requireLowercase: optionalBoolean,
    requireNumbers: optionalBoolean,
    requireSymbols: optionalBoolean,
    /** Days after which a password expires; undefined = never. */
    maxAgeDays: optionalNumber,
    /** How many previous passwords cannot be reused; undefined = none remembered. */
    reusePrevention: optionalNumber,
    allowUsersToChangePassword: optionalBoolean,
    /** True when an expired password can only be reset by an administrator. */
    hardExpiry: optionalBoolean,
  }),
)
export type AwsPasswordPolicy = z.output<typeof awsPasswordPolicySchema>

/** The account as a whole: root user and account-wide settings. */
export const awsAccountSchema = deferredSchema(() =>
  awsEvidenceSchema('aws.account', {
    /** True when the root user has at least one active access key. */
    rootAccessKeysPresent: optionalBoolean,
    /** True when the root user has an MFA device. */
    rootMfaEnabled: optionalBoolean,
    /** When the root user's password or keys were last used (ISO 8601); undefined when never or unknown. */
    rootLastUsedAt: optionalString,
    /** The IAM password policy; `null` when the account has none (AWS defaults apply). */
    passwordPolicy: awsPasswordPolicySchema.nullable().exactOptional(),
    /** The account-level S3 Block Public Access settings; `null` when none are set. */
    s3PublicAccessBlock: awsPublicAccessBlockSchema.nullable().exactOptional(),
  }),
)
export type AwsAccount = z.output<typeof awsAccountSchema>

/** An IAM access key. The secret is never read; the key id is masked (`AKIA…WXYZ`). */
export const awsAccessKeySchema = deferredSchema(() =>
  z.strictObject({
    /** Masked key id: prefix and last four characters only. Undefined when the source gives no id (credential report). */
    maskedId: optionalString,
    active: z.boolean(),
    /** When the key was created or last rotated (ISO 8601). */
    createdAt: optionalString,
    /** When the key was last used (ISO 8601); undefined when never used or unknown. */
    lastUsedAt: optionalString,
    /** The service the key was last used with (`s3`), when known. */
    lastUsedService: optionalString,
  }),
)
export type AwsAccessKey = z.output<typeof awsAccessKeySchema>

/** An IAM user (not the root user, which is on `aws.account`). */
export const awsIamUserSchema = deferredSchema(() =>
  awsEvidenceSchema('aws.iam-user', {
    createdAt: optionalString,
    /** True when the user has a console password (can sign in to the console). */
    consoleAccess: optionalBoolean,
    /** When the console password was last used (ISO 8601). */
    passwordLastUsedAt: optionalString,
    /** When the console password was last changed (ISO 8601). */
    passwordLastChangedAt: optionalString,
    /** True when the user has at least one MFA device. */
    mfaEnabled: optionalBoolean,
    /** The user's access keys; undefined when they were not collected (not: an empty list). */
    accessKeys: z.array(awsAccessKeySchema).exactOptional(),
  }),
)
export type AwsIamUser = z.output<typeof awsIamUserSchema>

/** An IAM policy: customer- or AWS-managed, or inline on a user, group or role. */
export const awsIamPolicySchema = deferredSchema(() =>
  awsEvidenceSchema('aws.iam-policy', {
    /** Who maintains it: AWS, the customer (managed policy) or inline on one principal. */
    managedBy: z.enum(['aws', 'customer', 'inline']).exactOptional(),
    /** Principals the policy is attached to, where known. */
    attachedTo: z
      .array(z.strictObject({ type: z.enum(['user', 'group', 'role']), name: z.string() }))
      .exactOptional(),
    /** Number of attachments as AWS counts them (managed policies). */
    attachmentCount: optionalNumber,
    /** The default (active) version's document, read by `readIamPolicy`; undefined when not collected. */
    document: iamPolicyDocumentSchema.exactOptional(),
  }),
)
export type AwsIamPolicy = z.output<typeof awsIamPolicySchema>

/** Default encryption of an S3 bucket (the first rule of its configuration). */
export const awsBucketEncryptionSchema = deferredSchema(() =>
  z.strictObject({
    /** `AES256` (SSE-S3), `aws:kms` (SSE-KMS) or `aws:kms:dsse`. */
    algorithm: optionalString,
    kmsKeyId: optionalString,
    bucketKeyEnabled: optionalBoolean,
  }),
)
export type AwsBucketEncryption = z.output<typeof awsBucketEncryptionSchema>

export const awsS3BucketSchema = deferredSchema(() =>
  awsEvidenceSchema('aws.s3-bucket', {
    createdAt: optionalString,
    /** Default encryption; `null` when the bucket has no configuration (only possible before 2023 or in plans). */
    encryption: awsBucketEncryptionSchema.nullable().exactOptional(),
    /** The bucket's Block Public Access settings; `null` when none are set. */
    publicAccessBlock: awsPublicAccessBlockSchema.nullable().exactOptional(),
    /** The owning account's Block Public Access settings, copied here so a check sees both levels. */
    accountPublicAccessBlock: awsPublicAccessBlockSchema.nullable().exactOptional(),
    /** `Enabled`, `Suspended`, or `Disabled` (never enabled: AWS returns no Status). */
    versioning: z.enum(['Enabled', 'Suspended', 'Disabled']).exactOptional(),
    mfaDelete: optionalBoolean,
    /** True when server access logging is configured. */
    loggingEnabled: optionalBoolean,
    /** True when the bucket policy makes the bucket public (AWS's policy status `IsPublic`). */
    policyPublic: optionalBoolean,
    /** True when an ACL grant goes to everyone or to any authenticated AWS user. */
    aclPublic: optionalBoolean,
  }),
)
export type AwsS3Bucket = z.output<typeof awsS3BucketSchema>

/** An RDS DB instance. */
export const awsDbInstanceSchema = deferredSchema(() =>
  awsEvidenceSchema('aws.db-instance', {
    /** `postgres`, `mysql`, `aurora-postgresql`, … */
    engine: optionalString,
    engineVersion: optionalString,
    instanceClass: optionalString,
    /** The Aurora cluster the instance belongs to: storage, backups and failover are cluster properties then. */
    clusterIdentifier: optionalString,
    /** True when the instance has a public DNS name reachable from outside the VPC. */
    publiclyAccessible: optionalBoolean,
    storageEncrypted: optionalBoolean,
    kmsKeyId: optionalString,
    /** True for a standby in another availability zone. */
    multiAz: optionalBoolean,
    deletionProtection: optionalBoolean,
    /** Days automated backups are kept; 0 = automated backups off. */
    backupRetentionDays: optionalNumber,
    autoMinorVersionUpgrade: optionalBoolean,
    iamAuthentication: optionalBoolean,
    /** `available`, `stopped`, … */
    status: optionalString,
  }),
)
export type AwsDbInstance = z.output<typeof awsDbInstanceSchema>

/** One ingress or egress rule of a security group, as one permission entry of the API. */
export const awsSecurityGroupRuleSchema = deferredSchema(() =>
  z.strictObject({
    /** `tcp`, `udp`, `icmp`, `icmpv6`, a protocol number, or `-1` for all traffic. */
    protocol: z.string(),
    /** First port of the range; undefined for all-traffic rules. */
    fromPort: optionalNumber,
    toPort: optionalNumber,
    ipv4Ranges: z.array(z.string()),
    ipv6Ranges: z.array(z.string()),
    prefixListIds: z.array(z.string()),
    /** Other security groups allowed as source/destination. */
    sourceGroups: z.array(z.string()),
    description: optionalString,
  }),
)
export type AwsSecurityGroupRule = z.output<typeof awsSecurityGroupRuleSchema>

export const awsSecurityGroupSchema = deferredSchema(() =>
  awsEvidenceSchema('aws.security-group', {
    groupId: optionalString,
    groupName: optionalString,
    vpcId: optionalString,
    description: optionalString,
    ingress: z.array(awsSecurityGroupRuleSchema),
    egress: z.array(awsSecurityGroupRuleSchema),
  }),
)
export type AwsSecurityGroup = z.output<typeof awsSecurityGroupSchema>

export const awsFlowLogSchema = deferredSchema(() =>
  z.strictObject({
    id: optionalString,
    /** `ACTIVE` when delivering. */
    status: optionalString,
    /** `ALL`, `ACCEPT` or `REJECT`. */
    trafficType: optionalString,
    /** `cloud-watch-logs`, `s3` or `kinesis-data-firehose`. */
    destinationType: optionalString,
  }),
)
export type AwsFlowLog = z.output<typeof awsFlowLogSchema>

export const awsVpcSchema = deferredSchema(() =>
  awsEvidenceSchema('aws.vpc', {
    vpcId: optionalString,
    isDefault: optionalBoolean,
    cidrBlock: optionalString,
    /** Flow logs attached to the VPC; undefined when flow logs were not collected. */
    flowLogs: z.array(awsFlowLogSchema).exactOptional(),
  }),
)
export type AwsVpc = z.output<typeof awsVpcSchema>

export const awsCloudTrailSchema = deferredSchema(() =>
  awsEvidenceSchema('aws.cloudtrail', {
    homeRegion: optionalString,
    multiRegion: optionalBoolean,
    organizationTrail: optionalBoolean,
    logFileValidation: optionalBoolean,
    /** True when the trail is recording (`get-trail-status` IsLogging). */
    logging: optionalBoolean,
    includeGlobalServiceEvents: optionalBoolean,
    kmsKeyId: optionalString,
    cloudWatchLogsGroupArn: optionalString,
    s3BucketName: optionalString,
  }),
)
export type AwsCloudTrail = z.output<typeof awsCloudTrailSchema>

export const awsKmsKeySchema = deferredSchema(() =>
  awsEvidenceSchema('aws.kms-key', {
    keyId: optionalString,
    /** `CUSTOMER` or `AWS` (AWS-managed keys rotate on AWS's schedule). */
    keyManager: z.enum(['CUSTOMER', 'AWS']).exactOptional(),
    /** `SYMMETRIC_DEFAULT`, `RSA_2048`, `HMAC_256`, …: only symmetric keys support automatic rotation. */
    keySpec: optionalString,
    /** `ENCRYPT_DECRYPT`, `SIGN_VERIFY`, `GENERATE_VERIFY_MAC`, … */
    keyUsage: optionalString,
    /** `Enabled`, `Disabled`, `PendingDeletion`, … */
    keyState: optionalString,
    /** `AWS_KMS`, `EXTERNAL` (imported material: cannot rotate automatically), `AWS_CLOUDHSM`, … */
    keyOrigin: optionalString,
    rotationEnabled: optionalBoolean,
    rotationPeriodDays: optionalNumber,
    aliases: z.array(z.string()).exactOptional(),
  }),
)
export type AwsKmsKey = z.output<typeof awsKmsKeySchema>

/**
 * The threat-detection (GuardDuty) state of one region: one item per region collected, also when
 * the region has no detector at all, so "every region" can be judged.
 */
export const awsGuardDutyDetectorSchema = deferredSchema(() =>
  awsEvidenceSchema('aws.guardduty-detector', {
    /** Undefined when the region has no detector. */
    detectorId: optionalString,
    /** `ENABLED`, `DISABLED`, or `ABSENT` when the region has no detector. */
    status: z.enum(['ENABLED', 'DISABLED', 'ABSENT']).exactOptional(),
  }),
)
export type AwsGuardDutyDetector = z.output<typeof awsGuardDutyDetectorSchema>

export const awsEksClusterSchema = deferredSchema(() =>
  awsEvidenceSchema('aws.eks-cluster', {
    version: optionalString,
    /** Control-plane log types sent to CloudWatch (`api`, `audit`, `authenticator`, `controllerManager`, `scheduler`). */
    enabledLogTypes: z.array(z.string()).exactOptional(),
    endpointPublicAccess: optionalBoolean,
    endpointPrivateAccess: optionalBoolean,
    /** CIDRs allowed to reach the public endpoint (`0.0.0.0/0` when unrestricted). */
    publicAccessCidrs: z.array(z.string()).exactOptional(),
    /** True when Kubernetes Secrets are envelope-encrypted with a KMS key. */
    secretsEncrypted: optionalBoolean,
  }),
)
export type AwsEksCluster = z.output<typeof awsEksClusterSchema>

/** A listener of a load balancer (ALB, NLB, classic). */
export const awsLoadBalancerListenerSchema = deferredSchema(() =>
  awsEvidenceSchema('aws.load-balancer-listener', {
    loadBalancerName: optionalString,
    /** `application`, `network`, `gateway` or `classic`. */
    loadBalancerType: optionalString,
    /** `internet-facing` or `internal`. */
    scheme: optionalString,
    port: optionalNumber,
    /** `HTTP`, `HTTPS`, `TCP`, `TLS`, `UDP`, `TCP_UDP`, `GENEVE`, `SSL`. */
    protocol: optionalString,
    /** The TLS negotiation policy (`ELBSecurityPolicy-TLS13-1-2-2021-06`). */
    sslPolicy: optionalString,
    /** True when the default action redirects to HTTPS. */
    redirectsToHttps: optionalBoolean,
  }),
)
export type AwsLoadBalancerListener = z.output<typeof awsLoadBalancerListenerSchema>

/** Evidence kinds of this domain by name; `evidence.ts` joins them into the registry. */
export const awsEvidenceSchemas = {
  'aws.account': awsAccountSchema,
  'aws.iam-user': awsIamUserSchema,
  'aws.iam-policy': awsIamPolicySchema,
  'aws.s3-bucket': awsS3BucketSchema,
  'aws.db-instance': awsDbInstanceSchema,
  'aws.security-group': awsSecurityGroupSchema,
  'aws.vpc': awsVpcSchema,
  'aws.cloudtrail': awsCloudTrailSchema,
  'aws.kms-key': awsKmsKeySchema,
  'aws.guardduty-detector': awsGuardDutyDetectorSchema,
  'aws.eks-cluster': awsEksClusterSchema,
  'aws.load-balancer-listener': awsLoadBalancerListenerSchema,
} as const
export type AwsEvidenceKinds = EvidenceTypes<typeof awsEvidenceSchemas>
