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

const alb = {
  certificateArn: 'alb.ingress.kubernetes.io/certificate-arn',
  listenPorts: 'alb.ingress.kubernetes.io/listen-ports',
  sslRedirect: 'alb.ingress.kubernetes.io/ssl-redirect',
}
const gke = {
  managedCertificates: 'networking.gke.io/managed-certificates',
  preSharedCert: 'ingress.gcp.kubernetes.io/pre-shared-cert',
  allowHttp: 'kubernetes.io/ingress.allow-http',
}
const traefik = {
  entrypoints: 'traefik.ingress.kubernetes.io/router.entrypoints',
  tls: 'traefik.ingress.kubernetes.io/router.tls',
  middlewares: 'traefik.ingress.kubernetes.io/router.middlewares',
}
const nginxSslRedirect = 'nginx.ingress.kubernetes.io/ssl-redirect'

/** A non-empty annotation value, trimmed; undefined when absent or blank. */
function annotation(ingress: K8sIngress, key: string): string | undefined {
  const value = ingress.annotations[key]?.trim()
  return value === undefined || value === '' ? undefined : value
}

/**
 * The protocols an AWS Load Balancer Controller ingress listens on, from `listen-ports`
 * (`[{"HTTP": 80}, {"HTTPS": 443}]`); undefined when the annotation cannot be read. Without the
 * annotation the controller listens on HTTPS 443 when a certificate is configured, else HTTP 80.
 */
function albListenProtocols(ingress: K8sIngress, hasCertificate: boolean): Set<string> | undefined {
  const raw = annotation(ingress, alb.listenPorts)
  if (raw === undefined) return new Set([hasCertificate ? 'HTTPS' : 'HTTP'])
  try {
    const parsed: unknown = JSON.parse(raw)
    if (!Array.isArray(parsed) || parsed.length === 0) return undefined
    const protocols = new Set<string>()
    for (const entry of parsed) {
      if (typeof entry !== 'object' || entry === null) return undefined
      for (const key of Object.keys(entry)) protocols.add(key.toUpperCase())
    }
    return protocols
  } catch {
    return undefined
  }
}

/** Why an ALB ingress with TLS still serves plain HTTP; undefined when it does not. */
function albPlainHttp(ingress: K8sIngress, hasCertificate: boolean): string | undefined {
  const protocols = albListenProtocols(ingress, hasCertificate)
  if (protocols === undefined) return `${alb.listenPorts} cannot be read, so the listeners are unknown`
  if (!protocols.has('HTTPS')) return `${alb.listenPorts} opens no HTTPS listener`
  if (protocols.has('HTTP') && annotation(ingress, alb.sslRedirect) === undefined) {
    return `${alb.listenPorts} also opens plain HTTP and ${alb.sslRedirect} is not set`
  }
  return undefined
}

/** True when the ingress is served by the AWS Load Balancer Controller's listeners. */
function isAlb(ingress: K8sIngress): boolean {
  return (
    ingress.ingressClassName === 'alb' ||
    ingress.annotations['kubernetes.io/ingress.class'] === 'alb' ||
    Object.keys(ingress.annotations).some((key) => key.startsWith('alb.ingress.kubernetes.io/'))
  )
}

