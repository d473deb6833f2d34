import { defineSourceCollector, type SourceCollector } from '../source-collector.js'
import { awsJsonOptions, collectAwsJson } from './collect-json.js'
import { awsLiveOptions } from './live-options.js'

/** The source types this folder's collectors read; the registry lists them for trustctl.yaml. */
export const collectors: readonly SourceCollector[] = [
  defineSourceCollector({
    type: 'aws-json',
    summary:
      'AWS account state from a folder of AWS CLI JSON outputs (IAM, S3, RDS, EC2, CloudTrail, GuardDuty, KMS, EKS, ELB)',
    options: awsJsonOptions,
    collect: collectAwsJson,
  }),
  defineSourceCollector({
    type: 'aws',
    summary: 'AWS account state read live through the AWS SDK (standard credential chain, read-only calls)',
    options: awsLiveOptions,
    // The AWS SDK is loaded only when an `aws` source is read.
    collect: async (options, context) => (await import('./collect-live.js')).collectAwsLive(options, context),
  }),
]
