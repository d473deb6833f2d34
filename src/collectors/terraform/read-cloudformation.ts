import yaml from 'js-yaml'
import type { EvidenceItem } from '../../core/evidence.js'
import type {
  AwsBucketEncryption,
  AwsCloudTrail,
  AwsDbInstance,
  AwsEksCluster,
  AwsGuardDutyDetector,
  AwsIamPolicy,
  AwsKmsKey,
  AwsLoadBalancerListener,
  AwsPublicAccessBlock,
  AwsS3Bucket,
  AwsSecurityGroup,
  AwsSecurityGroupRule,
  AwsVpc,
} from '../../core/evidence-aws.js'
import type { IacResource } from '../../core/evidence-iac.js'
import { type IamPolicyDocument, readIamPolicy } from '../../core/iam-policy.js'
import {
  cloudFormationAttributeMaps,
  mapTemplateAttributes,
  type TemplateValue,
} from './cloudformation-attributes.js'
import { policyIsPublic } from './to-aws-evidence.js'

/**
 * CloudFormation templates (YAML with intrinsic-function tags, or JSON) mapped into the AWS evidence
 * kinds. Parameters resolve to their defaults, `Fn::Sub`/`Fn::Join`/`Fn::If`/`Fn::FindInMap` are
 * evaluated when their inputs are known; `Ref`/`Fn::GetAtt` of a resource tie resources together
 * (a bucket policy to its bucket, an ingress rule to its group); anything else is unknown.
 */

/** Thrown for a file that is not a CloudFormation template; the message names the place. */
export class TemplateError extends Error {
  readonly line: number | undefined
  constructor(message: string, line?: number) {
    super(message)
    this.line = line
  }
}

const intrinsics: [tag: string, fn: string, kind: 'scalar' | 'sequence' | 'mapping'][] = []
for (const name of ['Ref', 'Condition']) intrinsics.push([name, name, 'scalar'])
for (const name of ['Base64', 'GetAZs', 'ImportValue', 'Sub', 'GetAtt'])
  intrinsics.push(
    [name, `Fn::${name}`, 'scalar'],
    [name, `Fn::${name}`, 'sequence'],
    [name, `Fn::${name}`, 'mapping'],
  )
for (const name of [
  'And',
  'Equals',
  'FindInMap',
  'If',
  'Join',
  'Not',
  'Or',
  'Select',
  'Split',
  'Cidr',
  'Length',
  'ToJsonString',
])
  intrinsics.push(
    [name, `Fn::${name}`, 'sequence'],
    [name, `Fn::${name}`, 'mapping'],
    [name, `Fn::${name}`, 'scalar'],
  )

/**
 * js-yaml schema that reads `!Ref x` as `{ Ref: x }` and `!GetAtt a.b` as `{ 'Fn::GetAtt': ['a', 'b'] }`.
 * Built on the core schema: CloudFormation has no timestamps, so a policy's unquoted
 * `Version: 2012-10-17` stays the string IAM reads, not a Date.
 */
const schema = yaml.CORE_SCHEMA.extend(
  intrinsics.map(
    ([tag, fn, kind]) =>
      new yaml.Type(`!${tag}`, {
        kind,
        construct: (data: unknown) =>
          fn === 'Fn::GetAtt' && typeof data === 'string'
            ? { [fn]: [data.slice(0, data.indexOf('.')), data.slice(data.indexOf('.') + 1)] }
            : { [fn]: data },
      }),
  ),
)

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v)

/** Marks a value that is not known from the template alone. */
const unknown: unique symbol = Symbol('unknown')
/** A reference to another resource of the template. */
class Reference {
  constructor(readonly logicalId: string) {}
}

const pseudoParameters = new Set([
  'AWS::AccountId',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::Partition',
  'AWS::URLSuffix',
  'AWS::NotificationARNs',
  'AWS::NoValue',
])

/** Parses a template (YAML or JSON); throws TemplateError for what is not one. */
export function parseTemplate(text: string): Json {
  let doc: unknown
  try {
    doc = yaml.load(text, { schema })
  } catch (error) {
    const mark = (error as { mark?: { line?: number } }).mark
    const reason =
      (error as { reason?: string }).reason ?? (error instanceof Error ? error.message : String(error))
    throw new TemplateError(
      `invalid YAML/JSON: ${reason}`,
      mark?.line === undefined ? undefined : mark.line + 1,
    )
  }
  if (!isObject(doc) || !isObject(doc.Resources))
    throw new TemplateError('not a CloudFormation template: no Resources section')
  return doc
}

/** True when a YAML/JSON document looks like a CloudFormation template (for folder walks). */
export function looksLikeTemplate(text: string): boolean {
  return (
    /AWSTemplateFormatVersion|^Resources\s*:|"Resources"\s*:/m.test(text) && /AWS::[A-Za-z0-9]+::/.test(text)
  )
}

