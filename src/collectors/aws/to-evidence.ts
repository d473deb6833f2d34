/**
 * Maps an account snapshot (API responses) to AWS evidence. Shared by the offline (CLI JSON) and live
 * (SDK) collectors, so both produce the same evidence for the same account.
 */

import type { CollectionError, EvidenceItem } from '../../core/evidence.js'
import type {
  AwsAccessKey,
  AwsAccount,
  AwsCloudTrail,
  AwsDbInstance,
  AwsEksCluster,
  AwsGuardDutyDetector,
  AwsIamPolicy,
  AwsIamUser,
  AwsKmsKey,
  AwsLoadBalancerListener,
  AwsPublicAccessBlock,
  AwsResourceBase,
  AwsS3Bucket,
  AwsSecurityGroup,
  AwsSecurityGroupRule,
  AwsVpc,
} from '../../core/evidence-aws.js'
import { type IamPolicyDocument, readIamPolicy } from '../../core/iam-policy.js'
import {
  type CredentialReportRow,
  parseCredentialReport,
  reportBoolean,
  reportDate,
} from './credential-report.js'
import type { IpPermission } from './schemas.js'
import type { AccountSnapshot, RegionSnapshot } from './snapshot.js'

/** Drops undefined fields, so optional evidence fields are absent rather than set to `undefined`. */
function compact<T extends object>(item: { [K in keyof T]: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(item).filter(([, v]) => v !== undefined)) as T
}

/** The account id of an ARN (`arn:aws:iam::123456789012:user/x`), if it has one. */
export function accountOfArn(arn: string | undefined): string | undefined {
  const id = arn?.split(':')[4]
  return id !== undefined && /^\d{12}$/.test(id) ? id : undefined
}

interface Mapped {
  evidence: EvidenceItem[]
  errors: CollectionError[]
}

type Common = Pick<AwsResourceBase, 'account' | 'origin' | 'observedAt'>

/** Maps every response in the snapshot; a response that cannot be read becomes an error, not a stop. */
export function snapshotToEvidence(snapshot: AccountSnapshot): Mapped {
  const out: Mapped = { evidence: [], errors: [] }
  const common: Common = compact<Common>({
    account: snapshot.account,
    origin: snapshot.origin,
    observedAt: snapshot.observedAt,
  })
  const rows = readCredentialReport(snapshot, out.errors)
  const account = accountItem(snapshot, rows, common)
  if (account !== undefined) out.evidence.push(account)
  out.evidence.push(...userItems(snapshot, rows, common))
  out.evidence.push(...policyItems(snapshot, common, out.errors))
  out.evidence.push(...bucketItems(snapshot, common))
  const seenTrails = new Set<string>()
  for (const region of snapshot.regions) {
    const regional: Common & { region?: string } = compact({ ...common, region: region.region })
    out.evidence.push(
      ...trailItems(region, regional, seenTrails),
      ...detectorItems(region, regional),
      ...dbItems(region, regional),
      ...securityGroupItems(region, regional),
      ...vpcItems(region, regional),
      ...keyItems(region, regional),
      ...clusterItems(region, regional),
      ...listenerItems(region, regional),
    )
  }
  return out
}

function readCredentialReport(snapshot: AccountSnapshot, errors: CollectionError[]): CredentialReportRow[] {
  const report = snapshot.credentialReport
  if (report === undefined) return []
  try {
    return parseCredentialReport(report.data.csv)
  } catch (error) {
    errors.push({ file: report.file, message: error instanceof Error ? error.message : String(error) })
    return []
  }
}

// ---------------------------------------------------------------------------------------------
// IAM

function publicAccessBlock(
  config: { PublicAccessBlockConfiguration: Record<string, unknown> } | null,
): AwsPublicAccessBlock | null {
  if (config === null) return null
  const c = config.PublicAccessBlockConfiguration
  const flag = (key: string) => (typeof c[key] === 'boolean' ? c[key] : undefined)
  return compact<AwsPublicAccessBlock>({
    blockPublicAcls: flag('BlockPublicAcls'),
    ignorePublicAcls: flag('IgnorePublicAcls'),
    blockPublicPolicy: flag('BlockPublicPolicy'),
    restrictPublicBuckets: flag('RestrictPublicBuckets'),
  })
}

