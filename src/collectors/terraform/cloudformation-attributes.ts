/**
 * CloudFormation properties under the attribute names declarative rules read. Rules are written
 * once, on the Terraform attribute model (`storage_encrypted`); a template's `AWS::RDS::DBCluster`
 * carries the same settings under other names (`StorageEncrypted`). For the types rules cover, this
 * table says which property holds each attribute, so one rule judges both sources alike.
 *
 * Only attributes whose meaning and default are the same in both are listed: a rule on an attribute
 * left out here finds it unset and uses its default, which is why a property whose default differs
 * must not be mapped under the Terraform name.
 */
/**
 * Where one Terraform attribute is read from: a property path (dotted), a list of blocks whose fields
 * are read from each element, or a function of the template values for what needs translating
 * (a `Key`/`Value` attribute list, PascalCase container definitions).
 */
export type PropertySource =
  | string
  | { each: string; fields: Readonly<Record<string, string>> }
  | ((read: ReadTemplateValue) => TemplateValue)

/** Reads a property path of the resource (dotted; a number enters a list). */
export type ReadTemplateValue = (propertyPath: string) => TemplateValue

export interface AttributeMap {
  /** The Terraform type whose attribute names the rules use. */
  terraformType: string
  /** Terraform attribute path (dotted) → where the CloudFormation resource holds it. */
  attributes: Readonly<Record<string, PropertySource>>
  /**
   * Attributes rules on the Terraform type read that the template type has no property for, or whose
   * meaning differs: always unknown, so a rule needing one says no-evidence instead of judging a
   * default the template never chose.
   */
  unknown?: readonly string[]
  /**
   * Attributes rules read that the template type has no property for because the setting lives in
   * another resource, which is mapped on its own (a route of a route table; a secret's rotation):
   * unset is the truth for this resource, as it is for the Terraform resource of that split.
   */
  unset?: readonly string[]
}

/** An inline security group rule, under the names of Terraform's inline `ingress`/`egress` blocks. */
const securityGroupRuleFields = {
  cidr_blocks: 'CidrIp',
  ipv6_cidr_blocks: 'CidrIpv6',
  protocol: 'IpProtocol',
  from_port: 'FromPort',
  to_port: 'ToPort',
} as const

