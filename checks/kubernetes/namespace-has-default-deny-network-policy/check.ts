import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import type { K8sNetworkPolicy } from '../../../src/core/evidence.js'
import { namespacesInScope } from '../shared/namespaces.js'
import { exemptMessage, exemptNamespacesParam } from '../shared/scope.js'

/** Why a policy is not the namespace's default deny for ingress; undefined when it is one. */
function whyNotDefaultDeny(policy: K8sNetworkPolicy): string | undefined {
  const { matchLabels, matchExpressions } = policy.podSelector
  if (Object.keys(matchLabels).length > 0 || matchExpressions.length > 0) return 'selects only some pods'
  // Empty policyTypes means Ingress (plus Egress when egress rules exist), so Ingress is covered.
  if (policy.policyTypes.length > 0 && !policy.policyTypes.includes('Ingress')) return 'covers Egress only'
  // Any ingress rule, even an empty `- {}`, allows traffic; a default deny has none.
  if (policy.ingress.length > 0) return 'allows ingress'
  return undefined
}

export default defineCheck({
  id: 'kubernetes/namespace-has-default-deny-network-policy',
  title: 'Every namespace denies ingress traffic by default',
  description:
    'Without any network policy every pod accepts connections from every other pod in the cluster, so one ' +
    'compromised workload can reach all the others. A default-deny policy per namespace turns the flat ' +
    'network into segments where only declared flows are allowed: boundary protection inside the ' +
    'cluster. Only Kubernetes NetworkPolicy objects are read; cluster-wide policies of a CNI (Cilium ' +
    'CiliumClusterwideNetworkPolicy, Calico GlobalNetworkPolicy) are not, so a namespace they protect ' +
    'still fails here and needs that evidence on record instead.',
  remediation:
    'Add to each namespace a NetworkPolicy with `podSelector: {}`, `policyTypes: [Ingress]` (add Egress ' +
    'to deny outbound too) and no `ingress:` rules, then allow the flows each app needs with further ' +
    'policies that select its pods.',
  severity: 'high',
  reads: ['k8s.namespace', 'k8s.network-policy', 'k8s.workload'],
  params: z.object({
    exemptNamespaces: exemptNamespacesParam(['kube-system', 'kube-public', 'kube-node-lease']),
  }),
  evaluate({ evidence, params, result }) {
    // A namespace exists when it is declared or when a workload lives in it.
    return namespacesInScope(evidence['k8s.namespace'], evidence['k8s.workload']).map(({ name, subject }) => {
      if (params.exemptNamespaces.includes(name)) return result.notApplicable(subject, exemptMessage(name))
      const policies = evidence['k8s.network-policy'].filter((p) => p.namespace === name)
      const deny = policies.find((policy) => whyNotDefaultDeny(policy) === undefined)
      if (deny !== undefined)
        return result.pass(subject, `NetworkPolicy ${deny.name} denies ingress by default`)
      if (policies.length === 0) {
        return result.fail(
          subject,
          `no Kubernetes NetworkPolicy in ${name} (cluster-wide policies of a CNI such as Cilium or Calico are not read)`,
        )
      }
      const reasons = policies.map((policy) => `${policy.name} ${whyNotDefaultDeny(policy) ?? ''}`)
      return result.fail(subject, `no default-deny ingress NetworkPolicy (${reasons.join('; ')})`)
    })
  },
})
