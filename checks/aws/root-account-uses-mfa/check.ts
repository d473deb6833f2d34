import { defineCheck } from '../../../src/core/check.js'
import { whyUnknown } from '../shared/known.js'

export default defineCheck({
  id: 'aws/root-account-uses-mfa',
  title: 'The root user of each AWS account signs in with MFA',
  description:
    'Whoever knows the root password (or can reset it through the account e-mail) controls the whole ' +
    'account. A second factor stops a phished or reused password from being enough.',
  remediation:
    'Sign in as root, open Security credentials and assign an MFA device (a hardware key or passkey is ' +
    'best; keep it in a safe with a named custodian). Confirm with `aws iam get-account-summary` ' +
    '(AccountMFAEnabled = 1).',
  severity: 'critical',
  reads: ['aws.account'],
  evaluate({ evidence, result }) {
    return evidence['aws.account'].map((account) => {
      if (account.rootMfaEnabled === undefined)
        return result.undetermined(
          account,
          whyUnknown(account, 'rootMfaEnabled', 'whether the root user has MFA'),
        )
      return account.rootMfaEnabled
        ? result.pass(account, 'the root user has an MFA device')
        : result.fail(account, 'the root user has no MFA device')
    })
  },
})
