import type { EvidenceBase } from './evidence.js'

/**
 * Infrastructure as code (Terraform plans and source, CloudFormation templates): facts about the code
 * itself — planned changes, tags, where state lives. What the code builds (buckets, databases…) is
 * mapped into the AWS kinds of evidence-aws.ts, so the same checks run on code and live accounts.
 */

export type IacChangeAction = 'create' | 'read' | 'update' | 'delete' | 'no-op' | 'forget'

/** One resource change in a Terraform plan (`resource_changes[]`). `name` is the resource address. */
export interface IacChange extends EvidenceBase {
  kind: 'iac.change'
  /** The Terraform resource type, e.g. `aws_db_instance`. */
  resourceKind: string
  actions: IacChangeAction[]
  /** Terraform's reason for a delete or replace (`action_reason`), e.g. `replace_because_cannot_update`. */
  actionReason?: string
  /** Attribute paths that force the replace (`replace_paths`), dotted. */
  replacePaths?: string[]
  /** Tags of the resource before and after the change (provider default tags included). */
  tagsBefore?: Record<string, string>
  tagsAfter?: Record<string, string>
}

/** A resource declared in infrastructure code, with its tags: what inventory and ownership checks read. */
export interface IacResource extends EvidenceBase {
  kind: 'iac.resource'
  /** `aws_s3_bucket`, `AWS::S3::Bucket`. */
  resourceKind: string
  /** Which tool declares it. */
  tool: 'terraform' | 'cloudformation'
  /** True when the resource type takes tags (its schema has a `tags` attribute). */
  taggable: boolean
  /** Known tags, provider default tags included. */
  tags: Record<string, string>
  /** True when some tags are unknown until apply or could not be resolved statically. */
  tagsUnknown: boolean
}

/** Where a Terraform root module keeps its state (`terraform { backend … }` / `cloud {}`). */
export interface IacStateBackend extends EvidenceBase {
  kind: 'iac.state-backend'
  resourceKind: 'TerraformRootModule'
  /** The module folder. */
  name: string
  /** `s3`, `gcs`, `azurerm`, `remote`, `cloud`…; `local` when no backend is configured. */
  backend: string
  /** The backend's settings that could be read statically (values never secret: no credentials kept). */
  settings: Record<string, string | number | boolean>
  /** Setting names whose value could not be resolved statically. */
  unknown: string[]
}

/** Evidence kinds of this domain by name; `evidence.ts` joins them into `EvidenceKinds`. */
export interface IacEvidenceKinds {
  'iac.change': IacChange
  'iac.resource': IacResource
  'iac.state-backend': IacStateBackend
}

export const iacEvidenceKinds: readonly (keyof IacEvidenceKinds)[] = [
  'iac.change',
  'iac.resource',
  'iac.state-backend',
]
