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

  it('defaults to the audit period: nothing merged before its first day is counted', async () => {
    const options = gitHistoryOptions.parse({ type: 'git-history', path: 'app.git' })
    const period = { from: '2026-03-01', to: '2026-06-30' }
    const collection = await collectGitHistory(options, { ...context, period })
    const history = collection.evidence.find((e): e is GitHistory => e.kind === 'git.history')
    const changes = collection.evidence.filter((e): e is GitChange => e.kind === 'git.change')
    expect(history).toMatchObject({ from: '2026-03-01', to: '2026-06-30' })
    // The twelve-month default also counted the initial commit of 31 January; the period does not.
    expect(changes).toHaveLength(5)
    expect(changes.every((c) => c.committedAt >= '2026-03-01')).toBe(true)
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

  /** The collection errors a source gives, as `file: message` the way no-evidence findings quote them. */
  async function unread(root: string, settings: Record<string, unknown> = {}) {
    const options = gitHistoryOptions.parse({ type: 'git-history', path: 'app.git', ...settings })
    const collection = await collectGitHistory(options, { ...context, root })
    expect(collection.evidence).toEqual([])
    for (const error of collection.errors) expect(error.kinds).toEqual(['git.history', 'git.change'])
    return collection.errors.map((e) => `${e.file}: ${e.message}`)
  }

  it('says clearly, naming the path, when the repository is missing or is not a repository', async () => {
    expect(await unread(tmp)).toEqual([
      'app.git: does not exist (sources[1].path), so no change history was read',
    ])
    const plain = mkdtempSync(path.join(tmp, 'plain-'))
    execFileSync('mkdir', [path.join(plain, 'app.git')])
    expect(await unread(plain)).toEqual([
      'app.git: not a git repository (sources[1].path), so no change history was read',
    ])
  })

  it('says "no commits yet" for a repository just made with git init, not git\'s own error', async () => {
    const fresh = mkdtempSync(path.join(tmp, 'fresh-'))
    execFileSync('git', ['init', '--quiet', '--initial-branch=main', path.join(fresh, 'app.git')])
    expect(await unread(fresh)).toEqual(['app.git: no commits yet, so there is no change history to test'])
  })

  it('names a configured branch that is not in the clone', async () => {
    expect(await unread(caseDir, { branch: 'release-9' })).toEqual([
      'app.git: branch release-9 not found (sources[1].branch)',
    ])
  })

  it('leaves the history unread when a shallow clone cuts it inside the period', async () => {
    const shallow = mkdtempSync(path.join(tmp, 'shallow-'))
    const source = `file://${path.join(caseDir, 'app.git')}`
    execFileSync('git', ['clone', '--quiet', '--bare', '--depth', '2', source, path.join(shallow, 'app.git')])
    // Two of the five changes of March are in the clone; the walk would end at the second as at a root.
    expect(await unread(shallow, { from: '2026-03-01', to: '2026-03-31' })).toEqual([
      'app.git: a shallow clone: its history stops at 6be44619b7e5 of 2026-03-03, inside the period 2026-03-01..2026-03-31, so the changes of the period before it were not read',
    ])
  })

  it('reads a shallow clone whose boundary is older than the period', async () => {
    const shallow = mkdtempSync(path.join(tmp, 'shallow-'))
    const source = `file://${path.join(caseDir, 'app.git')}`
    execFileSync('git', ['clone', '--quiet', '--bare', '--depth', '5', source, path.join(shallow, 'app.git')])
    // The clone ends at the merge of 2 March; the period starts on the 3rd.
    const { history } = await collect({ from: '2026-03-03', to: '2026-03-31' }, shallow)
    expect(history?.changes).toBe(2)
  })

  it('turns an empty repository into a no-evidence finding with the reason, never a pass', async () => {
    const { evaluateCheck, unreadKinds } = await import('../../core/engine.js')
    const { groupEvidence } = await import('../../core/evidence.js')
    const { default: merged } = await import(
      '../../../checks/git/changes-merged-through-pull-request/check.js'
    )
    const fresh = mkdtempSync(path.join(tmp, 'fresh-'))
    execFileSync('git', ['init', '--quiet', '--initial-branch=main', path.join(fresh, 'app.git')])
    const options = gitHistoryOptions.parse({ type: 'git-history', path: 'app.git' })
    const collection = await collectGitHistory(options, { ...context, root: fresh })
    const findings = evaluateCheck(
      { check: merged, params: merged.params.parse({}) },
      groupEvidence(collection.evidence),
      unreadKinds(collection.errors),
    )
    expect(findings.map((f) => f.status)).toEqual(['no-evidence'])
    expect(findings[0]?.message).toContain('app.git: no commits yet')
  })
})

