import { z } from 'zod'
import { defineCheck, type Outcome } from '../../../src/core/check.js'
import { formatDay, instant, isActivePerson, lookupKey, wholeDays } from '../../../src/core/people.js'
import { recordsOf, rosterTime, viewPeople } from '../shared/roster.js'

const dayMs = 86_400_000

export default defineCheck({
  id: 'people/security-training-current',
  title: 'Everyone completes security training within 30 days of joining and every year',
  description:
    'Security awareness training is how staff learn to spot phishing, handle customer data and report an ' +
    'incident. Each person currently employed must have completed a security course (`courses`: names ' +
    'containing one of these words; every course when empty) within `withinDays` of their start date, ' +
    'and again within `everyDays` of the export. A new joiner still inside their first window is not yet ' +
    'judged.',
  remediation:
    'Enrol the people listed and follow up until they complete; have the training platform enrol new ' +
    'joiners automatically from the HR system and remind them, and their manager, before the deadline.',
  severity: 'medium',
  reads: ['people.person', 'people.training'],
  params: z.object({
    withinDays: z.number().int().positive().default(30),
    everyDays: z.number().int().positive().default(365),
    courses: z.array(z.string()).default([]),
  }),
  evaluate({ evidence, params, result }) {
    const view = viewPeople(evidence)
    const training = evidence['people.training']
    const words = params.courses.map(lookupKey)
    const relevant = training.filter(
      (t) => words.length === 0 || words.some((w) => lookupKey(t.course).includes(w)),
    )
    const outcomes: Outcome[] = []
    for (const person of view.directory.people) {
      const current = person.current
      const asOf = rosterTime(person)
      if (!isActivePerson(current, asOf)) continue
      if (training.length === 0) {
        outcomes.push(result.undetermined(current, 'no training export was collected'))
        continue
      }
      const done = recordsOf(person, relevant).filter((t) => t.completed)
      const dates = done
        .flatMap((t) => (t.completedAt === undefined ? [] : [instant(t.completedAt)]))
        .sort((a, b) => a - b)
      const start = current.startDate === undefined ? undefined : instant(current.startDate)
      const due = start === undefined ? undefined : start + params.withinDays * dayMs
      const latest = dates.at(-1)
      if (latest === undefined) {
        if (done.length > 0)
          outcomes.push(result.undetermined(current, 'completed, but the export has no completion date'))
        else if (due !== undefined && asOf <= due)
          outcomes.push(
            result.notApplicable(current, `joined ${current.startDate}; training due by ${formatDay(due)}`),
          )
        else outcomes.push(result.fail(current, 'no completed security training on record'))
        continue
      }
      const age = wholeDays(latest, asOf)
      if (age > params.everyDays) {
        outcomes.push(
          result.fail(
            current,
            `last completed ${formatDay(latest)}, ${age} days before the export (every ${params.everyDays})`,
          ),
        )
        continue
      }
      // A joiner within the last cycle must have done it within the window after starting.
      if (start !== undefined && due !== undefined && wholeDays(start, asOf) <= params.everyDays) {
        const first = dates.find((d) => d >= start - params.everyDays * dayMs)
        if (first !== undefined && first > due) {
          outcomes.push(
            result.fail(
              current,
              `joined ${current.startDate}, first completed ${formatDay(first)}: ${wholeDays(start, first)} days after starting (limit ${params.withinDays})`,
            ),
          )
          continue
        }
      }
      outcomes.push(result.pass(current, `completed ${formatDay(latest)}`))
    }
    return outcomes
  },
})
