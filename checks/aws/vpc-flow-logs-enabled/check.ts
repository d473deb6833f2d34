import { defineCheck } from '../../../src/core/check.js'
import { whyUnknown } from '../shared/known.js'

export default defineCheck({
  id: 'aws/vpc-flow-logs-enabled',
  title: 'VPCs record their network flows',
  description:
    'Flow logs record which addresses talked to which, on what port, and whether it was allowed. ' +
    'Without them an investigation cannot tell where data went or where an attacker came from. A flow ' +
    'log that only records accepted (or only rejected) traffic leaves half of that out.',
  remediation:
    'Create a flow log for each VPC (`aws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc> ' +
    '--traffic-type ALL --log-destination-type s3 --log-destination <bucket-arn>`; in Terraform an ' +
    '`aws_flow_log` with `traffic_type = "ALL"`).',
  severity: 'medium',
  reads: ['aws.vpc'],
  evaluate({ evidence, result }) {
    return evidence['aws.vpc'].map((vpc) => {
      if (vpc.flowLogs === undefined)
        return result.undetermined(vpc, whyUnknown(vpc, 'flowLogs', 'the VPC’s flow logs'))
      const active = vpc.flowLogs.filter((f) => f.status === undefined || f.status === 'ACTIVE')
      if (active.length === 0)
        return result.fail(vpc, vpc.flowLogs.length === 0 ? 'no flow log' : 'no active flow log')
      if (active.some((f) => f.trafficType === 'ALL' || f.trafficType === undefined))
        return result.pass(vpc, `flow log ${active[0]?.id ?? ''} records all traffic`.replace('  ', ' '))
      const types = new Set(active.map((f) => f.trafficType))
      return types.has('ACCEPT') && types.has('REJECT')
        ? result.pass(vpc, 'flow logs record accepted and rejected traffic')
        : result.fail(vpc, `flow logs record only ${[...types].join(', ')} traffic`)
    })
  },
})
