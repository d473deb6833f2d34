import { defineCheck } from '../../../src/core/check.js'

export default defineCheck({
  id: 'github/organization-requires-two-factor',
  title: 'The GitHub organization requires two-factor authentication',
  description:
    'A member account protected by a password alone can be phished or guessed, and it carries write access to source code and CI secrets. Requiring two-factor authentication removes members who do not set it up.',
  remediation:
    'In the organization settings (Authentication security), require two-factor authentication for everyone; with SSO, also enforce SAML single sign-on.',
  severity: 'high',
  reads: ['github.organization'],
  evaluate({ evidence, result }) {
    return evidence['github.organization'].map((org) => {
      if (org.twoFactorRequirementEnabled === undefined)
        return result.undetermined(org, 'the two-factor setting is visible to organization owners only')
      return org.twoFactorRequirementEnabled
        ? result.pass(org, 'members must use two-factor authentication')
        : result.fail(org, 'members may sign in without two-factor authentication')
    })
  },
})
