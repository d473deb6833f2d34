import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { EvidenceItem } from '../../core/evidence.js'
import type { GitHubOrganization, GitHubRepository } from '../../core/evidence-vcs.js'
import { nextLink } from '../../core/link-header.js'
import { collectSources } from '../registry.js'
import { createFetchReader } from './fetch-reader.js'
import { parseJsonValues } from './folder-reader.js'

const here = path.dirname(fileURLToPath(import.meta.url))
/** A `gh api` export of an organization with two repositories, one weakly protected. */
const exportDir = path.join(here, 'testdata', 'acme')
const token = 'ghp_TESTONLY0000000000000000000000000000'
const now = new Date('2026-11-28T12:00:00Z')

/** What the test server answers differently from the export, by request path. */
interface Override {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

/**
 * A stand-in for api.github.com that answers from the export folder, as GitHub would: JSON bodies,
 * error bodies with their status, 204 for an empty file, list endpoints paged by `per_page` with
 * Link headers.
 */
class FakeGitHub {
  server: Server = createServer((req, res) => this.answer(req, res))
  requests: { method: string; url: string; authorization?: string }[] = []
  overrides = new Map<string, Override>()
  pageSize = 1

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url)
    const auth = req.headers.authorization
    this.requests.push({
      method: req.method ?? '',
      url: url.pathname + url.search,
      ...(auth ? { authorization: auth } : {}),
    })
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '4990',
        'x-ratelimit-reset': String(Math.floor(now.getTime() / 1000) + 3600),
        'x-github-api-version-selected': '2022-11-28',
        ...headers,
      })
      res.end(body === undefined ? '' : JSON.stringify(body))
    }
    const override = this.overrides.get(url.pathname)
    if (override !== undefined) {
      send(override.status, override.body, override.headers)
      return
    }
    let text: string
    try {
      text = readFileSync(path.join(exportDir, `${url.pathname.slice(1)}.json`), 'utf8')
    } catch {
      send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' })
      return
    }
    if (text.trim() === '') {
      send(204, undefined)
      return
    }
    const body = JSON.parse(text) as unknown
    if (!Array.isArray(body)) {
      const error = body as { status?: string }
      send(error.status === undefined ? 200 : Number(error.status), body)
      return
    }
    const page = Number(url.searchParams.get('page') ?? '1')
    const slice = body.slice((page - 1) * this.pageSize, page * this.pageSize)
    const last = Math.max(1, Math.ceil(body.length / this.pageSize))
    const link = (p: number) => {
      const next = new URL(url)
      next.searchParams.set('page', String(p))
      return next.toString()
    }
    const links = [
      ...(page < last ? [`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`] : []),
      ...(page > 1 ? [`<${link(1)}>; rel="first"`, `<${link(page - 1)}>; rel="prev"`] : []),
    ]
    send(200, slice, links.length > 0 ? { link: links.join(', ') } : {})
  }
}

const byName = (items: EvidenceItem[]) => Object.fromEntries(items.map((i) => [i.name, i]))
const withoutFile = (items: EvidenceItem[]) => items.map(({ file: _file, ...rest }) => rest)

