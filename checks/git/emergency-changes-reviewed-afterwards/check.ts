import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import type { GitChange } from '../../../src/core/evidence-git.js'
import { authorOf } from '../shared/population.js'

const dayMs = 24 * 60 * 60 * 1000

/** The first review by someone other than the author, before or within `days` after the merge. */
function timelyReview(change: GitChange, days: number): { reviewer: string; at?: string } | undefined {
  const author = authorOf(change)
  const deadline = Date.parse(change.mergedAt) + days * dayMs
  const reviews = (change.reviews ?? []).filter(
    (r) => r.reviewer !== author && r.state !== 'DISMISSED' && r.state !== 'PENDING',
  )
  const found = reviews.find((r) => r.submittedAt === undefined || Date.parse(r.submittedAt) <= deadline)
  if (found === undefined) return undefined
  return found.submittedAt === undefined
    ? { reviewer: found.reviewer }
    : { reviewer: found.reviewer, at: found.submittedAt }
}

export default defineCheck({
  id: 'git/emergency-changes-reviewed-afterwards',
  title: 'Emergency changes are reviewed by a second person soon after they ship',
  description:
    'An emergency procedure lets a fix ship before the usual review, which is only safe when the review ' +
    'still happens shortly after. Each change marked as an emergency (by its message or a label) must ' +
    'carry a review from someone other than its author within the allowed number of days of the merge.',
  remediation:
    'Have a second engineer review each emergency change on its pull request within the allowed days ' +
    'and record it there (a review on the merged pull request); for a direct push, open a follow-up pull ' +
    'request that references the commit and have it reviewed.',
  severity: 'medium',
  reads: ['git.history', 'git.change'],
  params: z.object({ days: z.number().int().positive().default(3) }),
  evaluate({ evidence, params, result }) {
    return evidence['git.change']
      .filter((change) => change.emergency)
      .map((change) => {
        if (change.reviews === undefined) {
          // Git itself shows a direct push (one parent, no pull request named), export or not.
          if (change.route === 'direct-push')
            return result.fail(
              change,
              `emergency change "${change.title}" was pushed directly to ${change.branch ?? 'the branch'}, no pull request, and no review of it is recorded`,
            )
          return result.undetermined(
            change,
            change.pullRequest === undefined
              ? `emergency change "${change.title}" names no pull request: add the pull-request export to find its review`
              : `emergency change "${change.title}": pull request #${change.pullRequest} is not in the pull-request export`,
          )
        }
        // Without the author, the author's own comment would count as a review by someone else.
        if (authorOf(change) === undefined)
          return result.undetermined(
            change,
            `emergency change "${change.title}": the pull-request export does not name the author of #${change.pullRequest ?? '?'}, so a review by another person cannot be told from the author's own (add author to the export's --json fields)`,
          )
        const review = timelyReview(change, params.days)
        if (review === undefined)
          return result.fail(
            change,
            `emergency change "${change.title}" (merged ${change.mergedAt}) has no review by another person within ${params.days} days`,
          )
        return result.pass(
          change,
          `emergency change "${change.title}" reviewed by ${review.reviewer}${review.at === undefined ? '' : ` on ${review.at}`}`,
        )
      })
  },
})
