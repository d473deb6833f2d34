import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { archivedOutcome } from '../shared/scope.js'

export default defineCheck({
  id: 'github/no-outside-collaborator-with-admin',
  title: 'No outside collaborator holds the admin role on a repository',
  description:
    'Outside collaborators are not members, so they escape the organization’s SSO, two-factor and offboarding processes. With the admin role they can change branch rules, secrets and access for everyone else.',
  remediation:
    'Lower the outside collaborator to the write or read role, or make them a member who signs in through SSO; record any approved exception with an expiry.',
  severity: 'high',
  reads: ['github.repository'],
  params: z.object({
    /** Logins approved to hold admin (a contractor with a signed agreement), compared case-insensitively. */
    approvedLogins: z.array(z.string()).default([]),
  }),
  evaluate({ evidence, params, result }) {
    const approved = new Set(params.approvedLogins.map((l) => l.toLowerCase()))
    return evidence['github.repository'].map((repository) => {
      const skipped = archivedOutcome(repository, result)
      if (skipped) return skipped
      if (repository.outsideCollaborators === undefined)
        return result.undetermined(repository, 'the outside collaborators could not be read')
      const admins = repository.outsideCollaborators
        .filter((c) => c.permission === 'admin' && !approved.has(c.login.toLowerCase()))
        .map((c) => c.login)
      return admins.length > 0
        ? result.fail(repository, `outside collaborators with admin: ${admins.join(', ')}`)
        : result.pass(
            repository,
            `${repository.outsideCollaborators.length} outside collaborator(s), none with admin`,
          )
    })
  },
})
