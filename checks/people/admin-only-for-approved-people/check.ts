import { z } from 'zod'
import { defineCheck, type Outcome } from '../../../src/core/check.js'
import { findPerson, instant, isActivePerson, lookupKey } from '../../../src/core/people.js'
import { describeAccount, viewPeople } from '../shared/roster.js'

export default defineCheck({
  id: 'people/admin-only-for-approved-people',
  title: 'Administrator roles in identity providers are held only by approved people',
  description:
    'An identity-provider administrator can create accounts, reset anyone’s MFA and grant themselves ' +
    'access to every connected application. Each account holding an admin role must belong to a person ' +
    'named in `approvedPeople` (by email or alias) or sit in one of `approvedGroups`, and that person ' +
    'must still work here. An export that does not show roles cannot tell, and says so.',
  remediation:
    'Remove the admin role from accounts that do not need it, or record who approved each remaining ' +
    'administrator in the list of approved administrators (`approvedPeople`, or `approvedGroups` for a ' +
    'group), together with the change that approved it.',
  severity: 'high',
  reads: ['identity.account', 'people.person', 'identity.service-account'],
  params: z.object({
    /** Work emails (or aliases) of the people approved to hold admin roles. */
    approvedPeople: z.array(z.string()).default([]),
    /** Group names whose members are approved to hold admin roles. */
    approvedGroups: z.array(z.string()).default([]),
    /** The identity providers judged (GitHub and AWS roles are judged by their own checks). */
    systems: z.array(z.string()).default(['okta', 'google', 'entra']),
  }),
  evaluate({ evidence, params, result }) {
    const view = viewPeople(evidence)
    const people = new Set(params.approvedPeople.map(lookupKey))
    const groups = new Set(params.approvedGroups.map(lookupKey))
    const outcomes: Outcome[] = []
    for (const account of view.accounts.filter((a) => a.active && params.systems.includes(a.system))) {
      if (account.admin === false) continue
      const name = describeAccount(account)
      if (account.admin === 'unknown') {
        outcomes.push(result.undetermined(account.item, `${name}: the export does not show its admin roles`))
        continue
      }
      const roles = account.adminRoles.join(', ') || 'an admin role'
      const person = findPerson(view.directory, account.keys)
      const keys = [...account.keys, ...(person?.keys ?? [])]
      const viaGroup = account.groups.find((g) => groups.has(lookupKey(g)))
      const approved = viaGroup !== undefined || keys.some((k) => people.has(k))
      if (!approved) {
        outcomes.push(
          result.fail(
            account.item,
            `${name} holds ${roles} without approval (not in approvedPeople or approvedGroups)`,
          ),
        )
        continue
      }
      const asOf = account.observedAt === undefined ? Number.NaN : instant(account.observedAt)
      if (!view.isService(account) && (person === undefined || !isActivePerson(person.current, asOf))) {
        outcomes.push(
          result.fail(
            account.item,
            `${name} holds ${roles}, approved, but belongs to nobody currently on the roster`,
          ),
        )
        continue
      }
      outcomes.push(
        result.pass(
          account.item,
          `${name} holds ${roles}, approved${viaGroup === undefined ? '' : ` through group ${viaGroup}`}`,
        ),
      )
    }
    return outcomes
  },
})