export const cloudFormationAttributeMaps: Readonly<Record<string, AttributeMap>> = {
  'AWS::RDS::DBCluster': {
    terraformType: 'aws_rds_cluster',
    attributes: {
      engine: 'Engine',
      storage_encrypted: 'StorageEncrypted',
      kms_key_id: 'KmsKeyId',
      deletion_protection: 'DeletionProtection',
      backup_retention_period: 'BackupRetentionPeriod',
      enabled_cloudwatch_logs_exports: 'EnableCloudwatchLogsExports',
      copy_tags_to_snapshot: 'CopyTagsToSnapshot',
      iam_database_authentication_enabled: 'EnableIAMDatabaseAuthentication',
      master_username: 'MasterUsername',
    },
  },
  'AWS::Lambda::Function': {
    terraformType: 'aws_lambda_function',
    attributes: {
      runtime: 'Runtime',
      package_type: 'PackageType',
      'tracing_config.mode': 'TracingConfig.Mode',
      'dead_letter_config.target_arn': 'DeadLetterConfig.TargetArn',
      kms_key_arn: 'KmsKeyArn',
      'vpc_config.subnet_ids': 'VpcConfig.SubnetIds',
      reserved_concurrent_executions: 'ReservedConcurrentExecutions',
    },
  },
  'AWS::DynamoDB::Table': {
    terraformType: 'aws_dynamodb_table',
    attributes: {
      deletion_protection_enabled: 'DeletionProtectionEnabled',
      'server_side_encryption.enabled': 'SSESpecification.SSEEnabled',
      'server_side_encryption.kms_key_arn': 'SSESpecification.KMSMasterKeyId',
      'point_in_time_recovery.enabled': 'PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled',
    },
  },
  'AWS::SQS::Queue': {
    terraformType: 'aws_sqs_queue',
    attributes: {
      name: 'QueueName',
      kms_master_key_id: 'KmsMasterKeyId',
      sqs_managed_sse_enabled: 'SqsManagedSseEnabled',
      redrive_policy: 'RedrivePolicy',
    },
  },
  'AWS::SNS::Topic': {
    terraformType: 'aws_sns_topic',
    attributes: { name: 'TopicName', kms_master_key_id: 'KmsMasterKeyId' },
  },
  'AWS::Logs::LogGroup': {
    terraformType: 'aws_cloudwatch_log_group',
    attributes: { name: 'LogGroupName', kms_key_id: 'KmsKeyId', retention_in_days: 'RetentionInDays' },
  },
  // --- Compute and storage ------------------------------------------------------------------------
  'AWS::EC2::Instance': {
    terraformType: 'aws_instance',
    attributes: {
      monitoring: 'Monitoring',
      associate_public_ip_address: 'NetworkInterfaces.0.AssociatePublicIpAddress',
      // The subnet is the instance's own, or its first network interface's when it declares interfaces.
      subnet_id: (read) => {
        const own = read('SubnetId')
        return own.state === 'unset' ? read('NetworkInterfaces.0.SubnetId') : own
      },
      launch_template: 'LaunchTemplate',
      'launch_template.id': 'LaunchTemplate.LaunchTemplateId',
      'launch_template.name': 'LaunchTemplate.LaunchTemplateName',
      // Set through a launch template, the metadata options are the template's: unknown here.
      'metadata_options.http_tokens': (read) =>
        read('LaunchTemplate').state === 'unset' ? read('MetadataOptions.HttpTokens') : { state: 'unknown' },
      'metadata_options.http_endpoint': (read) =>
        read('LaunchTemplate').state === 'unset'
          ? read('MetadataOptions.HttpEndpoint')
          : { state: 'unknown' },
      ebs_block_device: { each: 'BlockDeviceMappings', fields: { encrypted: 'Ebs.Encrypted' } },
    },
    // Which mapping is the root volume depends on the AMI's root device name: not in the template.
    unknown: ['root_block_device.encrypted'],
  },
  'AWS::EC2::LaunchTemplate': {
    terraformType: 'aws_launch_template',
    attributes: {
      'metadata_options.http_tokens': 'LaunchTemplateData.MetadataOptions.HttpTokens',
      'metadata_options.http_endpoint': 'LaunchTemplateData.MetadataOptions.HttpEndpoint',
      network_interfaces: {
        each: 'LaunchTemplateData.NetworkInterfaces',
        fields: { associate_public_ip_address: 'AssociatePublicIpAddress' },
      },
      block_device_mappings: {
        each: 'LaunchTemplateData.BlockDeviceMappings',
        fields: { 'ebs.encrypted': 'Ebs.Encrypted', device_name: 'DeviceName' },
      },
    },
  },
  'AWS::EC2::Volume': {
    terraformType: 'aws_ebs_volume',
    attributes: { encrypted: 'Encrypted', kms_key_id: 'KmsKeyId' },
  },
  'AWS::ECR::Repository': {
    terraformType: 'aws_ecr_repository',
    attributes: {
      name: 'RepositoryName',
      image_tag_mutability: 'ImageTagMutability',
      'image_scanning_configuration.scan_on_push': 'ImageScanningConfiguration.ScanOnPush',
      'encryption_configuration.encryption_type': 'EncryptionConfiguration.EncryptionType',
      'encryption_configuration.kms_key': 'EncryptionConfiguration.KmsKey',
    },
  },
  'AWS::ECS::TaskDefinition': {
    terraformType: 'aws_ecs_task_definition',
    attributes: {
      network_mode: 'NetworkMode',
      pid_mode: 'PidMode',
      container_definitions: transformed('ContainerDefinitions', camelKeys),
    },
  },
  'AWS::EKS::Cluster': {
    terraformType: 'aws_eks_cluster',
    attributes: {
      version: 'Version',
      enabled_cluster_log_types: transformed('Logging.ClusterLogging.EnabledTypes', (types) =>
        Array.isArray(types)
          ? types.map((t) => (t !== null && typeof t === 'object' ? (t as { Type?: unknown }).Type : t))
          : types,
      ),
    },
  },
  'AWS::EFS::FileSystem': {
    terraformType: 'aws_efs_file_system',
    attributes: { encrypted: 'Encrypted', kms_key_id: 'KmsKeyId' },
  },
  // --- Data stores -----------------------------------------------------------------------------------
  'AWS::ElastiCache::ReplicationGroup': {
    terraformType: 'aws_elasticache_replication_group',
    attributes: {
      at_rest_encryption_enabled: 'AtRestEncryptionEnabled',
      transit_encryption_enabled: 'TransitEncryptionEnabled',
      automatic_failover_enabled: 'AutomaticFailoverEnabled',
      auto_minor_version_upgrade: 'AutoMinorVersionUpgrade',
      snapshot_retention_limit: 'SnapshotRetentionLimit',
    },
  },
  'AWS::Redshift::Cluster': {
    terraformType: 'aws_redshift_cluster',
    attributes: {
      encrypted: 'Encrypted',
      publicly_accessible: 'PubliclyAccessible',
      master_username: 'MasterUsername',
      automated_snapshot_retention_period: 'AutomatedSnapshotRetentionPeriod',
      enhanced_vpc_routing: 'EnhancedVpcRouting',
      'logging.enable': (read) =>
        read('LoggingProperties').state === 'unset' ? { state: 'unset' } : { state: 'known', value: true },
    },
  },
  'AWS::OpenSearchService::Domain': {
    terraformType: 'aws_opensearch_domain',
    attributes: openSearchAttributes('ClusterConfig'),
  },
  'AWS::Elasticsearch::Domain': {
    terraformType: 'aws_elasticsearch_domain',
    attributes: openSearchAttributes('ElasticsearchClusterConfig'),
  },
  'AWS::RDS::DBInstance': {
    terraformType: 'aws_db_instance',
    attributes: {
      auto_minor_version_upgrade: 'AutoMinorVersionUpgrade',
      username: 'MasterUsername',
      copy_tags_to_snapshot: 'CopyTagsToSnapshot',
      enabled_cloudwatch_logs_exports: 'EnableCloudwatchLogsExports',
      monitoring_interval: 'MonitoringInterval',
      performance_insights_enabled: 'EnablePerformanceInsights',
      performance_insights_kms_key_id: 'PerformanceInsightsKMSKeyId',
      iam_database_authentication_enabled: 'EnableIAMDatabaseAuthentication',
    },
  },
  // --- Keys, secrets, logging and backup ----------------------------------------------------------------
  'AWS::KMS::Key': {
    terraformType: 'aws_kms_key',
    attributes: { deletion_window_in_days: 'PendingWindowInDays', policy: 'KeyPolicy' },
  },
  'AWS::SecretsManager::Secret': {
    terraformType: 'aws_secretsmanager_secret',
    attributes: { name: 'Name', kms_key_id: 'KmsKeyId' },
    // A template cannot set the recovery window: it is chosen when the secret is deleted. Rotation
    // is an AWS::SecretsManager::RotationSchedule of its own (mapped below), never on the secret.
    unknown: ['recovery_window_in_days'],
    unset: ['rotation_lambda_arn'],
  },
  'AWS::SecretsManager::RotationSchedule': {
    terraformType: 'aws_secretsmanager_secret_rotation',
    attributes: {
      secret_id: 'SecretId',
      'rotation_rules.automatically_after_days': 'RotationRules.AutomaticallyAfterDays',
      'rotation_rules.schedule_expression': 'RotationRules.ScheduleExpression',
    },
  },
  'AWS::CloudTrail::Trail': {
    terraformType: 'aws_cloudtrail',
    attributes: {
      kms_key_id: 'KMSKeyId',
      enable_logging: 'IsLogging',
      cloud_watch_logs_group_arn: 'CloudWatchLogsLogGroupArn',
    },
  },
  'AWS::Backup::BackupVault': {
    terraformType: 'aws_backup_vault',
    attributes: { name: 'BackupVaultName', kms_key_arn: 'EncryptionKeyArn' },
  },
  'AWS::Backup::BackupPlan': {
    terraformType: 'aws_backup_plan',
    attributes: {
      rule: {
        each: 'BackupPlan.BackupPlanRule',
        fields: {
          'lifecycle.delete_after': 'Lifecycle.DeleteAfterDays',
          copy_action: 'CopyActions',
        },
      },
    },
  },
  // --- Edge and networking ---------------------------------------------------------------------------
  'AWS::ApiGateway::Stage': {
    terraformType: 'aws_api_gateway_stage',
    attributes: {
      xray_tracing_enabled: 'TracingEnabled',
      'access_log_settings.destination_arn': 'AccessLogSetting.DestinationArn',
    },
  },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': {
    terraformType: 'aws_lb',
    attributes: {
      load_balancer_type: 'Type',
      internal: transformed('Scheme', (scheme) => scheme === 'internal'),
      enable_deletion_protection: keyedAttribute('LoadBalancerAttributes', 'deletion_protection.enabled'),
      'access_logs.enabled': keyedAttribute('LoadBalancerAttributes', 'access_logs.s3.enabled'),
      drop_invalid_header_fields: keyedAttribute(
        'LoadBalancerAttributes',
        'routing.http.drop_invalid_header_fields.enabled',
      ),
      desync_mitigation_mode: keyedAttribute('LoadBalancerAttributes', 'routing.http.desync_mitigation_mode'),
    },
  },
  'AWS::CloudFront::Distribution': {
    terraformType: 'aws_cloudfront_distribution',
    attributes: {
      default_root_object: 'DistributionConfig.DefaultRootObject',
      'logging_config.bucket': 'DistributionConfig.Logging.Bucket',
      web_acl_id: 'DistributionConfig.WebACLId',
      'default_cache_behavior.viewer_protocol_policy':
        'DistributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy',
      ordered_cache_behavior: {
        each: 'DistributionConfig.CacheBehaviors',
        fields: { viewer_protocol_policy: 'ViewerProtocolPolicy' },
      },
      origin: {
        each: 'DistributionConfig.Origins',
        fields: { 'custom_origin_config.origin_protocol_policy': 'CustomOriginConfig.OriginProtocolPolicy' },
      },
      'viewer_certificate.minimum_protocol_version':
        'DistributionConfig.ViewerCertificate.MinimumProtocolVersion',
    },
  },
  // Only what routes refer to: a typed reference lets a rule tell a gateway route from a NAT route.
  'AWS::EC2::Subnet': {
    terraformType: 'aws_subnet',
    attributes: { map_public_ip_on_launch: 'MapPublicIpOnLaunch' },
  },
  'AWS::EC2::SecurityGroup': {
    terraformType: 'aws_security_group',
    attributes: {
      ingress: { each: 'SecurityGroupIngress', fields: securityGroupRuleFields },
      egress: { each: 'SecurityGroupEgress', fields: securityGroupRuleFields },
    },
  },
  // A rule added to a group outside it: the group's rules look for it as Terraform's separate rule.
  'AWS::EC2::SecurityGroupIngress': {
    terraformType: 'aws_vpc_security_group_ingress_rule',
    attributes: {
      security_group_id: 'GroupId',
      cidr_ipv4: 'CidrIp',
      cidr_ipv6: 'CidrIpv6',
      ip_protocol: 'IpProtocol',
      from_port: 'FromPort',
      to_port: 'ToPort',
    },
    // The older aws_security_group_rule's names, which the same rules read for that type.
    unset: ['type', 'cidr_blocks', 'ipv6_cidr_blocks', 'protocol'],
  },
  'AWS::EC2::InternetGateway': { terraformType: 'aws_internet_gateway', attributes: {} },
  'AWS::EC2::RouteTable': {
    terraformType: 'aws_route_table',
    attributes: { tags: readTags },
    // Routes are AWS::EC2::Route resources of their own (the aws_route attributes).
    unset: ['route', 'route_table_id', 'destination_cidr_block', 'destination_ipv6_cidr_block', 'gateway_id'],
  },
  'AWS::EC2::Route': {
    terraformType: 'aws_route',
    attributes: {
      route_table_id: 'RouteTableId',
      destination_cidr_block: 'DestinationCidrBlock',
      destination_ipv6_cidr_block: 'DestinationIpv6CidrBlock',
      gateway_id: 'GatewayId',
    },
    // A route has no tags or inline routes: the table it belongs to is judged by those.
    unset: ['tags', 'route'],
  },
  // --- IAM --------------------------------------------------------------------------------------------
  'AWS::IAM::Role': {
    terraformType: 'aws_iam_role',
    attributes: {
      name: 'RoleName',
      assume_role_policy: 'AssumeRolePolicyDocument',
      managed_policy_arns: 'ManagedPolicyArns',
      inline_policy: { each: 'Policies', fields: { name: 'PolicyName', policy: 'PolicyDocument' } },
    },
  },
  'AWS::IAM::AccessKey': {
    terraformType: 'aws_iam_access_key',
    attributes: { status: 'Status' },
  },
  // A policy document attached to the users, groups and roles it lists; attached to a user, it is
  // what Terraform writes as aws_iam_user_policy.
  'AWS::IAM::Policy': {
    terraformType: 'aws_iam_user_policy',
    attributes: { user: listedNames('Users'), policy: 'PolicyDocument' },
  },
  'AWS::IAM::InstanceProfile': {
    terraformType: 'aws_iam_instance_profile',
    // A profile holds at most one role.
    attributes: { role: 'Roles.0' },
  },
}

