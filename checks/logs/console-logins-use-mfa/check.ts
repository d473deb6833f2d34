import { defineCheck } from '../../../src/core/check.js'
import { judgeLogs } from '../shared/logs.js'

export default defineCheck({
  id: 'logs/console-logins-use-mfa',
  title: 'Every AWS console sign-in uses multi-factor authentication',
  description:
    'A password alone is phished, reused and guessed; a second factor stops most account takeovers. ' +
    'CloudTrail records for each successful console sign-in whether MFA was used. Sign-ins federated ' +
    'through an identity provider do their MFA at the provider and are not failed here (the provider ' +
    'policy is tested elsewhere).',
  remediation:
    'Move people to single sign-on through the identity provider (with MFA enforced there) and remove ' +
    'console passwords from IAM users; until then, require MFA for every IAM user with a console password ' +
    'and deny actions without `aws:MultiFactorAuthPresent`.',
  severity: 'high',
  reads: ['log.summary', 'log.event'],
  evaluate({ evidence, result }) {
    return judgeLogs(
      evidence['log.summary'],
      evidence['log.event'],
      'cloudtrail',
      ['console-login'],
      result,
      (event) =>
        event.category === 'console-login' &&
        event.succeeded &&
        event.mfa === false &&
        event.federated !== true
          ? `${event.actor.name} signed in to the console without MFA from ${event.sourceIp ?? 'an unknown address'}`
          : undefined,
      'every successful console sign-in used MFA or was federated',
    )
  },
})
