import { defineCheck } from '../../../src/core/check.js'
import type { GitHubRepository, GitHubRuleset } from '../../../src/core/evidence-vcs.js'
import { activeRules, isProtected, rulesetLabel, rulesetOf } from '../shared/branch-rules.js'
import { archivedOutcome } from '../shared/scope.js'

// GitHub's id of the built-in admin repository role in a ruleset's bypass list.
const adminRoleId = 5

/** True when the ruleset lets repository, organization or enterprise administrators bypass it. */
function exemptsAdmins(ruleset: GitHubRuleset): boolean | undefined {
  if (ruleset.bypassActors === undefined) return undefined
  return ruleset.bypassActors.some(
    (a) =>
      a.actorType === 'OrganizationAdmin' ||
      a.actorType === 'EnterpriseOwner' ||
      (a.actorType === 'RepositoryRole' && a.actorId === adminRoleId),
  )
}

/** The mechanisms on the default branch that administrators cannot skip, and those not known. */
function bindingMechanisms(repository: GitHubRepository): { binding: string[]; unknown: string[] } {
  const binding: string[] = []
  const unknown: string[] = []
  const protection = repository.defaultBranchProtection
  if (protection?.enforceAdmins === true) binding.push('branch protection')
  for (const id of new Set((activeRules(repository) ?? []).map((r) => r.rulesetId))) {
    const ruleset = rulesetOf(repository, id)
    const exempt = ruleset === undefined ? undefined : exemptsAdmins(ruleset)
    if (exempt === false) binding.push(rulesetLabel(repository, id))
    else if (exempt === undefined) unknown.push(rulesetLabel(repository, id))
  }
  return { binding, unknown }
}

export default defineCheck({
  id: 'github/default-branch-rules-bind-admins',
  title: 'Branch rules on default branches apply to administrators too',
  description:
    'Rules that administrators may skip leave a path for unreviewed changes through the accounts with the most power, which is where an attacker or a hurried engineer goes first.',
  remediation:
    'Turn on "Do not allow bypassing the above settings" (enforce for administrators) in branch protection, or remove admin roles from the ruleset bypass list; keep a documented break-glass procedure instead.',
  severity: 'medium',
  reads: ['github.repository'],
  evaluate({ evidence, result }) {
    return evidence['github.repository'].map((repository) => {
      const skipped = archivedOutcome(repository, result)
      if (skipped) return skipped
      const protectedBranch = isProtected(repository)
      if (protectedBranch.holds === false)
        return result.fail(
          repository,
          `${repository.defaultBranch} has no rules, so nothing binds administrators`,
        )
      const { binding, unknown } = bindingMechanisms(repository)
      if (binding.length > 0)
        return result.pass(
          repository,
          `administrators are bound on ${repository.defaultBranch} by ${binding.join(', ')}`,
        )
      if (protectedBranch.holds === undefined) return result.undetermined(repository, protectedBranch.why)
      if (unknown.length > 0)
        return result.undetermined(repository, `who may bypass ${unknown.join(', ')} could not be read`)
      return result.fail(repository, `administrators may bypass every rule on ${repository.defaultBranch}`)
    })
  },
})