/** How a template value reads: known, a reference to another resource, or not known from the template. */
export type TemplateValue =
  | { state: 'known'; value: unknown }
  | { state: 'reference'; logicalId: string }
  | {
      state: 'unknown' /** For a list whose elements are partly unknown: how many it holds. */
      length?: number
    }
  | { state: 'unset' }

/** The attributes, unknown paths and references of one resource, in the Terraform attribute model. */
export function mapTemplateAttributes(
  map: AttributeMap,
  read: ReadTemplateValue,
  addressOf: (logicalId: string) => string = (id) => id,
): {
  attributes: Record<string, unknown>
  unknownAttributes: string[]
  references: Record<string, string[]>
} {
  const attributes: Record<string, unknown> = {}
  const unknownAttributes: string[] = [...(map.unknown ?? [])]
  const references: Record<string, string[]> = {}
  const take = (attribute: string, value: TemplateValue): void => {
    if (value.state === 'unset') return
    if (value.state === 'known') {
      setPath(attributes, attribute, value.value)
      return
    }
    unknownAttributes.push(attribute)
    if (value.state === 'reference') {
      // Keyed by the full path and by its block, as rules look references up either way.
      const top = attribute.split('.')[0] ?? attribute
      for (const key of new Set([attribute, top]))
        references[key] = [...new Set([...(references[key] ?? []), addressOf(value.logicalId)])]
    }
  }
  for (const [attribute, source] of Object.entries(map.attributes)) {
    if (typeof source === 'string') take(attribute, read(source))
    else if (typeof source === 'function') take(attribute, source(read))
    else mapBlocks(attribute, source, read, take, attributes, unknownAttributes)
  }
  return { attributes, unknownAttributes, references }
}