class Template {
  readonly resources: Json
  private readonly parameters: Json
  private readonly mappings: Json
  private readonly conditions: Json

  constructor(
    doc: Json,
    readonly file: string,
    private readonly text: string,
  ) {
    this.resources = doc.Resources as Json
    this.parameters = isObject(doc.Parameters) ? doc.Parameters : {}
    this.mappings = isObject(doc.Mappings) ? doc.Mappings : {}
    this.conditions = isObject(doc.Conditions) ? doc.Conditions : {}
  }

  lineOf(logicalId: string): number | undefined {
    const m = new RegExp(`^\\s*"?${logicalId}"?\\s*:`, 'm').exec(this.text)
    return m === null
      ? undefined
      : this.text.slice(0, m.index).split('\n').length + (m[0].startsWith('\n') ? 1 : 0)
  }

  /** Evaluates a value with intrinsic functions resolved where the template alone tells. */
  evaluate(value: unknown, depth = 0): unknown {
    if (depth > 30) return unknown
    if (Array.isArray(value)) return value.map((v) => this.evaluate(v, depth + 1))
    if (!isObject(value)) return value
    const keys = Object.keys(value)
    const [fn] = keys
    if (
      keys.length === 1 &&
      fn !== undefined &&
      (fn === 'Ref' || fn === 'Condition' || fn.startsWith('Fn::'))
    )
      return this.intrinsic(fn, value[fn], depth)
    const out: Json = {}
    for (const [k, v] of Object.entries(value)) out[k] = this.evaluate(v, depth + 1)
    return out
  }

  private intrinsic(fn: string, arg: unknown, depth: number): unknown {
    const ev = (v: unknown) => this.evaluate(v, depth + 1)
    switch (fn) {
      case 'Ref': {
        if (typeof arg !== 'string') return unknown
        if (arg in this.resources) return new Reference(arg)
        if (pseudoParameters.has(arg)) return unknown
        const parameter = this.parameters[arg]
        return isObject(parameter) && 'Default' in parameter ? parameter.Default : unknown
      }
      case 'Fn::GetAtt': {
        const id = Array.isArray(arg) ? arg[0] : undefined
        return typeof id === 'string' && id in this.resources ? new Reference(id) : unknown
      }
      case 'Condition':
        return typeof arg === 'string' ? this.condition(arg, depth) : unknown
      case 'Fn::If': {
        if (!Array.isArray(arg) || typeof arg[0] !== 'string') return unknown
        const c = this.condition(arg[0], depth)
        return c === true ? ev(arg[1]) : c === false ? ev(arg[2]) : unknown
      }
      case 'Fn::Equals': {
        if (!Array.isArray(arg)) return unknown
        const [a, b] = arg.map(ev)
        return known(a) && known(b) ? JSON.stringify(a) === JSON.stringify(b) : unknown
      }
      case 'Fn::Not': {
        const v = Array.isArray(arg) ? ev(arg[0]) : unknown
        return typeof v === 'boolean' ? !v : unknown
      }
      case 'Fn::And':
      case 'Fn::Or': {
        const vs = Array.isArray(arg) ? arg.map(ev) : []
        if (fn === 'Fn::And' && vs.includes(false)) return false
        if (fn === 'Fn::Or' && vs.includes(true)) return true
        return vs.every((v) => typeof v === 'boolean') ? fn === 'Fn::And' : unknown
      }
      case 'Fn::Join': {
        if (!Array.isArray(arg) || typeof arg[0] !== 'string') return unknown
        const parts = ev(arg[1])
        return Array.isArray(parts) && parts.every((p) => typeof p === 'string' || typeof p === 'number')
          ? parts.join(arg[0])
          : unknown
      }
      case 'Fn::Sub': {
        const [template, vars] = Array.isArray(arg) ? [arg[0], ev(arg[1])] : [arg, {}]
        if (typeof template !== 'string') return unknown
        let ok = true
        const out = template.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
          const v =
            isObject(vars) && name in vars
              ? vars[name]
              : name.includes('.')
                ? unknown
                : this.intrinsic('Ref', name, depth)
          if (typeof v === 'string' || typeof v === 'number') return String(v)
          ok = false
          return ''
        })
        return ok ? out.replace(/\$\{!/g, '${') : unknown
      }
      case 'Fn::FindInMap': {
        if (!Array.isArray(arg)) return unknown
        const [map, top, second] = arg.map(ev)
        if (typeof map !== 'string' || typeof top !== 'string' || typeof second !== 'string') return unknown
        const v = (this.mappings[map] as Json | undefined)?.[top]
        return isObject(v) && second in v ? v[second] : unknown
      }
      case 'Fn::Select': {
        if (!Array.isArray(arg)) return unknown
        const [index, list] = [ev(arg[0]), ev(arg[1])]
        return Array.isArray(list) && (typeof index === 'number' || typeof index === 'string')
          ? (list[Number(index)] ?? unknown)
          : unknown
      }
      default:
        return unknown
    }
  }

  condition(name: string, depth: number): unknown {
    return name in this.conditions ? this.evaluate(this.conditions[name], depth + 1) : unknown
  }
}

