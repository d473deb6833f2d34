import type { EvidenceItem } from '../../core/evidence.js'
import type {
  AwsAccount,
  AwsBucketEncryption,
  AwsCloudTrail,
  AwsDbInstance,
  AwsEksCluster,
  AwsFlowLog,
  AwsGuardDutyDetector,
  AwsIamPolicy,
  AwsKmsKey,
  AwsLoadBalancerListener,
  AwsOrigin,
  AwsPasswordPolicy,
  AwsPublicAccessBlock,
  AwsS3Bucket,
  AwsSecurityGroup,
  AwsSecurityGroupRule,
  AwsVpc,
} from '../../core/evidence-aws.js'
import { allowsAnyone, type IamPolicyDocument, readIamPolicy } from '../../core/iam-policy.js'
import { type GraphResource, hasUnknown, isUnknown, type ResourceGraph, valueAt } from './resource-graph.js'

/**
 * Maps Terraform resources (planned or read from source) into the AWS evidence kinds the account
 * collectors produce, resolving the separate resources Terraform's AWS provider splits a bucket,
 * security group or policy into. Provider defaults fill attributes left unset; anything unknown is
 * listed in `unknown` under the evidence field's own name, never guessed.
 */
export function toAwsEvidence(graph: ResourceGraph, origin: AwsOrigin): EvidenceItem[] {
  const accountBlock = accountPublicAccessBlock(graph)
  return [
    ...accountItems(graph, origin),
    ...graph.ofType('aws_s3_bucket').map((b) => s3Bucket(graph, b, origin, accountBlock)),
    ...['aws_db_instance', 'aws_rds_cluster_instance'].flatMap((t) =>
      graph.ofType(t).map((r) => dbInstance(graph, r, origin)),
    ),
    ...['aws_security_group', 'aws_default_security_group'].flatMap((t) =>
      graph.ofType(t).map((r) => securityGroup(graph, r, origin)),
    ),
    ...['aws_vpc', 'aws_default_vpc'].flatMap((t) => graph.ofType(t).map((r) => vpc(graph, r, origin))),
    ...graph.ofType('aws_cloudtrail').map((r) => trail(r, origin)),
    ...['aws_kms_key', 'aws_kms_external_key'].flatMap((t) =>
      graph.ofType(t).map((r) => kmsKey(graph, r, origin)),
    ),
    ...graph.ofType('aws_guardduty_detector').map((r) => detector(r, origin)),
    ...graph.ofType('aws_eks_cluster').map((r) => eksCluster(r, origin)),
    ...iamPolicies(graph, origin),
    ...['aws_lb_listener', 'aws_alb_listener'].flatMap((t) =>
      graph.ofType(t).map((r) => listener(graph, r, origin)),
    ),
  ]
}

/** Reads typed attribute values and records the unknown ones under the evidence field's name. */
class Reader {
  readonly unknown: string[] = []
  constructor(private readonly resource: GraphResource) {}

  private raw(path: string, field: string): unknown {
    if (isUnknown(this.resource, path)) {
      if (!this.unknown.includes(field)) this.unknown.push(field)
      return undefined
    }
    return valueAt(this.resource.values, path)
  }

  bool(path: string, field: string, fallback?: boolean): boolean | undefined {
    if (isUnknown(this.resource, path)) return this.raw(path, field) as undefined
    const v = valueAt(this.resource.values, path)
    return typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : fallback
  }

  str(path: string, field: string, fallback?: string): string | undefined {
    if (isUnknown(this.resource, path)) return this.raw(path, field) as undefined
    const v = valueAt(this.resource.values, path)
    return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : fallback
  }

  num(path: string, field: string, fallback?: number): number | undefined {
    if (isUnknown(this.resource, path)) return this.raw(path, field) as undefined
    const v = valueAt(this.resource.values, path)
    if (typeof v === 'number') return v
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v)
    return fallback
  }

  strings(path: string, field: string, fallback?: string[]): string[] | undefined {
    if (isUnknown(this.resource, path)) return this.raw(path, field) as undefined
    const v = valueAt(this.resource.values, path)
    return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : fallback
  }

  /** A nested block list (`rule`, `ingress`); undefined and recorded when unknown. */
  blocks(path: string, field: string): Record<string, unknown>[] | undefined {
    if (isUnknown(this.resource, path)) return this.raw(path, field) as undefined
    const v = valueAt(this.resource.values, path)
    return Array.isArray(v) ? v.filter((b): b is Record<string, unknown> => isRecord(b)) : []
  }

  /** Records `field` as unknown when any of `paths` is (all of them when none is given). */
  track(field: string, ...paths: string[]): void {
    if (
      (paths.length === 0 || paths.some((p) => isUnknown(this.resource, p))) &&
      !this.unknown.includes(field)
    )
      this.unknown.push(field)
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v)