function accountItem(
  snapshot: AccountSnapshot,
  rows: CredentialReportRow[],
  common: Common,
): AwsAccount | undefined {
  const root = rows.find((r) => r.user === '<root_account>')
  const summary = snapshot.accountSummary?.data.SummaryMap
  const file =
    snapshot.credentialReport?.file ??
    snapshot.accountSummary?.file ??
    snapshot.passwordPolicy?.file ??
    snapshot.accountPublicAccessBlock?.file
  if (file === undefined) return undefined
  const fromSummary = (key: string) => (summary?.[key] === undefined ? undefined : summary[key] > 0)
  const rootKeys =
    root === undefined
      ? fromSummary('AccountAccessKeysPresent')
      : reportBoolean(root.access_key_1_active) === true || reportBoolean(root.access_key_2_active) === true
  const rootUses = [
    root?.password_last_used,
    root?.access_key_1_last_used_date,
    root?.access_key_2_last_used_date,
  ]
    .map(reportDate)
    .filter((d): d is string => d !== undefined)
    .sort()
  const policy = snapshot.passwordPolicy?.data
  const p = policy?.PasswordPolicy
  const account = common.account ?? accountOfArn(root?.arn)
  return compact<AwsAccount>({
    ...common,
    kind: 'aws.account',
    resourceKind: 'AwsAccount',
    name: account ?? 'account',
    file,
    account,
    observedAt: snapshot.credentialReport?.data.generatedAt ?? common.observedAt,
    rootAccessKeysPresent: rootKeys,
    rootMfaEnabled: root === undefined ? fromSummary('AccountMFAEnabled') : reportBoolean(root.mfa_active),
    rootLastUsedAt: rootUses.at(-1),
    passwordPolicy:
      policy === undefined
        ? undefined
        : p === undefined
          ? null
          : compact({
              minimumLength: p.MinimumPasswordLength,
              requireUppercase: p.RequireUppercaseCharacters,
              requireLowercase: p.RequireLowercaseCharacters,
              requireNumbers: p.RequireNumbers,
              requireSymbols: p.RequireSymbols,
              maxAgeDays: p.ExpirePasswords === false ? undefined : p.MaxPasswordAge,
              reusePrevention: p.PasswordReusePrevention,
              allowUsersToChangePassword: p.AllowUsersToChangePassword,
              hardExpiry: p.HardExpiry,
            }),
    s3PublicAccessBlock:
      snapshot.accountPublicAccessBlock === undefined
        ? undefined
        : publicAccessBlock(snapshot.accountPublicAccessBlock.data),
  })
}

function reportKey(row: CredentialReportRow, n: 1 | 2): AwsAccessKey | undefined {
  const active = reportBoolean(row[`access_key_${n}_active`])
  const createdAt = reportDate(row[`access_key_${n}_last_rotated`])
  // A slot never used holds `false` and `N/A`: there is no key.
  if (active !== true && createdAt === undefined) return undefined
  const service = row[`access_key_${n}_last_used_service`]
  return compact<AwsAccessKey>({
    active: active === true,
    createdAt,
    lastUsedAt: reportDate(row[`access_key_${n}_last_used_date`]),
    lastUsedService: service === undefined || service === 'N/A' ? undefined : service,
  })
}

function userItems(snapshot: AccountSnapshot, rows: CredentialReportRow[], common: Common): AwsIamUser[] {
  const report = snapshot.credentialReport
  if (report !== undefined) {
    return rows
      .filter((r) => r.user !== '<root_account>' && r.user !== undefined)
      .map((row) =>
        compact<AwsIamUser>({
          ...common,
          kind: 'aws.iam-user',
          resourceKind: 'IamUser',
          name: row.user ?? '',
          file: report.file,
          // Header on line 1, root on line 2: the row's own line in the CSV.
          line: rows.indexOf(row) + 2,
          account: common.account ?? accountOfArn(row.arn),
          arn: row.arn,
          observedAt: report.data.generatedAt ?? common.observedAt,
          createdAt: reportDate(row.user_creation_time),
          consoleAccess: reportBoolean(row.password_enabled),
          passwordLastUsedAt: reportDate(row.password_last_used),
          passwordLastChangedAt: reportDate(row.password_last_changed),
          mfaEnabled: reportBoolean(row.mfa_active),
          accessKeys: [reportKey(row, 1), reportKey(row, 2)].filter(
            (k): k is AwsAccessKey => k !== undefined,
          ),
        }),
      )
  }
  // Without the report, the authorization details still list the users, with their console,
  // MFA and key facts unknown: checks report them as undetermined rather than skip them.
  const details = snapshot.authorizationDetails
  return (details?.data.UserDetailList ?? []).map((u) =>
    compact<AwsIamUser>({
      ...common,
      kind: 'aws.iam-user',
      resourceKind: 'IamUser',
      name: u.UserName,
      file: details?.file ?? '',
      account: common.account ?? accountOfArn(u.Arn),
      arn: u.Arn,
    }),
  )
}