/** Known apart from references to other resources of the template (a peer group is still a peer). */
const settled = (v: unknown): boolean =>
  v !== unknown &&
  (!Array.isArray(v) || v.every(settled)) &&
  (!isObject(v) || v instanceof Reference || Object.values(v).every(settled))

const known = (v: unknown): boolean =>
  v !== unknown &&
  !(v instanceof Reference) &&
  (!Array.isArray(v) || v.every(known)) &&
  (!isObject(v) || Object.values(v).every(known))

/** A resource with evaluated properties, and helpers that record which fields are unknown. */
class Props {
  readonly unknown: string[] = []
  constructor(readonly properties: Json) {}

  get(path: string, field: string): unknown {
    let v: unknown = this.properties
    for (const part of path.split('.')) {
      if (v === unknown) break
      v = Array.isArray(v) ? v[Number(part)] : isObject(v) ? v[part] : undefined
    }
    if (v === unknown || v instanceof Reference) {
      if (v === unknown && !this.unknown.includes(field)) this.unknown.push(field)
      return v === unknown ? undefined : v
    }
    return v
  }
  bool(path: string, field: string, fallback?: boolean): boolean | undefined {
    const v = this.get(path, field)
    return typeof v === 'boolean'
      ? v
      : v === 'true'
        ? true
        : v === 'false'
          ? false
          : this.unknown.includes(field)
            ? undefined
            : fallback
  }
  str(path: string, field: string, fallback?: string): string | undefined {
    const v = this.get(path, field)
    return typeof v === 'string' && v !== ''
      ? v
      : typeof v === 'number'
        ? String(v)
        : this.unknown.includes(field)
          ? undefined
          : fallback
  }
  num(path: string, field: string, fallback?: number): number | undefined {
    const v = this.get(path, field)
    if (typeof v === 'number') return v
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v)
    return this.unknown.includes(field) ? undefined : fallback
  }
  list(path: string, field: string): unknown[] | undefined {
    const v = this.get(path, field)
    return Array.isArray(v) ? v : this.unknown.includes(field) ? undefined : []
  }
}

const refId = (v: unknown): string | undefined => (v instanceof Reference ? v.logicalId : undefined)
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : typeof v === 'string' ? [v] : []
type Draft<T> = { [K in keyof T]+?: T[K] | undefined }
function clean<T extends object>(item: Draft<T>, props: Props): T {
  const out = Object.fromEntries(Object.entries(item).filter(([, v]) => v !== undefined)) as T
  if (props.unknown.length > 0) (out as T & { unknown?: string[] }).unknown = props.unknown
  return out
}

/** A resource of the template whose condition holds, with its properties evaluated. */
interface StackResource {
  id: string
  type: string
  props: Props
}

/** The fields every AWS item read from a template shares. */
interface TemplateItemBase<K extends string> {
  kind: K
  resourceKind: string
  name: string
  file: string
  origin: 'cloudformation'
  line?: number
}

/** A template's resources, evaluated once, with the lookups the resource families share. */
class Stack {
  readonly resources: StackResource[]

  constructor(
    private readonly template: Template,
    private readonly file: string,
  ) {
    this.resources = Object.entries(template.resources)
      .filter(([, r]) => isObject(r) && typeof r.Type === 'string')
      .filter(
        ([, r]) =>
          typeof (r as Json).Condition !== 'string' ||
          template.condition((r as Json).Condition as string, 0) !== false,
      )
      .map(([id, r]) => {
        const raw = r as Json
        const evaluated = template.evaluate(isObject(raw.Properties) ? raw.Properties : {})
        return { id, type: raw.Type as string, props: new Props(isObject(evaluated) ? evaluated : {}) }
      })
  }

  ofType(type: string): StackResource[] {
    return this.resources.filter((r) => r.type === type)
  }

  /** Resources of `type` whose `attribute` is a `Ref`/`Fn::GetAtt` of the resource `id`. */
  pointingAt(type: string, attribute: string, id: string): StackResource[] {
    return this.ofType(type).filter((r) => refId(r.props.properties[attribute]) === id)
  }