/** The fields every AWS item built from a resource shares. */
function base<K extends string>(r: GraphResource, kind: K, origin: AwsOrigin, reader: Reader) {
  const item: {
    kind: K
    resourceKind: string
    name: string
    file: string
    line?: number
    origin: AwsOrigin
    arn?: string
    region?: string
  } = {
    kind,
    resourceKind: r.type,
    name: r.address,
    file: r.file,
    origin,
  }
  if (r.line !== undefined) item.line = r.line
  if (r.region !== undefined) item.region = r.region
  const arn = reader.str('arn', 'arn')
  if (arn !== undefined) item.arn = arn
  return item
}

/** An evidence item under construction: any field may still be undefined. */
type Draft<T> = { [K in keyof T]+?: T[K] | undefined }

/** Removes undefined fields (exactOptionalPropertyTypes) and sets `unknown` when there is any. */
function finish<T extends object>(item: Draft<T>, reader: Reader, ...more: Reader[]): T {
  const unknown = [...reader.unknown, ...more.flatMap((m) => m.unknown)].filter((f) => f !== 'arn')
  const out = Object.fromEntries(Object.entries(item).filter(([, v]) => v !== undefined)) as T
  if (unknown.length > 0) (out as T & { unknown?: string[] }).unknown = [...new Set(unknown)]
  return out
}

// --- S3 -------------------------------------------------------------------------------------------

const bucketKeys = ['id', 'bucket'] as const

function s3Bucket(
  graph: ResourceGraph,
  bucket: GraphResource,
  origin: AwsOrigin,
  accountBlock: AwsPublicAccessBlock | null | undefined,
): AwsS3Bucket {
  const reader = new Reader(bucket)
  const parts: Reader[] = []
  const related = (type: string) => graph.referrers(bucket, [type], 'bucket', bucketKeys)
  const item: Draft<AwsS3Bucket> = { ...base(bucket, 'aws.s3-bucket', origin, reader) }

  // Encryption: the separate resource (provider v4+) wins over the legacy inline block.
  const [sse] = related('aws_s3_bucket_server_side_encryption_configuration')
  if (sse !== undefined) {
    const r = new Reader(sse)
    parts.push(r)
    item.encryption = encryptionOf(r, 'rule.0', 'encryption')
  } else {
    const inline = bucket.configured?.includes('server_side_encryption_configuration')
      ? reader.blocks('server_side_encryption_configuration', 'encryption')
      : valueAt(bucket.values, 'server_side_encryption_configuration')
    // An unset inline block is only "computed" by the provider: nothing is configured in code.
    if (Array.isArray(inline) && inline.length > 0)
      item.encryption = encryptionOf(reader, 'server_side_encryption_configuration.0.rule.0', 'encryption')
    else if (
      inline !== undefined ||
      !isUnknown(bucket, 'server_side_encryption_configuration') ||
      !bucket.configured?.includes('server_side_encryption_configuration')
    )
      item.encryption = null
  }

  const [pab] = related('aws_s3_bucket_public_access_block')
  if (pab !== undefined) {
    const r = new Reader(pab)
    parts.push(r)
    item.publicAccessBlock = publicAccessBlockOf(r, 'publicAccessBlock')
  } else item.publicAccessBlock = null
  if (accountBlock !== undefined) item.accountPublicAccessBlock = accountBlock

  const [versioning] = related('aws_s3_bucket_versioning')
  if (versioning !== undefined) {
    const r = new Reader(versioning)
    parts.push(r)
    const status = r.str('versioning_configuration.0.status', 'versioning')
    if (status === 'Enabled' || status === 'Suspended' || status === 'Disabled') item.versioning = status
    const mfa = r.str('versioning_configuration.0.mfa_delete', 'mfaDelete')
    if (mfa !== undefined) item.mfaDelete = mfa === 'Enabled'
  } else {
    const enabled = bucket.configured?.includes('versioning')
      ? reader.bool('versioning.0.enabled', 'versioning')
      : (valueAt(bucket.values, 'versioning.0.enabled') as boolean | undefined)
    const mfa = valueAt(bucket.values, 'versioning.0.mfa_delete')
    if (enabled === true) item.versioning = 'Enabled'
    else if (!reader.unknown.includes('versioning')) item.versioning = 'Disabled'
    if (typeof mfa === 'boolean') item.mfaDelete = mfa
  }

  const logging = related('aws_s3_bucket_logging')
  const inlineLogging = valueAt(bucket.values, 'logging')
  item.loggingEnabled = logging.length > 0 || (Array.isArray(inlineLogging) && inlineLogging.length > 0)

  const policies = related('aws_s3_bucket_policy')
  const policyReaders = policies.map((p) => new Reader(p))
  const documents = policyReaders.map((r) => r.str('policy', 'policyPublic'))
  if (documents.every((d) => d !== undefined) || policies.length === 0)
    item.policyPublic = documents.some((d) => d !== undefined && policyIsPublic(d))
  parts.push(...policyReaders)

  const acls = related('aws_s3_bucket_acl')
  // The bucket's own `acl` is computed when unset: only a written one counts.
  const ownAcl =
    bucket.configured === undefined || bucket.configured.includes('acl')
      ? reader.str('acl', 'aclPublic')
      : undefined
  const aclValues = [...acls.map((a) => new Reader(a).str('acl', 'aclPublic')), ownAcl].filter(
    (a): a is string => a !== undefined,
  )
  item.aclPublic = aclValues.some((a) => publicCannedAcls.has(a))
  return finish(item, reader, ...parts)
}