/**
 * A list of blocks (`BlockDeviceMappings` → `block_device_mappings`): each element's fields are
 * read one by one, so a KMS key written as a `Ref` leaves only that field unknown, not the list.
 */
function mapBlocks(
  attribute: string,
  source: { each: string; fields: Readonly<Record<string, string>> },
  read: ReadTemplateValue,
  take: (attribute: string, value: TemplateValue) => void,
  attributes: Record<string, unknown>,
  unknownAttributes: string[],
): void {
  const list = read(source.each)
  if (list.state === 'unset') return
  const count = listLength(list)
  if (count === undefined) {
    unknownAttributes.push(attribute)
    return
  }
  const blocks: Record<string, unknown>[] = []
  setPath(attributes, attribute, blocks)
  for (let i = 0; i < count; i++) {
    const block: Record<string, unknown> = {}
    blocks.push(block)
    for (const [field, property] of Object.entries(source.fields)) {
      const value = read(`${source.each}.${i}.${property}`)
      if (value.state === 'known') setPath(block, field, value.value)
      else take(`${attribute}.${i}.${field}`, value)
    }
  }
}

/** How many elements a list property holds, when the template says (its elements may be unknown). */
function listLength(list: TemplateValue): number | undefined {
  if (list.state === 'known') return Array.isArray(list.value) ? list.value.length : undefined
  // An unknown list (a parameter of type List) has no length: only a list with unknown elements does.
  return list.state === 'unknown' ? list.length : undefined
}

