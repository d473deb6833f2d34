import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import type { Container } from '../../../src/core/evidence.js'
import { judgeContainers } from '../shared/containers.js'
import { exemptNamespacesParam } from '../shared/scope.js'

// Runtimes accept both `NET_ADMIN` and `CAP_NET_ADMIN`, in any case.
function canonicalCapability(capability: string): string {
  return capability.trim().toUpperCase().replace(/^CAP_/, '')
}

export default defineCheck({
  id: 'kubernetes/workload-drops-all-capabilities',
  title: 'Containers drop all Linux capabilities and add back only what they need',
  description:
    'Container runtimes grant a default set of Linux capabilities (raw sockets, changing file ' +
    'ownership, and more) that most applications never use. Dropping all of them and adding back ' +
    'only a short approved list is least privilege at the kernel level.',
  remediation:
    'Set `securityContext.capabilities.drop: ["ALL"]` on every container, init containers included. ' +
    'If a process must bind a port below 1024, add `capabilities.add: ["NET_BIND_SERVICE"]`, or better ' +
    'listen on a high port; remove any other entry from `capabilities.add`.',
  severity: 'medium',
  reads: ['k8s.workload'],
  params: z.object({
    exemptNamespaces: exemptNamespacesParam(),
    // The Pod Security "restricted" standard allows adding back only NET_BIND_SERVICE.
    allowedCapabilities: z.array(z.string()).default(['NET_BIND_SERVICE']),
  }),
  evaluate({ evidence, params, result }) {
    const allowed = new Set(params.allowedCapabilities.map(canonicalCapability))
    const shortfall = (container: Container): string | undefined => {
      const problems: string[] = []
      if (!container.capabilities.drop.some((cap) => canonicalCapability(cap) === 'ALL')) {
        problems.push('does not drop ALL')
      }
      const extra = container.capabilities.add.filter((cap) => !allowed.has(canonicalCapability(cap)))
      if (extra.length > 0) problems.push(`adds ${extra.join(', ')}`)
      return problems.length === 0 ? undefined : problems.join(', ')
    }
    return judgeContainers(evidence['k8s.workload'], params.exemptNamespaces, result, {
      includeInit: true,
      shortfall,
      pass: 'every container drops ALL capabilities and adds back only allowed ones',
      fail: 'excess capabilities',
    })
  },
})
