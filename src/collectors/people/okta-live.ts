import { createHash } from 'node:crypto'
import { z } from 'zod'
import { ConfigError, TrustctlError } from '../../core/errors.js'
import type { CollectionError } from '../../core/evidence.js'
import { nextLink } from '../../core/link-header.js'
import type { CollectedInput, FileCollection, SourceContext } from '../source-collector.js'
import { type OktaAnswers, oktaAccounts } from './identity.js'
import { observedAt } from './read-input.js'

/**
 * Okta read live through its management API with a read-only API token: the same endpoints the
 * export folder holds (`okta` source), mapped by the same function, so both give the same evidence.
 * Only GET requests are made; the token goes to the configured org only, never into a URL, message
 * or recorded input.
 */

/** Okta refused the token, could not be reached, or held us back longer than we wait. */
export class OktaApiError extends TrustctlError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('okta-api', message, options)
  }
}

const loopback = new Set(['localhost', '127.0.0.1', '[::1]'])

/** The org URL: `https://<org>.okta.com` (or a custom domain), nothing after the host. */
const orgUrl = z
  .url()
  .refine(
    (value) => {
      const url = new URL(value)
      // Plain http only to this machine (a recorded-response server); a token never crosses a network in clear.
      return url.protocol === 'https:' || (url.protocol === 'http:' && loopback.has(url.hostname))
    },
    { message: 'must be an https:// URL' },
  )
  .refine((value) => new URL(value).pathname.replace(/\/+$/, '') === '', {
    message: 'must be the org URL alone (https://example.okta.com), without a path such as /api/v1',
  })
  .refine((value) => !/-admin\.(okta|oktapreview|okta-emea)\.com$/.test(new URL(value).hostname), {
    message: 'is the admin console; use the org URL without "-admin" (https://example.okta.com)',
  })

export const oktaApiOptions = z.strictObject({
  type: z.literal('okta-api'),
  /** The org URL, `https://example.okta.com`. */
  orgUrl,
  /** The environment variable holding a read-only API token; the token never goes in trustctl.yaml. */
  tokenEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
    .default('OKTA_API_TOKEN'),
  /** How many days of the system log to read for deactivation times (Okta keeps 90). */
  logDays: z.number().int().min(1).max(90).default(90),
  /** How long to wait for a spent rate limit to reset before giving up, in seconds. */
  maxRateLimitWait: z.number().int().min(0).default(60),
  exclude: z.array(z.string()).max(0, 'file patterns do not apply to this source type').optional(),
})
type OktaApiOptions = z.output<typeof oktaApiOptions>

export interface OktaReaderOptions {
  orgUrl: string
  token: string
  fetch?: typeof fetch
  sleep?: (ms: number) => Promise<void>
  /** Milliseconds since the epoch; rate-limit resets are compared against it. */
  clock?: () => number
  maxRateLimitWaitMs?: number
}

/** One listing's items, or the status and Okta error summary that stopped it. */
export type OktaListing = { ok: true; items: unknown[] } | { ok: false; status: number; message: string }

const maxAttempts = 4

/**
 * A GET-only reader of the Okta API: `SSWS` token, every `Link: rel="next"` page on the org's own
 * host, `X-Rate-Limit-Remaining`/`X-Rate-Limit-Reset` honoured before the limit is hit and after a
 * 429, each answer's bytes hashed as a collected input.
 */
