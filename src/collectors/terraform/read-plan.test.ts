import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { referenceFile } from '../../../test/reference-data.js'
import type { EvidenceItem } from '../../core/evidence.js'
import { collectSources } from '../registry.js'
import { planEvidence } from './collect-plan.js'
import { readPlan } from './read-plan.js'
import { ResourceGraph } from './resource-graph.js'

// `terraform show -json` of examples/acme-saas/terraform, planned by Terraform 1.11.4 with the AWS
// provider 5.100.0 against a state holding an unencrypted database and a bucket no longer in code.
const acme = await readFile(path.join(import.meta.dirname, 'testdata/acme-plan.json'), 'utf8')
const plan = readPlan(acme, 'plan.json')
const graph = new ResourceGraph(plan.resources)
const evidence = planEvidence(acme, 'plan.json')
const byName = (kind: string, name: string) => evidence.find((e) => e.kind === kind && e.name === name)
const resource = (address: string) => {
  const found = plan.resources.find((r) => r.address === address)
  if (found === undefined) throw new Error(`no ${address}`)
  return found
}

describe('reading a real Terraform 1.x plan', () => {
  it('reads the format and every module, child modules included', () => {
    expect(plan.formatVersion).toBe('1.2')
    expect(plan.terraformVersion).toBe('1.11.4')
    expect(resource('module.event_archive.aws_s3_bucket.this').moduleAddress).toBe('module.event_archive')
    expect(resource('aws_s3_bucket.exports["eu"]').key).toBe('eu')
    expect(resource('aws_subnet.private[1]').key).toBe(1)
  })

  it('ties a bucket-level resource to its bucket through configuration references while the id is unknown', () => {
    const sse = resource('aws_s3_bucket_server_side_encryption_configuration.access_logs')
    expect(sse.unknown).toContain('bucket')
    expect(sse.references.bucket).toEqual([{ target: 'aws_s3_bucket.access_logs' }])
    expect(graph.targets(sse, 'bucket', ['aws_s3_bucket']).map((b) => b.address)).toEqual([
      'aws_s3_bucket.access_logs',
    ])
  })

  it('pairs for_each instances: `each.value.id` over a resource, and `resource[each.key]`', () => {
    const sse = resource('aws_s3_bucket_server_side_encryption_configuration.exports["us"]')
    expect(sse.references.bucket).toEqual([{ target: 'aws_s3_bucket.exports', key: 'same' }])
    expect(graph.targets(sse, 'bucket', ['aws_s3_bucket']).map((b) => b.address)).toEqual([
      'aws_s3_bucket.exports["us"]',
    ])
    const pab = resource('aws_s3_bucket_public_access_block.exports["eu"]')
    expect(graph.targets(pab, 'bucket', ['aws_s3_bucket']).map((b) => b.address)).toEqual([
      'aws_s3_bucket.exports["eu"]',
    ])
  })

  it('follows references through module variables and module outputs', () => {
    const logging = resource('module.event_archive.aws_s3_bucket_logging.this')
    expect(logging.references.target_bucket).toEqual([{ target: 'aws_s3_bucket.access_logs' }])
    expect(logging.references.bucket).toEqual([{ target: 'module.event_archive.aws_s3_bucket.this' }])
    const trail = resource('aws_cloudtrail.organization')
    expect(trail.references.s3_bucket_name).toEqual([{ target: 'module.event_archive.aws_s3_bucket.this' }])
  })

  it('maps buckets with their separate encryption, public access block, versioning and logging resources', () => {
    expect(byName('aws.s3-bucket', 'module.event_archive.aws_s3_bucket.this')).toMatchObject({
      encryption: { algorithm: 'aws:kms', bucketKeyEnabled: true },
      publicAccessBlock: { blockPublicAcls: true, blockPublicPolicy: true },
      versioning: 'Enabled',
      loggingEnabled: true,
      origin: 'terraform-plan',
    })
    const exports = byName('aws.s3-bucket', 'aws_s3_bucket.exports["eu"]')
    expect(exports).toMatchObject({ versioning: 'Disabled', publicAccessBlock: { blockPublicPolicy: false } })
    // The KMS key of a key created in the same plan is unknown: listed, not guessed.
    expect(exports).toMatchObject({ unknown: ['encryption.kmsKeyId'] })
  })

  it('builds security groups from inline blocks and both kinds of separate rule resources', () => {
    expect(byName('aws.security-group', 'aws_security_group.bastion')).toMatchObject({
      ingress: [{ protocol: 'tcp', fromPort: 22, toPort: 22, ipv4Ranges: ['0.0.0.0/0'] }],
    })
    const app = byName('aws.security-group', 'aws_security_group.app')
    expect(app).toMatchObject({
      ingress: [{ fromPort: 443, ipv4Ranges: ['10.40.0.0/16'] }],
      egress: [{ protocol: '-1', ipv4Ranges: ['0.0.0.0/0'] }],
    })
    // An unset inline list is computed by the provider, not unknown to us.
    expect((app as { unknown?: string[] }).unknown ?? []).not.toContain('ingress')
  })

  it('maps flow logs, trails, keys, detectors, clusters, databases and IAM policies', () => {
    expect(byName('aws.vpc', 'aws_vpc.main')).toMatchObject({ flowLogs: [{ trafficType: 'ALL' }] })
    expect(byName('aws.cloudtrail', 'aws_cloudtrail.organization')).toMatchObject({
      multiRegion: true,
      logFileValidation: true,
    })
    expect(byName('aws.kms-key', 'aws_kms_key.exports')).toMatchObject({ rotationEnabled: false })
    expect(byName('aws.kms-key', 'aws_kms_key.data')).toMatchObject({
      aliases: ['alias/acme-insights-prod-data'],
    })
    // The region comes from the provider configuration, `region = var.region`, and the plan's variables.
    expect(byName('aws.guardduty-detector', 'aws_guardduty_detector.main')).toMatchObject({
      status: 'ENABLED',
      region: 'us-east-1',
    })
    expect(byName('aws.eks-cluster', 'aws_eks_cluster.main')).toMatchObject({
      enabledLogTypes: ['api', 'audit', 'authenticator'],
      secretsEncrypted: true,
    })
    expect(byName('aws.db-instance', 'aws_db_instance.analytics')).toMatchObject({
      storageEncrypted: true,
      multiAz: true,
      backupRetentionDays: 14,
    })
    expect(byName('aws.iam-policy', 'aws_iam_role_policy.data_science')).toMatchObject({
      managedBy: 'inline',
      document: { readable: true, statements: [{ effect: 'Allow', actions: ['*'], resources: ['*'] }] },
    })
    // Rendered by a data source deferred to apply: the statements are known, one ARN is not.
    expect(byName('aws.iam-policy', 'aws_iam_policy.ci_deploy')).toMatchObject({
      attachedTo: [{ type: 'role', name: 'acme-insights-prod-ci-deploy' }],
      document: {
        readable: true,
        statements: [{ sid: 'PushImages' }, { sid: 'DescribeCluster', resources: ['(known after apply)'] }],
      },
    })
  })

  it('records delete and replace actions with the paths that force the replace', () => {
    expect(byName('iac.change', 'aws_db_instance.analytics')).toMatchObject({
      actions: ['delete', 'create'],
      actionReason: 'replace_because_cannot_update',
      replacePaths: ['storage_encrypted', 'kms_key_id'],
    })
    expect(byName('iac.change', 'aws_s3_bucket.legacy_uploads')).toMatchObject({
      actions: ['delete'],
      tagsBefore: { 'change-approved': 'CHG-2291' },
    })
    // A destroyed bucket is gone after apply: no account-state evidence for it.
    expect(byName('aws.s3-bucket', 'aws_s3_bucket.legacy_uploads')).toBeUndefined()
  })
})