  /**
   * How a reference to a logical id is recorded: `aws_iam_role.AppRole` when the type it names has a
   * Terraform equivalent (a `Ref` carries no type: the template's Resources map tells), so a rule
   * can ask what a route or profile refers to; the bare logical id otherwise.
   */
  addressOf(id: string): string {
    const type = this.byId(id)?.type
    const terraformType = type === undefined ? undefined : cloudFormationAttributeMaps[type]?.terraformType
    return terraformType === undefined ? id : `${terraformType}.${id}`
  }

  byId(id: string | undefined): StackResource | undefined {
    return this.resources.find((x) => x.id === id)
  }

  lineOf(id: string): number | undefined {
    return this.template.lineOf(id)
  }

  base<K extends string>(r: { id: string; type: string }, kind: K): TemplateItemBase<K> {
    const item: TemplateItemBase<K> = {
      kind,
      resourceKind: r.type,
      name: r.id,
      file: this.file,
      origin: 'cloudformation',
    }
    const line = this.lineOf(r.id)
    if (line !== undefined) item.line = line
    return item
  }
}

/** The evidence of one template. */
export function templateEvidence(text: string, file: string): EvidenceItem[] {
  const stack = new Stack(new Template(parseTemplate(text), file, text), file)
  return [
    ...stack.ofType('AWS::S3::Bucket').map((r) => s3Bucket(stack, r)),
    ...stack.ofType('AWS::RDS::DBInstance').map((r) => dbInstance(stack, r)),
    ...stack.ofType('AWS::EC2::SecurityGroup').map((r) => securityGroup(stack, r)),
    ...stack.ofType('AWS::EC2::VPC').map((r) => vpc(stack, r)),
    ...stack.ofType('AWS::CloudTrail::Trail').map((r) => trail(stack, r)),
    ...stack.ofType('AWS::KMS::Key').map((r) => kmsKey(stack, r)),
    ...stack.ofType('AWS::GuardDuty::Detector').map((r) => detector(stack, r)),
    ...stack.ofType('AWS::EKS::Cluster').map((r) => eksCluster(stack, r)),
    ...[...stack.ofType('AWS::IAM::ManagedPolicy'), ...stack.ofType('AWS::IAM::Policy')].map((r) =>
      standalonePolicy(stack, r),
    ),
    ...stack.ofType('AWS::IAM::Role').flatMap((r) => roleInlinePolicies(stack, r)),
    ...stack.ofType('AWS::ElasticLoadBalancingV2::Listener').map((r) => listener(stack, r)),
    ...stack.resources.flatMap((r) => taggedResource(stack, r, file)),
  ]
}

// --- S3 -------------------------------------------------------------------------------------------

function bucketEncryption(p: Props): AwsBucketEncryption | null | undefined {
  const rule = p.get('BucketEncryption.ServerSideEncryptionConfiguration.0', 'encryption')
  if (!isObject(rule)) return p.unknown.includes('encryption') ? undefined : null
  const encryption: AwsBucketEncryption = {}
  const algorithm = p.str(
    'BucketEncryption.ServerSideEncryptionConfiguration.0.ServerSideEncryptionByDefault.SSEAlgorithm',
    'encryption.algorithm',
  )
  const key = p.get(
    'BucketEncryption.ServerSideEncryptionConfiguration.0.ServerSideEncryptionByDefault.KMSMasterKeyID',
    'encryption.kmsKeyId',
  )
  const bucketKey = p.bool(
    'BucketEncryption.ServerSideEncryptionConfiguration.0.BucketKeyEnabled',
    'encryption.bucketKeyEnabled',
  )
  if (algorithm !== undefined) encryption.algorithm = algorithm
  if (typeof key === 'string') encryption.kmsKeyId = key
  if (bucketKey !== undefined) encryption.bucketKeyEnabled = bucketKey
  return encryption
}

function bucketPublicAccessBlock(p: Props): AwsPublicAccessBlock | null | undefined {
  const raw = p.get('PublicAccessBlockConfiguration', 'publicAccessBlock')
  if (!isObject(raw)) return p.unknown.includes('publicAccessBlock') ? undefined : null
  const block: AwsPublicAccessBlock = {}
  for (const [key, field] of [
    ['BlockPublicAcls', 'blockPublicAcls'],
    ['IgnorePublicAcls', 'ignorePublicAcls'],
    ['BlockPublicPolicy', 'blockPublicPolicy'],
    ['RestrictPublicBuckets', 'restrictPublicBuckets'],
  ] as const) {
    const v = p.bool(`PublicAccessBlockConfiguration.${key}`, `publicAccessBlock.${field}`, false)
    if (v !== undefined) block[field] = v
  }
  return block
}