describe('github-json (exported with gh api)', () => {
  it('reads the organization and both repositories into facts', async () => {
    const collection = await collectSources(
      [{ type: 'github-json', path: 'acme', organization: 'acme-analytics' }],
      { root: path.join(here, 'testdata'), now, env: {} },
    )
    expect(collection.errors).toEqual([])
    const items = byName(collection.evidence)
    const org = items['acme-analytics'] as GitHubOrganization
    expect(org).toMatchObject({
      kind: 'github.organization',
      file: 'acme/orgs/acme-analytics.json',
      twoFactorRequirementEnabled: true,
      defaultRepositoryPermission: 'read',
      membersCanCreatePublicRepositories: false,
      outsideCollaborators: ['jlee-contractor', 'mpatel-agency'],
      outsideCollaboratorsWithAdmin: [
        { login: 'jlee-contractor', repositories: ['acme-analytics/insights-web'] },
      ],
    })
    const api = items['acme-analytics/insights-api'] as GitHubRepository
    expect(api).toMatchObject({
      defaultBranch: 'main',
      visibility: 'private',
      archived: false,
      secretScanning: true,
      secretScanningPushProtection: true,
      dependabotAlerts: true,
      dependabotSecurityUpdates: true,
      defaultBranchProtection: {
        enforceAdmins: true,
        allowForcePushes: false,
        requiredSignatures: false,
        requiredStatusChecks: { strict: true, contexts: ['ci / build', 'ci / test', 'trivy'] },
        requiredPullRequestReviews: { requiredApprovingReviewCount: 2, dismissStaleReviews: true },
      },
      defaultBranchRules: [{ type: 'required_signatures', rulesetId: 5101 }],
      rulesets: [{ id: 5101, name: 'signed commits', enforcement: 'active' }],
    })
    const web = items['acme-analytics/insights-web'] as GitHubRepository
    expect(web.defaultBranchProtection).toBeNull()
    expect(web).toMatchObject({
      secretScanningPushProtection: false,
      dependabotAlerts: false,
      dependabotSecurityUpdates: false,
      outsideCollaborators: [{ login: 'jlee-contractor', permission: 'admin' }],
      rulesets: [
        { id: 6230, bypassActors: [{ actorType: 'RepositoryRole', actorId: 5, bypassMode: 'always' }] },
      ],
    })
    expect(web.defaultBranchRules?.map((r) => r.type)).toEqual(['pull_request', 'deletion'])
    expect(collection.inputs.every((i) => i.collector === 'github-json' && i.sha256.length === 64)).toBe(true)
  })

  describe('exports with problems', () => {
    let dir: string
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true })
    })

    async function exportWith(files: Record<string, string>): Promise<string> {
      dir = await mkdtemp(path.join(os.tmpdir(), 'trustctl-gh-'))
      for (const [name, text] of Object.entries(files)) {
        const file = path.join(dir, name)
        await mkdir(path.dirname(file), { recursive: true })
        await writeFile(file, text)
      }
      return dir
    }

    const repoBody = readFileSync(path.join(exportDir, 'repos/acme-analytics/insights-web.json'), 'utf8')

    it('names the file and line of truncated JSON and keeps the rest', async () => {
      const root = await exportWith({
        'repos/acme-analytics/insights-web.json': repoBody,
        'repos/acme-analytics/insights-web/collaborators.json': '[\n  {"login": "a",\n',
      })
      const collection = await collectSources([{ type: 'github-json', path: '.' }], { root, now, env: {} })
      expect(collection.errors).toEqual([
        {
          file: 'repos/acme-analytics/insights-web/collaborators.json',
          message: expect.stringMatching(
            /^acme-analytics\/insights-web: outside collaborators: truncated JSON.*line 1, column 1/,
          ),
        },
      ])
      const web = collection.evidence[0] as GitHubRepository
      expect(web.outsideCollaborators).toBeUndefined()
      expect(web.secretScanning).toBe(true)
    })

    it('reads gh api --paginate output (one array per page) and a 403 error body', async () => {
      const root = await exportWith({
        'repos/acme-analytics/insights-web.json': repoBody,
        'repos/acme-analytics/insights-web/collaborators.json':
          '[{"login":"a","role_name":"write"}][{"login":"b","role_name":"admin"}]\n',
        'repos/acme-analytics/insights-web/branches/main/protection.json': JSON.stringify({
          message: 'Resource not accessible by personal access token',
          documentation_url: 'https://docs.github.com/rest/branches/branch-protection#get-branch-protection',
          status: '403',
        }),
      })
      const collection = await collectSources([{ type: 'github-json', path: '.' }], { root, now, env: {} })
      const web = collection.evidence[0] as GitHubRepository
      expect(web.outsideCollaborators).toEqual([
        { login: 'a', permission: 'write' },
        { login: 'b', permission: 'admin' },
      ])
      expect(web.defaultBranchProtection).toBeUndefined()
      expect(collection.errors).toHaveLength(1)
      expect(collection.errors[0]?.message).toContain(
        'acme-analytics/insights-web: cannot read branch protection of main (403',
      )
      expect(collection.errors[0]?.message).toContain('repository Administration: read')
    })

    it('reports a repository the organization lists but the export lacks', async () => {
      const root = await exportWith({
        'orgs/acme.json': JSON.stringify({ login: 'acme' }),
        'orgs/acme/repos.json': JSON.stringify([{ name: 'gone', full_name: 'acme/gone' }]),
      })
      const collection = await collectSources([{ type: 'github-json', path: '.', organization: 'acme' }], {
        root,
        now,
        env: {},
      })
      expect(collection.errors).toEqual([
        {
          file: 'repos/acme/gone.json',
          message: 'acme/gone: the export does not hold the repository (gh api repos/acme/gone)',
        },
      ])
      expect(collection.evidence.map((e) => e.name)).toEqual(['acme'])
    })

    it('rejects a missing folder with the setting that names it', async () => {
      const root = await exportWith({})
      const collection = await collectSources([{ type: 'github-json', path: 'no-such-export' }], {
        root,
        now,
        env: {},
      })
      expect(collection.errors[0]?.message).toContain('sources[0].path: no-such-export: no such folder')
    })
  })
})

