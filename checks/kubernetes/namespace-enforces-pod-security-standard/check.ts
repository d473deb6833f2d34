import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { namespacesInScope } from '../shared/namespaces.js'
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
    'only detect. It keeps unauthorised privileges out of production. Namespaces that only the ' +
    'workloads in them imply (rendered Helm output, namespaces created by the deploy pipeline) are ' +
    'reported as no-evidence: with no Namespace manifest their labels are unknown.',
  remediation:
    'Add the label `pod-security.kubernetes.io/enforce: restricted` (or `baseline` where restricted is ' +
    'not yet reachable) under `metadata.labels` of the Namespace, optionally pinned with ' +
    '`pod-security.kubernetes.io/enforce-version`. Use the `warn` and `audit` labels first to find ' +
    'pods that would be rejected. Where the namespace is created outside these manifests (`helm install ' +
    '--create-namespace`, a pipeline step), declare it as a Namespace manifest with the label instead.',
  severity: 'medium',
  reads: ['k8s.namespace', 'k8s.workload'],
  params: z.object({
    exemptNamespaces: exemptNamespacesParam(['kube-system', 'kube-public', 'kube-node-lease']),
  }),
  evaluate({ evidence, params, result }) {
    const namespaces = namespacesInScope(evidence['k8s.namespace'], evidence['k8s.workload'])
    return namespaces.map(({ name, manifest: ns, subject }) => {
      if (params.exemptNamespaces.includes(name)) return result.notApplicable(subject, exemptMessage(name))
      if (ns === undefined) {
        // The namespace may well carry the label where it is created: unknown, not a fail.
        return result.undetermined(
          subject,
          `namespace ${name} is not in the manifests: its labels are unknown, so its Pod Security level cannot be verified`,
        )
      }
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
