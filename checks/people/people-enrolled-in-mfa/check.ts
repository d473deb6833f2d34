import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { describeAccount, viewPeople } from '../shared/roster.js'

export default defineCheck({
  id: 'people/people-enrolled-in-mfa',
  title: 'Every person has multi-factor authentication enrolled in every identity provider',
  description:
    'A password alone is phished, guessed or reused from another breach; a second factor stops most of ' +
    'those sign-ins. Every active account of a person in each identity provider read (Okta, Google ' +
    'Workspace, Entra ID) must have an active second factor enrolled. Declared service accounts are left ' +
    'out; an export that does not show enrolment cannot tell, and says so rather than passing.',
  remediation:
    'Have the person enrol a factor (a security key or platform passkey where possible), and make the ' +
    'identity provider require enrolment at the next sign-in (Okta authenticator enrolment policy, ' +
    'Google 2-Step Verification enforcement, Entra registration campaign or Conditional Access).',
  severity: 'high',
  reads: ['identity.account', 'identity.service-account'],
  params: z.object({
    /** The identity providers judged (GitHub 2FA and IAM MFA have checks of their own). */
    systems: z.array(z.string()).default(['okta', 'google', 'entra']),
  }),
  evaluate({ evidence, params, result }) {
    const view = viewPeople(evidence)
    return view.personal
      .filter((a) => a.active && params.systems.includes(a.system))
      .map((account) => {
        const name = describeAccount(account)
        if (account.mfaEnrolled === 'unknown')
          return result.undetermined(account.item, `${name}: the export does not show MFA enrolment`)
        if (!account.mfaEnrolled) return result.fail(account.item, `${name} has no second factor enrolled`)
        const factors = account.mfaFactors ?? []
        return result.pass(
          account.item,
          `${name} has MFA enrolled${factors.length > 0 ? ` (${factors.join(', ')})` : ''}`,
        )
      })
  },
})
