import { z } from 'zod'
import { defineCheck, type Outcome, type ResultBuilder } from '../../../src/core/check.js'
import { type AccountView, employmentEnd, formatInstant, hasLeft, instant } from '../../../src/core/people.js'
import { accountsOf, describeAccount, rosterTime, viewPeople } from '../shared/roster.js'

const hourMs = 3_600_000

/** Hours, to one decimal where it is not whole: `24`, `24.5`. */
const hours = (ms: number): string => String(Math.round((ms / hourMs) * 10) / 10)

export default defineCheck({
  id: 'people/leaver-accounts-disabled-within-sla',
  title: "A leaver's accounts are disabled within the deprovisioning deadline in every system",
  description:
    'When someone leaves, every account they had must stop working soon after their last day: an account ' +
    'left open is a way in that nobody watches. The HR roster gives each leaver’s last day (their ' +
    'employment ends at the close of it); every identity-provider account and IAM user that answers to ' +
    'their email or an alias must be disabled by that moment plus the deadline (`slaHours`, 24 by ' +
    'default). Accounts declared as service accounts are judged by their owner instead. A rehired person ' +
    'is judged on their current employment only.',
  remediation:
    'Disable the accounts listed (suspend or deactivate in the identity provider, delete the console ' +
    'password and access keys of the IAM user) and find why the offboarding missed them: connect the ' +
    'system to the HR system through SCIM, or add it to the offboarding checklist.',
  severity: 'high',
  reads: [
    'people.person',
    'identity.account',
    'aws.iam-user',
    'github.organization',
    'identity.service-account',
  ],
  params: z.object({
    /** Hours after the end of the last day by which every account must be disabled. */
    slaHours: z.number().positive().default(24),
  }),
  evaluate({ evidence, params, result }) {
    const view = viewPeople(evidence)
    const outcomes: Outcome[] = []
    for (const person of view.directory.people) {
      const current = person.current
      if (!hasLeft(current, rosterTime(person))) continue
      if (current.endDate === undefined) {
        outcomes.push(
          result.undetermined(current, 'terminated on the roster, but without an end date to count from'),
        )
        continue
      }
      if (view.accounts.length === 0) {
        outcomes.push(result.undetermined(current, 'no identity-provider or IAM accounts were collected'))
        continue
      }
      const deadline = employmentEnd(current.endDate) + params.slaHours * hourMs
      const theirs = accountsOf(person, view.personal)
      if (theirs.length === 0) {
        const systems = [...new Set(view.accounts.map((a) => a.system))].join(', ')
        outcomes.push(result.pass(current, `left on ${current.endDate}; no account of theirs in ${systems}`))
        continue
      }
      for (const account of theirs)
        outcomes.push(judge(account, current.endDate, deadline, params.slaHours, result))
    }
    return outcomes
  },
})

function judge(
  account: AccountView,
  endDate: string,
  deadline: number,
  slaHours: number,
  result: ResultBuilder,
): Outcome {
  const by = formatInstant(deadline)
  const ended = employmentEnd(endDate)
  if (account.active) {
    const seen = account.observedAt === undefined ? undefined : instant(account.observedAt)
    if (seen === undefined)
      return result.undetermined(
        account.item,
        `${describeAccount(account)} is active; when it was read is unknown`,
      )
    if (seen > deadline)
      return result.fail(
        account.item,
        `${describeAccount(account)} still active ${hours(seen - ended)} h after the last day (${endDate}); the deadline was ${by}`,
      )
    return result.notApplicable(
      account.item,
      `${describeAccount(account)} still active, but the ${slaHours} h deadline (${by}) had not passed when it was read`,
    )
  }
  if (account.disabledAt === undefined)
    return result.undetermined(
      account.item,
      `${describeAccount(account)} is disabled, but the export does not say when (add the deactivation events)`,
    )
  const disabled = instant(account.disabledAt)
  const after = disabled - ended
  const when = after <= 0 ? 'before the last day ended' : `${hours(after)} h after the last day`
  return disabled <= deadline
    ? result.pass(
        account.item,
        `${describeAccount(account)} disabled ${when} (${endDate}), within ${slaHours} h`,
      )
    : result.fail(
        account.item,
        `${describeAccount(account)} disabled ${when} (${endDate}); the deadline was ${by}`,
      )
}
