import { describe, expect, it } from 'vitest'
import type { EvidenceItem } from '../evidence.js'
import { discoverComponents } from './components.js'

const item = (kind: string, resourceKind: string, name: string, extra: Record<string, unknown> = {}) =>
  ({ kind, resourceKind, name, file: 'terraform/plan.json', ...extra }) as unknown as EvidenceItem

const settings = { package: {}, providers: [], owners: {} } as unknown as Parameters<
  typeof discoverComponents
>[1]

describe('the data stores of the system description', () => {
  it('lists a bucket read as a Terraform resource, as AWS state and as a planned change once, without its settings', () => {
    const { dataStores } = discoverComponents(
      [
        item('iac.resource', 'aws_s3_bucket', 'aws_s3_bucket.exports'),
        item('aws.s3-bucket', 'aws_s3_bucket', 'aws_s3_bucket.exports', { origin: 'terraform-plan' }),
        item('iac.change', 'aws_s3_bucket', 'aws_s3_bucket.exports'),
        item('iac.resource', 'aws_s3_bucket_versioning', 'aws_s3_bucket_versioning.exports'),
        item('iac.resource', 'aws_s3_bucket_acl', 'aws_s3_bucket_acl.exports'),
        item(
          'iac.resource',
          'aws_s3_bucket_public_access_block',
          'aws_s3_bucket_public_access_block.exports',
        ),
        item('iac.resource', 'aws_db_subnet_group', 'aws_db_subnet_group.main'),
        item('iac.resource', 'aws_db_instance', 'aws_db_instance.analytics'),
      ],
      settings,
    )
    expect(dataStores.map((d) => [d.name, d.where])).toEqual([
      ['aws_db_instance.analytics', 'Terraform'],
      ['aws_s3_bucket.exports', 'Terraform'],
    ])
  })

  it('lists buckets and databases read from the account by their ARN, once each', () => {
    const arn = 'arn:aws:s3:::acme-exports'
    const { dataStores } = discoverComponents(
      [
        item('aws.s3-bucket', 'S3Bucket', 'acme-exports', { arn }),
        item('aws.s3-bucket', 'S3Bucket', 'acme-exports', { arn, file: 'aws/other-export.json' }),
        item('aws.db-instance', 'DBInstance', 'analytics', { arn: 'arn:aws:rds:us-east-1:1:db:analytics' }),
        item('aws.load-balancer-listener', 'LoadBalancerListener', 'ingest'),
      ],
      settings,
    )
    expect(dataStores.map((d) => d.name)).toEqual(['analytics', 'acme-exports'])
  })
})
