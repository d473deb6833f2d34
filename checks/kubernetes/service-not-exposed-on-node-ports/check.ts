import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { exemptMessage, exemptNamespacesParam } from '../shared/scope.js'

export default defineCheck({
  id: 'kubernetes/service-not-exposed-on-node-ports',
  title: 'Services are not opened on a port of every node',
  description:
    'A Service of type NodePort opens its port on every node of the cluster, on whatever network ' +
    "the nodes' addresses reach, outside the ingress controller, its TLS and its web application " +
    'firewall. NSA/CISA Kubernetes hardening guidance and Kubescape both flag it. A ClusterIP ' +
    'service stays inside the cluster; a LoadBalancer service is judged by the source-range check.',
  remediation:
    'Use `type: ClusterIP` and route outside traffic through the Ingress, or, for a service that must ' +
    'be reached from outside, a LoadBalancer restricted to the networks that need it ' +
    '(`spec.loadBalancerSourceRanges` or an internal load balancer annotation).',
  severity: 'medium',
  reads: ['k8s.service'],
  params: z.object({ exemptNamespaces: exemptNamespacesParam() }),
  evaluate({ evidence, params, result }) {
    return evidence['k8s.service'].map((service) => {
      if (params.exemptNamespaces.includes(service.namespace))
        return result.notApplicable(service, exemptMessage(service.namespace))
      if (service.type !== 'NodePort')
        return result.pass(service, `type ${service.type}: no node port opened`)
      const ports = service.ports.map((p) => p.nodePort ?? `${p.port} (node port assigned by the cluster)`)
      return result.fail(service, `type NodePort: opens ${ports.join(', ')} on every node`)
    })
  },
})