/**
 * The value with every reference and unknown replaced by a marker string, so what does not depend on
 * them (who a bucket policy lets in) can be read before the stack is deployed.
 */
function markPending(v: unknown): unknown {
  if (v === unknown || v instanceof Reference) return '(known after deploy)'
  if (Array.isArray(v)) return v.map(markPending)
  return isObject(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, markPending(x)])) : v
}

function s3Bucket(stack: Stack, r: StackResource): AwsS3Bucket {
  const p = r.props
  const encryption = bucketEncryption(p)
  const publicAccessBlock = bucketPublicAccessBlock(p)
  const status = p.str('VersioningConfiguration.Status', 'versioning', 'Disabled')
  const policies = stack
    .pointingAt('AWS::S3::BucketPolicy', 'Bucket', r.id)
    .map((b) => b.props.get('PolicyDocument', 'policyPublic'))
  const acl = p.str('AccessControl', 'aclPublic')
  return clean<AwsS3Bucket>(
    {
      ...stack.base(r, 'aws.s3-bucket'),
      encryption,
      publicAccessBlock,
      versioning:
        status === 'Enabled' || status === 'Suspended'
          ? status
          : status === undefined
            ? undefined
            : 'Disabled',
      loggingEnabled: isObject(p.get('LoggingConfiguration', 'loggingEnabled')),
      policyPublic: policies.some((d) => isObject(d) && policyIsPublic(markPending(d))),
      aclPublic:
        acl === undefined ? undefined : ['PublicRead', 'PublicReadWrite', 'AuthenticatedRead'].includes(acl),
    },
    p,
  )
}

// --- RDS ------------------------------------------------------------------------------------------

function dbInstance(stack: Stack, r: StackResource): AwsDbInstance {
  const p = r.props
  const cluster = refId(p.properties.DBClusterIdentifier)
  const c = cluster === undefined ? undefined : stack.byId(cluster)?.props
  // Storage, backups and deletion protection of an Aurora instance are its cluster's.
  const src = c ?? p
  // Without a subnet group RDS decides from the VPC: not known from the template.
  if (p.properties.PubliclyAccessible === undefined && p.properties.DBSubnetGroupName === undefined)
    p.unknown.push('publiclyAccessible')
  return clean<AwsDbInstance>(
    {
      ...stack.base(r, 'aws.db-instance'),
      engine: p.str('Engine', 'engine'),
      engineVersion: p.str('EngineVersion', 'engineVersion'),
      instanceClass: p.str('DBInstanceClass', 'instanceClass'),
      clusterIdentifier: cluster ?? p.str('DBClusterIdentifier', 'clusterIdentifier'),
      publiclyAccessible: p.bool(
        'PubliclyAccessible',
        'publiclyAccessible',
        p.properties.DBSubnetGroupName === undefined ? undefined : false,
      ),
      storageEncrypted: src.bool('StorageEncrypted', 'storageEncrypted', false),
      multiAz: p.bool('MultiAZ', 'multiAz', false),
      deletionProtection: src.bool('DeletionProtection', 'deletionProtection', false),
      backupRetentionDays: src.num('BackupRetentionPeriod', 'backupRetentionDays', 1),
      autoMinorVersionUpgrade: p.bool('AutoMinorVersionUpgrade', 'autoMinorVersionUpgrade', true),
      iamAuthentication: src.bool('EnableIAMDatabaseAuthentication', 'iamAuthentication', false),
    },
    p,
  )
}

// --- VPC networking -------------------------------------------------------------------------------

/** One inline rule or separate ingress/egress resource of a security group. */
function securityGroupRule(raw: unknown): AwsSecurityGroupRule {
  const r = isObject(raw) ? raw : {}
  const protocol = String(r.IpProtocol ?? '-1').toLowerCase()
  const out: AwsSecurityGroupRule = {
    protocol: protocol === 'all' ? '-1' : protocol,
    ipv4Ranges: strings(r.CidrIp),
    ipv6Ranges: strings(r.CidrIpv6),
    prefixListIds: strings(r.SourcePrefixListId ?? r.DestinationPrefixListId),
    sourceGroups: [r.SourceSecurityGroupId, r.DestinationSecurityGroupId].flatMap((g) =>
      typeof g === 'string' ? [g] : g instanceof Reference ? [g.logicalId] : [],
    ),
  }
  if (out.protocol !== '-1') {
    if (typeof r.FromPort === 'number') out.fromPort = r.FromPort
    if (typeof r.ToPort === 'number') out.toPort = r.ToPort
  }
  if (typeof r.Description === 'string') out.description = r.Description
  return out
}

