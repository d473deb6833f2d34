import { z } from 'zod'
import { defineCheck, type Outcome } from '../../../src/core/check.js'
import {
  findPerson,
  formatDay,
  instant,
  isActivePerson,
  serviceDeclaration,
} from '../../../src/core/people.js'
import { describeAccount, viewPeople } from '../shared/roster.js'

const dayMs = 86_400_000

export default defineCheck({
  id: 'people/accounts-belong-to-active-people',
  title: 'Every active account belongs to a current person or a declared service account',
  description:
    'An account nobody on the HR roster answers for is either a leaver missed by offboarding, a shared ' +
    'login, or a machine identity without an owner. Each active account in the identity providers (and ' +
    'each IAM user) is joined to the roster by email and aliases, compared case-insensitively; it must ' +
    'belong to someone currently employed, or be declared as a service account whose owner is. An ' +
    'account made a few days before a joiner starts (`beforeStartDays`) is accepted.',
  remediation:
    'Disable accounts of people who have left; add a missing alias to the roster (or the account) when ' +
    'the person is there under another address; declare machine accounts under a `service-accounts` ' +
    'source with the person who answers for them.',
  severity: 'high',
  reads: [
    'identity.account',
    'aws.iam-user',
    'github.organization',
    'people.person',
    'identity.service-account',
  ],
  params: z.object({
    /** Days before a joiner's start date an account may already exist. */
    beforeStartDays: z.number().int().nonnegative().default(7),
  }),
  evaluate({ evidence, params, result }) {
    const view = viewPeople(evidence)
    const declared = evidence['identity.service-account']
    const roster = evidence['people.person'].length > 0
    const outcomes: Outcome[] = []
    for (const account of view.accounts.filter((a) => a.active)) {
      const asOf = account.observedAt === undefined ? undefined : instant(account.observedAt)
      const name = describeAccount(account)
      if (!roster || asOf === undefined) {
        outcomes.push(
          result.undetermined(
            account.item,
            roster
              ? `${name}: when it was read is unknown`
              : 'no HR roster was collected to join accounts to',
          ),
        )
        continue
      }
      const service = serviceDeclaration(account, declared)
      if (service !== undefined) {
        const owner = findPerson(view.directory, [service.owner])
        outcomes.push(
          owner !== undefined && isActivePerson(owner.current, asOf)
            ? result.pass(account.item, `declared service account, owned by ${service.owner}`)
            : result.fail(
                account.item,
                `declared service account whose owner ${service.owner} is not a current person on the roster`,
              ),
        )
        continue
      }
      const person = findPerson(view.directory, account.keys)
      if (person === undefined) {
        outcomes.push(
          result.fail(
            account.item,
            `${name} matches nobody on the roster by email or alias, and is not a declared service account`,
          ),
        )
        continue
      }
      const current = person.current
      if (isActivePerson(current, asOf)) {
        outcomes.push(
          result.pass(account.item, `belongs to ${current.workEmail} (${current.employmentType})`),
        )
        continue
      }
      if (current.startDate !== undefined && instant(current.startDate) > asOf) {
        const early = Math.ceil((instant(current.startDate) - asOf) / dayMs)
        outcomes.push(
          early <= params.beforeStartDays
            ? result.pass(account.item, `belongs to ${current.workEmail}, who starts on ${current.startDate}`)
            : result.fail(
                account.item,
                `belongs to ${current.workEmail}, who starts only on ${current.startDate} (${early} days after it was read)`,
              ),
        )
        continue
      }
      const left = current.endDate ?? formatDay(asOf)
      outcomes.push(
        result.fail(
          account.item,
          `belongs to ${current.workEmail}, who left (${current.endDate === undefined ? 'terminated' : `last day ${left}`})`,
        ),
      )
    }
    return outcomes
  },
})
