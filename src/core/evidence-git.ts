import type { EvidenceBase } from './evidence.js'

/**
 * The git history of a repository: every change that reached the default branch, the population an auditor samples from.
 * Collectors fill these shapes; checks read them. Evidence states facts only.
 */

export interface GitPerson {
  name: string
  email: string
}

/** A review of the pull request a change came through, as the pull-request export records it. */
export interface GitReview {
  /** The reviewer's login on the code host. */
  reviewer: string
  /** `APPROVED`, `CHANGES_REQUESTED`, `COMMENTED`, `DISMISSED`… */
  state: string
  submittedAt?: string
}

/** How a change reached the branch. */
export type GitChangeRoute =
  /** A merge commit whose message names a pull request (`Merge pull request #12 …`). */
  | 'merge-commit'
  /** A single-parent commit whose subject ends in the pull request reference (`… (#12)`). */
  | 'squash-pr-ref'
  /** A commit the pull-request export lists as the merge commit of a pull request. */
  | 'pr-export'
  /** A merge commit that names no pull request: it may have been merged locally and pushed. */
  | 'merge-without-pr'
  /** A single-parent commit no pull request accounts for. */
  | 'direct-push'

/** One change that reached the branch in the period (one first-parent commit). */
export interface GitChange extends EvidenceBase {
  kind: 'git.change'
  resourceKind: 'Commit'
  /** The short sha; `sha` holds the full one. */
  name: string
  sha: string
  /** The first line of the commit message. */
  subject: string
  /** What the change is: the pull request's title when known (a merge commit's subject names only the branch). */
  title: string
  author: GitPerson
  committer: GitPerson
  authoredAt: string
  committedAt: string
  parents: number
  route: GitChangeRoute
  pullRequest?: number
  /** The pull request author's login, when the export has the pull request. */
  pullRequestAuthor?: string
  /** When the pull request was merged (the export's `mergedAt`), else the commit date. */
  mergedAt: string
  /** Reviews of the pull request; undefined when no pull-request export covers this change. */
  reviews?: GitReview[]
  /** Labels of the pull request (from the export). */
  labels: string[]
  /** CI conclusion for this change (`success`, `failure`…); undefined when nothing recorded it. */
  ci?: { conclusion: string; source: 'ci-status-file' | 'pr-export' }
  /** True when the commit message or a label matches an emergency pattern. */
  emergency: boolean
}

/** The population: which changes were listed, how, and a hash of the list an auditor can recompute. */
export interface GitHistory extends EvidenceBase {
  kind: 'git.history'
  resourceKind: 'GitRepository'
  branch: string
  head: string
  from: string
  to: string
  changes: number
  /** The exact git command that listed the population. */
  query: string
  /** sha256 of the listed shas, one per line in the order git printed them. */
  shaListSha256: string
  pullRequestExport?: string
  ciStatusFile?: string
}

/** Evidence kinds of this domain by name; `evidence.ts` joins them into `EvidenceKinds`. */
export interface GitEvidenceKinds {
  'git.change': GitChange
  'git.history': GitHistory
}

export const gitEvidenceKinds: readonly (keyof GitEvidenceKinds)[] = ['git.change', 'git.history']