/** A minimal plan in the shape Terraform 1.x prints, around one resource. */
function planWith(
  resource: Record<string, unknown>,
  change: Record<string, unknown>,
  formatVersion = '1.2',
): string {
  return JSON.stringify({
    format_version: formatVersion,
    terraform_version: '1.9.8',
    planned_values: { root_module: { resources: [resource] } },
    resource_changes: [
      { address: resource.address, mode: 'managed', type: resource.type, name: resource.name, change },
    ],
    configuration: { root_module: { resources: [] } },
  })
}

describe('sensitive values', () => {
  it('never stores values marked sensitive in sensitive_values or after_sensitive', () => {
    const text = planWith(
      {
        address: 'aws_db_instance.main',
        mode: 'managed',
        type: 'aws_db_instance',
        name: 'main',
        provider_name: 'registry.terraform.io/hashicorp/aws',
        schema_version: 2,
        values: {
          identifier: 'main',
          password: 'hunter2-Sup3rS3cret',
          storage_encrypted: true,
          tags: { owner: 'data' },
        },
        sensitive_values: { password: true, tags: {} },
      },
      {
        actions: ['create'],
        before: null,
        after: { identifier: 'main', password: 'hunter2-Sup3rS3cret', tags: { owner: 'data' } },
        after_unknown: { id: true },
        before_sensitive: false,
        after_sensitive: { password: true, tags: {} },
      },
    )
    const items = planEvidence(text, 'plan.json')
    expect(JSON.stringify(items)).not.toContain('hunter2')
    expect(readPlan(text, 'plan.json').resources[0]?.values).not.toHaveProperty('password')
    expect(items.find((i) => i.kind === 'aws.db-instance')).toMatchObject({ storageEncrypted: true })
  })
})

