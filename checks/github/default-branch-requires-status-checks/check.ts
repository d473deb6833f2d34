import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import type { GitHubRepository } from '../../../src/core/evidence-vcs.js'
import { activeRules, guarantee } from '../shared/branch-rules.js'
import { archivedOutcome } from '../shared/scope.js'

function requiredChecks(repository: GitHubRepository): string[] {
  const contexts = new Set(repository.defaultBranchProtection?.requiredStatusChecks?.contexts ?? [])
  for (const rule of activeRules(repository) ?? [])
    if (rule.type === 'required_status_checks')
      for (const c of rule.requiredStatusChecks ?? []) contexts.add(c)
  return [...contexts].sort()
}

export default defineCheck({
  id: 'github/default-branch-requires-status-checks',
  title: 'Default branches merge only when required CI checks pass',
  description:
    'Tests that run but do not block a merge are advice, not a control. Required status checks make the platform refuse a change whose build, tests or scans failed.',
  remediation:
    'In the branch protection or ruleset of the default branch, require status checks to pass and select the CI jobs that must succeed.',
  severity: 'medium',
  reads: ['github.repository'],
  params: z.object({
    /** Check names that must be among the required ones (e.g. `build`, `test`); empty: any one will do. */
    requiredChecks: z.array(z.string()).default([]),
  }),
  evaluate({ evidence, params, result }) {
    return evidence['github.repository'].map((repository) => {
      const skipped = archivedOutcome(repository, result)
      if (skipped) return skipped
      const verdict = guarantee(
        repository,
        (p) => (p.requiredStatusChecks?.contexts.length ?? 0) > 0,
        (r) => r.type === 'required_status_checks' && (r.requiredStatusChecks?.length ?? 0) > 0,
      )
      if (verdict.holds === undefined) return result.undetermined(repository, verdict.why)
      if (!verdict.holds)
        return result.fail(repository, `${repository.defaultBranch} requires no status check`)
      const checks = requiredChecks(repository)
      const missing = params.requiredChecks.filter((name) => !checks.includes(name))
      return missing.length > 0
        ? result.fail(
            repository,
            `${repository.defaultBranch} does not require ${missing.join(', ')} (requires ${checks.join(', ')})`,
          )
        : result.pass(repository, `${repository.defaultBranch} requires ${checks.join(', ')}`)
    })
  },
})
