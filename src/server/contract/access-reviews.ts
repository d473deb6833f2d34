import { z } from 'zod'
import { campaignSchema, reviewDecisionSchema } from '../../core/access-review.js'
import { accessReviewDecisions } from '../../core/evidence-people.js'
import { listOf } from './common.js'
import { endpoint, json } from './endpoint.js'

const tag = 'Access reviews'

/** A campaign as the dashboard shows it: the recorded campaign and how many accounts are left. */
export const accessReviewSchema = campaignSchema.extend({ undecided: z.number().int() })
export type AccessReviewCampaign = z.output<typeof accessReviewSchema>

export const listAccessReviews = endpoint({
  method: 'GET',
  url: '/api/access-reviews',
  operationId: 'listAccessReviews',
  summary: 'Access-review campaigns recorded in the ledger, open and closed, with their decisions',
  tag,
  permission: 'assessment:read',
  response: json(listOf(accessReviewSchema)),
})

export const decideAccessReview = endpoint({
  method: 'POST',
  url: '/api/access-reviews/:id/decisions',
  operationId: 'decideAccessReview',
  summary:
    "Records a reviewer's keep, revoke or change decision with a reason on one account of an open campaign (signed into the ledger)",
  tag,
  permission: 'evidence:write',
  params: z.object({ id: z.string().min(1).max(200) }),
  body: z.strictObject({
    accountId: z.string().trim().min(1).max(300),
    decision: z.enum(accessReviewDecisions),
    reason: z.string().trim().min(3).max(2000),
  }),
  response: json(
    z.object({ campaign: z.string(), decision: reviewDecisionSchema, runId: z.number().int() }),
    201,
  ),
})