const publicCannedAcls = new Set(['public-read', 'public-read-write', 'authenticated-read'])

function encryptionOf(r: Reader, rule: string, field: string): AwsBucketEncryption | null | undefined {
  const blocks = r.blocks(rule.replace(/\.0$/, ''), field)
  if (blocks === undefined) return undefined
  if (blocks.length === 0) return null
  const encryption: AwsBucketEncryption = {}
  const algorithm = r.str(`${rule}.apply_server_side_encryption_by_default.0.sse_algorithm`, field)
  const key = r.str(
    `${rule}.apply_server_side_encryption_by_default.0.kms_master_key_id`,
    `${field}.kmsKeyId`,
  )
  const bucketKey = r.bool(`${rule}.bucket_key_enabled`, `${field}.bucketKeyEnabled`)
  if (algorithm !== undefined) encryption.algorithm = algorithm
  if (key !== undefined) encryption.kmsKeyId = key
  if (bucketKey !== undefined) encryption.bucketKeyEnabled = bucketKey
  return r.unknown.includes(field) ? undefined : encryption
}

function publicAccessBlockOf(r: Reader, prefix: string): AwsPublicAccessBlock {
  const block: AwsPublicAccessBlock = {}
  // The provider defaults every switch to false.
  const set = (attr: string, key: keyof AwsPublicAccessBlock) => {
    const v = r.bool(attr, `${prefix}.${key}`, false)
    if (v !== undefined) block[key] = v
  }
  set('block_public_acls', 'blockPublicAcls')
  set('ignore_public_acls', 'ignorePublicAcls')
  set('block_public_policy', 'blockPublicPolicy')
  set('restrict_public_buckets', 'restrictPublicBuckets')
  return block
}

function accountPublicAccessBlock(graph: ResourceGraph): AwsPublicAccessBlock | undefined {
  const [block] = graph.ofType('aws_s3_account_public_access_block')
  return block === undefined ? undefined : publicAccessBlockOf(new Reader(block), 's3PublicAccessBlock')
}

/** Account-wide settings declared in code: an account item only when the code sets any. */
function accountItems(graph: ResourceGraph, origin: AwsOrigin): AwsAccount[] {
  const [block] = graph.ofType('aws_s3_account_public_access_block')
  const [policy] = graph.ofType('aws_iam_account_password_policy')
  const first = block ?? policy
  if (first === undefined) return []
  for (const part of [block, policy]) if (part !== undefined) graph.readInto.set(part, 'account')
  const readers: Reader[] = []
  const item: Draft<AwsAccount> = {
    ...base(first, 'aws.account', origin, new Reader(first)),
    name: 'account',
  }
  if (block !== undefined) {
    const r = new Reader(block)
    readers.push(r)
    item.s3PublicAccessBlock = publicAccessBlockOf(r, 's3PublicAccessBlock')
  }
  if (policy !== undefined) {
    const r = new Reader(policy)
    readers.push(r)
    const p = {
      minimumLength: r.num('minimum_password_length', 'passwordPolicy.minimumLength', 6),
      requireUppercase: r.bool('require_uppercase_characters', 'passwordPolicy.requireUppercase', false),
      requireLowercase: r.bool('require_lowercase_characters', 'passwordPolicy.requireLowercase', false),
      requireNumbers: r.bool('require_numbers', 'passwordPolicy.requireNumbers', false),
      requireSymbols: r.bool('require_symbols', 'passwordPolicy.requireSymbols', false),
      maxAgeDays: r.num('max_password_age', 'passwordPolicy.maxAgeDays'),
      reusePrevention: r.num('password_reuse_prevention', 'passwordPolicy.reusePrevention'),
      allowUsersToChangePassword: r.bool(
        'allow_users_to_change_password',
        'passwordPolicy.allowUsersToChangePassword',
        true,
      ),
      hardExpiry: r.bool('hard_expiry', 'passwordPolicy.hardExpiry', false),
    }
    // 0 means "never expires" / "no reuse prevention" in the provider, as an absent value in AWS.
    if (p.maxAgeDays === 0) p.maxAgeDays = undefined
    if (p.reusePrevention === 0) p.reusePrevention = undefined
    item.passwordPolicy = finish<AwsPasswordPolicy>(p, new Reader(policy))
  }
  delete item.arn
  return [finish(item, readers[0] ?? new Reader(first), ...readers.slice(1))]
}

