import { defineCheck } from '../../../src/core/check.js'
import { whyUnknown } from '../shared/known.js'

export default defineCheck({
  id: 'aws/console-users-use-mfa',
  title: 'IAM users who can sign in to the console have MFA',
  description:
    'An IAM user with a console password and no second factor can be taken over with the password alone. ' +
    'Users without a console password are not concerned: they cannot sign in to the console.',
  remediation:
    'Assign an MFA device to each listed user (`aws iam enable-mfa-device`), or remove the console ' +
    'password if the user does not need the console (`aws iam delete-login-profile`). Better still, ' +
    'move people to IAM Identity Center, where the identity provider enforces MFA.',
  severity: 'high',
  reads: ['aws.iam-user'],
  evaluate({ evidence, result }) {
    return evidence['aws.iam-user'].map((user) => {
      if (user.consoleAccess === undefined)
        return result.undetermined(
          user,
          whyUnknown(user, 'consoleAccess', 'whether the user has a console password'),
        )
      if (!user.consoleAccess) return result.notApplicable(user, 'the user has no console password')
      if (user.mfaEnabled === undefined)
        return result.undetermined(user, whyUnknown(user, 'mfaEnabled', 'whether the user has MFA'))
      return user.mfaEnabled
        ? result.pass(user, 'console password with an MFA device')
        : result.fail(user, 'console password without any MFA device')
    })
  },
})
