import { z } from 'zod'
import { deferredSchema } from './deferred-schema.js'
import { type EvidenceTypes, evidenceSchema } from './evidence-base.js'

/**
 * The git history of a repository: every change that reached the default branch, the population an auditor samples from.
 * Collectors fill these shapes; checks read them. Evidence states facts only.
 */

export const gitPersonSchema = deferredSchema(() =>
  z.strictObject({
    name: z.string(),
    email: z.string(),
  }),
)
export type GitPerson = z.output<typeof gitPersonSchema>

/** A review of the pull request a change came through, as the pull-request export records it. */
export const gitReviewSchema = deferredSchema(() =>
  z.strictObject({
    /** The reviewer's login on the code host. */
    reviewer: z.string(),
    /** `APPROVED`, `CHANGES_REQUESTED`, `COMMENTED`, `DISMISSED`… */
    state: z.string(),
    submittedAt: z.string().exactOptional(),
  }),
)
export type GitReview = z.output<typeof gitReviewSchema>

/**
 * How a change reached the branch:
 * - `merge-commit`: a merge commit whose message names a pull request (`Merge pull request #12 …`);
 * - `squash-pr-ref`: a single-parent commit whose subject ends in the pull request reference (`… (#12)`);
 * - `pr-export`: a commit the pull-request export lists as the merge commit of a pull request;
 * - `merge-without-pr`: a merge commit that names no pull request: it may have been merged locally and pushed;
 * - `direct-push`: a single-parent commit no pull request accounts for.
 */
export const gitChangeRouteSchema = deferredSchema(() =>
  z.enum(['merge-commit', 'squash-pr-ref', 'pr-export', 'merge-without-pr', 'direct-push']),
)
export type GitChangeRoute = z.output<typeof gitChangeRouteSchema>

/** One change that reached the branch in the period (one first-parent commit). */
export const gitChangeSchema = deferredSchema(() =>
  evidenceSchema('git.change', {
    resourceKind: z.literal('Commit'),
    /**
     * `<branch>@<short sha>`, with ` (#<pull request>)` when one is known: the change as an auditor
     * finds it (a sha alone does not say where it landed). `sha` holds the full one.
     */
    name: z.string().min(1),
    sha: z.string(),
    /** The branch the change reached (the history's branch). */
    branch: z.string().exactOptional(),
    /** The first line of the commit message. */
    subject: z.string(),
    /** What the change is: the pull request's title when known (a merge commit's subject names only the branch). */
    title: z.string(),
    author: gitPersonSchema,
    committer: gitPersonSchema,
    authoredAt: z.string(),
    committedAt: z.string(),
    parents: z.number().int().nonnegative(),
    route: gitChangeRouteSchema,
    pullRequest: z.number().exactOptional(),
    /** The pull request author's login, when the export has the pull request. */
    pullRequestAuthor: z.string().exactOptional(),
    /** When the pull request was merged (the export's `mergedAt`), else the commit date. */
    mergedAt: z.string(),
    /** Reviews of the pull request; undefined when no pull-request export covers this change. */
    reviews: z.array(gitReviewSchema).exactOptional(),
    /** Labels of the pull request (from the export). */
    labels: z.array(z.string()),
    /** CI conclusion for this change (`success`, `failure`…); undefined when nothing recorded it. */
    ci: z
      .strictObject({ conclusion: z.string(), source: z.enum(['ci-status-file', 'pr-export']) })
      .exactOptional(),
    /** True when the commit message or a label matches an emergency pattern. */
    emergency: z.boolean(),
  }),
)
export type GitChange = z.output<typeof gitChangeSchema>

/** The population: which changes were listed, how, and a hash of the list an auditor can recompute. */
export const gitHistorySchema = deferredSchema(() =>
  evidenceSchema('git.history', {
    resourceKind: z.literal('GitRepository'),
    branch: z.string(),
    head: z.string(),
    from: z.string(),
    to: z.string(),
    changes: z.number().int().nonnegative(),
    /** The exact git command that listed the population. */
    query: z.string(),
    /** sha256 of the listed shas, one per line in the order git printed them. */
    shaListSha256: z.string(),
    pullRequestExport: z.string().exactOptional(),
    ciStatusFile: z.string().exactOptional(),
  }),
)
export type GitHistory = z.output<typeof gitHistorySchema>

/** Evidence kinds of this domain by name; `evidence.ts` joins them into the registry. */
export const gitEvidenceSchemas = {
  'git.change': gitChangeSchema,
  'git.history': gitHistorySchema,
} as const
export type GitEvidenceKinds = EvidenceTypes<typeof gitEvidenceSchemas>
