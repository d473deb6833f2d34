import { defineCheck } from '../../../src/core/check.js'
import { whyUnknown } from '../shared/known.js'

export default defineCheck({
  id: 'aws/bucket-versioning-enabled',
  title: 'S3 buckets keep previous versions of objects',
  description:
    'Versioning keeps every overwritten or deleted object as a previous version, so data destroyed by ' +
    'mistake, a faulty job or ransomware can be restored. Suspended versioning stops keeping new versions.',
  remediation:
    'Enable it (`aws s3api put-bucket-versioning --bucket <name> --versioning-configuration Status=Enabled`; ' +
    'in Terraform an `aws_s3_bucket_versioning` with `status = "Enabled"`) and add a lifecycle rule that ' +
    'expires old versions after your retention period.',
  severity: 'medium',
  reads: ['aws.s3-bucket'],
  evaluate({ evidence, result }) {
    return evidence['aws.s3-bucket'].map((bucket) => {
      if (bucket.versioning === undefined)
        return result.undetermined(bucket, whyUnknown(bucket, 'versioning', 'the versioning status'))
      return bucket.versioning === 'Enabled'
        ? result.pass(bucket, 'versioning enabled')
        : result.fail(
            bucket,
            bucket.versioning === 'Suspended' ? 'versioning suspended' : 'versioning never enabled',
          )
    })
  },
})
