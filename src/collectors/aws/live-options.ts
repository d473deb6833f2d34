import { z } from 'zod'

/** The settings of an `aws` source; apart from the collector so that validating them loads no AWS SDK. */
const regionCode = z
  .string()
  .regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/, 'an AWS region code such as eu-west-1')

export const awsLiveOptions = z.strictObject({
  type: z.literal('aws'),
  /** Regions to read; global services (IAM, S3) are read once, through the first. */
  regions: z.array(regionCode).min(1),
  /** A named profile of the shared AWS config; without it the standard credential chain decides. */
  profile: z.string().min(1).optional(),
  /**
   * Whether to ask IAM to generate the credential report when there is no current one
   * (`iam:GenerateCredentialReport`, the one call that is not a read): without the report the
   * console, MFA and access-key facts of IAM users are unknown.
   */
  generateCredentialReport: z.boolean().default(true),
})
export type AwsLiveOptions = z.input<typeof awsLiveOptions>
