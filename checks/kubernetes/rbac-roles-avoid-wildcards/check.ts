import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { describeRule, ruleEscalationVerbs, ruleHasWildcard } from '../shared/rbac.js'

// Kubernetes' user-facing ClusterRoles, exempt by default.
const builtInRoles = new Set(['cluster-admin', 'admin', 'edit', 'view'])

export default defineCheck({
  id: 'kubernetes/rbac-roles-avoid-wildcards',
  title: 'Roles grant named verbs on named resources, and no privilege-escalation verbs',
  description:
    'A `*` in a Role grants every verb or every resource, including ones added to the cluster later ' +
    '(new CRDs, secrets, exec). Access cannot be reviewed when it is not spelled out. The verbs ' +
    '`escalate`, `bind` and `impersonate` go further: they let the holder write or bind roles granting ' +
    'more than it holds, or act as another user, group or service account, so the role is a path to ' +
    'any right in its scope. Naming each verb and resource, and leaving out escalation verbs, is least ' +
    "privilege in role design. Kubernetes' built-in roles (cluster-admin, admin, edit, view and " +
    "`system:*`) are exempt: their wildcards are upstream's design. Who they are bound to is judged by " +
    'kubernetes/rbac-no-wildcard-cluster-admin, which fails cluster-admin bound to any subject not on ' +
    'its approved list, and any role except the built-in discovery roles bound to everyone ' +
    '(system:authenticated, system:serviceaccounts, default service accounts). Bindings of admin, edit ' +
    'and view to named subjects are left to the access review.',
  remediation:
    'In each rule of the Role or ClusterRole replace `verbs: ["*"]` with the verbs the subject needs ' +
    '(e.g. `get`, `list`, `watch`) and `resources: ["*"]` with the resources it uses (e.g. `deployments`, ' +
    '`configmaps`). Remove `escalate`, `bind` and `impersonate`; where a controller truly needs one ' +
    '(an operator that creates RoleBindings), restrict the rule with `resourceNames` to the roles or ' +
    'identities it manages and list the role in `exemptRoles` with the reason on record. Bind the ' +
    'built-in `view` or `edit` ClusterRoles where they fit instead of writing your own.',
  severity: 'medium',
  reads: ['k8s.rbac-role'],
  params: z.object({
    // Kubernetes' own user-facing roles; their wildcards are upstream's design. Their bindings are
    // judged by rbac-no-wildcard-cluster-admin: cluster-admin to any unapproved subject, any role to
    // broad subjects such as system:authenticated. Names starting with `system:` are always exempt.
    exemptRoles: z.array(z.string()).default([...builtInRoles]),
  }),
  evaluate({ evidence, params, result }) {
    return evidence['k8s.rbac-role'].map((role) => {
      if (
        role.name.startsWith('system:') ||
        (builtInRoles.has(role.name) && params.exemptRoles.includes(role.name))
      ) {
        return result.notApplicable(role, `${role.name} is a built-in Kubernetes role`)
      }
      if (params.exemptRoles.includes(role.name)) {
        return result.notApplicable(role, `${role.name} is exempt (exemptRoles)`)
      }
      if (role.aggregated) {
        return result.notApplicable(
          role,
          'rules are aggregated from other roles, which are checked themselves',
        )
      }
      const wild = role.rules.flatMap((rule, index) =>
        ruleHasWildcard(rule) ? [`rule ${index + 1}: ${describeRule(rule)}`] : [],
      )
      const escalating = role.rules.flatMap((rule, index) => {
        const verbs = ruleEscalationVerbs(rule)
        return verbs.length === 0 ? [] : [`rule ${index + 1}: ${verbs.join(', ')} (${describeRule(rule)})`]
      })
      const problems = [
        ...(wild.length > 0 ? [`wildcard grants: ${wild.join('; ')}`] : []),
        ...(escalating.length > 0 ? [`privilege-escalation verbs: ${escalating.join('; ')}`] : []),
      ]
      return problems.length === 0
        ? result.pass(role, 'every rule names its verbs and resources, and none can escalate privileges')
        : result.fail(role, problems.join('. '))
    })
  },
})