describe('git-history subjects, window and direct pushes', () => {
  /** A repository whose commits carry the given dates (author and committer alike). */
  function repository(commits: { message: string; date: string }[]): string {
    const dir = mkdtempSync(path.join(tmp, 'repo-'))
    const git = (args: string[], date?: string) =>
      execFileSync('git', ['-C', dir, ...args], {
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'Dev',
          GIT_AUTHOR_EMAIL: 'dev@example.com',
          GIT_COMMITTER_NAME: 'Dev',
          GIT_COMMITTER_EMAIL: 'dev@example.com',
          ...(date === undefined ? {} : { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date }),
        },
        encoding: 'utf8',
      })
    git(['init', '--quiet', '--initial-branch=main'])
    commits.forEach(({ message, date }, i) => {
      writeFileSync(path.join(dir, `f${i}.txt`), message)
      git(['add', '.'])
      git(['commit', '--quiet', '-m', message], date)
    })
    return dir
  }

  it('names each change <branch>@<sha>, with its pull request when one is known', async () => {
    const { changes } = await collect({ from: '2026-03-01', to: '2026-03-31' })
    expect(changes.map((c) => c.name)).toEqual([
      'main@a3e6a9746473 (#4)',
      'main@6be44619b7e5',
      'main@44bfb039cf03 (#3)',
      'main@60ba676cc382 (#2)',
      'main@4fbd31b111ba (#1)',
    ])
    expect(new Set(changes.map((c) => c.branch))).toEqual(new Set(['main']))
  })

  it('counts only what reached the branch inside the window, even when git walks past it', async () => {
    // A commit dated after a later one: git's date-pruned walk does not stop at it.
    const dir = repository([
      { message: 'Before the period', date: '2026-01-10T10:00:00Z' },
      { message: 'In the period (#7)', date: '2026-02-05T10:00:00Z' },
      { message: 'Clock skew: dated before the period', date: '2026-01-20T10:00:00Z' },
      { message: 'Also in the period (#8)', date: '2026-02-20T10:00:00Z' },
    ])
    const options = gitHistoryOptions.parse({
      type: 'git-history',
      path: dir,
      from: '2026-02-01',
      to: '2026-02-28',
    })
    const collection = await collectGitHistory(options, { ...context, root: tmp })
    const changes = collection.evidence.filter((e): e is GitChange => e.kind === 'git.change')
    expect(changes.map((c) => c.subject)).toEqual(['Also in the period (#8)', 'In the period (#7)'])
  })

  it('does not give a commit that only names a pull request the route and reviews of its real merge', async () => {
    const dir = repository([
      { message: 'Initial', date: '2026-02-01T10:00:00Z' },
      // Cherry-picked onto main and pushed: the subject keeps the number of the pull request it came from.
      { message: 'Add retries to the exporter (#7)', date: '2026-02-03T10:00:00Z' },
    ])
    writeFileSync(
      path.join(tmp, 'prs-7.json'),
      JSON.stringify([
        {
          number: 7,
          author: { login: 'dev' },
          mergedAt: '2026-02-02T09:00:00Z',
          mergeCommit: { oid: 'f'.repeat(40) },
          reviews: [{ author: { login: 'ana' }, state: 'APPROVED', submittedAt: '2026-02-02T08:00:00Z' }],
        },
      ]),
    )
    const options = gitHistoryOptions.parse({
      type: 'git-history',
      path: dir,
      from: '2026-02-01',
      to: '2026-02-28',
      pullRequests: path.join(tmp, 'prs-7.json'),
    })
    const collection = await collectGitHistory(options, { ...context, root: tmp })
    const changes = collection.evidence.filter((e): e is GitChange => e.kind === 'git.change')
    const picked = changes.find((c) => c.subject.startsWith('Add retries'))
    expect(picked).toMatchObject({ route: 'direct-push' })
    expect(picked?.reviews).toBeUndefined()
    expect(picked?.pullRequest).toBeUndefined()
  })

  it('says an emergency change was pushed directly to the branch, not that its pull request is missing', async () => {
    const { evaluateCheck } = await import('../../core/engine.js')
    const { groupEvidence } = await import('../../core/evidence.js')
    const { default: emergency } = await import(
      '../../../checks/git/emergency-changes-reviewed-afterwards/check.js'
    )
    const dir = repository([
      { message: 'Initial', date: '2026-02-01T10:00:00Z' },
      { message: 'hotfix: restart the queue consumer', date: '2026-02-03T10:00:00Z' },
    ])
    const options = gitHistoryOptions.parse({
      type: 'git-history',
      path: dir,
      from: '2026-02-01',
      to: '2026-02-28',
    })
    const collection = await collectGitHistory(options, { ...context, root: tmp })
    const findings = evaluateCheck(
      { check: emergency, params: { days: 3 } },
      groupEvidence(collection.evidence),
    )
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({ status: 'fail' })
    expect(findings[0]?.message).toContain('pushed directly to main, no pull request')
    expect(findings[0]?.message).not.toContain('pull-request export')
  })
})
