/**
 * GitHub organizations and repositories: branch protection, rulesets, reviews, required checks, org
 * settings. Collectors fill these shapes (live from the REST API or offline from exported JSON);
 * checks read them. Evidence states facts only.
 *
 * Conventions for every kind below:
 * - A field left undefined was not readable (the token lacks the permission, the export lacks the
 *   file). Checks treat undefined as "cannot tell", never as the good state.
 * - `null` means the setting is known to be absent (the branch has no classic protection).
 * - `name` is the organization login or the repository's `owner/name`; `file` is where it was read
 *   (`https://api.github.com/repos/acme/api` live, the exported folder's file offline).
 */
import type { EvidenceBase } from './evidence.js'

/** The repository role names GitHub reports, weakest first. */
export type GitHubPermission = 'read' | 'triage' | 'write' | 'maintain' | 'admin'

export interface GitHubOrganization extends EvidenceBase {
  kind: 'github.organization'
  resourceKind: 'GitHubOrganization'
  /** Members must have two-factor authentication on (visible to organization owners only). */
  twoFactorRequirementEnabled?: boolean
  /** The base role every member has on every repository: `read`, `write`, `admin` or `none`. */
  defaultRepositoryPermission?: string
  membersCanCreateRepositories?: boolean
  membersCanCreatePublicRepositories?: boolean
  membersCanForkPrivateRepositories?: boolean
  /** Commits made in the web interface must carry a sign-off. */
  webCommitSignoffRequired?: boolean
  /** Defaults the organization applies to repositories created from now on. */
  secretScanningEnabledForNewRepositories?: boolean
  secretScanningPushProtectionEnabledForNewRepositories?: boolean
  dependabotAlertsEnabledForNewRepositories?: boolean
  dependabotSecurityUpdatesEnabledForNewRepositories?: boolean
  /** Logins of the organization's outside collaborators (people with repository access who are not members). */
  outsideCollaborators?: string[]
  /**
   * Outside collaborators holding the admin role, with the repositories where they hold it, among the
   * repositories read. Undefined when no repository's collaborators could be read.
   */
  outsideCollaboratorsWithAdmin?: { login: string; repositories: string[] }[]
}

/** Classic branch protection of one branch, as `GET /repos/{owner}/{repo}/branches/{branch}/protection` returns it. */
export interface GitHubBranchProtection {
  /** Undefined when pull requests are not required. */
  requiredPullRequestReviews?: {
    requiredApprovingReviewCount: number
    dismissStaleReviews: boolean
    requireCodeOwnerReviews: boolean
    requireLastPushApproval: boolean
    /** Users, teams or apps allowed to push without a pull request. */
    bypassAllowances: string[]
  }
  /** Undefined when no status check is required. */
  requiredStatusChecks?: { strict: boolean; contexts: string[] }
  /** The rules apply to administrators too. */
  enforceAdmins: boolean
  requiredSignatures?: boolean
  requiredLinearHistory: boolean
  allowForcePushes: boolean
  allowDeletions: boolean
  requiredConversationResolution: boolean
  lockBranch: boolean
  /** Who may push at all (undefined: anyone with write access). */
  pushRestrictions?: string[]
}

/** One active rule on a branch, from a repository or organization ruleset. */
export interface GitHubRule {
  /** GitHub's rule type: `pull_request`, `required_status_checks`, `non_fast_forward`, `deletion`, … */
  type: string
  rulesetId: number
  /** `pull_request` */
  requiredApprovingReviewCount?: number
  dismissStaleReviewsOnPush?: boolean
  requireCodeOwnerReview?: boolean
  requireLastPushApproval?: boolean
  /** `required_status_checks` */
  requiredStatusChecks?: string[]
  strictRequiredStatusChecks?: boolean
}

/** A ruleset with rules on the default branch. */
export interface GitHubRuleset {
  id: number
  name?: string
  /** `active`, `evaluate` (reports only) or `disabled`. */
  enforcement?: string
  /** `Repository` or `Organization`. */
  sourceType?: string
  /**
   * Who may bypass the ruleset: actor type (`RepositoryRole`, `OrganizationAdmin`, `Team`,
   * `Integration`, `DeployKey`), its id (repository role 5 is admin), and `always` or `pull_request`.
   * Undefined when the ruleset's details could not be read.
   */
  bypassActors?: { actorType: string; actorId?: number; bypassMode: string }[]
}

export interface GitHubRepository extends EvidenceBase {
  kind: 'github.repository'
  resourceKind: 'GitHubRepository'
  owner: string
  defaultBranch: string
  /** `public`, `private` or `internal`. */
  visibility: string
  archived: boolean
  fork: boolean
  /** Classic protection of the default branch: null when the branch has none. */
  defaultBranchProtection?: GitHubBranchProtection | null
  /** Rules that apply to the default branch, from every ruleset (repository and organization). */
  defaultBranchRules?: GitHubRule[]
  /** The rulesets those rules come from. */
  rulesets?: GitHubRuleset[]
  secretScanning?: boolean
  secretScanningPushProtection?: boolean
  dependabotAlerts?: boolean
  dependabotSecurityUpdates?: boolean
  /** Outside collaborators of this repository and the role each holds. */
  outsideCollaborators?: { login: string; permission: GitHubPermission }[]
}

/** Evidence kinds of this domain by name; `evidence.ts` joins them into `EvidenceKinds`. */
export interface VcsEvidenceKinds {
  'github.organization': GitHubOrganization
  'github.repository': GitHubRepository
}

export const vcsEvidenceKinds: readonly (keyof VcsEvidenceKinds)[] = [
  'github.organization',
  'github.repository',
]
