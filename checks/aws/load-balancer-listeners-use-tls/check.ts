import { defineCheck } from '../../../src/core/check.js'
import { whyUnknown } from '../shared/known.js'

const encrypted = new Set(['HTTPS', 'TLS', 'SSL'])
const plain = new Set(['HTTP'])

export default defineCheck({
  id: 'aws/load-balancer-listeners-use-tls',
  title: 'Load balancer listeners encrypt traffic with TLS',
  description:
    'A plain HTTP listener sends sessions, tokens and data across networks in clear. HTTPS/TLS ' +
    'listeners pass; an HTTP listener that only redirects to HTTPS passes too, since it serves nothing. ' +
    'TCP and UDP listeners may carry TLS the targets terminate, which a listener does not show.',
  remediation:
    'Add an HTTPS listener with an ACM certificate and a current TLS policy ' +
    '(`ELBSecurityPolicy-TLS13-1-2-2021-06`), and change the HTTP listener’s default action to a ' +
    'redirect to HTTPS (status 301).',
  severity: 'high',
  reads: ['aws.load-balancer-listener'],
  evaluate({ evidence, result }) {
    return evidence['aws.load-balancer-listener'].map((listener) => {
      const protocol = listener.protocol
      if (protocol === undefined)
        return result.undetermined(listener, whyUnknown(listener, 'protocol', 'the listener protocol'))
      if (encrypted.has(protocol))
        return result.pass(listener, `${protocol}${listener.sslPolicy ? ` with ${listener.sslPolicy}` : ''}`)
      if (plain.has(protocol)) {
        if (listener.redirectsToHttps === true)
          return result.pass(listener, 'HTTP listener only redirects to HTTPS')
        if (listener.redirectsToHttps === undefined)
          return result.undetermined(
            listener,
            whyUnknown(listener, 'redirectsToHttps', 'the listener’s default action'),
          )
        return result.fail(listener, `plain HTTP on port ${listener.port ?? '?'} serves traffic unencrypted`)
      }
      return result.undetermined(
        listener,
        `${protocol} listener: whether the targets terminate TLS cannot be told`,
      )
    })
  },
})