// --- RDS ------------------------------------------------------------------------------------------

function dbInstance(graph: ResourceGraph, db: GraphResource, origin: AwsOrigin): AwsDbInstance {
  const r = new Reader(db)
  const item: Draft<AwsDbInstance> = {
    ...base(db, 'aws.db-instance', origin, r),
    engine: r.str('engine', 'engine'),
    engineVersion: r.str('engine_version', 'engineVersion'),
    instanceClass: r.str('instance_class', 'instanceClass'),
    publiclyAccessible: r.bool('publicly_accessible', 'publiclyAccessible', false),
    autoMinorVersionUpgrade: r.bool('auto_minor_version_upgrade', 'autoMinorVersionUpgrade', true),
  }
  const parts: Reader[] = []
  if (db.type === 'aws_rds_cluster_instance') {
    // Aurora: storage, backups and deletion protection belong to the cluster.
    const [cluster] = graph.targets(
      db,
      'cluster_identifier',
      ['aws_rds_cluster'],
      ['id', 'cluster_identifier'],
    )
    item.clusterIdentifier = r.str('cluster_identifier', 'clusterIdentifier')
    if (cluster !== undefined) {
      const c = new Reader(cluster)
      parts.push(c)
      item.clusterIdentifier ??= c.str('cluster_identifier', 'clusterIdentifier') ?? cluster.address
      item.storageEncrypted = c.bool(
        'storage_encrypted',
        'storageEncrypted',
        c.str('engine_mode', 'storageEncrypted') === 'serverless',
      )
      item.kmsKeyId = c.str('kms_key_id', 'kmsKeyId')
      item.deletionProtection = c.bool('deletion_protection', 'deletionProtection', false)
      item.backupRetentionDays = c.num('backup_retention_period', 'backupRetentionDays', 1)
      item.iamAuthentication = c.bool('iam_database_authentication_enabled', 'iamAuthentication', false)
    }
    // Aurora keeps copies in three zones; a second instance is the failover target.
    item.multiAz =
      graph
        .ofType('aws_rds_cluster_instance')
        .filter(
          (i) =>
            cluster !== undefined &&
            graph
              .targets(i, 'cluster_identifier', ['aws_rds_cluster'], ['id', 'cluster_identifier'])
              .includes(cluster),
        ).length > 1
  } else {
    item.storageEncrypted = r.bool('storage_encrypted', 'storageEncrypted', false)
    item.kmsKeyId = r.str('kms_key_id', 'kmsKeyId')
    item.multiAz = r.bool('multi_az', 'multiAz', false)
    item.deletionProtection = r.bool('deletion_protection', 'deletionProtection', false)
    item.backupRetentionDays = r.num('backup_retention_period', 'backupRetentionDays')
    item.iamAuthentication = r.bool('iam_database_authentication_enabled', 'iamAuthentication', false)
  }
  return finish(item, r, ...parts)
}

// --- Networking -----------------------------------------------------------------------------------

function securityGroup(graph: ResourceGraph, sg: GraphResource, origin: AwsOrigin): AwsSecurityGroup {
  const r = new Reader(sg)
  const rules = (direction: 'ingress' | 'egress'): AwsSecurityGroupRule[] => {
    const separate = [
      ...graph
        .referrers(sg, ['aws_security_group_rule'], 'security_group_id')
        .filter((rule) => valueAt(rule.values, 'type') === direction)
        .map((rule) => legacyRule(rule, direction, r)),
      ...graph
        .referrers(sg, [`aws_vpc_security_group_${direction}_rule`], 'security_group_id')
        .map((rule) => vpcRule(rule, direction, r)),
    ]
    const configured = sg.configured === undefined || sg.configured.includes(direction)
    // The plan's `configuration` omits `dynamic` blocks (and, before Terraform 1.1, inline blocks),
    // so an absent entry there does not mean no inline rules: planned_values holds what AWS will have.
    // A list unknown until apply and unconfigured is "computed": it will hold the separate rules.
    const inline = configured
      ? r.blocks(direction, direction)
      : isUnknown(sg, direction)
        ? []
        : plannedBlocks(sg.values, direction)
    const own = (inline ?? []).map((block, i) =>
      inlineRule(block, (attr) => hasUnknown(sg, `${direction}.${i}.${attr}`)),
    )
    // A refreshed group lists its separate rules inline too: count each rule once.
    const seen = new Set(separate.map(ruleSignature))
    return [...(configured ? own : own.filter((rule) => !seen.has(ruleSignature(rule)))), ...separate]
  }
  const item: Draft<AwsSecurityGroup> = {
    ...base(sg, 'aws.security-group', origin, r),
    groupId: r.str('id', 'groupId'),
    groupName: r.str('name', 'groupName', sg.type === 'aws_default_security_group' ? 'default' : undefined),
    vpcId: r.str('vpc_id', 'vpcId'),
    description: r.str('description', 'description'),
    ingress: rules('ingress'),
    egress: rules('egress'),
  }
  return finish(item, r)
}

