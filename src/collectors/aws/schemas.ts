/**
 * The AWS API responses trustctl reads, as zod schemas over the fields it uses. The AWS CLI prints
 * exactly these shapes as JSON (PascalCase names of the API), and SDK v3 returns them as objects
 * (timestamps as Date): one schema serves both, so the offline and live collectors share a mapping.
 * Unknown fields are kept out of the way (loose objects); fields are optional because old accounts,
 * old CLI versions and partial permissions all leave some out.
 */
import { z } from 'zod'

/** A timestamp as the CLI prints it (ISO string) or the SDK returns it (Date), as ISO 8601. */
const timestamp = z
  .union([z.string(), z.date()])
  .transform((value) => (value instanceof Date ? value.toISOString() : new Date(value).toISOString()))

const strings = z.array(z.string())

export const describeTrails = z.looseObject({
  trailList: z.array(
    z.looseObject({
      Name: z.string(),
      S3BucketName: z.string().optional(),
      IncludeGlobalServiceEvents: z.boolean().optional(),
      IsMultiRegionTrail: z.boolean().optional(),
      HomeRegion: z.string().optional(),
      TrailARN: z.string().optional(),
      LogFileValidationEnabled: z.boolean().optional(),
      CloudWatchLogsLogGroupArn: z.string().optional(),
      KmsKeyId: z.string().optional(),
      IsOrganizationTrail: z.boolean().optional(),
    }),
  ),
})

export const getTrailStatus = z.looseObject({ IsLogging: z.boolean() })

export const listDetectors = z.looseObject({ DetectorIds: strings })

export const getDetector = z.looseObject({ Status: z.enum(['ENABLED', 'DISABLED']) })

export const getAccountPasswordPolicy = z.looseObject({
  PasswordPolicy: z.looseObject({
    MinimumPasswordLength: z.number().optional(),
    RequireSymbols: z.boolean().optional(),
    RequireNumbers: z.boolean().optional(),
    RequireUppercaseCharacters: z.boolean().optional(),
    RequireLowercaseCharacters: z.boolean().optional(),
    AllowUsersToChangePassword: z.boolean().optional(),
    ExpirePasswords: z.boolean().optional(),
    MaxPasswordAge: z.number().optional(),
    PasswordReusePrevention: z.number().optional(),
    HardExpiry: z.boolean().optional(),
  }),
})

export const getAccountSummary = z.looseObject({
  SummaryMap: z.record(z.string(), z.number()),
})

/** `aws iam get-credential-report`: the CSV, base64-encoded. */
export const getCredentialReport = z.looseObject({
  Content: z.string(),
  ReportFormat: z.string().optional(),
  GeneratedTime: timestamp.optional(),
})

/** A policy document: the CLI prints it decoded; the API (and SDK) return it URL-encoded. */
const policyDocument = z.union([z.string(), z.record(z.string(), z.unknown())])

const inlinePolicies = z.array(z.looseObject({ PolicyName: z.string(), PolicyDocument: policyDocument }))
const attachedPolicies = z.array(z.looseObject({ PolicyName: z.string(), PolicyArn: z.string() }))

/** The policy name an IAM policy ARN ends with (`arn:aws:iam::123456789012:policy/team/name`). */
const policyNameOfArn = (arn: string): string | undefined => {
  const name = arn.split(':').at(-1)?.split('/').at(-1)
  return name === undefined || name === '' ? undefined : name
}

export const userDetail = z.looseObject({
  UserName: z.string(),
  Arn: z.string().optional(),
  UserPolicyList: inlinePolicies.optional(),
  AttachedManagedPolicies: attachedPolicies.optional(),
})

export const groupDetail = z.looseObject({
  GroupName: z.string(),
  GroupPolicyList: inlinePolicies.optional(),
  AttachedManagedPolicies: attachedPolicies.optional(),
})

export const roleDetail = z.looseObject({
  RoleName: z.string(),
  RolePolicyList: inlinePolicies.optional(),
  AttachedManagedPolicies: attachedPolicies.optional(),
})

/**
 * A managed policy. Its name is also the last segment of its ARN, so a response that leaves
 * `PolicyName` out (some AWS API emulators do) still names the policy; without either it is unreadable.
 */
