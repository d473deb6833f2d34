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
export interface AttributeMap {
  /** The Terraform type whose attribute names the rules use. */
  terraformType: string
  /** Terraform attribute path (dotted) → CloudFormation property path (dotted). */
  attributes: Readonly<Record<string, string>>
}

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
}

/** How a template value reads: known, a reference to another resource, or not known from the template. */
export type TemplateValue =
  | { state: 'known'; value: unknown }
  | { state: 'reference'; logicalId: string }
  | { state: 'unknown' }
  | { state: 'unset' }

/** The attributes, unknown paths and references of one resource, in the Terraform attribute model. */
export function mapTemplateAttributes(
  map: AttributeMap,
  read: (propertyPath: string) => TemplateValue,
): {
  attributes: Record<string, unknown>
  unknownAttributes: string[]
  references: Record<string, string[]>
} {
  const attributes: Record<string, unknown> = {}
  const unknownAttributes: string[] = []
  const references: Record<string, string[]> = {}
  for (const [attribute, property] of Object.entries(map.attributes)) {
    const value = read(property)
    if (value.state === 'unset') continue
    if (value.state === 'known') {
      setPath(attributes, attribute, value.value)
      continue
    }
    unknownAttributes.push(attribute)
    if (value.state === 'reference') {
      // Keyed by the full path and by its block, as rules look references up either way.
      const top = attribute.split('.')[0] ?? attribute
      for (const key of new Set([attribute, top]))
        references[key] = [...new Set([...(references[key] ?? []), value.logicalId])]
    }
  }
  return { attributes, unknownAttributes, references }
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