function policyItems(snapshot: AccountSnapshot, common: Common, errors: CollectionError[]): AwsIamPolicy[] {
  const details = snapshot.authorizationDetails
  if (details === undefined) return []
  const { file, data } = details
  // An unreadable document stays on the item (the check cannot tell) and is reported as a collection error.
  const documentOf = (document: unknown, where: string): IamPolicyDocument => {
    const read = readIamPolicy(document)
    if (!read.readable) errors.push({ file, message: `${where}: ${read.reason}` })
    return read
  }
  const principals = [
    ...(data.UserDetailList ?? []).map((u) => ({
      type: 'user' as const,
      name: u.UserName,
      inline: u.UserPolicyList ?? [],
      attached: u.AttachedManagedPolicies ?? [],
    })),
    ...(data.GroupDetailList ?? []).map((g) => ({
      type: 'group' as const,
      name: g.GroupName,
      inline: g.GroupPolicyList ?? [],
      attached: g.AttachedManagedPolicies ?? [],
    })),
    ...(data.RoleDetailList ?? []).map((r) => ({
      type: 'role' as const,
      name: r.RoleName,
      inline: r.RolePolicyList ?? [],
      attached: r.AttachedManagedPolicies ?? [],
    })),
  ]
  const managed = (data.Policies ?? []).map((p, i) => {
    const version =
      p.PolicyVersionList?.find((v) => v.IsDefaultVersion === true || v.VersionId === p.DefaultVersionId) ??
      p.PolicyVersionList?.[0]
    const account = accountOfArn(p.Arn)
    return compact<AwsIamPolicy>({
      ...common,
      kind: 'aws.iam-policy',
      resourceKind: 'IamPolicy',
      name: p.PolicyName,
      file,
      arn: p.Arn,
      account: common.account ?? account,
      managedBy: p.Arn.startsWith('arn:aws:iam::aws:') ? 'aws' : 'customer',
      attachmentCount: p.AttachmentCount,
      attachedTo: principals
        .filter((pr) => pr.attached.some((a) => a.PolicyArn === p.Arn))
        .map((pr) => ({ type: pr.type, name: pr.name })),
      document:
        version?.Document === undefined
          ? undefined
          : documentOf(version.Document, `Policies[${i}] (${p.PolicyName})`),
    })
  })
  const inline = principals.flatMap((pr) =>
    pr.inline.map((policy) =>
      compact<AwsIamPolicy>({
        ...common,
        kind: 'aws.iam-policy',
        resourceKind: 'IamInlinePolicy',
        name: `${pr.name}/${policy.PolicyName}`,
        file,
        managedBy: 'inline',
        attachedTo: [{ type: pr.type, name: pr.name }],
        document: documentOf(
          policy.PolicyDocument,
          `${pr.type} ${pr.name} inline policy ${policy.PolicyName}`,
        ),
      }),
    ),
  )
  return [...managed, ...inline]
}

// ---------------------------------------------------------------------------------------------
// S3

const publicGrantees = new Set([
  'http://acs.amazonaws.com/groups/global/AllUsers',
  'http://acs.amazonaws.com/groups/global/AuthenticatedUsers',
])

