import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import type { K8sRbacBinding } from '../../../src/core/evidence.js'
import { exemptMessage, exemptNamespacesParam } from '../shared/scope.js'

/** The bindings that name a service account as a subject. */
function bindingsOf(bindings: readonly K8sRbacBinding[], namespace: string, name: string): K8sRbacBinding[] {
  return bindings.filter((binding) =>
    binding.subjects.some(
      (s) =>
        s.kind === 'ServiceAccount' && s.name === name && (s.namespace ?? binding.namespace) === namespace,
    ),
  )
}

export default defineCheck({
  id: 'kubernetes/workload-does-not-automount-service-account-token',
  title: 'Pods mount a Kubernetes API token only when they use the API',
  description:
    "Unless told otherwise, Kubernetes mounts a token for the pod's service account into every " +
    'container. Most applications never call the Kubernetes API, yet an attacker who gets code ' +
    'execution can use that token to explore and change the cluster with whatever rights the ' +
    'account has. NSA/CISA Kubernetes hardening guidance asks for automounting to be turned off ' +
    'where it is not needed. A pod passes when it or its ServiceAccount turns automounting off, or ' +
    'when its ServiceAccount is granted API rights by a RoleBinding or ClusterRoleBinding here (it ' +
    "uses the API; what it may do is the RBAC checks' concern). A pod that runs as its namespace's " +
    '`default` ServiceAccount, not declared here, is judged as Kubernetes creates that account: ' +
    'without the setting, so the token is mounted. A pod that leaves the setting to another ' +
    'ServiceAccount not in these manifests is no-evidence: its setting is unknown.',
  remediation:
    'Set `automountServiceAccountToken: false` in the pod template (spec.template.spec, or ' +
    'jobTemplate.spec.template.spec for a CronJob), or on the ServiceAccount the pod runs as. A ' +
    'workload that does call the API should run as its own ServiceAccount, declared with its ' +
    'RoleBinding next to it.',
  severity: 'medium',
  reads: ['k8s.workload', 'k8s.service-account', 'k8s.rbac-binding'],
  params: z.object({ exemptNamespaces: exemptNamespacesParam() }),
  evaluate({ evidence, params, result }) {
    const accounts = evidence['k8s.service-account']
    const bindings = evidence['k8s.rbac-binding']
    return evidence['k8s.workload'].map((workload) => {
      if (params.exemptNamespaces.includes(workload.namespace)) {
        return result.notApplicable(workload, exemptMessage(workload.namespace))
      }
      if (workload.automountServiceAccountToken === false) {
        return result.pass(workload, 'the pod sets automountServiceAccountToken: false')
      }
      const accountName = workload.serviceAccountName ?? 'default'
      const account = accounts.find((a) => a.namespace === workload.namespace && a.name === accountName)
      let how: string
      if (workload.automountServiceAccountToken === true) {
        how = 'the pod sets automountServiceAccountToken: true'
      } else if (account === undefined && accountName === 'default') {
        // The controller creates every namespace's `default` account without the field, and
        // Kubernetes mounts the token when neither pod nor account says otherwise. Changing that
        // account is itself configuration, which would be in these manifests if it were managed.
        how =
          `service account ${workload.namespace}/default is not in the manifests and Kubernetes creates it ` +
          'without automountServiceAccountToken, so the token is mounted'
      } else if (account === undefined) {
        return result.undetermined(
          workload,
          `service account ${workload.namespace}/${accountName} is not in the manifests: whether it mounts ` +
            'a token is unknown; set automountServiceAccountToken on the pod to decide it here',
        )
      } else if (account.automountServiceAccountToken === false) {
        return result.pass(
          workload,
          `service account ${accountName} sets automountServiceAccountToken: false`,
        )
      } else {
        how =
          account.automountServiceAccountToken === true
            ? `service account ${accountName} sets automountServiceAccountToken: true`
            : `neither the pod nor service account ${accountName} sets automountServiceAccountToken, so the token is mounted`
      }
      const granted = bindingsOf(bindings, workload.namespace, accountName)
      if (granted.length > 0) {
        return result.pass(
          workload,
          `mounts the token of ${accountName}, which uses the API: bound by ${granted
            .map((b) => `${b.resourceKind} ${b.name}`)
            .join(', ')}`,
        )
      }
      return result.fail(workload, `${how}, and no RoleBinding here grants ${accountName} any API rights`)
    })
  },
})
