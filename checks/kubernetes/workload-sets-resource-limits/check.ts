import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import type { Container } from '../../../src/core/evidence.js'
import { judgeContainers } from '../shared/containers.js'
import { exemptNamespacesParam } from '../shared/scope.js'

function resourceShortfall(container: Container): string | undefined {
  const { requests, limits } = container.resources
  const missing: string[] = []
  // Without a memory limit one leaking container can exhaust the node and evict its neighbours.
  if (limits.memory === undefined) missing.push('memory limit')
  // Kubernetes defaults a missing request to the limit, so a cpu limit alone also reserves cpu.
  if (requests.cpu === undefined && limits.cpu === undefined) missing.push('cpu request')
  return missing.length === 0 ? undefined : `no ${missing.join(' or ')}`
}

export default defineCheck({
  id: 'kubernetes/workload-sets-resource-limits',
  title: 'Workloads declare a memory limit and a cpu request',
  description:
    'Resource requests let the scheduler plan capacity; memory limits stop one faulty workload from ' +
    'starving the others on its node. Together they are how a cluster manages capacity to meet its ' +
    'availability commitments.',
  remediation:
    'Under each container (init containers included) set `resources.requests.cpu` (for example ' +
    '`100m`) and `resources.limits.memory` (for example `256Mi`), sized from observed usage. A ' +
    'LimitRange only adds defaults at admission, which the manifests here do not show.',
  severity: 'medium',
  reads: ['k8s.workload'],
  params: z.object({ exemptNamespaces: exemptNamespacesParam() }),
  evaluate({ evidence, params, result }) {
    return judgeContainers(evidence['k8s.workload'], params.exemptNamespaces, result, {
      includeInit: true,
      shortfall: resourceShortfall,
      pass: 'every container sets a memory limit and a cpu request',
      fail: 'missing resource settings',
    })
  },
})
