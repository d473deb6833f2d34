import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { daysBetween, whyUnknown } from '../shared/known.js'

export default defineCheck({
  id: 'aws/access-keys-rotated-and-used',
  title: 'IAM access keys are recent and in use',
  description:
    'An access key is a long-lived password for the API. The older it is, the more places it has been ' +
    'copied to; a key nobody uses is a risk with no benefit. Keys are replaced on a schedule and removed ' +
    'when unused. Ages are counted from when the account state was read.',
  remediation:
    'Rotate old keys (create a new key, switch the consumer, deactivate then delete the old one) and ' +
    'delete unused ones. Prefer roles and short-lived credentials (OIDC federation from CI, IAM Roles ' +
    'Anywhere, Identity Center) over access keys.',
  severity: 'medium',
  reads: ['aws.iam-user'],
  params: z.object({
    maxAgeDays: z.number().int().positive().default(90),
    maxUnusedDays: z.number().int().positive().default(90),
  }),
  evaluate({ evidence, params, result }) {
    return evidence['aws.iam-user'].map((user) => {
      if (user.accessKeys === undefined)
        return result.undetermined(user, whyUnknown(user, 'accessKeys', 'the user’s access keys'))
      const keys = user.accessKeys.filter((k) => k.active)
      if (keys.length === 0) return result.notApplicable(user, 'no active access key')
      if (user.observedAt === undefined)
        return result.undetermined(user, 'the time the state was read is unknown, so key ages cannot be told')
      const asOf = user.observedAt
      const problems: string[] = []
      let unknownAge = false
      for (const [i, key] of keys.entries()) {
        const label = key.maskedId ?? `key ${i + 1}`
        if (key.createdAt === undefined) {
          unknownAge = true
          continue
        }
        const age = daysBetween(key.createdAt, asOf)
        if (age > params.maxAgeDays) problems.push(`${label} is ${age} days old (limit ${params.maxAgeDays})`)
        const lastUse = key.lastUsedAt ?? key.createdAt
        const idle = daysBetween(lastUse, asOf)
        if (idle > params.maxUnusedDays)
          problems.push(
            key.lastUsedAt === undefined
              ? `${label} has never been used in ${idle} days`
              : `${label} unused for ${idle} days (limit ${params.maxUnusedDays})`,
          )
      }
      if (problems.length > 0) return result.fail(user, problems.join('; '))
      if (unknownAge) return result.undetermined(user, 'the creation date of an active access key is unknown')
      return result.pass(user, `${keys.length} active key(s), each rotated and used within the limits`)
    })
  },
})
