import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import type { GitChange } from '../../../src/core/evidence-git.js'
import { authorOf, emergencyExemptMessage, judgePopulation } from '../shared/population.js'

/** Approvals by someone other than the author, submitted before the merge. */
function independentApprovals(change: GitChange): string[] {
  const author = authorOf(change)
  return (change.reviews ?? [])
    .filter((r) => r.state === 'APPROVED' && r.reviewer !== author)
    .filter((r) => r.submittedAt === undefined || r.submittedAt <= change.mergedAt)
    .map((r) => r.reviewer)
}

export default defineCheck({
  id: 'git/changes-reviewed-by-another-person',
  title: 'Every change is approved by someone other than its author before merge',
  description:
    'Review by a second person is the segregation of duties of software change: no one ships code that ' +
    'only they have read. An approval counts only when it came from someone other than the pull ' +
    'request author and before the merge; approvals given after a merge are not a review before it.',
  remediation:
    'Require at least one approving review from someone other than the author before merging (branch ' +
    'protection "required approvals", with "dismiss stale approvals"), and export merged pull requests ' +
    'with their reviews (`gh pr list --state merged --json number,author,mergeCommit,mergedAt,reviews`) ' +
    'so every change can be tested.',
  severity: 'high',
  reads: ['git.history', 'git.change'],
  params: z.object({ exemptEmergencyChanges: z.boolean().default(true) }),
  evaluate({ evidence, params, result }) {
    return judgePopulation(
      evidence['git.history'],
      evidence['git.change'],
      result,
      (change) => {
        if (change.emergency && params.exemptEmergencyChanges)
          return { status: 'not-applicable', message: emergencyExemptMessage }
        if (change.route === 'direct-push')
          return {
            status: 'fail',
            message: `pushed directly to ${change.branch ?? 'the branch'}, no pull request: nobody reviewed it`,
          }
        if (change.reviews === undefined)
          return {
            status: 'undetermined',
            message:
              change.pullRequest === undefined
                ? 'a merge that names no pull request (merged locally and pushed?): its reviews are unknown; add the pull-request export to decide'
                : `pull request #${change.pullRequest} is not in the pull-request export, so its reviews are unknown`,
          }
        if (authorOf(change) === undefined)
          return { status: 'undetermined', message: 'the pull-request export does not name the author' }
        const approvers = independentApprovals(change)
        if (approvers.length === 0) {
          const own = change.reviews.some((r) => r.reviewer === authorOf(change) && r.state === 'APPROVED')
          return {
            status: 'fail',
            message: `pull request #${change.pullRequest ?? '?'} by ${authorOf(change)} was merged without an approval from another person${own ? ' (only its author approved it)' : ''}`,
          }
        }
        return { status: 'pass' }
      },
      () => 'every change was approved by someone other than its author before merge',
    )
  },
})
