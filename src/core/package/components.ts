import type { Config } from '../config.js'
import type { EvidenceItem } from '../evidence.js'

/** The system's parts as the evidence shows them: what the description and diagrams are drawn from. */
export interface SystemComponents {
  namespaces: { name: string; workloads: number }[]
  workloads: { name: string; namespace: string; kind: string; images: string[]; file: string }[]
  entryPoints: { host: string; namespace: string; file: string }[]
  dataStores: { name: string; kind: string; where: string; file: string }[]
  pipelines: { name: string; triggers: string[]; jobs: number; file: string }[]
  images: { name: string; base: string; file: string }[]
  providers: Config['providers']
  /** Evidence kinds seen and how many items of each, for the infrastructure inventory. */
  inventory: { kind: string; count: number }[]
}

// Images and resource names that hold data: what a reader calls a data store.
const dataStorePattern =
  /(postgres|mysql|mariadb|redis|mongo|elasticsearch|opensearch|cassandra|kafka|rabbitmq|clickhouse|etcd|minio|memcached|dynamodb|rds|s3|bucket|database|sql|db-instance|db-cluster)/i

/**
 * Terraform (and CloudFormation) resource types that are a data store themselves. Their settings are
 * resources too (`aws_s3_bucket_versioning`, `aws_s3_bucket_acl`, `AWS::S3::BucketPolicy`) and
 * their names match the pattern above, but a reader counts the bucket once, not each of its settings.
 */
const storeResourceTypes = new Set([
  'aws_s3_bucket',
  'aws_db_instance',
  'aws_rds_cluster',
  'aws_dynamodb_table',
  'aws_elasticache_cluster',
  'aws_elasticache_replication_group',
  'aws_docdb_cluster',
  'aws_neptune_cluster',
  'aws_redshift_cluster',
  'aws_opensearch_domain',
  'aws_elasticsearch_domain',
  'aws_msk_cluster',
  'aws_efs_file_system',
  'google_storage_bucket',
  'google_sql_database_instance',
  'google_bigquery_dataset',
  'azurerm_storage_account',
  'azurerm_cosmosdb_account',
  'azurerm_postgresql_flexible_server',
  'azurerm_mysql_flexible_server',
  'azurerm_mssql_server',
  'AWS::S3::Bucket',
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::DynamoDB::Table',
  'AWS::ElastiCache::CacheCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::OpenSearchService::Domain',
  'AWS::EFS::FileSystem',
])

/** A Terraform (`aws_s3_bucket`) or CloudFormation (`AWS::S3::Bucket`) resource type. */
const isIacResourceType = (type: string): boolean =>
  /^[a-z0-9]+_[a-z0-9_]+$/.test(type) || type.includes('::')

/**
 * Whether a non-Kubernetes evidence item is a data store, and the key that identifies the store:
 * its ARN when known, else (declared in code) its resource address, so the same bucket read as a
 * Terraform resource, as AWS state derived from the plan and as a planned change counts once.
 */
function cloudDataStore(item: EvidenceItem): { key: string; where: string } | undefined {
  // A planned change repeats a resource the plan also declares.
  if (item.kind === 'iac.change') return undefined
  const arn = 'arn' in item && typeof item.arn === 'string' && item.arn !== '' ? item.arn : undefined
  if (isIacResourceType(item.resourceKind)) {
    if (!storeResourceTypes.has(item.resourceKind)) return undefined
    return {
      key: arn ?? `declared:${item.name}`,
      where: item.resourceKind.includes('::') ? 'CloudFormation' : 'Terraform',
    }
  }
  if (!dataStorePattern.test(`${item.kind} ${item.resourceKind}`)) return undefined
  return { key: arn ?? `${item.kind}/${item.name}`, where: item.kind }
}

function image(reference: string): string {
  return reference.split('@')[0] ?? reference
}

/** Reads the system components out of the collected evidence (pure: no lookups elsewhere). */
export function discoverComponents(
  evidence: readonly EvidenceItem[],
  config: Pick<Config, 'package' | 'providers' | 'owners'>,
): SystemComponents {
  const namespaceCounts = new Map<string, number>()
  const workloads: SystemComponents['workloads'] = []
  const entryPoints: SystemComponents['entryPoints'] = []
  const dataStores: SystemComponents['dataStores'] = []
  const cloudStores = new Map<string, SystemComponents['dataStores'][number]>()
  const pipelines: SystemComponents['pipelines'] = []
  const images: SystemComponents['images'] = []
  const inventory = new Map<string, number>()
  for (const item of evidence) {
    inventory.set(item.kind, (inventory.get(item.kind) ?? 0) + 1)
    switch (item.kind) {
      case 'k8s.namespace':
        if (!namespaceCounts.has(item.name)) namespaceCounts.set(item.name, 0)
        break
      case 'k8s.workload': {
        namespaceCounts.set(item.namespace, (namespaceCounts.get(item.namespace) ?? 0) + 1)
        const containerImages = item.containers.filter((c) => !c.init).map((c) => image(c.image))
        workloads.push({
          name: item.name,
          namespace: item.namespace,
          kind: item.resourceKind,
          images: containerImages,
          file: item.file,
        })
        if (containerImages.some((i) => dataStorePattern.test(i.split('/').pop() ?? i)))
          dataStores.push({
            name: item.name,
            kind: item.resourceKind,
            where: `namespace ${item.namespace}`,
            file: item.file,
          })
        break
      }
      case 'k8s.ingress':
        for (const host of item.hosts) entryPoints.push({ host, namespace: item.namespace, file: item.file })
        break
      case 'ci.workflow':
        pipelines.push({ name: item.name, triggers: item.triggers, jobs: item.jobs.length, file: item.file })
        break
      case 'container.dockerfile': {
        const final = item.stages[item.finalStage]
        images.push({ name: item.name, base: final?.image?.raw ?? final?.from ?? '', file: item.file })
        break
      }
      default:
        // Cloud resources (buckets, databases) arrive under other kinds; their names say what they are.
        if (item.kind.startsWith('k8s.')) break
        {
          const store = cloudDataStore(item)
          if (store !== undefined && !cloudStores.has(store.key))
            cloudStores.set(store.key, {
              name: item.name,
              kind: item.resourceKind,
              where: store.where,
              file: item.file,
            })
        }
    }
  }
  dataStores.push(...cloudStores.values())
  // Managed data services named in the providers (a database, a bucket) are data stores too.
  for (const provider of config.providers)
    for (const service of provider.services)
      if (dataStorePattern.test(service))
        dataStores.push({
          name: service,
          kind: 'managed service',
          where: provider.name,
          file: 'trustctl.yaml',
        })
  return {
    namespaces: [...namespaceCounts]
      .map(([name, count]) => ({ name, workloads: count }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    workloads: workloads.sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`)),
    entryPoints: dedupe(entryPoints, (e) => e.host),
    dataStores: dedupe(dataStores, (d) => `${d.where}/${d.name}`),
    pipelines: pipelines.sort((a, b) => a.name.localeCompare(b.name)),
    images: images.sort((a, b) => a.file.localeCompare(b.file)),
    providers: config.providers,
    inventory: [...inventory]
      .map(([kind, count]) => ({ kind, count }))
      .sort((a, b) => a.kind.localeCompare(b.kind)),
  }
}

function dedupe<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>()
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item)
  return [...seen.values()].sort((a, b) => key(a).localeCompare(key(b)))
}