describe('bad plan files', () => {
  it('accepts the 0.x format of Terraform 0.12–0.15', () => {
    const text = planWith(
      {
        address: 'aws_kms_key.k',
        mode: 'managed',
        type: 'aws_kms_key',
        name: 'k',
        values: { enable_key_rotation: true },
      },
      { actions: ['create'] },
      '0.1',
    )
    expect(planEvidence(text, 'old.json').find((e) => e.kind === 'aws.kms-key')).toMatchObject({
      rotationEnabled: true,
    })
  })

  it('names the unsupported format version', () => {
    expect(() => readPlan(JSON.stringify({ format_version: '2.0', planned_values: {} }), 'p.json')).toThrow(
      /format_version "2\.0" is not supported/,
    )
  })

  it('recognises a Trivy report given as a plan', async () => {
    const trivy = await readFile(referenceFile('samples', 'trivy', 'terraform-remote-module.json'), 'utf8')
    expect(() => readPlan(trivy, 'trivy.json')).toThrow(/Trivy report/)
  })

  it('reads the state JSON that `terraform show -json` prints without a plan', () => {
    const state = JSON.stringify({
      format_version: '1.0',
      terraform_version: '1.11.4',
      values: {
        root_module: {
          resources: [
            {
              address: 'aws_kms_key.k',
              mode: 'managed',
              type: 'aws_kms_key',
              name: 'k',
              values: { key_id: 'k-1', enable_key_rotation: false },
              sensitive_values: {},
            },
          ],
        },
      },
    })
    expect(planEvidence(state, 'state.json').find((e) => e.kind === 'aws.kms-key')).toMatchObject({
      keyId: 'k-1',
      rotationEnabled: false,
    })
  })

  it('reports a truncated plan with its file and line and still reads the other plans of the folder', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'trustctl-plan-'))
    await writeFile(path.join(dir, 'good.json'), acme)
    await writeFile(path.join(dir, 'truncated.json'), acme.slice(0, 5000))
    // Other JSON in the folder is not a plan and not an error.
    await writeFile(path.join(dir, 'prod.tfvars.json'), '{"environment": "prod"}')
    const collection = await collectSources([{ type: 'terraform-plan', path: '.' }], {
      root: dir,
      now: new Date(),
      env: {},
    })
    expect(collection.errors).toHaveLength(1)
    expect(collection.errors[0]).toMatchObject({
      file: 'truncated.json',
      message: expect.stringMatching(/invalid JSON/),
    })
    expect(collection.errors[0]?.line).toBeGreaterThan(1)
    expect(collection.evidence.some((e: EvidenceItem) => e.kind === 'aws.s3-bucket')).toBe(true)
    expect(collection.inputs.map((i) => i.file).sort()).toEqual(['good.json', 'truncated.json'])
  })
})

describe('a plan nested beyond any real one', () => {
  it('is refused with the file and the depth limit named, and other inputs are still read', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'trustctl-deep-plan-'))
    const deep = `{"format_version":"1.2","planned_values":${'['.repeat(10_000)}${']'.repeat(10_000)}}`
    await writeFile(path.join(dir, 'deep.json'), deep)
    const collection = await collectSources([{ type: 'terraform-plan', path: 'deep.json' }], {
      root: dir,
      now: new Date('2026-12-01T00:00:00Z'),
      env: {},
    })
    expect(collection.errors).toMatchObject([
      { file: 'deep.json', message: 'nested more than 512 levels deep: not a plan trustctl reads' },
    ])
  })
})
