import { defineCheck } from '../../../src/core/check.js'
import type { K8sService } from '../../../src/core/evidence.js'

/** Annotations that make the cloud provision a load balancer reachable only from private networks. */
const internalAnnotations: readonly { key: string; value: string }[] = [
  { key: 'service.beta.kubernetes.io/aws-load-balancer-internal', value: 'true' },
  { key: 'service.beta.kubernetes.io/aws-load-balancer-scheme', value: 'internal' },
  { key: 'networking.gke.io/load-balancer-type', value: 'internal' },
  { key: 'cloud.google.com/load-balancer-type', value: 'internal' },
  { key: 'service.beta.kubernetes.io/azure-load-balancer-internal', value: 'true' },
  { key: 'service.beta.kubernetes.io/oci-load-balancer-internal', value: 'true' },
]

// Kubernetes reads this annotation when spec.loadBalancerSourceRanges is empty.
const sourceRangesAnnotation = 'service.beta.kubernetes.io/load-balancer-source-ranges'

const openRanges = new Set(['0.0.0.0/0', '::/0'])

function internalAnnotation(service: K8sService): string | undefined {
  return internalAnnotations.find(
    ({ key, value }) => service.annotations[key]?.trim().toLowerCase() === value,
  )?.key
}

function sourceRanges(service: K8sService): string[] {
  if (service.loadBalancerSourceRanges.length > 0)
    return service.loadBalancerSourceRanges.map((r) => r.trim())
  const annotated = service.annotations[sourceRangesAnnotation] ?? ''
  return annotated
    .split(',')
    .map((range) => range.trim())
    .filter((range) => range !== '')
}

export default defineCheck({
  id: 'kubernetes/load-balancer-restricts-source-ranges',
  title: 'Load balancers accept traffic only from approved networks',
  description:
    'A Service of type LoadBalancer gets a cloud load balancer that, by default, any address on the ' +
    'internet can reach. Limiting it to known source ranges, or keeping it internal, is the ' +
    'boundary protection a firewall rule gives a traditional network.',
  remediation:
    'Set `spec.loadBalancerSourceRanges` to the CIDRs that need access (office, VPN, partner ranges; ' +
    'never 0.0.0.0/0 or ::/0), or make the load balancer internal with the provider annotation, e.g. ' +
    '`service.beta.kubernetes.io/aws-load-balancer-scheme: internal`, `networking.gke.io/load-balancer-type: ' +
    'Internal` or `service.beta.kubernetes.io/azure-load-balancer-internal: "true"`. Public web traffic ' +
    'belongs behind an Ingress or WAF rather than a raw load balancer.',
  severity: 'high',
  reads: ['k8s.service'],
  evaluate({ evidence, result }) {
    return evidence['k8s.service']
      .filter((service) => service.type === 'LoadBalancer')
      .map((service) => {
        const internal = internalAnnotation(service)
        if (internal !== undefined) return result.pass(service, `internal load balancer (${internal})`)
        const ranges = sourceRanges(service)
        if (ranges.length === 0) {
          return result.fail(
            service,
            'public load balancer without loadBalancerSourceRanges: open to the internet',
          )
        }
        const open = ranges.filter((range) => openRanges.has(range))
        return open.length === 0
          ? result.pass(service, `source ranges restricted to ${ranges.join(', ')}`)
          : result.fail(service, `loadBalancerSourceRanges include ${open.join(', ')}: open to the internet`)
      })
  },
})
