import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { judgeContainers } from '../shared/containers.js'
import { exemptNamespacesParam } from '../shared/scope.js'

export default defineCheck({
  id: 'kubernetes/workload-binds-no-host-ports',
  title: "Containers bind no ports on the node's network interfaces",
  description:
    "A `hostPort` opens a port on the node's own address, outside the Service and NetworkPolicy " +
    'model: it bypasses the network policies meant to fence the pod and exposes it wherever the ' +
    'node is reachable. The Pod Security baseline standard forbids host ports.',
  remediation:
    'Remove `hostPort` from `containers[].ports` and expose the port through a Service (ClusterIP behind ' +
    'an Ingress, or a LoadBalancer). Ports a node agent must bind can be listed in `allowedHostPorts`.',
  severity: 'medium',
  reads: ['k8s.workload'],
  params: z.object({
    exemptNamespaces: exemptNamespacesParam(),
    allowedHostPorts: z.array(z.number()).default([]),
  }),
  evaluate({ evidence, params, result }) {
    return judgeContainers(evidence['k8s.workload'], params.exemptNamespaces, result, {
      includeInit: true,
      shortfall: (c) => {
        const ports = (c.hostPorts ?? []).filter((port) => !params.allowedHostPorts.includes(port))
        return ports.length === 0 ? undefined : `hostPort ${ports.join(', ')}`
      },
      pass: 'no container binds a host port',
      fail: 'binds ports on the node',
    })
  },
})