const unknownPeer = '(known after apply)'

function plannedBlocks(values: unknown, path: string): Record<string, unknown>[] {
  const v = valueAt(values, path)
  return Array.isArray(v) ? v.filter((b): b is Record<string, unknown> => isRecord(b)) : []
}

/** What a rule allows, without its description: equal signatures are the same rule. */
function ruleSignature(rule: AwsSecurityGroupRule): string {
  const sorted = (xs: string[]) => [...xs].sort().join(',')
  return [
    rule.protocol,
    rule.fromPort ?? '',
    rule.toPort ?? '',
    sorted(rule.ipv4Ranges),
    sorted(rule.ipv6Ranges),
    sorted(rule.prefixListIds),
    sorted(rule.sourceGroups),
  ].join('|')
}

function protocolOf(value: unknown): string {
  const p = String(value ?? '-1').toLowerCase()
  return p === 'all' ? '-1' : p
}

function portsOf(protocol: string, from: unknown, to: unknown): { fromPort?: number; toPort?: number } {
  if (protocol === '-1') return {}
  const out: { fromPort?: number; toPort?: number } = {}
  if (typeof from === 'number') out.fromPort = from
  if (typeof to === 'number') out.toPort = to
  return out
}

function strs(v: unknown): string[] {
  return Array.isArray(v)
    ? v.filter((s): s is string => typeof s === 'string')
    : typeof v === 'string' && v !== ''
      ? [v]
      : []
}

/**
 * An inline rule block. A peer group whose id is unknown until apply (`security_groups =
 * [aws_security_group.app.id]`) is kept as `(known after apply)`, so the rule still names a peer.
 */
function inlineRule(
  block: Record<string, unknown>,
  unknown: (attribute: string) => boolean = () => false,
): AwsSecurityGroupRule {
  const protocol = protocolOf(block.protocol)
  const pending = unknown('security_groups') ? [unknownPeer] : []
  const rule: AwsSecurityGroupRule = {
    protocol,
    ...portsOf(protocol, block.from_port, block.to_port),
    ipv4Ranges: strs(block.cidr_blocks),
    ipv6Ranges: strs(block.ipv6_cidr_blocks),
    prefixListIds: strs(block.prefix_list_ids),
    sourceGroups: [...strs(block.security_groups), ...pending, ...(block.self === true ? ['self'] : [])],
  }
  if (typeof block.description === 'string' && block.description !== '') rule.description = block.description
  return rule
}

/** `aws_security_group_rule`; unknown CIDRs mark the group's direction unknown. */
function legacyRule(rule: GraphResource, direction: string, group: Reader): AwsSecurityGroupRule {
  const v = rule.values
  for (const attr of ['cidr_blocks', 'ipv6_cidr_blocks', 'from_port', 'to_port', 'protocol'])
    if (hasUnknown(rule, attr)) group.track(direction)
  const configuredPeer = rule.configured === undefined || rule.configured.includes('source_security_group_id')
  return inlineRule({ ...v, security_groups: strs(v.source_security_group_id) }, (attr) =>
    attr === 'security_groups' ? configuredPeer && isUnknown(rule, 'source_security_group_id') : false,
  )
}

/** `aws_vpc_security_group_ingress_rule` / `_egress_rule`: one CIDR or peer per rule. */
function vpcRule(rule: GraphResource, direction: string, group: Reader): AwsSecurityGroupRule {
  const v = rule.values
  for (const attr of ['cidr_ipv4', 'cidr_ipv6', 'from_port', 'to_port', 'ip_protocol'])
    if (hasUnknown(rule, attr)) group.track(direction)
  const protocol = protocolOf(v.ip_protocol)
  const out: AwsSecurityGroupRule = {
    protocol,
    ...portsOf(protocol, v.from_port, v.to_port),
    ipv4Ranges: strs(v.cidr_ipv4),
    ipv6Ranges: strs(v.cidr_ipv6),
    prefixListIds: strs(v.prefix_list_id),
    sourceGroups: strs(v.referenced_security_group_id),
  }
  const configuredPeer =
    rule.configured === undefined || rule.configured.includes('referenced_security_group_id')
  if (configuredPeer && isUnknown(rule, 'referenced_security_group_id')) out.sourceGroups.push(unknownPeer)
  if (typeof v.description === 'string' && v.description !== '') out.description = v.description
  return out
}