export const managedPolicyDetail = z
  .looseObject({
    PolicyName: z.string().optional(),
    Arn: z.string(),
    AttachmentCount: z.number().optional(),
    DefaultVersionId: z.string().optional(),
    PolicyVersionList: z
      .array(
        z.looseObject({
          Document: policyDocument.optional(),
          VersionId: z.string().optional(),
          IsDefaultVersion: z.boolean().optional(),
        }),
      )
      .optional(),
  })
  .transform((p, ctx) => {
    const PolicyName = p.PolicyName ?? policyNameOfArn(p.Arn)
    if (PolicyName === undefined) {
      ctx.addIssue({ code: 'custom', path: ['PolicyName'], message: 'no PolicyName, and the Arn names none' })
      return z.NEVER
    }
    return { ...p, PolicyName }
  })

export const getAccountAuthorizationDetails = z.looseObject({
  UserDetailList: z.array(userDetail).optional(),
  GroupDetailList: z.array(groupDetail).optional(),
  RoleDetailList: z.array(roleDetail).optional(),
  Policies: z.array(managedPolicyDetail).optional(),
})

export const listBuckets = z.looseObject({
  Buckets: z.array(z.looseObject({ Name: z.string(), CreationDate: timestamp.optional() })).optional(),
  Owner: z.looseObject({ ID: z.string().optional() }).optional(),
})

export const getBucketEncryption = z.looseObject({
  ServerSideEncryptionConfiguration: z.looseObject({
    Rules: z.array(
      z.looseObject({
        ApplyServerSideEncryptionByDefault: z
          .looseObject({ SSEAlgorithm: z.string(), KMSMasterKeyID: z.string().optional() })
          .optional(),
        BucketKeyEnabled: z.boolean().optional(),
      }),
    ),
  }),
})

const publicAccessBlockConfiguration = z.looseObject({
  BlockPublicAcls: z.boolean().optional(),
  IgnorePublicAcls: z.boolean().optional(),
  BlockPublicPolicy: z.boolean().optional(),
  RestrictPublicBuckets: z.boolean().optional(),
})

export const getPublicAccessBlock = z.looseObject({
  PublicAccessBlockConfiguration: publicAccessBlockConfiguration,
})

/** An empty object `{}` when versioning was never enabled. */
export const getBucketVersioning = z.looseObject({
  Status: z.enum(['Enabled', 'Suspended']).optional(),
  MFADelete: z.enum(['Enabled', 'Disabled']).optional(),
})

export const getBucketPolicyStatus = z.looseObject({
  PolicyStatus: z.looseObject({ IsPublic: z.boolean().optional() }),
})

/** An empty object (the CLI prints nothing) when logging is off. */
export const getBucketLogging = z.looseObject({
  LoggingEnabled: z.looseObject({ TargetBucket: z.string().optional() }).optional(),
})

export const getBucketAcl = z.looseObject({
  Grants: z
    .array(
      z.looseObject({
        Grantee: z.looseObject({ Type: z.string().optional(), URI: z.string().optional() }).optional(),
        Permission: z.string().optional(),
      }),
    )
    .optional(),
})

export const describeDbInstances = z.looseObject({
  DBInstances: z.array(
    z.looseObject({
      DBInstanceIdentifier: z.string(),
      DBInstanceArn: z.string().optional(),
      DBInstanceClass: z.string().optional(),
      Engine: z.string().optional(),
      EngineVersion: z.string().optional(),
      DBInstanceStatus: z.string().optional(),
      DBClusterIdentifier: z.string().optional(),
      PubliclyAccessible: z.boolean().optional(),
      StorageEncrypted: z.boolean().optional(),
      KmsKeyId: z.string().optional(),
      MultiAZ: z.boolean().optional(),
      DeletionProtection: z.boolean().optional(),
      BackupRetentionPeriod: z.number().optional(),
      AutoMinorVersionUpgrade: z.boolean().optional(),
      IAMDatabaseAuthenticationEnabled: z.boolean().optional(),
      AvailabilityZone: z.string().optional(),
    }),
  ),
})

