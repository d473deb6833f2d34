import { defineCheck } from '../../../src/core/check.js'
import type { K8sRbacBinding, K8sRbacRole, RbacSubject } from '../../../src/core/evidence.js'
import { ruleGrantsEverything } from '../shared/rbac.js'

// Groups every caller, or every service account, belongs to: binding admin to them grants it to all.
const broadGroups = new Set(['system:authenticated', 'system:unauthenticated', 'system:serviceaccounts'])

/** Why the subject stands for "anyone" rather than an approved person or group; undefined when it does not. */
function broadSubject(subject: RbacSubject, binding: K8sRbacBinding): string | undefined {
  if (
    subject.kind === 'Group' &&
    (broadGroups.has(subject.name) || subject.name.startsWith('system:serviceaccounts:'))
  ) {
    return `Group ${subject.name}`
  }
  if (subject.kind === 'User' && subject.name === 'system:anonymous') return 'User system:anonymous'
  // Every pod that names no service account runs as `default`, so it is everyone in the namespace.
  if (subject.kind === 'ServiceAccount' && subject.name === 'default') {
    const namespace = subject.namespace ?? binding.namespace
    return namespace === undefined ? 'ServiceAccount default' : `ServiceAccount ${namespace}/default`
  }
  if (subject.kind === 'User' && /^system:serviceaccount:[^:]+:default$/.test(subject.name)) {
    return `User ${subject.name}`
  }
  return undefined
}

/** The role a binding points at, when the manifests define it; a Role lives in the binding's namespace. */
function boundRole(binding: K8sRbacBinding, roles: readonly K8sRbacRole[]): K8sRbacRole | undefined {
  return roles.find(
    (role) =>
      role.resourceKind === binding.roleRef.kind &&
      role.name === binding.roleRef.name &&
      (role.resourceKind === 'ClusterRole' || role.namespace === binding.namespace),
  )
}

function grantsClusterAdmin(binding: K8sRbacBinding, roles: readonly K8sRbacRole[]): boolean {
  if (binding.roleRef.kind === 'ClusterRole' && binding.roleRef.name === 'cluster-admin') return true
  return boundRole(binding, roles)?.rules.some(ruleGrantsEverything) ?? false
}

export default defineCheck({
  id: 'kubernetes/rbac-no-wildcard-cluster-admin',
  title: 'Cluster-admin rights are granted only to named, approved subjects',
  description:
    'cluster-admin, or any role with every verb on every resource, is full control of the cluster and ' +
    'every secret in it. Bound to a group such as system:authenticated or to a default service account, ' +
    'it is granted to anyone who can reach the API or run a pod. Admin rights must go to named ' +
    'groups whose membership is approved and reviewed (SOC 2 CC6.1, CC6.2, CC6.3).',
  remediation:
    'Change the subjects of the (Cluster)RoleBinding to a named Group from your identity provider ' +
    '(e.g. `platform-admins`) or a dedicated ServiceAccount, and remove system:authenticated, ' +
    'system:unauthenticated, system:serviceaccounts[:<ns>], system:anonymous and `default` service ' +
    'accounts. Better still, bind a narrower role.',
  severity: 'critical',
  reads: ['k8s.rbac-binding', 'k8s.rbac-role'],
  evaluate({ evidence, result }) {
    const roles = evidence['k8s.rbac-role']
    return evidence['k8s.rbac-binding']
      .filter((binding) => grantsClusterAdmin(binding, roles))
      .map((binding) => {
        const role = `${binding.roleRef.kind} ${binding.roleRef.name}`
        const broad = binding.subjects.flatMap((subject) => broadSubject(subject, binding) ?? [])
        if (broad.length > 0) {
          return result.fail(binding, `${role} (full admin) is granted to ${broad.join(', ')}`)
        }
        const named = binding.subjects.map((subject) => `${subject.kind} ${subject.name}`)
        return result.pass(
          binding,
          named.length === 0
            ? `${role} is bound to no subjects`
            : `${role} is granted only to ${named.join(', ')}`,
        )
      })
  },
})
