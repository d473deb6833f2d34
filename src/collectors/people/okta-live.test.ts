import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { EvidenceItem } from '../../core/evidence.js'
import { evidenceIssues } from '../../core/evidence.js'
import type { IdentityAccount } from '../../core/evidence-people.js'
import { nextLink } from '../../core/link-header.js'
import { collectSources, validateSources } from '../registry.js'
import { collectOktaApi, oktaApiOptions } from './okta-live.js'

const recorded = path.join(import.meta.dirname, 'testdata', 'okta-api')
const now = new Date('2026-11-30T12:00:00Z')
const clock = () => now.getTime()
const token = '00aBcDeFgHiJkLmNoPqRsTuVwXyZ-0123456789ab'
const read = (file: string): unknown => JSON.parse(readFileSync(path.join(recorded, file), 'utf8'))
const users = read('users.json') as { id: string; status: string }[]

interface Behaviour {
  /** Page size the server caps listings at, so paging is exercised. */
  pageSize: number
  /** Answer the first request to this path with 429. */
  tooManyOnce?: string
  /** Answer every request to this path with this status. */
  failPath?: { path: string; status: number }
  /** Answer everything with an HTML sign-in page (a wrong host). */
  html?: boolean
}

/**
 * A local Okta: serves the recorded answers with Okta's headers (Link rel="self"/"next",
 * X-Rate-Limit-*), an `after` cursor, the DEPROVISIONED filter, the system log's polling next link,
 * and Okta's error bodies. Every request is kept for the assertions.
 */
function startOkta(behaviour: Behaviour) {
  const requests: { method: string; url: string; authorization: string | undefined }[] = []
  let limited = false
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    requests.push({
      method: req.method ?? '',
      url: url.pathname + url.search,
      authorization: req.headers.authorization,
    })
    const reset = String(Math.floor(clock() / 1000) + 2)
    const send = (status: number, body: unknown, headers: Record<string, string | string[]> = {}) => {
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-rate-limit-limit': '600',
        'x-rate-limit-remaining': '599',
        'x-rate-limit-reset': reset,
        ...headers,
      })
      res.end(JSON.stringify(body))
    }
    if (behaviour.html === true) {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<!doctype html><title>Sign In</title>')
      return
    }
    if (req.headers.authorization !== `SSWS ${token}`)
      return send(401, {
        errorCode: 'E0000011',
        errorSummary: 'Invalid token provided',
        errorLink: 'E0000011',
        errorId: 'oaeZ3kVf4dGQ0',
        errorCauses: [],
      })
    if (behaviour.tooManyOnce === url.pathname && !limited) {
      limited = true
      return send(
        429,
        { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' },
        { 'x-rate-limit-remaining': '0' },
      )
    }
    if (behaviour.failPath?.path === url.pathname)
      return send(behaviour.failPath.status, {
        errorCode: 'E0000006',
        errorSummary: 'You do not have permission to perform the requested action',
      })
    if (url.pathname === '/api/v1/users') {
      const filter = url.searchParams.get('filter')
      // Like Okta: the plain listing leaves out DEPROVISIONED users.
      const pool =
        filter === 'status eq "DEPROVISIONED"'
          ? users.filter((u) => u.status === 'DEPROVISIONED')
          : users.filter((u) => u.status !== 'DEPROVISIONED')
      const after = url.searchParams.get('after')
      const start = after === null ? 0 : pool.findIndex((u) => u.id === after) + 1
      const size = Math.min(Number(url.searchParams.get('limit') ?? 200), behaviour.pageSize)
      const page = pool.slice(start, start + size)
      const links = [`<${origin}${url.pathname}${url.search}>; rel="self"`]
      const last = page.at(-1)
      if (start + size < pool.length && last !== undefined) {
        const next = new URLSearchParams(url.searchParams)
        next.set('after', last.id)
        links.push(`<${origin}/api/v1/users?${next}>; rel="next"`)
      }
      // The first page spends the limit: the reader must wait for the reset before the next one.
      const spend = start === 0 && filter === null ? { 'x-rate-limit-remaining': '0' } : {}
      return send(200, page, { link: links, ...spend })
    }
    const perUser = /^\/api\/v1\/users\/([^/]+)\/(factors|groups|roles|appLinks)$/.exec(url.pathname)
    if (perUser !== null) {
      const [, id, part] = perUser
      if (!users.some((u) => u.id === id))
        return send(404, {
          errorCode: 'E0000007',
          errorSummary: `Not found: Resource not found: ${id} (User)`,
        })
      return send(200, read(`${part === 'appLinks' ? 'apps' : part}/${id}.json`))
    }
    if (url.pathname === '/api/v1/logs') {
      // A polling listing: Okta always gives a next link; the page after the events is empty.
      const second = url.searchParams.has('after')
      const next = new URLSearchParams(url.searchParams)
      next.set('after', '1700000000000_1')
      return send(200, second ? [] : read('system-log.json'), {
        link: [`<${origin}/api/v1/logs?${next}>; rel="next"`],
      })
    }
    send(404, {
      errorCode: 'E0000022',
      errorSummary: 'The endpoint does not support the provided HTTP method',
    })
  })
  return new Promise<{ origin: string; requests: typeof requests; server: Server }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      resolve({ origin, requests, server })
    })
  })
}