/** Traefik entry points the router listens on, from the comma-separated annotation. */
function traefikEntrypoints(ingress: K8sIngress): string[] {
  return (annotation(ingress, traefik.entrypoints) ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
}

/** True when a Traefik middleware named on the router redirects (e.g. `default-redirect-https@kubernetescrd`). */
function hasTraefikRedirect(ingress: K8sIngress): boolean {
  return (annotation(ingress, traefik.middlewares) ?? '')
    .split(',')
    .some((middleware) => /redirect/i.test(middleware))
}

export default defineCheck({
  id: 'kubernetes/ingress-terminates-tls',
  title: 'Ingresses serve every host over TLS',
  description:
    'An Ingress is where traffic from the internet enters the cluster. Without TLS for each host, ' +
    'credentials and customer data cross the network in clear text, so data in transit must be ' +
    'encrypted. TLS is read from `spec.tls`, and from the annotations of controllers that terminate it ' +
    'on a cloud load balancer: the AWS Load Balancer Controller (`certificate-arn` with HTTPS listeners) ' +
    'and GKE (managed or pre-shared certificates). An ingress that also keeps serving plain HTTP fails: ' +
    'ingress-nginx with `ssl-redirect: "false"`, an ALB HTTP listener without `ssl-redirect`, GKE without ' +
    '`kubernetes.io/ingress.allow-http: "false"`, or a Traefik router on the `web` entry point without ' +
    'a redirect middleware.',
  remediation:
    'Add `spec.tls` with an entry listing every host from `spec.rules` and a `secretName` holding the ' +
    'certificate (cert-manager can issue it: annotate with `cert-manager.io/cluster-issuer`). Give each ' +
    'rule a `host:`, and do not set `nginx.ingress.kubernetes.io/ssl-redirect: "false"`. On AWS set ' +
    '`alb.ingress.kubernetes.io/certificate-arn` and `alb.ingress.kubernetes.io/listen-ports: ' +
    '\'[{"HTTPS": 443}]\'` (or add HTTP 80 with `alb.ingress.kubernetes.io/ssl-redirect: "443"`). On GKE ' +
    'set `kubernetes.io/ingress.allow-http: "false"` next to the certificate annotation. On Traefik use ' +
    'only the `websecure` entry point, or add a redirectScheme middleware in ' +
    '`traefik.ingress.kubernetes.io/router.middlewares`.',
  severity: 'high',
  reads: ['k8s.ingress'],
  evaluate({ evidence, result }) {
    return evidence['k8s.ingress'].map((ingress) => {
      // AWS Load Balancer Controller: the certificate sits on the load balancer's listener.
      if (annotation(ingress, alb.certificateArn) !== undefined) {
        const plain = albPlainHttp(ingress, true)
        if (plain !== undefined) {
          return result.fail(ingress, `TLS is terminated on the AWS load balancer, but ${plain}`)
        }
        const redirects = albListenProtocols(ingress, true)?.has('HTTP') === true
        return result.pass(
          ingress,
          `TLS is terminated on the AWS load balancer (${alb.certificateArn}), ` +
            (redirects ? `HTTP redirected to HTTPS (${alb.sslRedirect})` : 'HTTPS listeners only'),
        )
      }
      // GKE: Google-managed or pre-shared certificates; port 80 stays open unless allow-http is false.
      const gkeCertificate = [gke.managedCertificates, gke.preSharedCert].find(
        (key) => annotation(ingress, key) !== undefined,
      )
      if (gkeCertificate !== undefined) {
        return annotation(ingress, gke.allowHttp) === 'false'
          ? result.pass(
              ingress,
              `TLS is terminated on the Google load balancer (${gkeCertificate}), HTTP disabled`,
            )
          : result.fail(
              ingress,
              `TLS is terminated on the Google load balancer (${gkeCertificate}), but plain HTTP is still ` +
                `served: ${gke.allowHttp} is not "false"`,
            )
      }
      // Traefik can terminate TLS for every host with its default certificate or TLS store.
      const traefikTls = annotation(ingress, traefik.tls) === 'true'
      if (ingress.tls.length === 0 && !traefikTls)
        return result.fail(
          ingress,
          'no tls section and no load-balancer certificate annotation: every host is served over plain HTTP',
        )
      const uncovered = ingress.tls.length === 0 ? [] : uncoveredHosts(ingress)
      if (uncovered.length > 0) {
        const shown = uncovered.map((host) => (host === '' ? '(rule without host)' : host))
        return result.fail(ingress, `hosts without TLS: ${shown.join(', ')}`)
      }
      // ingress-nginx keeps serving plain HTTP when the redirect to HTTPS is switched off.
      if (ingress.annotations[nginxSslRedirect] === 'false') {
        return result.fail(ingress, `TLS is configured but ${nginxSslRedirect} is "false"`)
      }
      if (traefikEntrypoints(ingress).includes('web') && !hasTraefikRedirect(ingress)) {
        return result.fail(
          ingress,
          `TLS is configured but ${traefik.entrypoints} includes "web" (plain HTTP) and no redirect ` +
            `middleware is set in ${traefik.middlewares}`,
        )
      }
      if (isAlb(ingress)) {
        const plain = albPlainHttp(ingress, true)
        if (plain !== undefined) return result.fail(ingress, `TLS is configured but ${plain}`)
      }
      return ingress.tls.length === 0
        ? result.pass(ingress, `Traefik terminates TLS for every host (${traefik.tls})`)
        : result.pass(ingress, 'every host is covered by a tls entry')
    })
  },
})
