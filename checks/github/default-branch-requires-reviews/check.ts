import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import type { GitHubRepository } from '../../../src/core/evidence-vcs.js'
import { activeRules, guarantee, rulesetLabel } from '../shared/branch-rules.js'
import { archivedOutcome } from '../shared/scope.js'

/** The highest approval count any mechanism demands, and whether stale approvals are dismissed. */
function reviewRequirement(repository: GitHubRepository): {
  approvals: number
  dismissStale: boolean
  by: string[]
} {
  let approvals = 0
  let dismissStale = false
  const by: string[] = []
  const reviews = repository.defaultBranchProtection?.requiredPullRequestReviews
  if (reviews !== undefined) {
    approvals = reviews.requiredApprovingReviewCount
    dismissStale = reviews.dismissStaleReviews
    by.push('branch protection')
  }
  for (const rule of activeRules(repository) ?? []) {
    if (rule.type !== 'pull_request') continue
    approvals = Math.max(approvals, rule.requiredApprovingReviewCount ?? 0)
    dismissStale ||= rule.dismissStaleReviewsOnPush === true
    by.push(rulesetLabel(repository, rule.rulesetId))
  }
  return { approvals, dismissStale, by }
}

export default defineCheck({
  id: 'github/default-branch-requires-reviews',
  title: 'Changes to default branches need approving reviews that go stale on new pushes',
  description:
    'A second person approving each change is the core of change approval. Approvals must be dismissed when new commits arrive, or an approved pull request can be changed after review and still merge.',
  remediation:
    'Require a pull request before merging with at least the required number of approvals and "Dismiss stale pull request approvals when new commits are pushed".',
  severity: 'high',
  reads: ['github.repository'],
  params: z.object({
    minimumApprovals: z.number().int().min(1).default(1),
    requireDismissStaleReviews: z.boolean().default(true),
  }),
  evaluate({ evidence, params, result }) {
    return evidence['github.repository'].map((repository) => {
      const skipped = archivedOutcome(repository, result)
      if (skipped) return skipped
      const { approvals, dismissStale, by } = reviewRequirement(repository)
      const enough = guarantee(
        repository,
        (p) => (p.requiredPullRequestReviews?.requiredApprovingReviewCount ?? 0) >= params.minimumApprovals,
        (r) => r.type === 'pull_request' && (r.requiredApprovingReviewCount ?? 0) >= params.minimumApprovals,
      )
      if (enough.holds === undefined) return result.undetermined(repository, enough.why)
      if (!enough.holds)
        return result.fail(
          repository,
          by.length === 0
            ? `${repository.defaultBranch} does not require a pull request review`
            : `${repository.defaultBranch} requires ${approvals} approval(s), fewer than ${params.minimumApprovals}`,
        )
      if (params.requireDismissStaleReviews && !dismissStale)
        return result.fail(
          repository,
          `${repository.defaultBranch} requires ${approvals} approval(s) but keeps them when new commits are pushed`,
        )
      return result.pass(
        repository,
        `${repository.defaultBranch} requires ${approvals} approval(s)${dismissStale ? ', dismissed on new commits' : ''} (${enough.by.join(', ')})`,
      )
    })
  },
})