function securityGroup(stack: Stack, r: StackResource): AwsSecurityGroup {
  const p = r.props
  const direction = (inline: string, separate: string, field: string) => {
    const list = p.list(inline, field) ?? []
    if (list.some((x) => !settled(x))) p.unknown.includes(field) || p.unknown.push(field)
    return [
      ...list.map(securityGroupRule),
      ...stack.pointingAt(separate, 'GroupId', r.id).map((s) => {
        if (!settled(s.props.properties)) p.unknown.includes(field) || p.unknown.push(field)
        return securityGroupRule(s.props.properties)
      }),
    ]
  }
  return clean<AwsSecurityGroup>(
    {
      ...stack.base(r, 'aws.security-group'),
      groupName: p.str('GroupName', 'groupName'),
      description: p.str('GroupDescription', 'description'),
      ingress: direction('SecurityGroupIngress', 'AWS::EC2::SecurityGroupIngress', 'ingress'),
      egress: direction('SecurityGroupEgress', 'AWS::EC2::SecurityGroupEgress', 'egress'),
    },
    p,
  )
}

function vpc(stack: Stack, r: StackResource): AwsVpc {
  const p = r.props
  const flowLogs = stack.pointingAt('AWS::EC2::FlowLog', 'ResourceId', r.id).map((f) => {
    const log: { trafficType?: string; destinationType?: string } = {}
    const t = f.props.str('TrafficType', 'trafficType')
    if (t !== undefined) log.trafficType = t
    log.destinationType =
      f.props.str('LogDestinationType', 'destinationType', 'cloud-watch-logs') ?? 'cloud-watch-logs'
    return log
  })
  return clean<AwsVpc>(
    { ...stack.base(r, 'aws.vpc'), isDefault: false, cidrBlock: p.str('CidrBlock', 'cidrBlock'), flowLogs },
    p,
  )
}

// --- Logging, keys and detection ------------------------------------------------------------------

function trail(stack: Stack, r: StackResource): AwsCloudTrail {
  const p = r.props
  return clean<AwsCloudTrail>(
    {
      ...stack.base(r, 'aws.cloudtrail'),
      multiRegion: p.bool('IsMultiRegionTrail', 'multiRegion', false),
      organizationTrail: p.bool('IsOrganizationTrail', 'organizationTrail', false),
      logFileValidation: p.bool('EnableLogFileValidation', 'logFileValidation', false),
      logging: p.bool('IsLogging', 'logging'),
      includeGlobalServiceEvents: p.bool('IncludeGlobalServiceEvents', 'includeGlobalServiceEvents', true),
      kmsKeyId: p.str('KMSKeyId', 'kmsKeyId'),
      s3BucketName: p.str('S3BucketName', 's3BucketName'),
      cloudWatchLogsGroupArn: p.str('CloudWatchLogsLogGroupArn', 'cloudWatchLogsGroupArn'),
    },
    p,
  )
}

function kmsKey(stack: Stack, r: StackResource): AwsKmsKey {
  const p = r.props
  const enabled = p.bool('Enabled', 'keyState', true)
  return clean<AwsKmsKey>(
    {
      ...stack.base(r, 'aws.kms-key'),
      keyManager: 'CUSTOMER',
      keySpec: p.str('KeySpec', 'keySpec', 'SYMMETRIC_DEFAULT'),
      keyUsage: p.str('KeyUsage', 'keyUsage', 'ENCRYPT_DECRYPT'),
      keyState: enabled === undefined ? undefined : enabled ? 'Enabled' : 'Disabled',
      keyOrigin: p.str('Origin', 'keyOrigin', 'AWS_KMS'),
      rotationEnabled: p.bool('EnableKeyRotation', 'rotationEnabled', false),
      rotationPeriodDays: p.num('RotationPeriodInDays', 'rotationPeriodDays'),
      aliases: stack
        .pointingAt('AWS::KMS::Alias', 'TargetKeyId', r.id)
        .flatMap((a) => strings(a.props.properties.AliasName)),
    },
    p,
  )
}

function detector(stack: Stack, r: StackResource): AwsGuardDutyDetector {
  const enabled = r.props.bool('Enable', 'status')
  return clean<AwsGuardDutyDetector>(
    {
      ...stack.base(r, 'aws.guardduty-detector'),
      status: enabled === undefined ? undefined : enabled ? 'ENABLED' : 'DISABLED',
    },
    r.props,
  )
}

// --- EKS ------------------------------------------------------------------------------------------

function eksPublicAccessCidrs(p: Props): string[] | undefined {
  const v = p.get('ResourcesVpcConfig.PublicAccessCidrs', 'publicAccessCidrs')
  if (Array.isArray(v)) return strings(v)
  // Unset, EKS opens the public endpoint to the whole internet.
  return p.unknown.includes('publicAccessCidrs') ? undefined : ['0.0.0.0/0']
}

