import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import type { GitChange, GitHistory } from '../../core/evidence-git.js'
import { collectGitHistory, gitHistoryOptions } from './index.js'

// The bare clone the change-management check cases use: two merge commits, a squash merge, a direct
// push and a hotfix merged through a pull request, in March 2026.
const caseDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../checks/git/changes-merged-through-pull-request/cases/fail',
)
const context = { root: caseDir, where: 'sources[1]', now: new Date('2026-06-30T00:00:00Z'), env: {} }
const tmp = mkdtempSync(path.join(os.tmpdir(), 'trustctl-git-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

async function collect(settings: Record<string, unknown>, root = caseDir) {
  const options = gitHistoryOptions.parse({ type: 'git-history', path: 'app.git', ...settings })
  const collection = await collectGitHistory(options, { ...context, root })
  const history = collection.evidence.find((e): e is GitHistory => e.kind === 'git.history')
  const changes = collection.evidence.filter((e): e is GitChange => e.kind === 'git.change')
  return { history, changes }
}

describe('collectGitHistory', () => {
  it('lists every first-parent change in the period and tells how each reached the branch', async () => {
    const { history, changes } = await collect({ from: '2026-03-01', to: '2026-03-31' })
    expect(changes.map((c) => [c.subject, c.route, c.pullRequest ?? null, c.emergency])).toEqual([
      ['Merge pull request #4 from acme/feature-5', 'merge-commit', 4, true],
      ['Bump version', 'direct-push', null, false],
      ['Fix typo in docs (#3)', 'squash-pr-ref', 3, false],
      ['Merge pull request #2 from acme/feature-2', 'merge-commit', 2, false],
      ['Merge pull request #1 from acme/feature-1', 'merge-commit', 1, false],
    ])
    expect(history).toMatchObject({ branch: 'main', from: '2026-03-01', to: '2026-03-31', changes: 5 })
    // The population hash is what an auditor recomputes from the recorded query.
    const [, ...args] = (history?.query ?? '').split(' ')
    const listed = execFileSync('git', ['-C', path.join(caseDir, 'app.git'), ...args], { encoding: 'utf8' })
    expect(createHash('sha256').update(listed).digest('hex')).toBe(history?.shaListSha256)
  })

  it('defaults to the twelve months before the run', async () => {
    const { history, changes } = await collect({})
    expect(history).toMatchObject({ from: '2025-07-01', to: '2026-06-30' })
    // The initial commit of 31 January is in the window too.
    expect(changes).toHaveLength(6)
  })

  it('joins the pull-request export and the CI map to the changes', async () => {
    const sha = '6be44619b7e5aa018bca611f8b75c50e6781b738'
    writeFileSync(path.join(tmp, 'ci.json'), JSON.stringify({ [sha]: 'FAILURE' }))
    writeFileSync(
      path.join(tmp, 'prs.json'),
      JSON.stringify([
        {
          number: 9,
          author: { login: 'ops' },
          mergedAt: '2026-03-03T00:00:00Z',
          mergeCommit: { oid: sha },
          reviews: [{ author: { login: 'ana' }, state: 'APPROVED', submittedAt: '2026-03-02T23:00:00Z' }],
        },
      ]),
    )
    const { changes } = await collect({
      from: '2026-03-01',
      to: '2026-03-31',
      pullRequests: path.join(tmp, 'prs.json'),
      ciStatus: path.join(tmp, 'ci.json'),
    })
    const change = changes.find((c) => c.sha === sha)
    expect(change).toMatchObject({
      route: 'pr-export',
      pullRequest: 9,
      pullRequestAuthor: 'ops',
      reviews: [{ reviewer: 'ana', state: 'APPROVED', submittedAt: '2026-03-02T23:00:00Z' }],
      ci: { conclusion: 'failure', source: 'ci-status-file' },
    })
  })

  it('names the file and the place when an export is malformed', async () => {
    writeFileSync(path.join(tmp, 'bad.json'), '[{"number": "seven"}]')
    await expect(collect({ pullRequests: path.join(tmp, 'bad.json') })).rejects.toThrow(
      /bad\.json: 0\.number: /,
    )
    writeFileSync(path.join(tmp, 'truncated.json'), '[{"number": 7')
    await expect(collect({ pullRequests: path.join(tmp, 'truncated.json') })).rejects.toThrow(
      /truncated\.json: not valid JSON/,
    )
  })

  it('says clearly when the repository is missing or is not a repository', async () => {
    await expect(collect({}, tmp)).rejects.toThrow('sources[1].path: app.git does not exist')
    const plain = mkdtempSync(path.join(tmp, 'plain-'))
    execFileSync('mkdir', [path.join(plain, 'app.git')])
    await expect(collect({}, plain)).rejects.toThrow(/not a git repository|does not exist/)
  })
})