function bucketItems(snapshot: AccountSnapshot, common: Common): AwsS3Bucket[] {
  const listed = snapshot.buckets?.data.Buckets ?? []
  // Per-bucket files without list-buckets still describe their bucket.
  const names = new Set([
    ...listed.map((b) => b.Name),
    ...snapshot.bucketEncryption.keys(),
    ...snapshot.bucketPublicAccessBlock.keys(),
    ...snapshot.bucketVersioning.keys(),
  ])
  const accountBlock =
    snapshot.accountPublicAccessBlock === undefined
      ? undefined
      : publicAccessBlock(snapshot.accountPublicAccessBlock.data)
  return [...names].map((name) => {
    const encryption = snapshot.bucketEncryption.get(name)
    const block = snapshot.bucketPublicAccessBlock.get(name)
    const versioning = snapshot.bucketVersioning.get(name)
    const rule = encryption?.data?.ServerSideEncryptionConfiguration.Rules[0]
    const policyStatus = snapshot.bucketPolicyStatus.get(name)
    const acl = snapshot.bucketAcl.get(name)
    const file = snapshot.buckets?.file ?? encryption?.file ?? block?.file ?? versioning?.file ?? ''
    return compact<AwsS3Bucket>({
      ...common,
      kind: 'aws.s3-bucket',
      resourceKind: 'S3Bucket',
      name,
      file,
      arn: `arn:aws:s3:::${name}`,
      createdAt: listed.find((b) => b.Name === name)?.CreationDate,
      encryption:
        encryption === undefined
          ? undefined
          : encryption.data === null || rule === undefined
            ? null
            : compact({
                algorithm: rule.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
                kmsKeyId: rule.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID,
                bucketKeyEnabled: rule.BucketKeyEnabled,
              }),
      publicAccessBlock: block === undefined ? undefined : publicAccessBlock(block.data),
      accountPublicAccessBlock: accountBlock,
      versioning: versioning === undefined ? undefined : (versioning.data.Status ?? 'Disabled'),
      mfaDelete:
        versioning?.data.MFADelete === undefined ? undefined : versioning.data.MFADelete === 'Enabled',
      loggingEnabled: snapshot.bucketLogging.has(name)
        ? snapshot.bucketLogging.get(name)?.data.LoggingEnabled !== undefined
        : undefined,
      policyPublic:
        policyStatus === undefined
          ? undefined
          : // No bucket policy at all: nothing in a policy can make the bucket public.
            policyStatus.data === null
            ? false
            : policyStatus.data.PolicyStatus.IsPublic,
      aclPublic:
        acl === undefined
          ? undefined
          : (acl.data.Grants ?? []).some((g) => publicGrantees.has(g.Grantee?.URI ?? '')),
    })
  })
}

// ---------------------------------------------------------------------------------------------
// Regional services

type Regional = Common & { region?: string }

function trailItems(region: RegionSnapshot, common: Regional, seen: Set<string>): AwsCloudTrail[] {
  const trails = region.trails
  if (trails === undefined) return []
  // A multi-region trail is listed in every region (a "shadow" trail): report it once.
  return trails.data.trailList.flatMap((t) => {
    const key = t.TrailARN ?? `${t.HomeRegion ?? ''}/${t.Name}`
    if (seen.has(key)) return []
    seen.add(key)
    const status =
      region.trailStatus.get(t.Name) ??
      (t.TrailARN === undefined ? undefined : region.trailStatus.get(t.TrailARN))
    return [
      compact<AwsCloudTrail>({
        ...common,
        kind: 'aws.cloudtrail',
        resourceKind: 'CloudTrail',
        name: t.Name,
        file: trails.file,
        region: t.HomeRegion ?? common.region,
        account: common.account ?? accountOfArn(t.TrailARN),
        arn: t.TrailARN,
        homeRegion: t.HomeRegion,
        multiRegion: t.IsMultiRegionTrail,
        organizationTrail: t.IsOrganizationTrail,
        logFileValidation: t.LogFileValidationEnabled,
        logging: status?.data.IsLogging,
        includeGlobalServiceEvents: t.IncludeGlobalServiceEvents,
        kmsKeyId: t.KmsKeyId,
        cloudWatchLogsGroupArn: t.CloudWatchLogsLogGroupArn,
        s3BucketName: t.S3BucketName,
      }),
    ]
  })
}

function detectorItems(region: RegionSnapshot, common: Regional): AwsGuardDutyDetector[] {
  const list = region.detectorIds
  const name = region.region ?? 'default-region'
  if (list === undefined) {
    // get-detector files without list-detectors still describe their detector.
    return [...region.detectors].map(([id, detector]) =>
      compact<AwsGuardDutyDetector>({
        ...common,
        kind: 'aws.guardduty-detector',
        resourceKind: 'GuardDutyDetector',
        name,
        file: detector.file,
        detectorId: id,
        status: detector.data.Status,
      }),
    )
  }
  if (list.data.DetectorIds.length === 0) {
    return [
      compact<AwsGuardDutyDetector>({
        ...common,
        kind: 'aws.guardduty-detector',
        resourceKind: 'GuardDutyDetector',
        name,
        file: list.file,
        status: 'ABSENT',
      }),
    ]
  }
  return list.data.DetectorIds.map((id) => {
    const detector = region.detectors.get(id)
    return compact<AwsGuardDutyDetector>({
      ...common,
      kind: 'aws.guardduty-detector',
      resourceKind: 'GuardDutyDetector',
      name,
      file: detector?.file ?? list.file,
      detectorId: id,
      status: detector?.data.Status,
    })
  })
}