function eksCluster(stack: Stack, r: StackResource): AwsEksCluster {
  const p = r.props
  const types = p.list('Logging.ClusterLogging.EnabledTypes', 'enabledLogTypes')
  const encryption = p.list('EncryptionConfig', 'secretsEncrypted')
  return clean<AwsEksCluster>(
    {
      ...stack.base(r, 'aws.eks-cluster'),
      version: p.str('Version', 'version'),
      enabledLogTypes: types?.flatMap((t) => (isObject(t) && typeof t.Type === 'string' ? [t.Type] : [])),
      endpointPublicAccess: p.bool('ResourcesVpcConfig.EndpointPublicAccess', 'endpointPublicAccess', true),
      endpointPrivateAccess: p.bool(
        'ResourcesVpcConfig.EndpointPrivateAccess',
        'endpointPrivateAccess',
        false,
      ),
      publicAccessCidrs: eksPublicAccessCidrs(p),
      secretsEncrypted: encryption?.some((e) => isObject(e) && strings(e.Resources).includes('secrets')),
    },
    p,
  )
}

// --- IAM ------------------------------------------------------------------------------------------

/** A `PolicyDocument` read when the template alone tells all of it; else recorded as unknown. */
function policyDocument(doc: unknown, p: Props): IamPolicyDocument | undefined {
  if ((!isObject(doc) && typeof doc !== 'string') || !known(doc)) {
    p.unknown.includes('document') || p.unknown.push('document')
    return undefined
  }
  return readIamPolicy(doc)
}

/** `AWS::IAM::ManagedPolicy` or `AWS::IAM::Policy`, attached to the roles, users and groups it names. */
function standalonePolicy(stack: Stack, r: StackResource): AwsIamPolicy {
  const p = r.props
  const attachedTo = (
    [
      ['Roles', 'role'],
      ['Users', 'user'],
      ['Groups', 'group'],
    ] as const
  ).flatMap(([key, type]) =>
    (Array.isArray(p.properties[key]) ? (p.properties[key] as unknown[]) : []).map((v) => ({
      type,
      name: refId(v) ?? (typeof v === 'string' ? v : '(unknown)'),
    })),
  )
  return clean<AwsIamPolicy>(
    {
      ...stack.base(r, 'aws.iam-policy'),
      managedBy: r.type === 'AWS::IAM::ManagedPolicy' ? 'customer' : 'inline',
      attachedTo,
      document: policyDocument(p.properties.PolicyDocument, p),
    },
    p,
  )
}

/** The `Policies` written inline in an `AWS::IAM::Role`, one item each. */
function roleInlinePolicies(stack: Stack, r: StackResource): AwsIamPolicy[] {
  const roleName = typeof r.props.properties.RoleName === 'string' ? r.props.properties.RoleName : r.id
  return (r.props.list('Policies', 'document') ?? []).flatMap((policy, i) => {
    if (!isObject(policy)) return []
    const p = new Props(policy)
    const name = typeof policy.PolicyName === 'string' ? policy.PolicyName : String(i)
    return [
      clean<AwsIamPolicy>(
        {
          ...stack.base(r, 'aws.iam-policy'),
          name: `${r.id}/${name}`,
          managedBy: 'inline',
          attachedTo: [{ type: 'role', name: roleName }],
          document: policyDocument(policy.PolicyDocument, p),
        },
        p,
      ),
    ]
  })
}

// --- Load balancers -------------------------------------------------------------------------------

function listener(stack: Stack, r: StackResource): AwsLoadBalancerListener {
  const p = r.props
  const lb = stack.byId(refId(p.properties.LoadBalancerArn))?.props
  const actions = p.list('DefaultActions', 'redirectsToHttps')
  return clean<AwsLoadBalancerListener>(
    {
      ...stack.base(r, 'aws.load-balancer-listener'),
      loadBalancerName: refId(p.properties.LoadBalancerArn),
      loadBalancerType: lb?.str('Type', 'loadBalancerType', 'application'),
      scheme: lb?.str('Scheme', 'scheme', 'internet-facing'),
      port: p.num('Port', 'port'),
      protocol: p.str('Protocol', 'protocol')?.toUpperCase(),
      sslPolicy: p.str('SslPolicy', 'sslPolicy'),
      redirectsToHttps: actions?.some(
        (a) =>
          isObject(a) &&
          a.Type === 'redirect' &&
          isObject(a.RedirectConfig) &&
          String(a.RedirectConfig.Protocol).toUpperCase() === 'HTTPS',
      ),
    },
    p,
  )
}

// --- Tags -----------------------------------------------------------------------------------------

