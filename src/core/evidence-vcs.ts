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
import { z } from 'zod'
import { deferredSchema } from './deferred-schema.js'
import { type EvidenceTypes, evidenceSchema } from './evidence-base.js'

const optionalBoolean = deferredSchema(() => z.boolean().exactOptional())

/** The repository role names GitHub reports, weakest first. */
export const gitHubPermissionSchema = deferredSchema(() =>
  z.enum(['read', 'triage', 'write', 'maintain', 'admin']),
)
export type GitHubPermission = z.output<typeof gitHubPermissionSchema>

export const gitHubOrganizationSchema = deferredSchema(() =>
  evidenceSchema('github.organization', {
    resourceKind: z.literal('GitHubOrganization'),
    /** Members must have two-factor authentication on (visible to organization owners only). */
    twoFactorRequirementEnabled: optionalBoolean,
    /** The base role every member has on every repository: `read`, `write`, `admin` or `none`. */
    defaultRepositoryPermission: z.string().exactOptional(),
    membersCanCreateRepositories: optionalBoolean,
    membersCanCreatePublicRepositories: optionalBoolean,
    membersCanForkPrivateRepositories: optionalBoolean,
    /** Commits made in the web interface must carry a sign-off. */
    webCommitSignoffRequired: optionalBoolean,
    /** Defaults the organization applies to repositories created from now on. */
    secretScanningEnabledForNewRepositories: optionalBoolean,
    secretScanningPushProtectionEnabledForNewRepositories: optionalBoolean,
    dependabotAlertsEnabledForNewRepositories: optionalBoolean,
    dependabotSecurityUpdatesEnabledForNewRepositories: optionalBoolean,
    /** When the organization was read (ISO 8601): the member list is judged as of it. */
    observedAt: z.string().exactOptional(),
    /** Logins of the organization's members; undefined when the member list was not read. */
    members: z.array(z.string()).exactOptional(),
    /** Logins of the organization's outside collaborators (people with repository access who are not members). */
    outsideCollaborators: z.array(z.string()).exactOptional(),
    /**
     * Outside collaborators holding the admin role, with the repositories where they hold it, among the
     * repositories read. Undefined when no repository's collaborators could be read.
     */
    outsideCollaboratorsWithAdmin: z
      .array(z.strictObject({ login: z.string(), repositories: z.array(z.string()) }))
      .exactOptional(),
  }),
)
export type GitHubOrganization = z.output<typeof gitHubOrganizationSchema>

/** Classic branch protection of one branch, as `GET /repos/{owner}/{repo}/branches/{branch}/protection` returns it. */
export const gitHubBranchProtectionSchema = deferredSchema(() =>
  z.strictObject({
    /** Undefined when pull requests are not required. */
    requiredPullRequestReviews: z
      .strictObject({
        requiredApprovingReviewCount: z.number().int().nonnegative(),
        dismissStaleReviews: z.boolean(),
        requireCodeOwnerReviews: z.boolean(),
        requireLastPushApproval: z.boolean(),
        /** Users, teams or apps allowed to push without a pull request. */
        bypassAllowances: z.array(z.string()),
      })
      .exactOptional(),
    /** Undefined when no status check is required. */
    requiredStatusChecks: z
      .strictObject({ strict: z.boolean(), contexts: z.array(z.string()) })
      .exactOptional(),
    /** The rules apply to administrators too. */
    enforceAdmins: z.boolean(),
    requiredSignatures: optionalBoolean,
    requiredLinearHistory: z.boolean(),
    allowForcePushes: z.boolean(),
    allowDeletions: z.boolean(),
    requiredConversationResolution: z.boolean(),
    lockBranch: z.boolean(),
    /** Who may push at all (undefined: anyone with write access). */
    pushRestrictions: z.array(z.string()).exactOptional(),
  }),
)
export type GitHubBranchProtection = z.output<typeof gitHubBranchProtectionSchema>

/** One active rule on a branch, from a repository or organization ruleset. */
export const gitHubRuleSchema = deferredSchema(() =>
  z.strictObject({
    /** GitHub's rule type: `pull_request`, `required_status_checks`, `non_fast_forward`, `deletion`, … */
    type: z.string(),
    rulesetId: z.number(),
    /** `pull_request` */
    requiredApprovingReviewCount: z.number().int().nonnegative().exactOptional(),
    dismissStaleReviewsOnPush: optionalBoolean,
    requireCodeOwnerReview: optionalBoolean,
    requireLastPushApproval: optionalBoolean,
    /** `required_status_checks` */
    requiredStatusChecks: z.array(z.string()).exactOptional(),
    strictRequiredStatusChecks: optionalBoolean,
  }),
)
export type GitHubRule = z.output<typeof gitHubRuleSchema>

/** A ruleset with rules on the default branch. */
export const gitHubRulesetSchema = deferredSchema(() =>
  z.strictObject({
    id: z.number(),
    name: z.string().exactOptional(),
    /** `active`, `evaluate` (reports only) or `disabled`. */
    enforcement: z.string().exactOptional(),
    /** `Repository` or `Organization`. */
    sourceType: z.string().exactOptional(),
    /**
     * Who may bypass the ruleset: actor type (`RepositoryRole`, `OrganizationAdmin`, `Team`,
     * `Integration`, `DeployKey`), its id (repository role 5 is admin), and `always` or `pull_request`.
     * Undefined when the ruleset's details could not be read.
     */
    bypassActors: z
      .array(
        z.strictObject({
          actorType: z.string(),
          actorId: z.number().exactOptional(),
          bypassMode: z.string(),
        }),
      )
      .exactOptional(),
  }),
)
export type GitHubRuleset = z.output<typeof gitHubRulesetSchema>

export const gitHubRepositorySchema = deferredSchema(() =>
  evidenceSchema('github.repository', {
    resourceKind: z.literal('GitHubRepository'),
    owner: z.string(),
    defaultBranch: z.string(),
    /** `public`, `private` or `internal`. */
    visibility: z.string(),
    archived: z.boolean(),
    fork: z.boolean(),
    /** Classic protection of the default branch: null when the branch has none. */
    defaultBranchProtection: gitHubBranchProtectionSchema.nullable().exactOptional(),
    /** Rules that apply to the default branch, from every ruleset (repository and organization). */
    defaultBranchRules: z.array(gitHubRuleSchema).exactOptional(),
    /** The rulesets those rules come from. */
    rulesets: z.array(gitHubRulesetSchema).exactOptional(),
    secretScanning: optionalBoolean,
    secretScanningPushProtection: optionalBoolean,
    dependabotAlerts: optionalBoolean,
    dependabotSecurityUpdates: optionalBoolean,
    /** Outside collaborators of this repository and the role each holds. */
    outsideCollaborators: z
      .array(z.strictObject({ login: z.string(), permission: gitHubPermissionSchema }))
      .exactOptional(),
  }),
)
export type GitHubRepository = z.output<typeof gitHubRepositorySchema>

/** Evidence kinds of this domain by name; `evidence.ts` joins them into the registry. */
export const vcsEvidenceSchemas = {
  'github.organization': gitHubOrganizationSchema,
  'github.repository': gitHubRepositorySchema,
} as const
export type VcsEvidenceKinds = EvidenceTypes<typeof vcsEvidenceSchemas>
