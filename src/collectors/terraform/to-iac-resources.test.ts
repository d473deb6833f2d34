import { describe, expect, it } from 'vitest'
import { maskCredentialFields, maskedValue } from '../../core/secrets.js'
import { ResourceGraph } from './resource-graph.js'
import { toIacResources } from './to-iac-resources.js'

describe('the generic resource model', () => {
  it('keeps every attribute, the unknown paths and the resolved references', () => {
    const bucket = {
      address: 'aws_s3_bucket.b',
      configAddress: 'aws_s3_bucket.b',
      moduleAddress: '',
      type: 'aws_s3_bucket',
      name: 'b',
      mode: 'managed' as const,
      values: { bucket: 'acme-b', versioning: [{ enabled: true }] },
      unknown: ['arn'],
      references: {},
      file: 'main.tf',
    }
    const block = {
      ...bucket,
      address: 'aws_s3_bucket_public_access_block.b',
      configAddress: 'aws_s3_bucket_public_access_block.b',
      type: 'aws_s3_bucket_public_access_block',
      values: { block_public_acls: true },
      unknown: ['bucket'],
      references: { bucket: [{ target: 'aws_s3_bucket.b' }] },
    }
    const graph = new ResourceGraph([bucket, block])
    const [b, pab] = toIacResources([bucket, block], graph.readInto, graph)
    expect(b?.attributes).toEqual({ bucket: 'acme-b', versioning: [{ enabled: true }] })
    expect(b?.unknownAttributes).toEqual(['arn'])
    expect(pab?.references).toEqual({ bucket: ['aws_s3_bucket.b'] })
  })

  it('treats an unknown attribute the code never wrote as unset: the provider computes it', () => {
    const bucket = {
      address: 'aws_s3_bucket.b',
      configAddress: 'aws_s3_bucket.b',
      moduleAddress: '',
      type: 'aws_s3_bucket',
      name: 'b',
      mode: 'managed' as const,
      values: { bucket: 'acme-b' },
      unknown: ['lifecycle_rule', 'logging.0.target_bucket'],
      references: {},
      configured: ['bucket', 'logging'],
      file: 'plan.json',
    }
    expect(toIacResources([bucket])[0]?.unknownAttributes).toEqual(['logging.0.target_bucket'])
  })

  it('never keeps a credential an attribute name gives away, but shows that it is set', () => {
    expect(
      maskCredentialFields({
        master_password: 'hunter2-Sup3r',
        settings: [{ auth_token: 'abc123456789' }],
        kms_master_key_id: 'alias/x',
        password_length: 12,
      }),
    ).toEqual({
      master_password: maskedValue,
      settings: [{ auth_token: maskedValue }],
      kms_master_key_id: 'alias/x',
      password_length: 12,
    })
  })

  it('renders a policy written as a policy-document data source, unless a statement part is unknown', () => {
    const role = (name: string, doc: string) => ({
      address: `aws_iam_role.${name}`,
      configAddress: `aws_iam_role.${name}`,
      moduleAddress: '',
      type: 'aws_iam_role',
      name,
      mode: 'managed' as const,
      values: { name },
      unknown: ['assume_role_policy'],
      references: { assume_role_policy: [{ target: `data.aws_iam_policy_document.${doc}` }] },
      file: 'main.tf',
    })
    const document = (name: string, unknown: string[]) => ({
      address: `data.aws_iam_policy_document.${name}`,
      configAddress: `data.aws_iam_policy_document.${name}`,
      moduleAddress: '',
      type: 'aws_iam_policy_document',
      name,
      mode: 'data' as const,
      values: {
        statement: [
          { actions: ['sts:AssumeRole'], principals: [{ type: 'AWS', identifiers: ['*'] }], resources: [] },
        ],
      },
      unknown: ['json', 'id', ...unknown],
      references: {},
      file: 'main.tf',
    })
    const resources = [
      role('open', 'anyone'),
      document('anyone', []),
      role('pending', 'partly'),
      document('partly', ['statement.0.principals.0.identifiers']),
    ]
    const graph = new ResourceGraph(resources)
    const [open, pending] = toIacResources(resources, graph.readInto, graph)
    expect(open?.unknownAttributes).toEqual([])
    expect(JSON.parse(String(open?.attributes?.assume_role_policy))).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole'], Principal: { AWS: ['*'] } }],
    })
    // A principal known only after apply keeps the whole policy unknown: no rule may judge half of it.
    expect(pending?.unknownAttributes).toEqual(['assume_role_policy'])
    expect(pending?.attributes?.assume_role_policy).toBeUndefined()
  })
})
