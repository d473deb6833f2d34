import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { whyUnknown } from '../shared/known.js'

export default defineCheck({
  id: 'aws/bucket-access-logging-enabled',
  title: 'S3 buckets log every request to a separate log bucket',
  description:
    'Server access logging records each request made to a bucket (who, what object, when, from where, ' +
    'and the result), the record an investigation needs to tell what was read or deleted. CloudTrail ' +
    'logs object-level events only when data events are enabled and paid for; access logs are the ' +
    'default record of object access. The bucket that receives the logs is exempted by name: it cannot ' +
    'usefully log to itself.',
  remediation:
    'Enable it (`aws s3api put-bucket-logging --bucket <name> --bucket-logging-status ' +
    '\'{"LoggingEnabled":{"TargetBucket":"<log-bucket>","TargetPrefix":"<name>/"}}\'`; in Terraform an ' +
    '`aws_s3_bucket_logging` with `target_bucket` and `target_prefix`), and keep the log bucket ' +
    'versioned, encrypted and closed to writers other than the logging service.',
  severity: 'medium',
  reads: ['aws.s3-bucket'],
  params: z.object({
    /** Buckets that receive access logs (by bucket name or Terraform address): not judged. */
    logBuckets: z.array(z.string()).default([]),
  }),
  evaluate({ evidence, params, result }) {
    return evidence['aws.s3-bucket'].map((bucket) => {
      if (params.logBuckets.includes(bucket.name))
        return result.notApplicable(bucket, 'it is a log bucket named in logBuckets')
      if (bucket.loggingEnabled === undefined)
        return result.undetermined(bucket, whyUnknown(bucket, 'loggingEnabled', 'the access logging setting'))
      return bucket.loggingEnabled
        ? result.pass(bucket, 'server access logging is enabled')
        : result.fail(bucket, 'server access logging is not enabled: requests to it leave no record')
    })
  },
})
