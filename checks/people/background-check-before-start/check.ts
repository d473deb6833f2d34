import { z } from 'zod'
import { calendarDate } from '../../../src/core/calendar-date.js'
import { defineCheck, type Outcome } from '../../../src/core/check.js'
import { employmentTypes } from '../../../src/core/evidence-people.js'
import { instant, isActivePerson, wholeDays } from '../../../src/core/people.js'
import { recordsOf, rosterTime, viewPeople } from '../shared/roster.js'

export default defineCheck({
  id: 'people/background-check-before-start',
  title: 'Each current employee and contractor was cleared by a background check before starting',
  description:
    'Screening before someone gets access is how the organization shows it hires people it can trust ' +
    'with customer data. For each person currently on the roster (or about to start) whose employment ' +
    'type is in scope (`employmentTypes`: employees and contractors by default), a background check must ' +
    'be on record as cleared on or before the start date. Only the provider’s status is read, never the ' +
    'findings. People who started before `startedOnOrAfter` (when screening began) are not judged.',
  remediation:
    'Complete the missing checks, adjudicate the pending ones, and make account creation wait for a ' +
    'cleared check (the HR workflow that triggers identity-provider provisioning should require it).',
  severity: 'medium',
  reads: ['people.person', 'people.background-check'],
  params: z.object({
    employmentTypes: z.array(z.enum(employmentTypes)).default(['employee', 'contractor']),
    /** Hires before this date (YYYY-MM-DD) predate screening and are not judged. */
    startedOnOrAfter: calendarDate.optional(),
  }),
  evaluate({ evidence, params, result }) {
    const view = viewPeople(evidence)
    const checks = evidence['people.background-check']
    const outcomes: Outcome[] = []
    for (const person of view.directory.people) {
      const current = person.current
      const asOf = rosterTime(person)
      const upcoming = current.status === 'pending'
      if (!isActivePerson(current, asOf) && !upcoming) continue
      if (!params.employmentTypes.includes(current.employmentType)) {
        outcomes.push(
          result.notApplicable(current, `${current.employmentType}: not in the screened employment types`),
        )
        continue
      }
      if (current.startDate === undefined) {
        outcomes.push(result.undetermined(current, 'the roster has no start date to compare with'))
        continue
      }
      if (params.startedOnOrAfter !== undefined && current.startDate < params.startedOnOrAfter) {
        outcomes.push(
          result.notApplicable(
            current,
            `started ${current.startDate}, before screening began (${params.startedOnOrAfter})`,
          ),
        )
        continue
      }
      if (checks.length === 0) {
        outcomes.push(result.undetermined(current, 'no background-check export was collected'))
        continue
      }
      const theirs = recordsOf(person, checks)
      const start = current.startDate
      const cleared = theirs.filter((c) => c.outcome === 'cleared')
      const dated = cleared
        .filter((c) => c.completedAt !== undefined)
        .sort((a, b) => (a.completedAt ?? '').localeCompare(b.completedAt ?? ''))
      const first = dated[0]
      if (first?.completedAt !== undefined) {
        const on = first.completedAt.slice(0, 10)
        outcomes.push(
          on <= start
            ? result.pass(current, `cleared on ${on}, before the start on ${start}`)
            : result.fail(
                current,
                `cleared on ${on}, ${wholeDays(instant(start), instant(on))} days after the start on ${start}`,
              ),
        )
        continue
      }
      if (cleared.length > 0) {
        outcomes.push(
          result.undetermined(
            current,
            'cleared, but the export has no completion date to compare with the start',
          ),
        )
        continue
      }
      const pending = theirs.find((c) => c.outcome === 'pending')
      if (pending !== undefined && upcoming) {
        outcomes.push(result.notApplicable(current, `check in progress; starts on ${start}`))
        continue
      }
      outcomes.push(
        result.fail(
          current,
          theirs.length === 0
            ? `no background check on record (started ${start})`
            : `not cleared: ${theirs.map((c) => c.status).join('; ')} (started ${start})`,
        ),
      )
    }
    return outcomes
  },
})
