import { createHash } from 'node:crypto'
import { TrustctlError } from '../../core/errors.js'
import { nextLink } from '../../core/link-header.js'
import type { CollectedInput } from '../source-collector.js'
import type { GitHubReader, GitHubResponse } from './read-github.js'

/** GitHub could not be reached, refused the token, or held us back longer than we wait. */
export class GitHubApiError extends TrustctlError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('github-api', message, options)
  }
}

export interface FetchReaderOptions {
  /** `https://api.github.com`, or `https://github.example.com/api/v3` for GitHub Enterprise Server. */
  apiUrl: string
  token: string
  collector: string
  fetch?: typeof fetch
  sleep?: (ms: number) => Promise<void>
  /** Milliseconds since the epoch; rate-limit resets are compared against it. */
  clock?: () => number
  /** The longest wait for a rate limit to reset before giving up with an error. */
  maxRateLimitWaitMs?: number
}

const maxAttempts = 4

/**
 * Reads the REST API with GET requests only. Follows `Link: rel="next"` pages on the same host (the
 * token is never sent elsewhere), waits out primary and secondary rate limits up to a bound, and
 * never puts the token in a URL, an error or a recorded input.
 */
export function createFetchReader(options: FetchReaderOptions): GitHubReader {
  const doFetch = options.fetch ?? fetch
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const clock = options.clock ?? Date.now
  const maxWait = options.maxRateLimitWaitMs ?? 60_000
  const base = new URL(options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`)
  const inputs: CollectedInput[] = []
  /** When the primary limit is spent, the epoch millisecond it resets. */
  let exhaustedUntil: number | undefined

  const waitFor = async (until: number, url: URL): Promise<void> => {
    const ms = Math.max(0, until - clock())
    if (ms > maxWait)
      throw new GitHubApiError(
        `rate limit of ${base.origin} exhausted until ${new Date(until).toISOString()} (while reading ${url.pathname})`,
        { hint: 'run again after that time, or raise the limit by using a GitHub App installation token' },
      )
    if (ms > 0) await sleep(ms)
  }

  const request = async (url: URL): Promise<{ response: Response; text: string }> => {
    for (let attempt = 1; ; attempt++) {
      if (exhaustedUntil !== undefined) {
        await waitFor(exhaustedUntil, url)
        exhaustedUntil = undefined
      }
      let response: Response
      try {
        response = await doFetch(url, {
          method: 'GET',
          headers: {
            accept: 'application/vnd.github+json',
            authorization: `Bearer ${options.token}`,
            'x-github-api-version': '2022-11-28',
            'user-agent': 'trustctl',
          },
        })
      } catch (error) {
        const cause =
          error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error)
        throw new GitHubApiError(`cannot reach ${base.origin} (${cause})`, {
          hint: 'check the network and the apiUrl setting (GitHub Enterprise: https://<host>/api/v3)',
        })
      }
      const text = await response.text()
      const remaining = response.headers.get('x-ratelimit-remaining')
      const reset = Number(response.headers.get('x-ratelimit-reset'))
      const retryAfter = response.headers.get('retry-after')
      const limited =
        (response.status === 403 || response.status === 429) && (retryAfter !== null || remaining === '0')
      if (limited && attempt >= maxAttempts)
        throw new GitHubApiError(
          `rate limit of ${base.origin} still exhausted after ${maxAttempts} attempts (while reading ${url.pathname})`,
          { hint: 'run again later, or use a GitHub App installation token for a higher limit' },
        )
      if (limited) {
        // Secondary limits say how long in retry-after; without it GitHub asks for at least a minute.
        const until =
          retryAfter !== null
            ? clock() + Number(retryAfter) * 1000
            : Number.isFinite(reset) && reset > 0
              ? reset * 1000
              : clock() + 60_000
        await waitFor(until, url)
        continue
      }
      if (remaining === '0' && Number.isFinite(reset) && reset > 0) exhaustedUntil = reset * 1000
      if (response.status === 401)
        throw new GitHubApiError(`${base.origin} rejected the token (401 ${errorText(text)})`, {
          hint: 'the token is missing, expired or revoked; create a new read-only token',
        })
      return { response, text }
    }
  }

  const toResponse = (url: URL, response: Response, text: string): GitHubResponse => {
    inputs.push({
      file: url.toString(),
      collector: options.collector,
      sha256: createHash('sha256').update(text).digest('hex'),
      bytes: Buffer.byteLength(text),
      items: 1,
    })
    const out: GitHubResponse = { status: response.status, body: undefined, where: url.toString() }
    const accepted = response.headers.get('x-accepted-github-permissions')
    if (accepted !== null && accepted !== '') out.acceptedPermissions = accepted
    if (text.trim() !== '') {
      try {
        out.body = JSON.parse(text)
      } catch {
        out.invalid = `the response is not JSON (${response.headers.get('content-type') ?? 'no content type'})`
      }
    }
    return out
  }

  const get = async (endpoint: string): Promise<GitHubResponse> => {
    const url = new URL(endpoint, base)
    const { response, text } = await request(url)
    return toResponse(url, response, text)
  }

  return {
    inputs,
    get,
    async getAll(endpoint) {
      let url: URL | undefined = new URL(endpoint, base)
      const first = url
      const items: unknown[] = []
      let pages = 0
      while (url !== undefined) {
        const { response, text }: { response: Response; text: string } = await request(url)
        const page = toResponse(url, response, text)
        if (page.status < 200 || page.status >= 300 || !Array.isArray(page.body)) return page
        items.push(...page.body)
        const last = inputs.at(-1)
        if (last !== undefined) last.items = page.body.length
        pages++
        const next = nextLink(response.headers.get('link'))
        url = next === undefined ? undefined : new URL(next)
        if (url !== undefined && url.origin !== base.origin)
          throw new GitHubApiError(`pagination of ${first.pathname} points to another host (${url.origin})`)
      }
      return {
        status: 200,
        body: items,
        where: pages > 1 ? `${first.toString()} (${pages} pages)` : first.toString(),
      }
    },
  }
}

function errorText(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown }
    return typeof body.message === 'string' ? body.message : ''
  } catch {
    return ''
  }
}
