import { z } from 'zod'
import { deferredSchema } from './deferred-schema.js'
import { type EvidenceTypes, evidenceSchema, stringMap } from './evidence-base.js'

/**
 * Infrastructure as code (Terraform plans and source, CloudFormation templates): facts about the code
 * itself — planned changes, tags, where state lives. What the code builds (buckets, databases…) is
 * mapped into the AWS kinds of evidence-aws.ts, so the same checks run on code and live accounts.
 */

export const iacChangeActionSchema = deferredSchema(() =>
  z.enum(['create', 'read', 'update', 'delete', 'no-op', 'forget']),
)
export type IacChangeAction = z.output<typeof iacChangeActionSchema>

/** One resource change in a Terraform plan (`resource_changes[]`). `name` is the resource address. */
export const iacChangeSchema = deferredSchema(() =>
  evidenceSchema('iac.change', {
    /** The Terraform resource type, e.g. `aws_db_instance`. */
    resourceKind: z.string().min(1),
    actions: z.array(iacChangeActionSchema),
    /** Terraform's reason for a delete or replace (`action_reason`), e.g. `replace_because_cannot_update`. */
    actionReason: z.string().exactOptional(),
    /** Attribute paths that force the replace (`replace_paths`), dotted. */
    replacePaths: z.array(z.string()).exactOptional(),
    /** Tags of the resource before and after the change (provider default tags included). */
    tagsBefore: stringMap.exactOptional(),
    tagsAfter: stringMap.exactOptional(),
  }),
)
export type IacChange = z.output<typeof iacChangeSchema>

/** A resource declared in infrastructure code, with its tags: what inventory and ownership checks read. */
export const iacResourceSchema = deferredSchema(() =>
  evidenceSchema('iac.resource', {
    /** `aws_s3_bucket`, `AWS::S3::Bucket`. */
    resourceKind: z.string().min(1),
    /** Which tool declares it. */
    tool: z.enum(['terraform', 'cloudformation']),
    /** True when the resource type takes tags (its schema has a `tags` attribute). */
    taggable: z.boolean(),
    /** Known tags, provider default tags included. */
    tags: stringMap,
    /** True when some tags are unknown until apply or could not be resolved statically. */
    tagsUnknown: z.boolean(),
    /**
     * The evidence item this resource was read into, when it is part of another resource's settings
     * (`aws_s3_bucket_versioning` → its bucket's address, the account password policy → `account`).
     */
    partOf: z.string().min(1).exactOptional(),
    /**
     * Every attribute known before apply, as the provider names it (blocks are lists of objects, as in
     * a plan); sensitive values are already removed. What declarative rules read, so a type no AWS
     * mapping knows (`aws_rds_cluster`, `google_sql_database_instance`) can still be judged.
     */
    attributes: z.record(z.string(), z.unknown()).exactOptional(),
    /** Attribute paths, dotted (`rule.0.cidr_blocks`), whose value is known only after apply. */
    unknownAttributes: z.array(z.string()).exactOptional(),
    /** Attribute name → addresses of the resources its expression refers to, as configuration writes it. */
    references: z.record(z.string(), z.array(z.string())).exactOptional(),
    /**
     * For a CloudFormation resource whose settings were read under Terraform's attribute names, that
     * Terraform type (`AWS::RDS::DBCluster` → `aws_rds_cluster`): rules on the type judge it too.
     */
    equivalentType: z.string().min(1).exactOptional(),
  }),
)
export type IacResource = z.output<typeof iacResourceSchema>

/** Where a Terraform root module keeps its state (`terraform { backend … }` / `cloud {}`). */
export const iacStateBackendSchema = deferredSchema(() =>
  evidenceSchema('iac.state-backend', {
    resourceKind: z.literal('TerraformRootModule'),
    /** The module folder. */
    name: z.string().min(1),
    /** `s3`, `gcs`, `azurerm`, `remote`, `cloud`…; `local` when no backend is configured. */
    backend: z.string(),
    /** The backend's settings that could be read statically (values never secret: no credentials kept). */
    settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    /** Setting names whose value could not be resolved statically. */
    unknown: z.array(z.string()),
  }),
)
export type IacStateBackend = z.output<typeof iacStateBackendSchema>

/** Evidence kinds of this domain by name; `evidence.ts` joins them into the registry. */
export const iacEvidenceSchemas = {
  'iac.change': iacChangeSchema,
  'iac.resource': iacResourceSchema,
  'iac.state-backend': iacStateBackendSchema,
} as const
export type IacEvidenceKinds = EvidenceTypes<typeof iacEvidenceSchemas>