describe('github (live REST API)', () => {
  const github = new FakeGitHub()

  beforeAll(async () => {
    await new Promise<void>((resolve) => github.server.listen(0, '127.0.0.1', resolve))
  })
  afterAll(async () => {
    await new Promise<void>((resolve) => github.server.close(() => resolve()))
  })
  afterEach(() => {
    github.overrides.clear()
    github.requests = []
  })

  const live = (settings: Record<string, unknown> = {}) =>
    collectSources([{ type: 'github', organization: 'acme-analytics', apiUrl: github.url, ...settings }], {
      root: here,
      now,
      env: { GITHUB_TOKEN: token },
    })

  it('produces the same evidence as the export, following every page', async () => {
    const online = await live()
    expect(online.errors).toEqual([])
    const offline = await collectSources(
      [{ type: 'github-json', path: 'acme', organization: 'acme-analytics' }],
      { root: path.join(here, 'testdata'), now, env: {} },
    )
    expect(withoutFile(online.evidence)).toEqual(withoutFile(offline.evidence))
    // The organization lists one repository per page: both pages were read.
    expect(github.requests.map((r) => r.url)).toContain(
      '/orgs/acme-analytics/repos?type=all&per_page=100&page=2',
    )
    expect(online.evidence.find((e) => e.name === 'acme-analytics/insights-api')?.file).toBe(
      `${github.url}/repos/acme-analytics/insights-api`,
    )
  })

  it('only reads, sends the token only as a header, and never records it', async () => {
    const collection = await live()
    expect(new Set(github.requests.map((r) => r.method))).toEqual(new Set(['GET']))
    expect(new Set(github.requests.map((r) => r.authorization))).toEqual(new Set([`Bearer ${token}`]))
    expect(JSON.stringify(collection)).not.toContain(token)
    expect(JSON.stringify(collection)).not.toContain(token.slice(4, 20))
  })

  it('keeps what it could read when a permission is missing, and names the repository and permission', async () => {
    github.overrides.set('/repos/acme-analytics/insights-web/branches/main/protection', {
      status: 403,
      body: {
        message: 'Resource not accessible by personal access token',
        documentation_url: 'https://docs.github.com/rest/branches/branch-protection#get-branch-protection',
        status: '403',
      },
      headers: { 'x-accepted-github-permissions': 'administration=read' },
    })
    const collection = await live()
    expect(collection.errors).toEqual([
      {
        file: `${github.url}/repos/acme-analytics/insights-web/branches/main/protection`,
        message:
          'acme-analytics/insights-web: cannot read branch protection of main (403 Resource not accessible by personal access token): the token lacks permission; it needs administration=read (as GitHub reports it)',
      },
    ])
    const web = byName(collection.evidence)['acme-analytics/insights-web'] as GitHubRepository
    expect(web.defaultBranchProtection).toBeUndefined()
    expect(web.defaultBranchRules).toHaveLength(2)
    expect(web.secretScanning).toBe(true)
    expect(byName(collection.evidence)['acme-analytics/insights-api']).toBeDefined()
  })

  it('reads a 404 "Branch not protected" as no protection, not as an error', async () => {
    const collection = await live({ repositories: ['insights-web'] })
    expect(collection.errors).toEqual([])
    expect(
      (collection.evidence.find((e) => e.kind === 'github.repository') as GitHubRepository)
        .defaultBranchProtection,
    ).toBeNull()
  })

  it('fails clearly without a token, naming the variable and not the value', async () => {
    const collection = await collectSources(
      [{ type: 'github', organization: 'acme', apiUrl: github.url, tokenEnv: 'ACME_GH' }],
      {
        root: here,
        now,
        env: {},
      },
    )
    expect(collection.evidence).toEqual([])
    expect(collection.errors[0]?.message).toBe(
      'github: sources[0].tokenEnv: environment variable ACME_GH is not set',
    )
    expect(github.requests).toEqual([])
  })

  it('fails clearly when GitHub cannot be reached', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const collection = await collectSources(
      [{ type: 'github', organization: 'acme', apiUrl: `http://127.0.0.1:${port}` }],
      { root: here, now, env: { GITHUB_TOKEN: token } },
    )
    expect(collection.errors[0]?.message).toMatch(
      new RegExp(`^github: cannot reach http://127.0.0.1:${port} \\(.*ECONNREFUSED`),
    )
    expect(JSON.stringify(collection.errors)).not.toContain(token)
  })

  it('rejects the settings it does not know', async () => {
    const { validateSources } = await import('../registry.js')
    expect(() =>
      validateSources([{ type: 'github', organization: 'acme', token: 'x' }], 'trustctl.yaml'),
    ).toThrow(/sources\[0\]\.token: unknown key/)
    expect(() => validateSources([{ type: 'github' }], 'trustctl.yaml')).toThrow(
      /set organization, repositories, or both/,
    )
  })

  describe('rate limits', () => {
    it('waits for the reset of a spent limit, then retries', async () => {
      const clock = () => now.getTime()
      const sleep = vi.fn(async () => {})
      const reset = Math.floor(now.getTime() / 1000) + 20
      github.overrides.set('/orgs/acme-analytics', {
        status: 403,
        body: {
          message: 'API rate limit exceeded for user ID 1.',
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
          status: '403',
        },
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      })
      const reader = createFetchReader({ apiUrl: github.url, token, collector: 'github', sleep, clock })
      // The limit stays spent in this server, so the reader gives up after its attempts.
      await expect(reader.get('orgs/acme-analytics')).rejects.toThrow(
        `rate limit of ${github.url} still exhausted after 4 attempts (while reading /orgs/acme-analytics)`,
      )
      expect(sleep).toHaveBeenCalledWith(20_000)
      expect(github.requests.filter((r) => r.url === '/orgs/acme-analytics')).toHaveLength(4)
      github.overrides.clear()
      const ok = await reader.get('orgs/acme-analytics')
      expect(ok.status).toBe(200)
    })

    it('honours retry-after of a secondary limit and gives up with the reset time when it is too far', async () => {
      const sleep = vi.fn(async () => {})
      github.overrides.set('/orgs/acme-analytics', {
        status: 429,
        body: {
          message: 'You have exceeded a secondary rate limit.',
          documentation_url: 'https://docs.github.com/rest',
          status: '429',
        },
        headers: { 'retry-after': '7200' },
      })
      const reader = createFetchReader({
        apiUrl: github.url,
        token,
        collector: 'github',
        sleep,
        clock: () => now.getTime(),
      })
      await expect(reader.get('orgs/acme-analytics')).rejects.toThrow(
        `rate limit of ${github.url} exhausted until 2026-11-28T14:00:00.000Z (while reading /orgs/acme-analytics)`,
      )
      expect(sleep).not.toHaveBeenCalled()
    })

    it('waits before the next request once the remaining count reaches zero', async () => {
      const sleep = vi.fn(async () => {})
      const reset = Math.floor(now.getTime() / 1000) + 5
      github.overrides.set('/orgs/acme-analytics', {
        status: 200,
        body: { login: 'acme-analytics' },
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      })
      const reader = createFetchReader({
        apiUrl: github.url,
        token,
        collector: 'github',
        sleep,
        clock: () => now.getTime(),
      })
      await reader.get('orgs/acme-analytics')
      expect(sleep).not.toHaveBeenCalled()
      await reader.get('repos/acme-analytics/insights-api')
      expect(sleep).toHaveBeenCalledWith(5_000)
    })
  })

  it('never follows a next page to another host', async () => {
    github.overrides.set('/orgs/acme-analytics/outside_collaborators', {
      status: 200,
      body: [{ login: 'a' }],
      headers: {
        link: '<https://elsewhere.example/orgs/acme-analytics/outside_collaborators?page=2>; rel="next"',
      },
    })
    const reader = createFetchReader({ apiUrl: github.url, token, collector: 'github' })
    await expect(reader.getAll('orgs/acme-analytics/outside_collaborators')).rejects.toThrow(
      /points to another host/,
    )
  })
})

describe('helpers', () => {
  it('finds the next page in a Link header', () => {
    expect(
      nextLink(
        '<https://api.github.com/organizations/1/repos?page=2>; rel="next", <https://api.github.com/organizations/1/repos?page=5>; rel="last"',
      ),
    ).toBe('https://api.github.com/organizations/1/repos?page=2')
    expect(nextLink('<https://api.github.com/x?page=1>; rel="prev"')).toBeUndefined()
    expect(nextLink(null)).toBeUndefined()
  })

  it('splits concatenated JSON values and keeps brackets inside strings', () => {
    expect(parseJsonValues('[1][2]\n{"a":"]["}')).toEqual([[1], [2], { a: '][' }])
    expect(parseJsonValues('  \n')).toEqual([])
    expect(() => parseJsonValues('{"a": 1,}')).toThrow(/invalid JSON at line 1/)
  })
})
