import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import type { K8sRbacBinding, K8sRbacRole, RbacSubject } from '../../../src/core/evidence.js'
import { describeRule, ruleGrantsEverything, ruleHasWildcard } from '../shared/rbac.js'

const id = 'kubernetes/rbac-no-wildcard-cluster-admin'
const approvedSubjectsSetting = `checks.${id}.params.approvedSubjects`

// Groups every caller, or every service account, belongs to: binding a role to them grants it to all.
const broadGroups = new Set(['system:authenticated', 'system:unauthenticated', 'system:serviceaccounts'])

// Built-in ClusterRoles short of cluster-admin that still write nearly everything in a namespace,
// secrets and workloads included (`admin` also RoleBindings). Bound to everyone they are an open door.
const elevatedBuiltInRoles = new Set(['admin', 'edit'])

// Built-in ClusterRoles Kubernetes itself binds to system:authenticated (and public-info-viewer also
// to system:unauthenticated): API discovery, version and health, and a user's own permissions.
const discoveryRoles = new Set(['system:basic-user', 'system:discovery', 'system:public-info-viewer'])

// `Kind:name` as in the approvedSubjects param; a ServiceAccount is `ServiceAccount:<namespace>/<name>`.
const approvedSubjectEntry = z
  .string()
  .trim()
  .regex(
    /^(?:(?:User|Group):.+|ServiceAccount:[^/\s]+\/[^/\s]+)$/,
    'must be Group:<group>, User:<user> or ServiceAccount:<namespace>/<name>',
  )

/** The subject as the approvedSubjects param writes it: `Group:acme:sre-oncall`, `ServiceAccount:ns/name`. */
function subjectKey(subject: RbacSubject, binding: K8sRbacBinding): string {
  if (subject.kind === 'ServiceAccount') {
    const namespace = subject.namespace ?? binding.namespace
    return namespace === undefined
      ? `ServiceAccount:${subject.name}`
      : `ServiceAccount:${namespace}/${subject.name}`
  }
  return `${subject.kind}:${subject.name}`
}

/** True when the approvedSubjects param lists the subject (a service account also under its user name). */
function isApproved(subject: RbacSubject, binding: K8sRbacBinding, approved: ReadonlySet<string>): boolean {
  if (approved.has(subjectKey(subject, binding))) return true
  // A service account authenticates as User system:serviceaccount:<ns>:<name>; either spelling approves it.
  const asUser = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(subject.name)
  return (
    subject.kind === 'User' && asUser !== null && approved.has(`ServiceAccount:${asUser[1]}/${asUser[2]}`)
  )
}

