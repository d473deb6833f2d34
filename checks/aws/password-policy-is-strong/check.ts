import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { whyUnknown } from '../shared/known.js'

export default defineCheck({
  id: 'aws/password-policy-is-strong',
  title: 'The IAM password policy requires long passwords that are not reused',
  description:
    'IAM user passwords are only as strong as the account password policy lets them be. Length matters ' +
    'most; refusing reuse of recent passwords stops a leaked old password from coming back. Without a ' +
    'policy AWS accepts 8-character passwords.',
  remediation:
    'Set the policy, for example `aws iam update-account-password-policy --minimum-password-length 14 ' +
    '--password-reuse-prevention 24 --require-symbols --require-numbers --require-uppercase-characters ' +
    '--require-lowercase-characters --allow-users-to-change-password`. Better: sign people in through ' +
    'IAM Identity Center and keep no IAM user passwords at all.',
  severity: 'medium',
  reads: ['aws.account'],
  params: z.object({
    minLength: z.number().int().min(8).default(14),
    minReusePrevention: z.number().int().min(0).max(24).default(24),
  }),
  evaluate({ evidence, params, result }) {
    return evidence['aws.account'].map((account) => {
      const policy = account.passwordPolicy
      if (policy === undefined)
        return result.undetermined(account, whyUnknown(account, 'passwordPolicy', 'the password policy'))
      if (policy === null)
        return result.fail(account, 'the account has no password policy (8 characters accepted)')
      const problems: string[] = []
      if ((policy.minimumLength ?? 0) < params.minLength)
        problems.push(`minimum length ${policy.minimumLength ?? 'unset'} (needs ${params.minLength})`)
      if ((policy.reusePrevention ?? 0) < params.minReusePrevention)
        problems.push(
          `remembers ${policy.reusePrevention ?? 0} previous passwords (needs ${params.minReusePrevention})`,
        )
      return problems.length > 0
        ? result.fail(account, problems.join('; '))
        : result.pass(
            account,
            `minimum length ${policy.minimumLength}, ${policy.reusePrevention} passwords remembered`,
          )
    })
  },
})
