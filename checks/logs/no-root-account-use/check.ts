import { defineCheck } from '../../../src/core/check.js'
import { judgeLogs } from '../shared/logs.js'

export default defineCheck({
  id: 'logs/no-root-account-use',
  title: 'The AWS root user is not used',
  description:
    'The root user of an AWS account can do anything, cannot be limited by any policy and is shared by ' +
    'whoever holds its password. Day-to-day work uses named roles; any action the root user took shows ' +
    'in CloudTrail and needs an explanation (the few tasks only root can do are recorded and approved).',
  remediation:
    'Lock the root user away: hardware MFA, no access keys, the password in a sealed vault, and an alert ' +
    'on every root sign-in. Review each listed action with whoever used it and record why it needed root.',
  severity: 'high',
  reads: ['log.summary', 'log.event'],
  evaluate({ evidence, result }) {
    return judgeLogs(
      evidence['log.summary'],
      evidence['log.event'],
      'cloudtrail',
      ['root-use', 'console-login'],
      result,
      (event) =>
        event.category === 'root-use' ||
        (event.category === 'console-login' && event.actor.type === 'Root' && event.succeeded)
          ? `the root user ${event.succeeded ? 'did' : 'attempted'} ${event.action} from ${event.sourceIp ?? 'an unknown address'}`
          : undefined,
      'no action by the root user',
    )
  },
})
