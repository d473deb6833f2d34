import { z } from 'zod'
import { defineCheck, type SubjectLike } from '../../../src/core/check.js'
import type { K8sNetworkPolicy } from '../../../src/core/evidence.js'
import { exemptMessage, exemptNamespacesParam } from '../shared/scope.js'
import { impliedSubject } from '../shared/subject.js'

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
    'Without a NetworkPolicy every pod accepts connections from every other pod in the cluster, so one ' +
    'compromised workload can reach all the others. A default-deny policy per namespace turns the flat ' +
    'network into segments where only declared flows are allowed: boundary protection inside the ' +
    'cluster (SOC 2 CC6.6).',
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
    // A namespace exists when it is declared or when a workload lives in it; a declared one is the
    // better subject, so it wins.
    const namespaces = new Map<string, SubjectLike>()
    for (const ns of evidence['k8s.namespace']) {
      if (!namespaces.has(ns.name)) namespaces.set(ns.name, ns)
    }
    for (const w of evidence['k8s.workload']) {
      if (!namespaces.has(w.namespace)) {
        namespaces.set(w.namespace, impliedSubject('Namespace', w.namespace, w.file, w.line))
      }
    }
    return [...namespaces].map(([name, subject]) => {
      if (params.exemptNamespaces.includes(name)) return result.notApplicable(subject, exemptMessage(name))
      const policies = evidence['k8s.network-policy'].filter((p) => p.namespace === name)
      const deny = policies.find((policy) => whyNotDefaultDeny(policy) === undefined)
      if (deny !== undefined)
        return result.pass(subject, `NetworkPolicy ${deny.name} denies ingress by default`)
      if (policies.length === 0) {
        return result.fail(
          subject,
          'no NetworkPolicy: every pod accepts traffic from anywhere in the cluster',
        )
      }
      const reasons = policies.map((policy) => `${policy.name} ${whyNotDefaultDeny(policy) ?? ''}`)
      return result.fail(subject, `no default-deny ingress NetworkPolicy (${reasons.join('; ')})`)
    })
  },
})
