import type { IacResource } from '../../core/evidence-iac.js'
import { maskCredentialFieldMap } from '../../core/secrets.js'
import { type GraphResource, hasUnknown, isUnknown, type ResourceGraph, valueAt } from './resource-graph.js'
import { writtenStatement } from './to-aws-evidence.js'

/**
 * AWS resource types that take tags, for Terraform source where no provider schema says so. Plans
 * need no list: their values hold a `tags` attribute exactly when the schema has one.
 */
export const taggableTypes: ReadonlySet<string> = new Set([
  'aws_s3_bucket',
  'aws_db_instance',
  'aws_rds_cluster',
  'aws_rds_cluster_instance',
  'aws_dynamodb_table',
  'aws_kms_key',
  'aws_security_group',
  'aws_vpc',
  'aws_subnet',
  'aws_instance',
  'aws_eks_cluster',
  'aws_eks_node_group',
  'aws_lb',
  'aws_alb',
  'aws_cloudtrail',
  'aws_guardduty_detector',
  'aws_iam_role',
  'aws_iam_user',
  'aws_iam_policy',
  'aws_lambda_function',
  'aws_sqs_queue',
  'aws_sns_topic',
  'aws_elasticache_cluster',
  'aws_elasticache_replication_group',
  'aws_efs_file_system',
  'aws_ebs_volume',
  'aws_ecr_repository',
  'aws_secretsmanager_secret',
  'aws_cloudwatch_log_group',
  'aws_opensearch_domain',
  'aws_elasticsearch_domain',
  'aws_redshift_cluster',
  'aws_kinesis_stream',
  'aws_backup_vault',
])

/**
 * One `iac.resource` per managed resource, with the tags it will carry; `readInto` names the AWS
 * evidence item a resource was read into (ResourceGraph.readInto, after toAwsEvidence ran).
 */
export function toIacResources(
  resources: readonly GraphResource[],
  readInto: ReadonlyMap<GraphResource, string> = new Map(),
  graph?: ResourceGraph,
): IacResource[] {
  return resources
    .filter((r) => r.mode === 'managed')
    .map((r) => {
      const hasTagsAttribute =
        'tags' in r.values || 'tags_all' in r.values || isUnknown(r, 'tags_all') || isUnknown(r, 'tags')
      const field = 'tags_all' in r.values || isUnknown(r, 'tags_all') ? 'tags_all' : 'tags'
      const raw = valueAt(r.values, field)
      const tags: Record<string, string> = {}
      if (raw !== null && typeof raw === 'object' && !Array.isArray(raw))
        for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') tags[k] = v
      const documents = graph === undefined ? {} : renderedDocuments(graph, r)
      const item: IacResource = {
        kind: 'iac.resource',
        resourceKind: r.type,
        name: r.address,
        file: r.file,
        tool: 'terraform',
        taggable: hasTagsAttribute || taggableTypes.has(r.type),
        tags,
        tagsUnknown: hasUnknown(r, field),
        attributes: maskCredentialFieldMap({ ...r.values, ...documents }),
        unknownAttributes: writtenUnknowns(r).filter((path) => !(path in documents)),
        references: graph?.resolvedReferences(r) ?? {},
      }
      if (r.line !== undefined) item.line = r.line
      const owner = readInto.get(r)
      if (owner !== undefined) item.partOf = owner
      return item
    })
}

/**
 * The unknown paths that are unknown because of what the code wrote. A plan marks an attribute the
 * provider computes when it is not written (a bucket's inline lifecycle rules, a detector's
 * publishing frequency) as unknown too; when the configuration says it was not written, the
 * attribute is unset and the provider default applies, which rules state with `default`.
 */
function writtenUnknowns(r: GraphResource): string[] {
  const configured = r.configured
  if (configured === undefined) return r.unknown
  return r.unknown.filter((path) => configured.includes(path.split('.')[0] ?? path))
}

/**
 * Policy attributes written as `data.aws_iam_policy_document.x.json` (a role's trust, a domain's
 * access policy) are unknown to the resource itself, but the data source's statement blocks are in
 * the code: rendered as the JSON the data source would produce, rules read them like a literal
 * policy. Left unknown when the document's own `json` or its deciding parts are not known.
 */
function renderedDocuments(graph: ResourceGraph, r: GraphResource): Record<string, string> {
  const out: Record<string, string> = {}
  for (const attribute of r.unknown) {
    if (attribute.includes('.')) continue
    const [doc] = graph.targets(r, attribute, ['aws_iam_policy_document']).filter((d) => d.mode === 'data')
    if (doc === undefined) continue
    const json = valueAt(doc.values, 'json')
    if (typeof json === 'string' && !isUnknown(doc, 'json')) {
      out[attribute] = json
      continue
    }
    const blocks = valueAt(doc.values, 'statement')
    // Any unknown inside the statements (an ARN known after apply) or an imported document leaves
    // the whole policy unknown: a rule must not judge a statement with a part missing.
    if (!Array.isArray(blocks) || doc.unknown.some((u) => !u.startsWith('json') && u !== 'id')) continue
    const version = valueAt(doc.values, 'version')
    out[attribute] = JSON.stringify({
      // The data source writes this version when none is set.
      Version: typeof version === 'string' && version !== '' ? version : '2012-10-17',
      Statement: blocks
        .filter((b): b is Record<string, unknown> => b !== null && typeof b === 'object' && !Array.isArray(b))
        .map(writtenStatement),
    })
  }
  return out
}
