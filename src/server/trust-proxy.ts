import { isIP } from 'node:net'
import { ConfigError } from '../core/errors.js'

/**
 * Which proxies in front of the server are trusted to say who the client is (X-Forwarded-For) and
 * how it connected (X-Forwarded-Proto, -Host). Never "every hop": a client would then choose its own
 * address in X-Forwarded-For and every per-address limit (sign-in attempts) would be void.
 *
 * - `false`: no proxy; the client is the socket's peer and X-Forwarded-* is ignored.
 * - a number of hops: the socket's peer and the next `hops - 1` addresses of X-Forwarded-For are
 *   proxies; the client is the address that precedes them. Right only when every request passes
 *   through exactly that many proxies (one: a load balancer or ingress the server cannot be reached
 *   around).
 * - addresses or CIDR ranges (or proxy-addr's names `loopback`, `linklocal`, `uniquelocal`): only
 *   these are proxies; the client is the last address of the chain that is not one of them.
 */
export type TrustProxy = false | { hops: number } | { proxies: readonly string[] }

const namedRanges = new Set(['loopback', 'linklocal', 'uniquelocal'])

/** Whether a proxy entry is an address, a CIDR range or a named range that proxy-addr understands. */
function validProxy(entry: string): boolean {
  if (namedRanges.has(entry)) return true
  const [address, bits, extra] = entry.split('/')
  if (address === undefined || extra !== undefined) return false
  const family = isIP(address)
  if (family === 0) return false
  if (bits === undefined) return true
  if (!/^\d{1,3}$/.test(bits)) return false
  return Number(bits) <= (family === 4 ? 32 : 128)
}

/**
 * `--trust-proxy` as given on the command line: absent is no proxy, alone is one hop, a whole number
 * is that many hops, anything else a comma-separated list of proxy addresses or CIDR ranges.
 */
export function parseTrustProxy(value: string | boolean | undefined): TrustProxy {
  if (value === undefined || value === false) return false
  if (value === true) return { hops: 1 }
  const text = value.trim()
  if (/^\d+$/.test(text)) {
    const hops = Number(text)
    if (hops < 1 || hops > 16)
      throw new ConfigError(`--trust-proxy ${text}: give 1 to 16 hops, or the proxies' addresses`)
    return { hops }
  }
  const proxies = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
  const invalid = proxies.filter((entry) => !validProxy(entry))
  if (proxies.length === 0 || invalid.length > 0)
    throw new ConfigError(
      `--trust-proxy: '${invalid[0] ?? text}' is neither a number of hops nor an address or CIDR range`,
      { hint: 'e.g. --trust-proxy 1, or --trust-proxy 10.0.0.0/8,192.0.2.10' },
    )
  return { proxies }
}

/**
 * The value for fastify's `trustProxy`. A hop count is passed as a function of the hop index:
 * fastify 5 refuses to trust anything for a plain number (it cannot check the peer), while the
 * operator who says "one proxy" means the socket's peer is that proxy.
 */
export function fastifyTrustProxy(
  trust: TrustProxy,
): false | string[] | ((address: string, hop: number) => boolean) {
  if (trust === false) return false
  if ('hops' in trust) {
    const { hops } = trust
    return (_address, hop) => hop < hops
  }
  return [...trust.proxies]
}