function vpc(graph: ResourceGraph, resource: GraphResource, origin: AwsOrigin): AwsVpc {
  const r = new Reader(resource)
  const flowLogs: AwsFlowLog[] = graph.referrers(resource, ['aws_flow_log'], 'vpc_id').map((log) => {
    const l = new Reader(log)
    const out: AwsFlowLog = {}
    const trafficType = l.str('traffic_type', 'flowLogs')
    const destinationType = l.str('log_destination_type', 'flowLogs', 'cloud-watch-logs')
    if (trafficType !== undefined) out.trafficType = trafficType
    if (destinationType !== undefined) out.destinationType = destinationType
    return out
  })
  const item: Draft<AwsVpc> = {
    ...base(resource, 'aws.vpc', origin, r),
    vpcId: r.str('id', 'vpcId'),
    isDefault: resource.type === 'aws_default_vpc',
    cidrBlock: r.str('cidr_block', 'cidrBlock'),
    flowLogs,
  }
  return finish(item, r)
}

// --- Logging and detection ------------------------------------------------------------------------

function trail(resource: GraphResource, origin: AwsOrigin): AwsCloudTrail {
  const r = new Reader(resource)
  const item: Draft<AwsCloudTrail> = {
    ...base(resource, 'aws.cloudtrail', origin, r),
    homeRegion: r.str('home_region', 'homeRegion'),
    multiRegion: r.bool('is_multi_region_trail', 'multiRegion', false),
    organizationTrail: r.bool('is_organization_trail', 'organizationTrail', false),
    logFileValidation: r.bool('enable_log_file_validation', 'logFileValidation', false),
    logging: r.bool('enable_logging', 'logging', true),
    includeGlobalServiceEvents: r.bool('include_global_service_events', 'includeGlobalServiceEvents', true),
    kmsKeyId: r.str('kms_key_id', 'kmsKeyId'),
    cloudWatchLogsGroupArn: r.str('cloud_watch_logs_group_arn', 'cloudWatchLogsGroupArn'),
    s3BucketName: r.str('s3_bucket_name', 's3BucketName'),
  }
  return finish(item, r)
}

function kmsKey(graph: ResourceGraph, key: GraphResource, origin: AwsOrigin): AwsKmsKey {
  const r = new Reader(key)
  const aliases = graph
    .referrers(key, ['aws_kms_alias'], 'target_key_id', ['key_id', 'arn', 'id'])
    .map((a) => valueAt(a.values, 'name'))
    .filter((n): n is string => typeof n === 'string')
  const enabled = r.bool('is_enabled', 'keyState', true)
  const item: Draft<AwsKmsKey> = {
    ...base(key, 'aws.kms-key', origin, r),
    keyId: r.str('key_id', 'keyId'),
    keyManager: 'CUSTOMER',
    keySpec: r.str('customer_master_key_spec', 'keySpec', 'SYMMETRIC_DEFAULT'),
    keyUsage: r.str('key_usage', 'keyUsage', 'ENCRYPT_DECRYPT'),
    keyState: enabled === undefined ? undefined : enabled ? 'Enabled' : 'Disabled',
    keyOrigin: key.type === 'aws_kms_external_key' ? 'EXTERNAL' : 'AWS_KMS',
    // Imported key material cannot rotate automatically; the resource has no rotation switch.
    rotationEnabled:
      key.type === 'aws_kms_external_key' ? false : r.bool('enable_key_rotation', 'rotationEnabled', false),
    rotationPeriodDays: r.num('rotation_period_in_days', 'rotationPeriodDays'),
    aliases,
  }
  return finish(item, r)
}

function detector(resource: GraphResource, origin: AwsOrigin): AwsGuardDutyDetector {
  const r = new Reader(resource)
  const enabled = r.bool('enable', 'status', true)
  const item: Draft<AwsGuardDutyDetector> = {
    ...base(resource, 'aws.guardduty-detector', origin, r),
    detectorId: r.str('id', 'detectorId'),
    status: enabled === undefined ? undefined : enabled ? 'ENABLED' : 'DISABLED',
  }
  return finish(item, r)
}

