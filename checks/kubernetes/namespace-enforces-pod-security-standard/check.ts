import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { exemptMessage, exemptNamespacesParam } from '../shared/scope.js'

const enforceLabel = 'pod-security.kubernetes.io/enforce'
// `privileged` is the standard that allows everything, so it enforces nothing.
const enforcingLevels = new Set(['baseline', 'restricted'])

export default defineCheck({
  id: 'kubernetes/namespace-enforces-pod-security-standard',
  title: 'Namespaces enforce the baseline or restricted Pod Security Standard',
  description:
    'Pod Security Admission rejects pods that ask for host access, privileged mode or root, before they ' +
    'run, whoever deploys them. The namespace label is the preventive control; the workload checks ' +
    'only detect. It keeps unauthorised privileges out of production (SOC 2 CC6.1, CC6.8).',
  remediation:
    'Add the label `pod-security.kubernetes.io/enforce: restricted` (or `baseline` where restricted is ' +
    'not yet reachable) under `metadata.labels` of the Namespace, optionally pinned with ' +
    '`pod-security.kubernetes.io/enforce-version`. Use the `warn` and `audit` labels first to find ' +
    'pods that would be rejected.',
  severity: 'medium',
  reads: ['k8s.namespace'],
  params: z.object({
    exemptNamespaces: exemptNamespacesParam(['kube-system', 'kube-public', 'kube-node-lease']),
  }),
  evaluate({ evidence, params, result }) {
    return evidence['k8s.namespace'].map((ns) => {
      if (params.exemptNamespaces.includes(ns.name)) return result.notApplicable(ns, exemptMessage(ns.name))
      const level = ns.labels[enforceLabel]
      if (level === undefined)
        return result.fail(ns, `no ${enforceLabel} label: pods are not checked at admission`)
      return enforcingLevels.has(level)
        ? result.pass(ns, `enforces the ${level} Pod Security Standard`)
        : result.fail(
            ns,
            `${enforceLabel} is "${level}", which does not restrict pods; use baseline or restricted`,
          )
    })
  },
})
