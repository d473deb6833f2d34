import { defineCheck } from '../../../src/core/check.js'
import { whyUnknown } from '../shared/known.js'

export default defineCheck({
  id: 'aws/cloudtrail-multi-region-validated',
  title: 'CloudTrail records every region, is logging, and signs its log files',
  description:
    'CloudTrail is the account’s audit log: who did what, from where. A trail limited to one region ' +
    'misses activity elsewhere (attackers favour unused regions); a stopped trail records nothing; ' +
    'without log file validation nobody can prove the logs were not edited after the fact.',
  remediation:
    'Use one multi-region trail (ideally an organization trail): `aws cloudtrail update-trail --name <trail> ' +
    '--is-multi-region-trail --enable-log-file-validation` and `aws cloudtrail start-logging --name <trail>`; ' +
    'in Terraform `is_multi_region_trail = true`, `enable_log_file_validation = true`, `enable_logging = true`.',
  severity: 'high',
  reads: ['aws.cloudtrail'],
  evaluate({ evidence, result }) {
    return evidence['aws.cloudtrail'].map((trail) => {
      const facts = [
        [
          'multiRegion',
          trail.multiRegion,
          'covers only its home region',
          'whether the trail is multi-region',
        ],
        [
          'logFileValidation',
          trail.logFileValidation,
          'log file validation is off',
          'whether log files are validated',
        ],
        ['logging', trail.logging, 'the trail is not logging', 'whether the trail is logging'],
      ] as const
      const problems = facts.filter(([, value]) => value === false).map(([, , message]) => message)
      if (problems.length > 0) return result.fail(trail, problems.join('; '))
      const missing = facts.find(([, value]) => value === undefined)
      if (missing !== undefined) return result.undetermined(trail, whyUnknown(trail, missing[0], missing[3]))
      return result.pass(trail, 'multi-region, logging, with log file validation')
    })
  },
})
