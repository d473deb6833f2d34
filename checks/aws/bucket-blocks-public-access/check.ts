import { defineCheck } from '../../../src/core/check.js'
import type { AwsPublicAccessBlock, AwsS3Bucket } from '../../../src/core/evidence-aws.js'
import { knownOnlyAfterApply } from '../shared/known.js'

const switches = [
  'blockPublicAcls',
  'ignorePublicAcls',
  'blockPublicPolicy',
  'restrictPublicBuckets',
] as const

/** A switch is on when either level (bucket or account) turns it on. */
function effective(bucket: AwsS3Bucket): { off: string[]; unknown: string[] } {
  const levels: (AwsPublicAccessBlock | null | undefined)[] = [
    bucket.publicAccessBlock,
    bucket.accountPublicAccessBlock,
  ]
  const off: string[] = []
  const unknown: string[] = []
  for (const name of switches) {
    if (levels.some((l) => l?.[name] === true)) continue
    const undecided =
      levels.some((l) => l === undefined || (l !== null && l[name] === undefined)) ||
      knownOnlyAfterApply(bucket, `publicAccessBlock.${name}`)
    ;(undecided ? unknown : off).push(name)
  }
  return { off, unknown }
}

export default defineCheck({
  id: 'aws/bucket-blocks-public-access',
  title: 'S3 buckets block public access',
  description:
    'S3 Block Public Access overrides any ACL or bucket policy that would make objects public, so one ' +
    'wrong policy cannot publish data. All four switches must be on, at the bucket or at the account ' +
    'level. A bucket whose policy or ACL is public at the time of reading fails whatever the switches say.',
  remediation:
    'Turn on all four switches for the account (`aws s3control put-public-access-block --account-id <id> ' +
    '--public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,' +
    'RestrictPublicBuckets=true`) or per bucket (`aws s3api put-public-access-block`); serve public ' +
    'content through CloudFront with origin access control instead.',
  severity: 'high',
  reads: ['aws.s3-bucket'],
  evaluate({ evidence, result }) {
    return evidence['aws.s3-bucket'].map((bucket) => {
      if (bucket.policyPublic === true)
        return result.fail(bucket, 'the bucket policy makes the bucket public')
      if (bucket.aclPublic === true) return result.fail(bucket, 'an ACL grant gives everyone access')
      const { off, unknown } = effective(bucket)
      if (off.length > 0)
        return result.fail(
          bucket,
          `public access not blocked: ${off.join(', ')} off at bucket and account level`,
        )
      if (unknown.length > 0)
        return result.undetermined(bucket, `public access block settings not known: ${unknown.join(', ')}`)
      return result.pass(bucket, 'all four public access block switches are on')
    })
  },
})