export function createOktaReader(options: OktaReaderOptions) {
  const doFetch = options.fetch ?? fetch
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const clock = options.clock ?? Date.now
  const maxWait = options.maxRateLimitWaitMs ?? 60_000
  const base = new URL(options.orgUrl)
  const inputs: CollectedInput[] = []
  // Okta's limits are per endpoint: the reset time of each spent one, by path.
  const spentUntil = new Map<string, number>()

  const waitUntil = async (until: number, url: URL): Promise<void> => {
    const ms = Math.max(0, until - clock())
    if (ms > maxWait)
      throw new OktaApiError(
        `rate limit of ${base.origin} spent until ${new Date(until).toISOString()} (while reading ${url.pathname})`,
        { hint: 'run again after that time, or raise maxRateLimitWait' },
      )
    if (ms > 0) await sleep(ms)
  }

  /** The reset time in the headers (epoch seconds), or a minute from now when Okta gives none. */
  const resetOf = (response: Response): number => {
    const reset = Number(response.headers.get('x-rate-limit-reset'))
    return Number.isFinite(reset) && reset > 0 ? reset * 1000 : clock() + 60_000
  }

  const request = async (url: URL): Promise<{ response: Response; text: string }> => {
    for (let attempt = 1; ; attempt++) {
      const spent = spentUntil.get(url.pathname)
      if (spent !== undefined) {
        await waitUntil(spent, url)
        spentUntil.delete(url.pathname)
      }
      let response: Response
      try {
        response = await doFetch(url, {
          method: 'GET',
          headers: {
            accept: 'application/json',
            authorization: `SSWS ${options.token}`,
            'user-agent': 'trustctl',
          },
          redirect: 'manual',
        })
      } catch (error) {
        const cause =
          error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error)
        throw new OktaApiError(`cannot reach ${base.origin} (${cause})`, {
          hint: 'check the network and the orgUrl setting (https://<your-org>.okta.com)',
        })
      }
      const text = await response.text()
      if (response.status === 429) {
        if (attempt >= maxAttempts)
          throw new OktaApiError(
            `rate limit of ${base.origin} still spent after ${maxAttempts} attempts (while reading ${url.pathname})`,
            { hint: 'run again later; another integration may share the token’s limit' },
          )
        await waitUntil(resetOf(response), url)
        continue
      }
      if (response.headers.get('x-rate-limit-remaining') === '0')
        spentUntil.set(url.pathname, resetOf(response))
      if (response.status === 401)
        throw new OktaApiError(`${base.origin} rejected the API token (401 ${oktaSummary(text)})`, {
          hint: 'the token is wrong, expired or revoked; create a read-only admin token and export it',
        })
      if (response.status >= 300 && response.status < 400)
        throw new OktaApiError(
          `${base.origin} answered ${url.pathname} with a redirect (${response.status}): not an Okta org API`,
          { hint: 'set orgUrl to the org URL itself (https://<your-org>.okta.com)' },
        )
      return { response, text }
    }
  }

  const record = (url: URL, text: string, items: number): void => {
    inputs.push({
      file: url.toString(),
      collector: 'okta-api',
      sha256: createHash('sha256').update(text).digest('hex'),
      bytes: Buffer.byteLength(text),
      items,
    })
  }

  return {
    inputs,
    /** Every page of a listing endpoint (`/api/v1/users?limit=200`). */
    async list(endpoint: string, stopOnEmpty = false): Promise<OktaListing> {
      let url: URL | undefined = new URL(endpoint, base)
      const first = url
      const items: unknown[] = []
      while (url !== undefined) {
        const { response, text }: { response: Response; text: string } = await request(url)
        if (response.status >= 400) {
          record(url, text, 0)
          return { ok: false, status: response.status, message: oktaSummary(text) }
        }
        let body: unknown
        try {
          body = JSON.parse(text)
        } catch {
          throw new OktaApiError(
            `${url.pathname} of ${base.origin} did not answer JSON (${response.headers.get('content-type') ?? 'no content type'}): not an Okta org API`,
            { hint: 'set orgUrl to the org URL (https://<your-org>.okta.com)' },
          )
        }
        if (!Array.isArray(body)) return { ok: false, status: response.status, message: 'not an array' }
        record(url, text, body.length)
        items.push(...body)
        // The system log keeps a next link while polling; an empty page means there is no more.
        if (stopOnEmpty && body.length === 0) break
        const next = nextLink(response.headers.get('link'))
        url = next === undefined ? undefined : new URL(next)
        if (url !== undefined && url.origin !== base.origin)
          throw new OktaApiError(`pagination of ${first.pathname} points to another host (${url.origin})`)
      }
      return { ok: true, items }
    },
  }
}

/** Okta's error body (`errorCode`, `errorSummary`) in a few words, never the request. */
function oktaSummary(text: string): string {
  try {
    const body = JSON.parse(text) as { errorCode?: unknown; errorSummary?: unknown }
    return [body.errorCode, body.errorSummary].filter((v) => typeof v === 'string').join(' ')
  } catch {
    return ''
  }
}