function dbItems(region: RegionSnapshot, common: Regional): AwsDbInstance[] {
  const response = region.dbInstances
  if (response === undefined) return []
  return response.data.DBInstances.map((db) =>
    compact<AwsDbInstance>({
      ...common,
      kind: 'aws.db-instance',
      resourceKind: 'DBInstance',
      name: db.DBInstanceIdentifier,
      file: response.file,
      account: common.account ?? accountOfArn(db.DBInstanceArn),
      region: common.region ?? db.DBInstanceArn?.split(':')[3],
      arn: db.DBInstanceArn,
      engine: db.Engine,
      engineVersion: db.EngineVersion,
      instanceClass: db.DBInstanceClass,
      clusterIdentifier: db.DBClusterIdentifier,
      publiclyAccessible: db.PubliclyAccessible,
      storageEncrypted: db.StorageEncrypted,
      kmsKeyId: db.KmsKeyId,
      multiAz: db.MultiAZ,
      deletionProtection: db.DeletionProtection,
      backupRetentionDays: db.BackupRetentionPeriod,
      autoMinorVersionUpgrade: db.AutoMinorVersionUpgrade,
      iamAuthentication: db.IAMDatabaseAuthenticationEnabled,
      status: db.DBInstanceStatus,
    }),
  )
}

function rule(p: IpPermission): AwsSecurityGroupRule {
  return compact<AwsSecurityGroupRule>({
    protocol: p.IpProtocol,
    // The API reports -1 ports for all-traffic and ICMP-any rules: no port range applies.
    fromPort: p.FromPort === undefined || p.FromPort < 0 ? undefined : p.FromPort,
    toPort: p.ToPort === undefined || p.ToPort < 0 ? undefined : p.ToPort,
    ipv4Ranges: (p.IpRanges ?? []).map((r) => r.CidrIp),
    ipv6Ranges: (p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6),
    prefixListIds: (p.PrefixListIds ?? []).map((r) => r.PrefixListId),
    sourceGroups: (p.UserIdGroupPairs ?? []).flatMap((g) => (g.GroupId === undefined ? [] : [g.GroupId])),
    description: [...(p.IpRanges ?? []), ...(p.Ipv6Ranges ?? [])].find((r) => r.Description)?.Description,
  })
}

function securityGroupItems(region: RegionSnapshot, common: Regional): AwsSecurityGroup[] {
  const response = region.securityGroups
  if (response === undefined) return []
  return response.data.SecurityGroups.map((g) =>
    compact<AwsSecurityGroup>({
      ...common,
      kind: 'aws.security-group',
      resourceKind: 'SecurityGroup',
      name: g.GroupId,
      file: response.file,
      account: common.account ?? g.OwnerId,
      region: common.region ?? g.SecurityGroupArn?.split(':')[3],
      arn: g.SecurityGroupArn,
      groupId: g.GroupId,
      groupName: g.GroupName,
      vpcId: g.VpcId,
      description: g.Description,
      ingress: (g.IpPermissions ?? []).map(rule),
      egress: (g.IpPermissionsEgress ?? []).map(rule),
    }),
  )
}

function vpcItems(region: RegionSnapshot, common: Regional): AwsVpc[] {
  const response = region.vpcs
  const flowLogs = region.flowLogs?.data.FlowLogs
  // Flow logs without describe-vpcs still name their VPCs: those VPCs are known to have flow logs.
  const vpcs =
    response?.data.Vpcs ??
    [...new Set((flowLogs ?? []).map((f) => f.ResourceId).filter((id) => id.startsWith('vpc-')))].map(
      (VpcId) => ({ VpcId, CidrBlock: undefined, IsDefault: undefined, OwnerId: undefined }),
    )
  const file = response?.file ?? region.flowLogs?.file ?? ''
  return vpcs.map((v) =>
    compact<AwsVpc>({
      ...common,
      kind: 'aws.vpc',
      resourceKind: 'Vpc',
      name: v.VpcId,
      file,
      account: common.account ?? v.OwnerId,
      vpcId: v.VpcId,
      isDefault: v.IsDefault,
      cidrBlock: v.CidrBlock,
      flowLogs: flowLogs
        ?.filter((f) => f.ResourceId === v.VpcId)
        .map((f) =>
          compact({
            id: f.FlowLogId,
            status: f.FlowLogStatus,
            trafficType: f.TrafficType,
            destinationType: f.LogDestinationType,
          }),
        ),
    }),
  )
}