/** A CloudFormation `Tags` list (`[{ Key, Value }]`) as Terraform's `tags` map. */
export function readTags(read: ReadTemplateValue, path = 'Tags'): TemplateValue {
  const list = read(path)
  if (list.state !== 'known' || !Array.isArray(list.value))
    return list.state === 'unset' ? list : { state: 'unknown' }
  const tags: Record<string, unknown> = {}
  for (const t of list.value)
    if (t !== null && typeof t === 'object' && 'Key' in t && 'Value' in t)
      tags[String((t as { Key: unknown }).Key)] = (t as { Value: unknown }).Value
  return { state: 'known', value: tags }
}

/**
 * PascalCase keys made camelCase, all the way down: ECS container definitions are written
 * `Privileged`/`ReadonlyRootFilesystem` in a template and `privileged`/`readonlyRootFilesystem` in
 * the JSON Terraform passes to the API, which is what rules read.
 */
export function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), camelKeys(v)]),
  )
}

/** A function source that reads a property and transforms its known value. */
function transformed(path: string, f: (value: unknown) => unknown) {
  return (read: ReadTemplateValue): TemplateValue => {
    const v = read(path)
    return v.state === 'known' ? { state: 'known', value: f(v.value) } : v
  }
}

/** `LoadBalancerAttributes`-style `[{ Key, Value }]` lists: the value of one key. */
function keyedAttribute(path: string, key: string) {
  return (read: ReadTemplateValue): TemplateValue => {
    const list = read(path)
    if (list.state === 'unset') return list
    if (list.state !== 'known' || !Array.isArray(list.value)) {
      // A list with an unknown element may still hold the key: look at the elements we can read.
      const length = list.state === 'unknown' ? (list.length ?? 0) : 0
      for (let i = 0; i < length; i++) {
        const k = read(`${path}.${i}.Key`)
        if (k.state === 'known' && k.value === key) return read(`${path}.${i}.Value`)
      }
      return { state: 'unknown' }
    }
    const found = list.value.find(
      (e) => e !== null && typeof e === 'object' && (e as { Key?: unknown }).Key === key,
    ) as { Value?: unknown } | undefined
    return found === undefined ? { state: 'unset' } : { state: 'known', value: found.Value }
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.')
  let current = target
  for (const part of parts.slice(0, -1)) {
    const next = current[part]
    if (next !== null && typeof next === 'object' && !Array.isArray(next))
      current = next as Record<string, unknown>
    else {
      const created: Record<string, unknown> = {}
      current[part] = created
      current = created
    }
  }
  current[parts[parts.length - 1] ?? path] = value
}

/** OpenSearch and its Elasticsearch predecessor differ only in the cluster block's name. */
function openSearchAttributes(clusterConfig: string): Record<string, PropertySource> {
  return {
    access_policies: 'AccessPolicies',
    'encrypt_at_rest.enabled': 'EncryptionAtRestOptions.Enabled',
    'node_to_node_encryption.enabled': 'NodeToNodeEncryptionOptions.Enabled',
    'advanced_security_options.enabled': 'AdvancedSecurityOptions.Enabled',
    'vpc_options.subnet_ids': 'VPCOptions.SubnetIds',
    'domain_endpoint_options.enforce_https': 'DomainEndpointOptions.EnforceHTTPS',
    'domain_endpoint_options.tls_security_policy': 'DomainEndpointOptions.TLSSecurityPolicy',
    'cluster_config.zone_awareness_enabled': `${clusterConfig}.ZoneAwarenessEnabled`,
    log_publishing_options: (read) => {
      const options = read('LogPublishingOptions')
      if (options.state !== 'known') return options
      const value = options.value
      if (value === null || typeof value !== 'object') return { state: 'unknown' }
      // A map by log type in a template, a list of blocks with `log_type` in Terraform.
      return {
        state: 'known',
        value: Object.entries(value).map(([logType, o]) => ({
          log_type: logType,
          enabled:
            o !== null && typeof o === 'object' ? ((o as { Enabled?: unknown }).Enabled ?? true) : true,
        })),
      }
    },
  }
}

/**
 * The users (groups, roles) a list property names, as logical ids or names: what matters to a rule
 * is whether there are any, which a list of references tells before deployment.
 */
function listedNames(path: string) {
  return (read: ReadTemplateValue): TemplateValue => {
    const list = read(path)
    if (list.state === 'unset' || list.state === 'reference') return list
    const length =
      list.state === 'known'
        ? Array.isArray(list.value)
          ? list.value.length
          : 0
        : (list.length ?? undefined)
    if (length === undefined) return { state: 'unknown' }
    if (length === 0) return { state: 'unset' }
    const names: string[] = []
    for (let i = 0; i < length; i++) {
      const v = read(`${path}.${i}`)
      names.push(
        v.state === 'reference'
          ? v.logicalId
          : v.state === 'known'
            ? String(v.value)
            : '(known after deploy)',
      )
    }
    return { state: 'known', value: names.join(', ') }
  }
}
