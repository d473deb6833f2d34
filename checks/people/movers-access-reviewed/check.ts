import { z } from 'zod'
import { defineCheck, type Outcome } from '../../../src/core/check.js'
import type { AccessReview } from '../../../src/core/evidence-people.js'
import { formatDay, instant, isActivePerson } from '../../../src/core/people.js'
import { accountsOf, rosterTime, viewPeople } from '../shared/roster.js'

const dayMs = 86_400_000

export default defineCheck({
  id: 'people/movers-access-reviewed',
  title: "A mover's access is reviewed after their change of department",
  description:
    'When someone changes department, the access of their old role tends to stay with them. For every ' +
    'current person whose roster records a department change, each system where they hold an account ' +
    'must have an access review closed after the change that covered that account, within ' +
    '`withinDays` (30 by default) of the change. Until the window has passed, a missing review is ' +
    'not yet a failure.',
  remediation:
    'Review the mover’s accounts: `trustctl access-review start --system <system> --reviewer <owner>`, ' +
    'decide their accounts (revoke what the old role needed and the new one does not) and close it.',
  severity: 'medium',
  reads: [
    'people.person',
    'people.access-review',
    'identity.account',
    'aws.iam-user',
    'github.organization',
    'identity.service-account',
  ],
  params: z.object({
    /** Days after the department change by which the review must have closed. */
    withinDays: z.number().int().positive().default(30),
  }),
  evaluate({ evidence, params, result }) {
    const view = viewPeople(evidence)
    const campaigns = evidence['people.access-review'].filter((c) => c.closedAt !== undefined)
    const outcomes: Outcome[] = []
    for (const person of view.directory.people) {
      const current = person.current
      const changed = current.departmentChangedAt
      const now = rosterTime(person)
      if (changed === undefined || !isActivePerson(current, now)) continue
      const moved = instant(changed)
      const theirs = accountsOf(person, view.personal)
      if (theirs.length === 0) {
        outcomes.push(
          result.undetermined(
            current,
            `moved on ${changed.slice(0, 10)}; no account of theirs was collected`,
          ),
        )
        continue
      }
      const bySystem = new Map<string, typeof theirs>()
      for (const account of theirs)
        bySystem.set(account.system, [...(bySystem.get(account.system) ?? []), account])
      const missing = [...bySystem].filter(
        ([system, accounts]) =>
          !campaigns.some(
            (c) =>
              c.system === system &&
              instant(c.closedAt ?? '') >= moved &&
              accounts.some((a) => covers(c, a.accountId)),
          ),
      )
      const systems = [...bySystem.keys()].sort().join(', ')
      if (missing.length === 0) {
        outcomes.push(
          result.pass(current, `moved on ${changed.slice(0, 10)}; access reviewed since in ${systems}`),
        )
        continue
      }
      const names = missing
        .map(([s]) => s)
        .sort()
        .join(', ')
      const deadline = moved + params.withinDays * dayMs
      outcomes.push(
        now > deadline
          ? result.fail(
              current,
              `moved on ${changed.slice(0, 10)}; no access review closed since covers their accounts in ${names} (due by ${formatDay(deadline)})`,
            )
          : result.notApplicable(
              current,
              `moved on ${changed.slice(0, 10)}; review of ${names} due by ${formatDay(deadline)}`,
            ),
      )
    }
    return outcomes
  },
})

/** The campaign listed the account in its population. */
const covers = (campaign: AccessReview, accountId: string): boolean =>
  campaign.accounts.some((a) => a.accountId.toLowerCase() === accountId.toLowerCase())
