import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import type { IamPolicyStatement } from '../../../src/core/iam-policy.js'
import { whyUnknown } from '../shared/known.js'

/** `*` or `*:*`: every action of every service. */
const everyAction = (action: string) => action === '*' || action === '*:*'

/** Services where every action on every resource is control of the account or of its data. */
const defaultSensitiveServices = [
  'iam',
  'sts',
  'organizations',
  'sso',
  'identitystore',
  'kms',
  'secretsmanager',
  'ssm',
  's3',
  'ec2',
  'rds',
  'dynamodb',
  'lambda',
  'eks',
  'ecr',
  'cloudtrail',
  'logs',
  'config',
  'guardduty',
  'backup',
  'route53',
]

/** `iam:*` (any case, `iam:**` too) → `iam`; undefined for anything narrower. */
function serviceWide(action: string): string | undefined {
  return /^([a-z0-9-]+):\*+$/.exec(action.toLowerCase())?.[1]
}

/**
 * What a statement grants too widely: `every action` (on every resource, directly or through
 * NotAction), or each sensitive service it grants whole on every resource of that service.
 */
function tooWide(s: IamPolicyStatement, sensitive: ReadonlySet<string>): string[] {
  if (s.effect !== 'Allow' || s.conditions.length > 0 || s.notResources.length > 0) return []
  // A Principal makes it a resource or trust policy, which grants nothing to whoever holds it.
  if (s.principals !== undefined || s.notPrincipals !== undefined) return []
  if (s.resources.includes('*')) {
    // NotAction with Allow grants every action not listed: all of IAM but one action is still admin.
    if (s.actions.some(everyAction) || (s.notActions.length > 0 && s.actions.length === 0))
      return ['every action']
  }
  // CC6.1/CC6.3: `iam:*` on `*` lets the holder grant itself anything; `s3:*` on `*` reads and
  // deletes every bucket. A whole sensitive service on every resource fails, narrower grants do not.
  const allOf = new Set(
    s.resources.flatMap((r) =>
      r === '*' ? ['*'] : (/^arn:[^:]*:([^:]*):[^:]*:[^:]*:\*$/.exec(r)?.[1] ?? []),
    ),
  )
  if (allOf.size === 0) return []
  const services = s.actions.flatMap((a) => {
    if (everyAction(a)) return [...allOf].filter((svc) => svc !== '*')
    const service = serviceWide(a)
    return service !== undefined && (allOf.has('*') || allOf.has(service)) ? [service] : []
  })
  return [...new Set(services)].filter((svc) => sensitive.has(svc)).map((svc) => `${svc}:*`)
}

export default defineCheck({
  id: 'aws/iam-policy-grants-no-full-admin',
  title: 'Customer IAM policies do not grant every action, or a whole sensitive service, on every resource',
  description:
    'A policy that allows `*` on `*` (or allows everything but a few actions through NotAction) makes ' +
    'whoever holds it an administrator of the account, able to grant themselves anything and to erase ' +
    'their tracks; `iam:*`, `kms:*` or `s3:*` on `*` is as much (the holder grants itself the rest, ' +
    'or reads and deletes every key or bucket). Administration is given through a few reviewed roles, not through policies written ' +
    'by hand. Unconditional statements only: a Condition may narrow the grant, so it is not judged here.',
  remediation:
    'Replace the wildcard statement with the actions and resources the principal needs (IAM Access ' +
    'Analyzer can generate a policy from CloudTrail activity). Keep full administration to a break-glass ' +
    'role that needs MFA and is reviewed.',
  severity: 'high',
  reads: ['aws.iam-policy'],
  params: z.object({
    /** Services whose every action on every resource fails (lower case, as in `iam:*`). */
    sensitiveServices: z.array(z.string()).default(defaultSensitiveServices),
  }),
  evaluate({ evidence, params, result }) {
    const sensitive = new Set(params.sensitiveServices.map((s) => s.toLowerCase()))
    // AWS-managed policies such as AdministratorAccess are AWS's by design; whom they are attached to
    // is an access-review question, not a defect of the policy.
    return evidence['aws.iam-policy']
      .filter((p) => p.managedBy !== 'aws')
      .map((policy) => {
        if (policy.document === undefined)
          return result.undetermined(policy, whyUnknown(policy, 'document', 'the policy document'))
        if (!policy.document.readable)
          return result.undetermined(
            policy,
            `the policy document could not be read: ${policy.document.reason}`,
          )
        const wide = policy.document.statements.flatMap((s) =>
          tooWide(s, sensitive).map((grant) => `${grant}${s.sid ? ` (statement ${s.sid})` : ''}`),
        )
        if (wide.length > 0) {
          const where = policy.attachedTo?.map((a) => `${a.type} ${a.name}`).join(', ')
          return result.fail(
            policy,
            `grants ${[...new Set(wide)].join(', ')} on every resource${where ? `; attached to ${where}` : ''}`,
          )
        }
        return result.pass(
          policy,
          'no unconditional statement grants every action, or a whole sensitive service, on every resource',
        )
      })
  },
})