/** True when the subject stands for "anyone" rather than an identifiable person, group or workload. */
function isBroadSubject(subject: RbacSubject): boolean {
  if (
    subject.kind === 'Group' &&
    (broadGroups.has(subject.name) || subject.name.startsWith('system:serviceaccounts:'))
  ) {
    return true
  }
  if (subject.kind === 'User' && subject.name === 'system:anonymous') return true
  // Every pod that names no service account runs as `default`, so it is everyone in the namespace.
  if (subject.kind === 'ServiceAccount' && subject.name === 'default') return true
  return subject.kind === 'User' && /^system:serviceaccount:[^:]+:default$/.test(subject.name)
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

/** True when the binding points at one of the built-in discovery ClusterRoles. */
function isDiscoveryRole(binding: K8sRbacBinding): boolean {
  return binding.roleRef.kind === 'ClusterRole' && discoveryRoles.has(binding.roleRef.name)
}

/** What a role short of admin grants, as a report shows it; its rules when the manifests define it. */
function grantSummary(binding: K8sRbacBinding, role: K8sRbacRole | undefined): string {
  if (role === undefined) {
    return binding.roleRef.kind === 'ClusterRole' && binding.roleRef.name === 'view'
      ? 'read access to most objects in a namespace'
      : 'rules not in these manifests'
  }
  if (role.rules.length === 0) return 'no rules'
  return role.rules.map(describeRule).join('; ')
}

/**
 * What the bound role grants: `full` is cluster-admin or every verb on every resource; `elevated` is
 * the built-in admin or edit ClusterRole, or a role with a `*` in its verbs or resources. Anything
 * else is not this check's concern.
 */
function grantLevel(
  binding: K8sRbacBinding,
  roles: readonly K8sRbacRole[],
): { level: 'full' | 'elevated'; what: string } | undefined {
  const isClusterRole = binding.roleRef.kind === 'ClusterRole'
  const role = boundRole(binding, roles)
  if ((isClusterRole && binding.roleRef.name === 'cluster-admin') || role?.rules.some(ruleGrantsEverything)) {
    return { level: 'full', what: 'full admin' }
  }
  if (isClusterRole && elevatedBuiltInRoles.has(binding.roleRef.name)) {
    return { level: 'elevated', what: 'write access to workloads and secrets' }
  }
  if (role?.rules.some(ruleHasWildcard)) return { level: 'elevated', what: 'wildcard verbs or resources' }
  return undefined
}

export default defineCheck({
  id,
  title: 'Cluster-admin rights go only to approved subjects, and no role to everyone',
  description:
    'cluster-admin, or any role with every verb on every resource, is full control of the cluster and ' +
    'every secret in it: it must be granted only to subjects on an approved list, whose membership is ' +
    'approved and reviewed. A name alone (any User or Group) is not evidence of approval. A role bound ' +
    'to a group such as system:authenticated, system:unauthenticated, system:serviceaccounts[:<ns>], to ' +
    'system:anonymous or to a default service account is granted to anyone who can reach the API or ' +
    'run a pod, so no identifiable subject is accountable for it: such a binding fails whatever the role ' +
    'grants (reading secrets, exec into pods, or less), except the built-in discovery roles Kubernetes ' +
    'binds that way itself (system:basic-user, system:discovery, system:public-info-viewer). Bindings of ' +
    'admin, edit and other roles short of full admin to named subjects are left to the access review.',
  remediation:
    'Remove system:authenticated, system:unauthenticated, system:serviceaccounts[:<ns>], ' +
    'system:anonymous and `default` service accounts from the subjects of every (Cluster)RoleBinding, ' +
    'and bind the role to a named Group from your identity provider or a dedicated ServiceAccount ' +
    'instead. Grant cluster-admin only to such subjects, and list each approved subject in ' +
    `\`${approvedSubjectsSetting}\` (e.g. \`[Group:acme:sre-oncall, ServiceAccount:argocd/argocd-application-controller]\`), ` +
    'with the approval on record. Better still, bind a narrower role.',
  severity: 'critical',
  reads: ['k8s.rbac-binding', 'k8s.rbac-role'],
  params: z.object({
    /** Subjects approved for full admin: `Group:<group>`, `User:<user>`, `ServiceAccount:<namespace>/<name>`. */
    approvedSubjects: z.array(approvedSubjectEntry).default([]),
  }),
  evaluate({ evidence, params, result }) {
    const roles = evidence['k8s.rbac-role']
    const approved = new Set(params.approvedSubjects)
    return evidence['k8s.rbac-binding'].flatMap((binding) => {
      const grant = grantLevel(binding, roles)
      const broad = binding.subjects.filter(isBroadSubject).map((subject) => subjectKey(subject, binding))
      if (broad.length > 0) {
        // Any role bound to everyone is granted to everyone, except the discovery roles Kubernetes
        // binds that way itself (unless the manifests redefine one with admin rights).
        if (grant === undefined && isDiscoveryRole(binding)) {
          return [
            result.notApplicable(
              binding,
              `${binding.roleRef.name} is a built-in discovery role that Kubernetes itself binds to ${broad.join(', ')}`,
            ),
          ]
        }
        const what = grant?.what ?? grantSummary(binding, boundRole(binding, roles))
        return [
          result.fail(
            binding,
            `${binding.roleRef.kind} ${binding.roleRef.name} (${what}) is granted to ${broad.join(', ')}, ` +
              'which covers anyone who can reach the API or run a pod rather than an identifiable subject',
          ),
        ]
      }
      if (grant === undefined) return []
      const role = `${binding.roleRef.kind} ${binding.roleRef.name} (${grant.what})`
      // admin, edit and wildcard roles bound to named subjects: least privilege of the role is
      // rbac-roles-avoid-wildcards' concern, and who holds them the access review's.
      if (grant.level === 'elevated') return []
      if (binding.subjects.length === 0) return [result.pass(binding, `${role} is bound to no subjects`)]
      const named = binding.subjects.map((subject) => subjectKey(subject, binding))
      if (approved.size === 0) {
        return [
          result.fail(
            binding,
            `${role} is granted to ${named.join(', ')}, but no approved subjects are configured, so the grant ` +
              `cannot be shown to be approved: list the subjects approved for cluster-admin in ${approvedSubjectsSetting}`,
          ),
        ]
      }
      const unapproved = binding.subjects
        .filter((subject) => !isApproved(subject, binding, approved))
        .map((subject) => subjectKey(subject, binding))
      return [
        unapproved.length === 0
          ? result.pass(binding, `${role} is granted only to approved subjects: ${named.join(', ')}`)
          : result.fail(
              binding,
              `${role} is granted to ${unapproved.join(', ')}, not listed in ${approvedSubjectsSetting}`,
            ),
      ]
    })
  },
})