const ipPermission = z.looseObject({
  IpProtocol: z.string(),
  FromPort: z.number().optional(),
  ToPort: z.number().optional(),
  IpRanges: z.array(z.looseObject({ CidrIp: z.string(), Description: z.string().optional() })).optional(),
  Ipv6Ranges: z.array(z.looseObject({ CidrIpv6: z.string(), Description: z.string().optional() })).optional(),
  PrefixListIds: z.array(z.looseObject({ PrefixListId: z.string() })).optional(),
  UserIdGroupPairs: z.array(z.looseObject({ GroupId: z.string().optional() })).optional(),
})
export type IpPermission = z.infer<typeof ipPermission>

export const describeSecurityGroups = z.looseObject({
  SecurityGroups: z.array(
    z.looseObject({
      GroupId: z.string(),
      GroupName: z.string().optional(),
      Description: z.string().optional(),
      VpcId: z.string().optional(),
      OwnerId: z.string().optional(),
      SecurityGroupArn: z.string().optional(),
      IpPermissions: z.array(ipPermission).optional(),
      IpPermissionsEgress: z.array(ipPermission).optional(),
    }),
  ),
})

export const describeVpcs = z.looseObject({
  Vpcs: z.array(
    z.looseObject({
      VpcId: z.string(),
      CidrBlock: z.string().optional(),
      IsDefault: z.boolean().optional(),
      OwnerId: z.string().optional(),
    }),
  ),
})

export const describeFlowLogs = z.looseObject({
  FlowLogs: z.array(
    z.looseObject({
      FlowLogId: z.string().optional(),
      FlowLogStatus: z.string().optional(),
      ResourceId: z.string(),
      TrafficType: z.string().optional(),
      LogDestinationType: z.string().optional(),
    }),
  ),
})

export const listKeys = z.looseObject({
  Keys: z.array(z.looseObject({ KeyId: z.string(), KeyArn: z.string().optional() })),
})

export const describeKey = z.looseObject({
  KeyMetadata: z.looseObject({
    KeyId: z.string(),
    Arn: z.string().optional(),
    AWSAccountId: z.string().optional(),
    KeyManager: z.enum(['AWS', 'CUSTOMER']).optional(),
    KeySpec: z.string().optional(),
    CustomerMasterKeySpec: z.string().optional(),
    KeyUsage: z.string().optional(),
    KeyState: z.string().optional(),
    Origin: z.string().optional(),
  }),
})

export const getKeyRotationStatus = z.looseObject({
  KeyRotationEnabled: z.boolean(),
  RotationPeriodInDays: z.number().optional(),
})

export const listAliases = z.looseObject({
  Aliases: z.array(z.looseObject({ AliasName: z.string(), TargetKeyId: z.string().optional() })),
})

export const describeCluster = z.looseObject({
  cluster: z.looseObject({
    name: z.string(),
    arn: z.string().optional(),
    version: z.string().optional(),
    logging: z
      .looseObject({
        clusterLogging: z
          .array(z.looseObject({ types: strings.optional(), enabled: z.boolean().optional() }))
          .optional(),
      })
      .optional(),
    resourcesVpcConfig: z
      .looseObject({
        endpointPublicAccess: z.boolean().optional(),
        endpointPrivateAccess: z.boolean().optional(),
        publicAccessCidrs: strings.optional(),
      })
      .optional(),
    encryptionConfig: z.array(z.looseObject({ resources: strings.optional() })).optional(),
  }),
})

export const describeLoadBalancers = z.looseObject({
  LoadBalancers: z.array(
    z.looseObject({
      LoadBalancerArn: z.string(),
      LoadBalancerName: z.string(),
      Scheme: z.string().optional(),
      Type: z.string().optional(),
    }),
  ),
})

export const describeListeners = z.looseObject({
  Listeners: z.array(
    z.looseObject({
      ListenerArn: z.string().optional(),
      LoadBalancerArn: z.string(),
      Port: z.number().optional(),
      Protocol: z.string().optional(),
      SslPolicy: z.string().optional(),
      DefaultActions: z
        .array(
          z.looseObject({
            Type: z.string(),
            RedirectConfig: z.looseObject({ Protocol: z.string().optional() }).optional(),
          }),
        )
        .optional(),
    }),
  ),
})

export const getCallerIdentity = z.looseObject({ Account: z.string() })
