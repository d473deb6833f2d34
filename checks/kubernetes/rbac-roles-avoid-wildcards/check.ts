import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { describeRule, ruleHasWildcard } from '../shared/rbac.js'

// Kubernetes' user-facing ClusterRoles, exempt by default.
const builtInRoles = new Set(['cluster-admin', 'admin', 'edit', 'view'])

export default defineCheck({
  id: 'kubernetes/rbac-roles-avoid-wildcards',
  title: 'Roles grant named verbs on named resources',
  description:
    'A `*` in a Role grants every verb or every resource, including ones added to the cluster later ' +
    '(new CRDs, secrets, exec). Access cannot be reviewed when it is not spelled out. Naming each ' +
    "verb and resource is least privilege in role design (SOC 2 CC6.1, CC6.3). Kubernetes' built-in " +
    "roles (cluster-admin, admin, edit, view and `system:*`) are exempt: their wildcards are upstream's " +
    'design. Who they are bound to is judged by kubernetes/rbac-no-wildcard-cluster-admin, which fails ' +
    'cluster-admin bound to any subject not on its approved list, and cluster-admin, admin or edit bound ' +
    'to everyone (system:authenticated, system:serviceaccounts, default service accounts). Bindings of ' +
    'admin, edit and view to named subjects are left to the access review.',
  remediation:
    'In each rule of the Role or ClusterRole replace `verbs: ["*"]` with the verbs the subject needs ' +
    '(e.g. `get`, `list`, `watch`) and `resources: ["*"]` with the resources it uses (e.g. `deployments`, ' +
    '`configmaps`). Bind the built-in `view` or `edit` ClusterRoles where they fit instead of writing your own.',
  severity: 'medium',
  reads: ['k8s.rbac-role'],
  params: z.object({
    // Kubernetes' own user-facing roles; their wildcards are upstream's design. Their bindings are
    // judged by rbac-no-wildcard-cluster-admin: cluster-admin to any unapproved subject, admin and
    // edit only to broad subjects such as system:authenticated; view not at all. Names starting
    // with `system:` are always exempt.
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
      return wild.length === 0
        ? result.pass(role, 'every rule names its verbs and resources')
        : result.fail(role, `wildcard grants: ${wild.join('; ')}`)
    })
  },
})