const userId = z.looseObject({ id: z.string().min(1) })

/** The per-user endpoints, by the export folder's subfolder name. */
const perUserEndpoints = {
  factors: 'factors',
  groups: 'groups',
  roles: 'roles',
  apps: 'appLinks',
} as const

/**
 * Reads the org: users of every status (the plain listing leaves out DEPROVISIONED users, the
 * leavers, so they are listed by their own filter), each user's factors, groups, admin roles and
 * app assignments, and the system log's deactivation and suspension events.
 */
export async function readOktaOrg(
  reader: ReturnType<typeof createOktaReader>,
  now: Date,
  logDays: number,
): Promise<{ answers: OktaAnswers; errors: CollectionError[] }> {
  const errors: CollectionError[] = []
  const users: unknown[] = []
  const seen = new Set<string>()
  for (const endpoint of [
    '/api/v1/users?limit=200',
    `/api/v1/users?limit=200&filter=${encodeURIComponent('status eq "DEPROVISIONED"')}`,
  ]) {
    const listing = await reader.list(endpoint)
    if (!listing.ok)
      throw new OktaApiError(
        `${endpoint.split('?')[0]} answered ${listing.status}${listing.message === '' ? '' : ` (${listing.message})`}`,
        { hint: 'the token needs read access to users (a Read-only Administrator token)' },
      )
    for (const user of listing.items) {
      const id = userId.safeParse(user)
      // A user listed twice (status changed between the two listings) is kept once.
      if (id.success && seen.has(id.data.id)) continue
      if (id.success) seen.add(id.data.id)
      users.push(user)
    }
  }
  const answers: OktaAnswers = { users }
  for (const [part, endpoint] of Object.entries(perUserEndpoints)) {
    const found = new Map<string, unknown>()
    for (const user of users) {
      const id = userId.safeParse(user)
      if (!id.success) continue
      const path = `/api/v1/users/${encodeURIComponent(id.data.id)}/${endpoint}`
      const listing = await reader.list(path)
      // An unreadable answer leaves that user's value unknown (never "none"), with the reason.
      if (listing.ok) found.set(id.data.id, listing.items)
      else errors.push({ file: path, message: `answered ${listing.status} ${listing.message}`.trim() })
    }
    answers[part as keyof typeof perUserEndpoints] = found
  }
  const since = new Date(now.getTime() - logDays * 86_400_000).toISOString()
  const filter = 'eventType eq "user.lifecycle.deactivate" or eventType eq "user.lifecycle.suspend"'
  const log = await reader.list(
    `/api/v1/logs?since=${encodeURIComponent(since)}&until=${encodeURIComponent(now.toISOString())}&filter=${encodeURIComponent(filter)}&limit=1000&sortOrder=ASCENDING`,
    true,
  )
  if (log.ok) answers.log = log.items
  else
    errors.push({
      file: '/api/v1/logs',
      message: `answered ${log.status} ${log.message}: deactivation times fall back to statusChanged`.trim(),
    })
  return { answers, errors }
}

/** The `okta-api` source: the live org, read-only, mapped exactly as the export folder is. */
export async function collectOktaApi(
  options: OktaApiOptions,
  context: SourceContext,
  overrides: Pick<OktaReaderOptions, 'fetch' | 'sleep' | 'clock'> = {},
): Promise<FileCollection> {
  const token = context.env[options.tokenEnv]
  if (token === undefined || token.trim() === '')
    throw new ConfigError(`${context.where}.tokenEnv: environment variable ${options.tokenEnv} is not set`, {
      hint: 'export a read-only Okta API token in that variable',
    })
  const reader = createOktaReader({
    ...overrides,
    orgUrl: options.orgUrl,
    token: token.trim(),
    maxRateLimitWaitMs: options.maxRateLimitWait * 1000,
  })
  const { answers, errors } = await readOktaOrg(reader, context.now, options.logDays)
  const origin = new URL(options.orgUrl).origin
  const file = `${origin}/api/v1/users`
  const evidence = oktaAccounts(
    answers,
    { file, asOf: observedAt(undefined, context, context.where) },
    (part, message) => errors.push({ file: part === 'users.json' ? file : `${origin}/${part}`, message }),
  )
  return { evidence, errors, inputs: reader.inputs }
}
