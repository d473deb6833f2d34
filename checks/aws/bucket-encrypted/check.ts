import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { whyUnknown } from '../shared/known.js'

export default defineCheck({
  id: 'aws/bucket-encrypted',
  title: 'S3 buckets encrypt objects at rest by default',
  description:
    'Default encryption makes every new object encrypted at rest whatever the uploader asks for. S3 has ' +
    'applied SSE-S3 to buckets without a configuration since 2023, but a bucket planned in Terraform ' +
    'without one fails here: the encryption the data relies on is then stated in code, not left to a ' +
    'provider default. Buckets holding confidential data may be required to use a KMS key, whose use ' +
    'is logged and can be revoked (param `requireKms`).',
  remediation:
    'Set default encryption (`aws s3api put-bucket-encryption --bucket <name> ' +
    '--server-side-encryption-configuration \'{"Rules":[{"ApplyServerSideEncryptionByDefault":' +
    '{"SSEAlgorithm":"aws:kms"},"BucketKeyEnabled":true}]}\'`; in Terraform an ' +
    '`aws_s3_bucket_server_side_encryption_configuration`).',
  severity: 'medium',
  reads: ['aws.s3-bucket'],
  params: z.object({ requireKms: z.boolean().default(false) }),
  evaluate({ evidence, params, result }) {
    return evidence['aws.s3-bucket'].map((bucket) => {
      const encryption = bucket.encryption
      if (encryption === undefined)
        return result.undetermined(bucket, whyUnknown(bucket, 'encryption', 'the default encryption'))
      if (encryption === null) return result.fail(bucket, 'no default encryption configured')
      const algorithm = encryption.algorithm
      if (algorithm === undefined)
        return result.undetermined(
          bucket,
          whyUnknown(bucket, 'encryption.algorithm', 'the encryption algorithm'),
        )
      if (params.requireKms && !algorithm.startsWith('aws:kms'))
        return result.fail(bucket, `encrypted with ${algorithm}, not with a KMS key`)
      return result.pass(bucket, `default encryption ${algorithm}`)
    })
  },
})