function eksCluster(resource: GraphResource, origin: AwsOrigin): AwsEksCluster {
  const r = new Reader(resource)
  const encryption = r.blocks('encryption_config', 'secretsEncrypted')
  const item: Draft<AwsEksCluster> = {
    ...base(resource, 'aws.eks-cluster', origin, r),
    version: r.str('version', 'version'),
    enabledLogTypes: r.strings('enabled_cluster_log_types', 'enabledLogTypes', []),
    endpointPublicAccess: r.bool('vpc_config.0.endpoint_public_access', 'endpointPublicAccess', true),
    endpointPrivateAccess: r.bool('vpc_config.0.endpoint_private_access', 'endpointPrivateAccess', false),
    publicAccessCidrs: r.strings('vpc_config.0.public_access_cidrs', 'publicAccessCidrs', ['0.0.0.0/0']),
    secretsEncrypted:
      encryption === undefined ? undefined : encryption.some((e) => strs(e.resources).includes('secrets')),
  }
  return finish(item, r)
}

function listener(graph: ResourceGraph, resource: GraphResource, origin: AwsOrigin): AwsLoadBalancerListener {
  const r = new Reader(resource)
  const [lb] = graph.targets(resource, 'load_balancer_arn', ['aws_lb', 'aws_alb'], ['arn', 'id'])
  const l = lb === undefined ? undefined : new Reader(lb)
  const actions = r.blocks('default_action', 'redirectsToHttps')
  const internal = l?.bool('internal', 'scheme', false)
  const item: Draft<AwsLoadBalancerListener> = {
    ...base(resource, 'aws.load-balancer-listener', origin, r),
    loadBalancerName: l?.str('name', 'loadBalancerName') ?? lb?.address,
    loadBalancerType: l?.str('load_balancer_type', 'loadBalancerType', 'application'),
    scheme: internal === undefined ? undefined : internal ? 'internal' : 'internet-facing',
    port: r.num('port', 'port'),
    protocol: r.str('protocol', 'protocol')?.toUpperCase(),
    sslPolicy: r.str('ssl_policy', 'sslPolicy'),
    redirectsToHttps:
      actions === undefined
        ? undefined
        : actions.some((a) => {
            const redirect = Array.isArray(a.redirect) ? a.redirect[0] : undefined
            return (
              a.type === 'redirect' &&
              isRecord(redirect) &&
              String(redirect.protocol).toUpperCase() === 'HTTPS'
            )
          }),
  }
  return l === undefined ? finish(item, r) : finish(item, r, l)
}

// --- IAM ------------------------------------------------------------------------------------------

const inlinePolicyTypes = {
  aws_iam_role_policy: 'role',
  aws_iam_user_policy: 'user',
  aws_iam_group_policy: 'group',
} as const

const attachmentTypes = {
  aws_iam_role_policy_attachment: { type: 'role', attribute: 'role' },
  aws_iam_user_policy_attachment: { type: 'user', attribute: 'user' },
  aws_iam_group_policy_attachment: { type: 'group', attribute: 'group' },
} as const

function iamPolicies(graph: ResourceGraph, origin: AwsOrigin): AwsIamPolicy[] {
  const managed = graph.ofType('aws_iam_policy').map((policy) => {
    const r = new Reader(policy)
    const attachedTo: { type: 'user' | 'group' | 'role'; name: string }[] = []
    for (const [type, spec] of Object.entries(attachmentTypes))
      for (const a of graph.referrers(policy, [type], 'policy_arn', ['arn']))
        attachedTo.push({ type: spec.type, name: principalName(graph, a, spec.attribute) })
    for (const a of graph.referrers(policy, ['aws_iam_policy_attachment'], 'policy_arn', ['arn']))
      for (const [attr, type] of [
        ['users', 'user'],
        ['roles', 'role'],
        ['groups', 'group'],
      ] as const)
        for (const name of strs(valueAt(a.values, attr))) attachedTo.push({ type, name })
    const item: Draft<AwsIamPolicy> = {
      ...base(policy, 'aws.iam-policy', origin, r),
      managedBy: 'customer',
      attachedTo,
      attachmentCount: attachedTo.length,
      document: documentOf(graph, policy, 'policy', r),
    }
    return finish(item, r)
  })
  const inline = Object.entries(inlinePolicyTypes).flatMap(([type, principal]) =>
    graph.ofType(type).map((policy) => {
      const r = new Reader(policy)
      const item: Draft<AwsIamPolicy> = {
        ...base(policy, 'aws.iam-policy', origin, r),
        managedBy: 'inline',
        attachedTo: [{ type: principal, name: principalName(graph, policy, principal) }],
        document: documentOf(graph, policy, 'policy', r),
      }
      return finish(item, r)
    }),
  )
  return [...managed, ...inline]
}

