import { defineCheck } from '../../../src/core/check.js'
import type { IamPolicyStatement } from '../../../src/core/iam-policy.js'
import { whyUnknown } from '../shared/known.js'

/** `*` or `*:*`: every action of every service. */
const everyAction = (action: string) => action === '*' || action === '*:*'

/** An Allow on every resource that grants every action, directly or through NotAction. */
function grantsEverything(s: IamPolicyStatement): boolean {
  if (s.effect !== 'Allow' || s.conditions.length > 0) return false
  // A Principal makes it a resource or trust policy, which grants nothing to whoever holds it.
  if (s.principals !== undefined || s.notPrincipals !== undefined) return false
  if (!s.resources.includes('*') || s.notResources.length > 0) return false
  // NotAction with Allow grants every action not listed: all of IAM but one action is still admin.
  return s.actions.some(everyAction) || (s.notActions.length > 0 && s.actions.length === 0)
}

export default defineCheck({
  id: 'aws/iam-policy-grants-no-full-admin',
  title: 'Customer IAM policies do not grant every action on every resource',
  description:
    'A policy that allows `*` on `*` (or allows everything but a few actions through NotAction) makes ' +
    'whoever holds it an administrator of the account, able to grant themselves anything and to erase ' +
    'their tracks. Administration is given through a few reviewed roles, not through policies written ' +
    'by hand. Unconditional statements only: a Condition may narrow the grant, so it is not judged here.',
  remediation:
    'Replace the wildcard statement with the actions and resources the principal needs (IAM Access ' +
    'Analyzer can generate a policy from CloudTrail activity). Keep full administration to a break-glass ' +
    'role that needs MFA and is reviewed.',
  severity: 'high',
  reads: ['aws.iam-policy'],
  evaluate({ evidence, result }) {
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
        const wide = policy.document.statements.filter(grantsEverything)
        if (wide.length > 0) {
          const where = policy.attachedTo?.map((a) => `${a.type} ${a.name}`).join(', ')
          return result.fail(
            policy,
            `grants every action on every resource${wide[0]?.sid ? ` (statement ${wide[0].sid})` : ''}${where ? `; attached to ${where}` : ''}`,
          )
        }
        return result.pass(policy, 'no unconditional statement grants every action on every resource')
      })
  },
})