let running: Server | undefined
afterEach(async () => {
  await new Promise<void>((resolve) => (running === undefined ? resolve() : running.close(() => resolve())))
  running = undefined
})

async function collectLive(behaviour: Behaviour, env: Record<string, string> = { OKTA_API_TOKEN: token }) {
  const okta = await startOkta(behaviour)
  running = okta.server
  const waits: number[] = []
  const sleep = async (ms: number) => {
    waits.push(ms)
  }
  const options = oktaApiOptions.parse({ type: 'okta-api', orgUrl: okta.origin })
  const context = { root: recorded, where: 'sources[0]', now, env }
  const collection = await collectOktaApi(options, context, { sleep, clock })
  return { ...collection, waits, requests: okta.requests, origin: okta.origin }
}

const accounts = (items: readonly EvidenceItem[]): IdentityAccount[] =>
  items
    .filter((i): i is IdentityAccount => i.kind === 'identity.account')
    .sort((a, b) => a.accountId.localeCompare(b.accountId))
const withoutFile = (items: IdentityAccount[]) => items.map(({ file: _file, ...rest }) => rest)

describe('okta-api (live, recorded responses)', () => {
  it('gives the same evidence as the export folder of the same org', async () => {
    const live = await collectLive({ pageSize: 2 })
    expect(live.errors).toEqual([])
    for (const item of live.evidence) expect(evidenceIssues(item)).toEqual([])
    const exported = await collectSources([{ type: 'okta', path: '.' }], { root: recorded, now, env: {} })
    expect(exported.errors).toEqual([])
    expect(live.evidence).toHaveLength(5)
    expect(withoutFile(accounts(live.evidence))).toEqual(withoutFile(accounts(exported.evidence)))
    expect(live.evidence[0]?.file).toBe(`${live.origin}/api/v1/users`)
  })

  it('reads leavers, MFA, admin roles and deactivation times; keeps no phone, address or token', async () => {
    const live = await collectLive({ pageSize: 2 })
    const byName = new Map(accounts(live.evidence).map((a) => [a.name, a]))
    expect(byName.get('ann.lee@acme.example')).toMatchObject({
      active: true,
      mfaEnrolled: true,
      mfaFactors: ['webauthn'],
      admin: true,
      adminRoles: ['SUPER_ADMIN'],
      groups: ['Everyone', 'eng-prod-admins'],
      applications: ['GitHub Enterprise', 'AWS IAM Identity Center'],
      aliases: ['ann.lee@acme.example', 'ann.lee@old.example.com'],
    })
    // CC6.1: a user with no factor is "not enrolled", a fact the MFA check fails on.
    expect(byName.get('cy.diaz@acme.example')).toMatchObject({ mfaEnrolled: false, admin: false })
    // The leaver is only in the DEPROVISIONED listing; the system log dates the deactivation.
    expect(byName.get('bo.chen@acme.example')).toMatchObject({
      active: false,
      status: 'DEPROVISIONED',
      disabledAt: '2026-11-01T16:20:00.127Z',
    })
    expect(byName.get('dee.park@acme.example')).toMatchObject({
      active: false,
      disabledAt: '2026-10-15T09:29:58.412Z',
    })
    const kept = JSON.stringify([live.evidence, live.inputs, live.errors])
    expect(kept).not.toMatch(/555 01|Market St|employeeNumber|credentialId/)
    expect(kept).not.toContain(token)
  })

  it('follows Link rel="next" pages, sends the token as SSWS and only GETs', async () => {
    const live = await collectLive({ pageSize: 2 })
    const userPages = live.requests.filter((r) => r.url.startsWith('/api/v1/users?'))
    // 4 users not deprovisioned at 2 a page, then the DEPROVISIONED listing.
    expect(userPages.map((r) => new URLSearchParams(r.url.split('?')[1]).get('after'))).toEqual([
      null,
      '00u1cyD2ka8LmNo0h7',
      null,
    ])
    expect(live.requests.every((r) => r.method === 'GET' && r.authorization === `SSWS ${token}`)).toBe(true)
    // The log's polling next link is followed once; its empty page ends the listing.
    expect(live.requests.filter((r) => r.url.startsWith('/api/v1/logs'))).toHaveLength(2)
    expect(live.inputs.every((i) => i.collector === 'okta-api' && /^[0-9a-f]{64}$/.test(i.sha256))).toBe(true)
    expect(live.inputs.find((i) => i.file.includes('/api/v1/users?limit=200&filter'))?.items).toBe(1)
  })

  it('waits for X-Rate-Limit-Reset when the limit is spent and after a 429, then succeeds', async () => {
    const ann = users[0]?.id ?? ''
    const live = await collectLive({ pageSize: 2, tooManyOnce: `/api/v1/users/${ann}/factors` })
    expect(live.errors).toEqual([])
    // The users page said remaining 0 (reset in 2 s): one wait; the 429 said the same: another.
    expect(live.waits).toEqual([2000, 2000])
    const factorCalls = live.requests.filter((r) => r.url === `/api/v1/users/${ann}/factors`)
    expect(factorCalls).toHaveLength(2)
    expect(accounts(live.evidence).find((a) => a.accountId === ann)?.mfaEnrolled).toBe(true)
  })

  it('leaves MFA unknown, with the reason, when a user’s factors cannot be read (never a pass)', async () => {
    const cy = users[1]?.id ?? ''
    const live = await collectLive({
      pageSize: 200,
      failPath: { path: `/api/v1/users/${cy}/factors`, status: 403 },
    })
    expect(accounts(live.evidence).find((a) => a.accountId === cy)?.mfaEnrolled).toBe('unknown')
    expect(live.errors).toEqual([
      {
        file: `/api/v1/users/${cy}/factors`,
        message: 'answered 403 E0000006 You do not have permission to perform the requested action',
      },
    ])
  })

  it('says the token was rejected (401), without printing it', async () => {
    const wrong = 'not-the-token-0123456789'
    const attempt = collectLive({ pageSize: 2 }, { OKTA_API_TOKEN: wrong })
    await expect(attempt).rejects.toThrow(/rejected the API token \(401 E0000011 Invalid token provided\)/)
    await expect(attempt).rejects.not.toThrow(wrong)
  })

  it('says when the token variable is not set', async () => {
    await expect(collectLive({ pageSize: 2 }, {})).rejects.toThrow(
      'sources[0].tokenEnv: environment variable OKTA_API_TOKEN is not set',
    )
  })

  it('says when the org URL answers something that is not the Okta API', async () => {
    await expect(collectLive({ pageSize: 2, html: true })).rejects.toThrow(
      /\/api\/v1\/users of http:\/\/127\.0\.0\.1:\d+ did not answer JSON \(text\/html\): not an Okta org API/,
    )
  })

  it('says when the org cannot be reached', async () => {
    const options = oktaApiOptions.parse({ type: 'okta-api', orgUrl: 'http://127.0.0.1:9' })
    const context = { root: recorded, where: 'sources[0]', now, env: { OKTA_API_TOKEN: token } }
    await expect(collectOktaApi(options, context)).rejects.toThrow(/cannot reach http:\/\/127\.0\.0\.1:9/)
  })

  it('refuses org URLs that are not an Okta org: plain http, a path, the admin console', () => {
    const validate = (orgUrl: string) => () =>
      validateSources([{ type: 'okta-api', orgUrl }], 'trustctl.yaml')
    expect(validate('http://acme.okta.com')).toThrow(/orgUrl.*must be an https:\/\/ URL/)
    expect(validate('https://acme.okta.com/api/v1')).toThrow(/orgUrl.*must be the org URL alone/)
    expect(validate('https://acme-admin.okta.com')).toThrow(/orgUrl.*is the admin console/)
    expect(validate('https://acme.okta.com')).not.toThrow()
  })

  it('reads the next link among Okta’s Link headers', () => {
    expect(
      nextLink(
        '<https://a.okta.com/api/v1/users?limit=2>; rel="self", <https://a.okta.com/api/v1/users?after=x&limit=2>; rel="next"',
      ),
    ).toBe('https://a.okta.com/api/v1/users?after=x&limit=2')
    expect(nextLink('<https://a.okta.com/api/v1/users?limit=2>; rel="self"')).toBeUndefined()
  })
})