/** A template value as the attribute mapping reads it: known, a reference, unknown or unset. */
function readTemplateValue(properties: Json, path: string): TemplateValue {
  let v: unknown = properties
  for (const part of path.split('.')) {
    if (v === unknown || v instanceof Reference) break
    v = Array.isArray(v) ? v[Number(part)] : isObject(v) ? v[part] : undefined
  }
  if (v === undefined || v === null) return { state: 'unset' }
  if (v instanceof Reference) return { state: 'reference', logicalId: v.logicalId }
  if (known(v)) return { state: 'known', value: v }
  return Array.isArray(v) ? { state: 'unknown', length: v.length } : { state: 'unknown' }
}

/**
 * Every resource of the template, so coverage can list what no check examined. Its tags (stack-level
 * tags are added at deploy time, so a key missing here may still arrive) and, for the types
 * declarative rules cover, its settings under the rules' attribute names. A resource that only
 * configures another (a bucket policy, an ingress rule) is recorded as part of that one.
 */
function taggedResource(stack: Stack, r: StackResource, file: string): IacResource[] {
  const tagsRaw = r.props.properties.Tags
  const map = cloudFormationAttributeMaps[r.type]
  const tags: Record<string, string> = {}
  if (Array.isArray(tagsRaw))
    for (const t of tagsRaw)
      if (isObject(t) && typeof t.Key === 'string' && typeof t.Value === 'string') tags[t.Key] = t.Value
  const item: IacResource = {
    kind: 'iac.resource',
    resourceKind: r.type,
    name: r.id,
    file,
    tool: 'cloudformation',
    taggable:
      Array.isArray(tagsRaw) || isObject(tagsRaw) || taggableTemplateTypes.has(r.type) || map !== undefined,
    tags,
    tagsUnknown: true,
  }
  const owner = partOfProperty[r.type]
  const partOf = owner === undefined ? undefined : refId(r.props.properties[owner])
  if (partOf !== undefined) item.partOf = partOf
  if (map !== undefined) {
    const mapped = mapTemplateAttributes(
      map,
      (path) => readTemplateValue(r.props.properties, path),
      (id) => stack.addressOf(id),
    )
    item.equivalentType = map.terraformType
    item.attributes = mapped.attributes
    item.unknownAttributes = mapped.unknownAttributes
    item.references = mapped.references
  }
  const line = stack.lineOf(r.id)
  if (line !== undefined) item.line = line
  return [item, ...inlineSettings(stack, r, item)]
}

/** Types that only configure another resource, and the property naming it. */
const partOfProperty: Readonly<Record<string, string>> = {
  'AWS::S3::BucketPolicy': 'Bucket',
  'AWS::EC2::SecurityGroupIngress': 'GroupId',
  'AWS::EC2::SecurityGroupEgress': 'GroupId',
  'AWS::EC2::FlowLog': 'ResourceId',
  'AWS::KMS::Alias': 'TargetKeyId',
}

/**
 * Settings a template writes inline that Terraform keeps as a resource of their own (an ECR
 * lifecycle policy, an EFS backup policy): the rules look for that resource, so it is added,
 * as part of its owner, referring to it the way Terraform's would.
 */
function inlineSettings(stack: Stack, r: StackResource, owner: IacResource): IacResource[] {
  const setting = (type: string, via: string, attributes: Record<string, unknown>): IacResource => {
    const item: IacResource = {
      kind: 'iac.resource',
      resourceKind: `${r.type}.inline`,
      name: `${r.id}.${type}`,
      file: owner.file,
      tool: 'cloudformation',
      taggable: false,
      tags: {},
      tagsUnknown: false,
      partOf: r.id,
      equivalentType: type,
      attributes,
      unknownAttributes: [],
      references: { [via]: [stack.addressOf(r.id)] },
    }
    if (owner.line !== undefined) item.line = owner.line
    return item
  }
  const p = r.props.properties
  if (r.type === 'AWS::ECR::Repository' && isObject(p.LifecyclePolicy))
    return [setting('aws_ecr_lifecycle_policy', 'repository', {})]
  if (r.type === 'AWS::EFS::FileSystem' && isObject(p.BackupPolicy)) {
    const status = readTemplateValue(p, 'BackupPolicy.Status')
    const item = setting('aws_efs_backup_policy', 'file_system_id', {})
    if (status.state === 'known') item.attributes = { backup_policy: { status: status.value } }
    else item.unknownAttributes = ['backup_policy.status']
    return [item]
  }
  return []
}

const taggableTemplateTypes = new Set([
  'AWS::S3::Bucket',
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::DynamoDB::Table',
  'AWS::KMS::Key',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::VPC',
  'AWS::CloudTrail::Trail',
  'AWS::EKS::Cluster',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::Lambda::Function',
  'AWS::SQS::Queue',
  'AWS::SNS::Topic',
])
