import { defineCheck } from '../../../src/core/check.js'
import type { K8sIngress } from '../../../src/core/evidence.js'

/** True when a TLS host entry covers the rule host; `*.example.com` covers exactly one label. */
function hostCovered(host: string, tlsHost: string): boolean {
  const h = host.toLowerCase()
  const t = tlsHost.toLowerCase()
  if (t === h) return true
  if (!t.startsWith('*.') || h.startsWith('*.')) return false
  const dot = h.indexOf('.')
  return dot > 0 && h.slice(dot) === t.slice(1)
}

function uncoveredHosts(ingress: K8sIngress): string[] {
  // A tls entry without hosts applies the controller's certificate to every host of the Ingress.
  if (ingress.tls.some((entry) => entry.hosts.length === 0)) return []
  const tlsHosts = ingress.tls.flatMap((entry) => entry.hosts)
  return [...new Set(ingress.hosts)].filter((host) => !tlsHosts.some((tlsHost) => hostCovered(host, tlsHost)))
}

export default defineCheck({
  id: 'kubernetes/ingress-terminates-tls',
  title: 'Ingresses serve every host over TLS',
  description:
    'An Ingress is where traffic from the internet enters the cluster. Without a TLS entry for each ' +
    'host, credentials and customer data cross the network in clear text. Encrypting data in transit ' +
    'is a SOC 2 requirement (CC6.7).',
  remediation:
    'Add `spec.tls` with an entry listing every host from `spec.rules` and a `secretName` holding the ' +
    'certificate (cert-manager can issue it: annotate with `cert-manager.io/cluster-issuer`). Give each ' +
    'rule a `host:`, and do not set `nginx.ingress.kubernetes.io/ssl-redirect: "false"`.',
  severity: 'high',
  reads: ['k8s.ingress'],
  evaluate({ evidence, result }) {
    return evidence['k8s.ingress'].map((ingress) => {
      if (ingress.tls.length === 0)
        return result.fail(ingress, 'no tls section: every host is served over plain HTTP')
      const uncovered = uncoveredHosts(ingress)
      if (uncovered.length > 0) {
        const shown = uncovered.map((host) => (host === '' ? '(rule without host)' : host))
        return result.fail(ingress, `hosts without TLS: ${shown.join(', ')}`)
      }
      // ingress-nginx keeps serving plain HTTP when the redirect to HTTPS is switched off.
      if (ingress.annotations['nginx.ingress.kubernetes.io/ssl-redirect'] === 'false') {
        return result.fail(
          ingress,
          'TLS is configured but nginx.ingress.kubernetes.io/ssl-redirect is "false"',
        )
      }
      return result.pass(ingress, 'every host is covered by a tls entry')
    })
  },
})
