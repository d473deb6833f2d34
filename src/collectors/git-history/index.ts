import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import type { GitChange, GitChangeRoute, GitHistory } from '../../core/evidence-git.js'
import {
  defineSourceCollector,
  type FileCollection,
  type SourceCollector,
  type SourceContext,
} from '../source-collector.js'
import {
  ciStatusExport,
  ciStatusMap,
  type PullRequest,
  pullRequestExport,
  reviewsOf,
  rollupConclusion,
} from './pull-requests.js'
import { runGit } from './run-git.js'

const isoDay = z.preprocess(
  (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD'),
)

export const gitHistoryOptions = z.strictObject({
  type: z.literal('git-history'),
  /** A local clone (a bare mirror works too). */
  path: z.string().min(1),
  /** Default: the remote's default branch (origin/HEAD), else the checked-out branch. */
  branch: z.string().min(1).optional(),
  /**
   * The period, inclusive; default: the audit period (`scope.period`), else the twelve months up to
   * the run's date.
   */
  from: isoDay.optional(),
  to: isoDay.optional(),
  /** Regexes (group 1 = the pull request number) that tie a commit message to a pull request. */
  mergeMarkers: z
    .array(z.string())
    .default(['^Merge pull request #(\\d+)', 'See merge request [^\\s!]*!(\\d+)', '\\(#(\\d+)\\)\\s*$']),
  /** Regexes over the commit message, and label names, that mark an emergency change. */
  emergencyPatterns: z
    .array(z.string())
    .default(['\\[emergency\\]', '^hotfix(\\([^)]*\\))?!?:', '^emergency:']),
  emergencyLabels: z.array(z.string()).default(['emergency', 'hotfix']),
  /** `gh pr list --state merged --json number,author,mergeCommit,mergedAt,reviews,labels,statusCheckRollup,headRefOid`. */
  pullRequests: z.string().min(1).optional(),
  /** JSON: commit sha → CI conclusion, or the array `gh run list --json headSha,conclusion` prints. */
  ciStatus: z.string().min(1).optional(),
  exclude: z.array(z.string()).default([]),
})

export type GitHistoryOptions = z.infer<typeof gitHistoryOptions>

const field = '\x1f'
const record = '\x1e'
const format = ['%H', '%P', '%an', '%ae', '%aI', '%cn', '%ce', '%cI', '%s', '%b'].join('%x1f')

function compile(patterns: readonly string[], where: string, flags = ''): RegExp[] {
  return patterns.map((p, i) => {
    try {
      return new RegExp(p, flags)
    } catch (error) {
      throw new Error(`${where}[${i}]: ${error instanceof Error ? error.message : String(error)}`)
    }
  })
}

async function readJson<T>(file: string, schema: z.ZodType<T>, label: string): Promise<T> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    throw new Error(`${label}: cannot read ${file}`)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`)
  }
  const parsed = schema.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new Error(
      `${file}: ${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'unexpected shape'}`,
    )
  }
  return parsed.data
}

async function resolveBranch(
  repository: string,
  branch: string | undefined,
): Promise<{ ref: string; name: string }> {
  if (branch !== undefined) return { ref: branch, name: branch }
  const remote = await runGit(repository, [
    'symbolic-ref',
    '--quiet',
    '--short',
    'refs/remotes/origin/HEAD',
  ]).catch(() => '')
  if (remote.trim() !== '') return { ref: remote.trim(), name: remote.trim().replace(/^origin\//, '') }
  const head = (await runGit(repository, ['symbolic-ref', '--short', 'HEAD'])).trim()
  return { ref: head, name: head }
}

function minusTwelveMonths(day: string): string {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCFullYear(d.getUTCFullYear() - 1)
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

/**
 * A history that could not be read at all: a collection error that leaves both git kinds unread, so
 * every change-management check says no-evidence with this reason (never a verdict on no changes).
 */
function unreadHistory(file: string, message: string, hint: string): FileCollection {
  return {
    evidence: [],
    errors: [{ file, message, hint, kinds: ['git.history', 'git.change'] }],
    inputs: [],
  }
}

/**
 * The pull request a commit's message names, unless the export says that pull request was merged as
 * another commit: a cherry-pick or a direct push that keeps `(#12)` in its subject did not arrive
 * through #12, and must not inherit its route and its approvals.
 */
function namedPullRequest(
  sha: string,
  marked: number | undefined,
  prByMerge: ReadonlyMap<string, PullRequest>,
  prByNumber: ReadonlyMap<number, PullRequest>,
): number | undefined {
  if (marked === undefined || prByMerge.has(sha)) return marked
  const mergedAs = prByNumber.get(marked)?.mergeCommit?.oid
  return mergedAs === undefined || mergedAs === sha ? marked : undefined
}

/**
 * The commits a shallow clone cut the parents of (git's `shallow` file), empty for a full clone. Such
 * a commit looks like a root commit: `git log` ends there without a word.
 */
async function shallowBoundary(repository: string): Promise<Set<string>> {
  const file = (await runGit(repository, ['rev-parse', '--git-path', 'shallow'])).trim()
  const text = await readFile(path.resolve(repository, file), 'utf8').catch(() => '')
  return new Set(
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== ''),
  )
}

/**
 * The first change of the period whose parents a shallow clone left out: the history stops there, and
 * the changes of the period before it were never read. A boundary older than the period is harmless.
 */
function cutByShallowClone(
  changes: readonly Pick<GitChange, 'sha' | 'committedAt'>[],
  boundary: ReadonlySet<string>,
): Pick<GitChange, 'sha' | 'committedAt'> | undefined {
  return changes.find((change) => boundary.has(change.sha))
}

/** Reads every change that reached the branch in the period: the population an auditor samples from. */
export async function collectGitHistory(
  options: GitHistoryOptions,
  context: SourceContext,
): Promise<FileCollection> {
  const repository = path.resolve(context.root, options.path)
  const label = path.relative(context.root, repository).split(path.sep).join('/') || '.'
  const info = await stat(repository).catch(() => undefined)
  if (info === undefined || !info.isDirectory()) {
    return unreadHistory(
      label,
      `does not exist (${context.where}.path), so no change history was read`,
      'clone the repository there (a demo estate builds it with its script first)',
    )
  }
  const top = await runGit(repository, ['rev-parse', '--git-dir']).catch(() => undefined)
  if (top === undefined) {
    return unreadHistory(
      label,
      `not a git repository (${context.where}.path), so no change history was read`,
      `point ${context.where}.path at a clone of the repository whose changes are in scope`,
    )
  }
  const markers = compile(options.mergeMarkers, `${context.where}.mergeMarkers`, 'm')
  const emergencyPatterns = compile(options.emergencyPatterns, `${context.where}.emergencyPatterns`, 'im')
  const emergencyLabels = new Set(options.emergencyLabels.map((l) => l.toLowerCase()))

  const prs =
    options.pullRequests === undefined
      ? undefined
      : await readJson(
          path.resolve(context.root, options.pullRequests),
          pullRequestExport,
          `${context.where}.pullRequests`,
        )
  const ci =
    options.ciStatus === undefined
      ? undefined
      : ciStatusMap(
          await readJson(
            path.resolve(context.root, options.ciStatus),
            ciStatusExport,
            `${context.where}.ciStatus`,
          ),
        )
  const prByMerge = new Map<string, PullRequest>()
  const prByNumber = new Map<number, PullRequest>()
  for (const pr of prs ?? []) {
    if (pr.mergeCommit != null) prByMerge.set(pr.mergeCommit.oid, pr)
    prByNumber.set(pr.number, pr)
  }

  const branch = await resolveBranch(repository, options.branch).catch(() => undefined)
  const tip =
    branch === undefined
      ? undefined
      : await runGit(repository, ['rev-parse', '--verify', '--quiet', `${branch.ref}^{commit}`]).catch(
          () => undefined,
        )
  if (branch === undefined || tip === undefined) {
    // An empty repository (just `git init`) is a fact about the estate, not a broken input: say so
    // plainly instead of git's "ambiguous argument 'HEAD'".
    const anyCommit = (await runGit(repository, ['rev-list', '-n', '1', '--all']).catch(() => '')).trim()
    if (anyCommit === '')
      return unreadHistory(
        label,
        'no commits yet, so there is no change history to test',
        'assess again once the first changes are committed',
      )
    return unreadHistory(
      label,
      `branch ${options.branch ?? '(the checked-out one)'} not found (${context.where}.branch)`,
      'name a branch that exists in the clone, e.g. main',
    )
  }
  // The audit period, when the configuration gives one, is the window: a change merged before it
  // is not part of the population an auditor samples for that period.
  const to = options.to ?? context.period?.to ?? context.now.toISOString().slice(0, 10)
  const from = options.from ?? context.period?.from ?? minusTwelveMonths(to)
  // --since-as-filter (git 2.37+), not --since: --since stops the walk at the first commit dated
  // before `from`, so one commit with a skewed clock hides every older change of the period.
  const range = [
    '--first-parent',
    `--since-as-filter=${from}T00:00:00Z`,
    `--until=${to}T23:59:59Z`,
    branch.ref,
  ]
  const head = tip.trim()
  const output = await runGit(repository, ['log', `--format=${format}%x1e`, ...range])

  const changes: GitChange[] = []
  for (const entry of output.split(record)) {
    const parts = entry.replace(/^\n/, '').split(field)
    if (parts.length < 10) continue
    const [
      sha = '',
      parents = '',
      an = '',
      ae = '',
      aI = '',
      cn = '',
      ce = '',
      cI = '',
      subject = '',
      body = '',
    ] = parts
    const message = `${subject}\n${body}`
    const parentCount = parents.trim() === '' ? 0 : parents.trim().split(' ').length
    let marked: number | undefined
    for (const marker of markers) {
      const n = marker.exec(message)?.[1]
      if (n !== undefined) {
        marked = Number(n)
        break
      }
    }
    const named = namedPullRequest(sha, marked, prByMerge, prByNumber)
    const exported = prByMerge.get(sha) ?? (named === undefined ? undefined : prByNumber.get(named))
    const route: GitChangeRoute =
      parentCount > 1
        ? named !== undefined
          ? 'merge-commit'
          : prByMerge.has(sha)
            ? 'pr-export'
            : 'merge-without-pr'
        : named !== undefined
          ? 'squash-pr-ref'
          : prByMerge.has(sha)
            ? 'pr-export'
            : 'direct-push'
    const labels = exported?.labels.map((l) => l.name) ?? []
    const emergency =
      emergencyPatterns.some((p) => p.test(message)) ||
      labels.some((l) => emergencyLabels.has(l.toLowerCase()))
    const number = exported?.number ?? named
    const change: GitChange = {
      kind: 'git.change',
      resourceKind: 'Commit',
      name: `${branch.name}@${sha.slice(0, 12)}${number === undefined ? '' : ` (#${number})`}`,
      file: label,
      sha,
      branch: branch.name,
      subject,
      title:
        exported?.title ??
        (parentCount > 1
          ? body
              .split('\n')
              .find((l) => l.trim() !== '')
              ?.trim()
          : undefined) ??
        subject,
      author: { name: an, email: ae },
      committer: { name: cn, email: ce },
      authoredAt: aI,
      committedAt: cI,
      parents: parentCount,
      route,
      mergedAt: exported?.mergedAt ?? cI,
      labels,
      emergency,
    }
    if (number !== undefined) change.pullRequest = number
    if (exported !== undefined) {
      if (exported.author != null) change.pullRequestAuthor = exported.author.login
      change.reviews = reviewsOf(exported)
    }
    const fromFile =
      ci?.get(sha) ?? (exported?.headRefOid === undefined ? undefined : ci?.get(exported.headRefOid))
    const fromRollup = exported === undefined ? undefined : rollupConclusion(exported)
    if (fromFile !== undefined) change.ci = { conclusion: fromFile, source: 'ci-status-file' }
    else if (fromRollup !== undefined) change.ci = { conclusion: fromRollup, source: 'pr-export' }
    changes.push(change)
  }

  const cut = cutByShallowClone(changes, await shallowBoundary(repository))
  if (cut !== undefined) {
    return unreadHistory(
      label,
      `a shallow clone: its history stops at ${cut.sha.slice(0, 12)} of ${cut.committedAt.slice(0, 10)}, inside the period ${from}..${to}, so the changes of the period before it were not read`,
      'fetch the whole history (git fetch --unshallow), or clone without --depth',
    )
  }
  const shaList = changes.map((c) => `${c.sha}\n`).join('')
  const history: GitHistory = {
    kind: 'git.history',
    resourceKind: 'GitRepository',
    name: label,
    file: label,
    branch: branch.name,
    head,
    from,
    to,
    changes: changes.length,
    query: `git log --format=%H ${range.join(' ')}`,
    shaListSha256: createHash('sha256').update(shaList).digest('hex'),
  }
  if (options.pullRequests !== undefined) history.pullRequestExport = options.pullRequests
  if (options.ciStatus !== undefined) history.ciStatusFile = options.ciStatus
  return {
    evidence: [history, ...changes],
    errors: [],
    inputs: [
      {
        file: label,
        collector: 'git-history',
        sha256: history.shaListSha256,
        bytes: output.length,
        items: changes.length + 1,
      },
    ],
  }
}

export const collectors: readonly SourceCollector[] = [
  defineSourceCollector({
    type: 'git-history',
    summary:
      'Every change that reached the default branch of a local git repository in the period (with PR and CI exports)',
    options: gitHistoryOptions,
    collect: collectGitHistory,
  }),
]
