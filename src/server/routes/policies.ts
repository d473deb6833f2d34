import { acceptPolicy as accept, findPolicy, ledgerPolicyAcceptances } from '../../app/policy-acceptance.js'
import { PersonRequiredError } from '../../core/errors.js'
import { lookupKey } from '../../core/people.js'
import { currentPolicyVersion, findAcceptance } from '../../core/policy-acceptance.js'
import type { ServerContext } from '../context.js'
import * as policies from '../contract/policies.js'
import { defineRoute, type RouteDefinition } from '../route.js'

/** One write at a time: an acceptance reads the ledger, then appends; two at once must not both append. */
let writes: Promise<unknown> = Promise.resolve()
function serialized<T>(work: () => Promise<T>): Promise<T> {
  const next = writes.then(work, work)
  writes = next.catch(() => undefined)
  return next
}

const servedPolicies = (context: ServerContext) => context.library.thirdParties?.policies ?? []

export const routes: RouteDefinition<ServerContext>[] = [
  defineRoute({
    ...policies.listPolicyAcceptances,
    async handler({ actor }, context: ServerContext) {
      const items = await ledgerPolicyAcceptances(context.ledger)
      const list = servedPolicies(context).map((template) => {
        const current = currentPolicyVersion(template)
        // Only a person has accepted anything: a token's name is not an email.
        const mine = actor.kind === 'user' ? findAcceptance(items, actor.name, current) : undefined
        return {
          id: current.policyId,
          title: current.title,
          version: current.version,
          textHash: current.textHash,
          ...(mine === undefined ? {} : { acceptedAt: mine.acceptedAt }),
        }
      })
      const sorted = [...items].sort(
        (a, b) =>
          a.acceptedAt.localeCompare(b.acceptedAt) || lookupKey(a.email).localeCompare(lookupKey(b.email)),
      )
      return { policies: list, items: sorted }
    },
  }),
  defineRoute({
    ...policies.acceptPolicy,
    async handler({ params, actor }, context: ServerContext) {
      // An acceptance is a person's own word: a token (a script) cannot give it for anyone.
      if (actor.kind !== 'user')
        throw new PersonRequiredError(
          'only a signed-in person accepts a policy, for themself; an API token cannot',
        )
      // The auditor examines the organisation's policies; accepting them is for the people bound by them.
      if (actor.role === 'auditor')
        throw new PersonRequiredError(
          "an auditor examines the organisation's policies; accepting them is for the people they bind",
        )
      const policy = findPolicy(servedPolicies(context), params.id)
      return serialized(() =>
        accept(
          { loaded: context.loaded, store: context.ledger, signer: context.signer, notify: () => undefined },
          { email: actor.name, policy, at: context.now().toISOString() },
        ),
      )
    },
  }),
]
