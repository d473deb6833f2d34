import { defineCheck } from '../../../src/core/check.js'
import { whyUnknown } from '../shared/known.js'

export default defineCheck({
  id: 'aws/root-account-has-no-access-keys',
  title: 'The root user of each AWS account has no access keys',
  description:
    'The root user can do anything in the account, including closing it, and no policy can limit it. ' +
    'An access key for it is a permanent, unrestrictable credential that can leak from a laptop or a ' +
    'CI variable. Day-to-day work belongs to IAM roles; the root user is kept for the few tasks only it can do.',
  remediation:
    'Sign in as root, open Security credentials and delete every access key. Move whatever used the key ' +
    'to an IAM role with the permissions it needs. Then confirm with `aws iam get-account-summary` ' +
    '(AccountAccessKeysPresent = 0).',
  severity: 'critical',
  reads: ['aws.account'],
  evaluate({ evidence, result }) {
    return evidence['aws.account'].map((account) => {
      if (account.rootAccessKeysPresent === undefined)
        return result.undetermined(
          account,
          whyUnknown(account, 'rootAccessKeysPresent', 'whether the root user has access keys'),
        )
      return account.rootAccessKeysPresent
        ? result.fail(account, 'the root user has an active access key')
        : result.pass(account, 'the root user has no active access key')
    })
  },
})
