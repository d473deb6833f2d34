import { decideAccessReview as decide, ledgerCampaigns } from '../../app/access-review.js'
import { findCampaign, undecidedAccounts } from '../../core/access-review.js'
import { PermissionError, PersonRequiredError } from '../../core/errors.js'
import type { ServerContext } from '../context.js'
import * as reviews from '../contract/access-reviews.js'
import { defineRoute, type RouteDefinition } from '../route.js'

/** One write at a time: a decision reads the campaigns, then appends; two at once must not interleave. */
let decisions: Promise<unknown> = Promise.resolve()
function serialized<T>(work: () => Promise<T>): Promise<T> {
  const next = decisions.then(work, work)
  decisions = next.catch(() => undefined)
  return next
}

export const routes: RouteDefinition<ServerContext>[] = [
  defineRoute({
    ...reviews.listAccessReviews,
    async handler(_request, context: ServerContext) {
      const campaigns = await ledgerCampaigns(context.ledger)
      return { items: campaigns.map((c) => ({ ...c, undecided: undecidedAccounts(c).length })) }
    },
  }),
  defineRoute({
    ...reviews.decideAccessReview,
    async handler({ params, body, actor, reply }, context: ServerContext) {
      // A decision is the reviewer's own word: an API token, whatever it is named, cannot give it.
      if (actor.kind !== 'user')
        throw new PersonRequiredError(
          'only the signed-in reviewer decides an access review; an API token cannot',
        )
      const result = await serialized(async () => {
        const campaign = findCampaign(await ledgerCampaigns(context.ledger), params.id)
        // The reviewer the campaign names decides, as in a signed paper review: nobody decides for them.
        if (actor.name.toLowerCase() !== campaign.reviewer.toLowerCase())
          throw new PermissionError(
            `access review ${campaign.id} is assigned to ${campaign.reviewer}; only they record its decisions`,
          )
        return decide(
          {
            loaded: context.loaded,
            store: context.ledger,
            signer: context.signer,
            notify: () => undefined,
          },
          campaign.id,
          {
            accountId: body.accountId,
            decision: body.decision,
            reason: body.reason,
            decidedAt: context.now().toISOString(),
            decidedBy: actor.name,
          },
        )
      })
      reply.code(201)
      return { campaign: result.campaign.id, decision: result.decision, runId: result.runId }
    },
  }),
]