function keyItems(region: RegionSnapshot, common: Regional): AwsKmsKey[] {
  const listed = region.keys?.data.Keys.map((k) => k.KeyId) ?? []
  const ids = [...new Set([...listed, ...region.keyMetadata.keys(), ...region.keyRotation.keys()])]
  return ids.map((id) => {
    const meta = region.keyMetadata.get(id)?.data.KeyMetadata
    const rotation = region.keyRotation.get(id)
    const aliases = region.aliases?.data.Aliases.filter((a) => a.TargetKeyId === id).map((a) => a.AliasName)
    const arn = meta?.Arn ?? region.keys?.data.Keys.find((k) => k.KeyId === id)?.KeyArn
    return compact<AwsKmsKey>({
      ...common,
      kind: 'aws.kms-key',
      resourceKind: 'KmsKey',
      name: id,
      file: region.keys?.file ?? region.keyMetadata.get(id)?.file ?? rotation?.file ?? '',
      account: common.account ?? meta?.AWSAccountId ?? accountOfArn(arn),
      arn,
      keyId: id,
      keyManager: meta?.KeyManager,
      keySpec: meta?.KeySpec ?? meta?.CustomerMasterKeySpec,
      keyUsage: meta?.KeyUsage,
      keyState: meta?.KeyState,
      keyOrigin: meta?.Origin,
      rotationEnabled: rotation?.data.KeyRotationEnabled,
      rotationPeriodDays: rotation?.data.RotationPeriodInDays,
      aliases,
    })
  })
}

function clusterItems(region: RegionSnapshot, common: Regional): AwsEksCluster[] {
  return region.clusters.map(({ file, data: { cluster } }) => {
    const vpc = cluster.resourcesVpcConfig
    return compact<AwsEksCluster>({
      ...common,
      kind: 'aws.eks-cluster',
      resourceKind: 'EksCluster',
      name: cluster.name,
      file,
      account: common.account ?? accountOfArn(cluster.arn),
      region: common.region ?? cluster.arn?.split(':')[3],
      arn: cluster.arn,
      version: cluster.version,
      enabledLogTypes:
        cluster.logging?.clusterLogging === undefined
          ? undefined
          : cluster.logging.clusterLogging.filter((l) => l.enabled === true).flatMap((l) => l.types ?? []),
      endpointPublicAccess: vpc?.endpointPublicAccess,
      endpointPrivateAccess: vpc?.endpointPrivateAccess,
      publicAccessCidrs: vpc?.publicAccessCidrs,
      secretsEncrypted: (cluster.encryptionConfig ?? []).some((c) => (c.resources ?? []).includes('secrets')),
    })
  })
}

function listenerItems(region: RegionSnapshot, common: Regional): AwsLoadBalancerListener[] {
  const balancers = region.loadBalancers?.data.LoadBalancers ?? []
  return region.listeners.flatMap(({ file, data }) =>
    data.Listeners.map((l) => {
      const lb = balancers.find((b) => b.LoadBalancerArn === l.LoadBalancerArn)
      // arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>
      const lbName = lb?.LoadBalancerName ?? l.LoadBalancerArn.split('/')[2]
      return compact<AwsLoadBalancerListener>({
        ...common,
        kind: 'aws.load-balancer-listener',
        resourceKind: 'LoadBalancerListener',
        name: `${lbName ?? l.LoadBalancerArn}:${l.Port ?? '?'}`,
        file,
        account: common.account ?? accountOfArn(l.LoadBalancerArn),
        arn: l.ListenerArn,
        loadBalancerName: lbName,
        loadBalancerType: lb?.Type,
        scheme: lb?.Scheme,
        port: l.Port,
        protocol: l.Protocol,
        sslPolicy: l.SslPolicy,
        redirectsToHttps: (l.DefaultActions ?? []).some(
          (a) => a.Type === 'redirect' && a.RedirectConfig?.Protocol === 'HTTPS',
        ),
      })
    }),
  )
}
