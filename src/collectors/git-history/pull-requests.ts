import { z } from 'zod'
import type { GitReview } from '../../core/evidence-git.js'

/**
 * A merged pull request as `gh pr list --state merged --json …` prints it. Only the fields trustctl
 * uses are read; the rest of the export is ignored.
 */
const login = z.looseObject({ login: z.string() }).nullable().optional()

const checkEntry = z.looseObject({
  __typename: z.string().optional(),
  name: z.string().optional(),
  context: z.string().optional(),
  /** CheckRun: `SUCCESS`, `FAILURE`, `NEUTRAL`, `SKIPPED`, `CANCELLED`, `TIMED_OUT`… */
  conclusion: z.string().nullable().optional(),
  /** StatusContext: `SUCCESS`, `FAILURE`, `ERROR`, `PENDING`. */
  state: z.string().nullable().optional(),
})

export const pullRequestExport = z.array(
  z.looseObject({
    number: z.number().int(),
    title: z.string().optional(),
    author: login,
    mergedAt: z.string().nullable().optional(),
    mergeCommit: z.looseObject({ oid: z.string() }).nullable().optional(),
    headRefOid: z.string().optional(),
    reviews: z
      .array(
        z.looseObject({
          author: login,
          state: z.string(),
          submittedAt: z.string().nullable().optional(),
        }),
      )
      .default([]),
    labels: z.array(z.looseObject({ name: z.string() })).default([]),
    statusCheckRollup: z.array(checkEntry).optional(),
  }),
)

export type PullRequest = z.infer<typeof pullRequestExport>[number]

export function reviewsOf(pr: PullRequest): GitReview[] {
  return pr.reviews.map((r) => {
    const review: GitReview = { reviewer: r.author?.login ?? '(deleted user)', state: r.state }
    if (r.submittedAt != null) review.submittedAt = r.submittedAt
    return review
  })
}

const failing = new Set([
  'FAILURE',
  'ERROR',
  'CANCELLED',
  'TIMED_OUT',
  'ACTION_REQUIRED',
  'STARTUP_FAILURE',
  'STALE',
])
const passing = new Set(['SUCCESS', 'NEUTRAL', 'SKIPPED'])

/**
 * The overall CI conclusion of a pull request from its status-check rollup: any failing check fails
 * it, finished checks of which one succeeded pass it, only skipped or neutral ones are `skipped`, and
 * anything else (pending, no checks) leaves it unknown.
 */
export function rollupConclusion(pr: PullRequest): string | undefined {
  const entries = pr.statusCheckRollup ?? []
  if (entries.length === 0) return undefined
  const states = entries.map((e) => (e.conclusion ?? e.state ?? '').toUpperCase())
  if (states.some((s) => failing.has(s))) return 'failure'
  // Checks that were all skipped or neutral tested nothing: GitHub lets such a pull request merge,
  // but it is not CI passing on the change (a CI map's "skipped" is no pass either).
  if (states.every((s) => passing.has(s))) return states.includes('SUCCESS') ? 'success' : 'skipped'
  return 'pending'
}

/**
 * A CI status export: commit sha → conclusion, either as a plain string or an object with a
 * `conclusion` (as `gh run list --json headSha,conclusion` gives, reduced to a map).
 */
export const ciStatusExport = z.union([
  z.record(z.string(), z.union([z.string(), z.looseObject({ conclusion: z.string().nullable() })])),
  z.array(z.looseObject({ headSha: z.string(), conclusion: z.string().nullable() })),
])

export function ciStatusMap(data: z.infer<typeof ciStatusExport>): Map<string, string> {
  const map = new Map<string, string>()
  if (Array.isArray(data)) {
    // `gh run list` lists several runs per commit: a failure anywhere outweighs a success.
    for (const run of data) {
      const conclusion = (run.conclusion ?? 'pending').toLowerCase()
      const before = map.get(run.headSha)
      if (before === undefined || before === 'success') map.set(run.headSha, conclusion)
    }
    return map
  }
  for (const [sha, value] of Object.entries(data)) {
    const conclusion = typeof value === 'string' ? value : (value.conclusion ?? 'pending')
    map.set(sha, conclusion.toLowerCase())
  }
  return map
}