/** The principal's name as written, or the address of the role/user/group it references. */
function principalName(graph: ResourceGraph, from: GraphResource, attribute: string): string {
  const value = valueAt(from.values, attribute)
  if (typeof value === 'string' && value !== '') return value
  const [target] = graph.targets(from, attribute, [`aws_iam_${attribute}`], ['name', 'id'])
  return target === undefined
    ? '(unknown)'
    : ((valueAt(target.values, 'name') as string | undefined) ?? target.address)
}

/**
 * A policy document: the JSON string when known, else the `aws_iam_policy_document` data source it
 * references (its rendered `json`, or its statement blocks when not yet rendered).
 */
function documentOf(
  graph: ResourceGraph,
  policy: GraphResource,
  attribute: string,
  r: Reader,
): IamPolicyDocument | undefined {
  const text = valueAt(policy.values, attribute)
  if (typeof text === 'string' && !isUnknown(policy, attribute)) return readIamPolicy(text)
  const [doc] = graph
    .targets(policy, attribute, ['aws_iam_policy_document'])
    .filter((d) => d.mode === 'data')
    .concat(
      (policy.references[attribute] ?? []).flatMap((ref) =>
        graph.resources.filter((d) => d.configAddress === ref.target && d.type === 'aws_iam_policy_document'),
      ),
    )
  if (doc !== undefined) {
    const json = valueAt(doc.values, 'json')
    if (typeof json === 'string' && !isUnknown(doc, 'json')) return readIamPolicy(json)
    // A document not rendered yet (it names an ARN known only after apply) still has its statement
    // blocks: usable when only resource ARNs are pending, which are then kept as a marker.
    const blocks = valueAt(doc.values, 'statement')
    const decisive =
      /^statement(\.\d+(\.(actions|not_actions|effect|principals|not_principals|condition)\b.*)?)?$/
    if (
      Array.isArray(blocks) &&
      !doc.unknown.some((u) => decisive.test(u) || u.startsWith('source') || u.startsWith('override'))
    ) {
      const version = valueAt(doc.values, 'version')
      return readIamPolicy({
        // The data source writes this version when none is set.
        Version: typeof version === 'string' && version !== '' ? version : '2012-10-17',
        Statement: blocks.filter(isRecord).map(writtenStatement),
      })
    }
  }
  r.track('document')
  return undefined
}

/** Strings of a list whose unknown elements (null in a plan) are kept as a marker. */
function pendingStrs(v: unknown): string[] {
  return Array.isArray(v) ? v.map((s) => (typeof s === 'string' ? s : unknownPeer)) : strs(v)
}

/**
 * A statement block of `data "aws_iam_policy_document"` written as the JSON statement the data source
 * renders, so it is read by the same reader as every other document. Empty lists are left out, as
 * the provider leaves them out.
 */
export function writtenStatement(block: Record<string, unknown>): Record<string, unknown> {
  const list = (key: string, values: string[]) => (values.length === 0 ? {} : { [key]: values })
  const principals = (key: string, v: unknown) => {
    const entries = (Array.isArray(v) ? v : []).filter(isRecord)
    if (entries.length === 0) return {}
    const byType: Record<string, string[]> = {}
    for (const p of entries) {
      const type = typeof p.type === 'string' ? p.type : ''
      byType[type] = [...(byType[type] ?? []), ...strs(p.identifiers)]
    }
    return { [key]: byType }
  }
  const conditions = (Array.isArray(block.condition) ? block.condition : []).filter(isRecord)
  const condition: Record<string, Record<string, string[]>> = {}
  for (const c of conditions) {
    const test = typeof c.test === 'string' ? c.test : ''
    const variable = typeof c.variable === 'string' ? c.variable : ''
    condition[test] = { ...condition[test], [variable]: strs(c.values) }
  }
  return {
    ...(typeof block.sid === 'string' && block.sid !== '' ? { Sid: block.sid } : {}),
    // The data source's default effect.
    Effect: block.effect === undefined || block.effect === null ? 'Allow' : block.effect,
    ...list('Action', strs(block.actions)),
    ...list('NotAction', strs(block.not_actions)),
    ...list('Resource', pendingStrs(block.resources)),
    ...list('NotResource', pendingStrs(block.not_resources)),
    ...principals('Principal', block.principals),
    ...principals('NotPrincipal', block.not_principals),
    ...(conditions.length === 0 ? {} : { Condition: condition }),
  }
}

/** A bucket policy that allows anyone (`"*"` or `{"AWS": "*"}`) without a narrowing condition. */
export function policyIsPublic(document: unknown): boolean {
  const read = readIamPolicy(document)
  return read.readable && read.statements.some((s) => allowsAnyone(s) && s.conditions.length === 0)
}
