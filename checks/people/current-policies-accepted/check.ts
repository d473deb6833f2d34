import { z } from 'zod'
import { calendarDate } from '../../../src/core/calendar-date.js'
import { defineCheck, type Outcome } from '../../../src/core/check.js'
import type { PolicyAcceptance } from '../../../src/core/evidence-people.js'
import { formatDay, instant, isActivePerson, lookupKey, wholeDays } from '../../../src/core/people.js'
import { recordsOf, rosterTime, viewPeople } from '../shared/roster.js'

const dayMs = 86_400_000

/** An export names a policy by its title; an acceptance made in trustctl also carries the catalog id. */
const namesPolicy = (a: PolicyAcceptance, name: string): boolean =>
  lookupKey(a.policy) === lookupKey(name) ||
  (a.policyId !== undefined && lookupKey(a.policyId) === lookupKey(name))

export default defineCheck({
  id: 'people/current-policies-accepted',
  title: 'Everyone accepts the current version of each policy within 30 days',
  description:
    'A policy binds people only once they have read and accepted it. For each policy listed in ' +
    '`policies` (name, current version, the date it took effect), every person currently employed must ' +
    'have accepted that version within `withinDays` of the later of the effective date and their start ' +
    'date. Accepting an older version does not count.',
  remediation:
    'Ask the people listed to accept the current version in the policy tool, and have it remind them ' +
    'before the deadline; record each policy’s new version in the policy register when it changes.',
  severity: 'medium',
  reads: ['people.person', 'people.policy-acceptance'],
  params: z.object({
    withinDays: z.number().int().positive().default(30),
    policies: z
      .array(
        z.object({
          name: z.string().min(1),
          version: z.string().min(1),
          effective: calendarDate,
        }),
      )
      .default([]),
  }),
  evaluate({ evidence, params, result }) {
    const view = viewPeople(evidence)
    const acceptances = evidence['people.policy-acceptance']
    const outcomes: Outcome[] = []
    for (const person of view.directory.people) {
      const current = person.current
      const asOf = rosterTime(person)
      if (!isActivePerson(current, asOf)) continue
      if (params.policies.length === 0) {
        outcomes.push(
          result.undetermined(
            current,
            'no current policy versions are listed in this check’s policies parameter',
          ),
        )
        continue
      }
      if (acceptances.length === 0) {
        outcomes.push(
          result.undetermined(
            current,
            'no policy acceptance was collected (no export, none made in trustctl)',
          ),
        )
        continue
      }
      const theirs = recordsOf(person, acceptances)
      const late: string[] = []
      const accepted: string[] = []
      let pending = 0
      for (const policy of params.policies) {
        const from = Math.max(
          instant(policy.effective),
          current.startDate === undefined ? 0 : instant(current.startDate),
        )
        const due = from + params.withinDays * dayMs
        const label = `${policy.name} ${policy.version}`
        const match = theirs
          .filter((a) => namesPolicy(a, policy.name) && a.version === policy.version)
          .map((a) => instant(a.acceptedAt))
          .sort((a, b) => a - b)[0]
        if (match !== undefined && match <= due + dayMs - 1) accepted.push(label)
        else if (match !== undefined)
          late.push(
            `${label} accepted ${formatDay(match)}, ${wholeDays(due, match)} days after the ${formatDay(due)} deadline`,
          )
        else if (asOf > due + dayMs - 1) late.push(`${label} not accepted (due ${formatDay(due)})`)
        else pending++
      }
      if (late.length > 0) outcomes.push(result.fail(current, late.join('; ')))
      else if (accepted.length > 0)
        outcomes.push(
          result.pass(
            current,
            `accepted ${accepted.join(', ')}${pending > 0 ? `; ${pending} not yet due` : ''}`,
          ),
        )
      else outcomes.push(result.notApplicable(current, 'the current versions are not yet due'))
    }
    return outcomes
  },
})
