import { z } from 'zod'

/**
 * The parts of GitHub REST API bodies that evidence is made of. Loose objects: GitHub adds fields
 * often and leaves out those the token may not see, so only the types of what we read are enforced.
 */

const status = z.looseObject({ status: z.string() }).nullish()

export const organizationBody = z.looseObject({
  login: z.string(),
  two_factor_requirement_enabled: z.boolean().nullish(),
  default_repository_permission: z.string().nullish(),
  members_can_create_repositories: z.boolean().nullish(),
  members_can_create_public_repositories: z.boolean().nullish(),
  members_can_fork_private_repositories: z.boolean().nullish(),
  web_commit_signoff_required: z.boolean().nullish(),
  secret_scanning_enabled_for_new_repositories: z.boolean().nullish(),
  secret_scanning_push_protection_enabled_for_new_repositories: z.boolean().nullish(),
  dependabot_alerts_enabled_for_new_repositories: z.boolean().nullish(),
  dependabot_security_updates_enabled_for_new_repositories: z.boolean().nullish(),
})

export const userListBody = z.array(z.looseObject({ login: z.string() }))

export const repositoryListBody = z.array(
  z.looseObject({ name: z.string(), full_name: z.string(), archived: z.boolean().nullish() }),
)

export const repositoryBody = z.looseObject({
  name: z.string(),
  full_name: z.string(),
  owner: z.looseObject({ login: z.string() }),
  default_branch: z.string(),
  private: z.boolean(),
  visibility: z.string().nullish(),
  archived: z.boolean().nullish(),
  fork: z.boolean().nullish(),
  security_and_analysis: z
    .looseObject({
      secret_scanning: status,
      secret_scanning_push_protection: status,
      dependabot_security_updates: status,
    })
    .nullish(),
})

const enabled = z.looseObject({ enabled: z.boolean() }).nullish()
const actorList = z
  .array(z.looseObject({ login: z.string().nullish(), slug: z.string().nullish() }))
  .nullish()

export const branchProtectionBody = z.looseObject({
  required_pull_request_reviews: z
    .looseObject({
      required_approving_review_count: z.number().int().nullish(),
      dismiss_stale_reviews: z.boolean().nullish(),
      require_code_owner_reviews: z.boolean().nullish(),
      require_last_push_approval: z.boolean().nullish(),
      bypass_pull_request_allowances: z
        .looseObject({ users: actorList, teams: actorList, apps: actorList })
        .nullish(),
    })
    .nullish(),
  required_status_checks: z
    .looseObject({
      strict: z.boolean().nullish(),
      contexts: z.array(z.string()).nullish(),
      checks: z.array(z.looseObject({ context: z.string() })).nullish(),
    })
    .nullish(),
  enforce_admins: enabled,
  required_signatures: enabled,
  required_linear_history: enabled,
  allow_force_pushes: enabled,
  allow_deletions: enabled,
  required_conversation_resolution: enabled,
  lock_branch: enabled,
  restrictions: z.looseObject({ users: actorList, teams: actorList, apps: actorList }).nullish(),
})

export const branchRulesBody = z.array(
  z.looseObject({
    type: z.string(),
    ruleset_id: z.number().int(),
    parameters: z
      .looseObject({
        required_approving_review_count: z.number().int().nullish(),
        dismiss_stale_reviews_on_push: z.boolean().nullish(),
        require_code_owner_review: z.boolean().nullish(),
        require_last_push_approval: z.boolean().nullish(),
        required_status_checks: z.array(z.looseObject({ context: z.string() })).nullish(),
        strict_required_status_checks_policy: z.boolean().nullish(),
      })
      .nullish(),
  }),
)

export const rulesetBody = z.looseObject({
  id: z.number().int(),
  name: z.string().nullish(),
  enforcement: z.string().nullish(),
  source_type: z.string().nullish(),
  bypass_actors: z
    .array(
      z.looseObject({
        actor_type: z.string(),
        actor_id: z.number().int().nullish(),
        bypass_mode: z.string().nullish(),
      }),
    )
    .nullish(),
})

export const automatedSecurityFixesBody = z.looseObject({
  enabled: z.boolean(),
  paused: z.boolean().nullish(),
})

export const collaboratorListBody = z.array(
  z.looseObject({
    login: z.string(),
    role_name: z.string().nullish(),
    permissions: z
      .looseObject({
        admin: z.boolean().nullish(),
        maintain: z.boolean().nullish(),
        push: z.boolean().nullish(),
        triage: z.boolean().nullish(),
        pull: z.boolean().nullish(),
      })
      .nullish(),
  }),
)

/** The body GitHub sends with an error status (`gh api` prints it too, so exports may hold it). */
export const errorBody = z.looseObject({
  message: z.string(),
  status: z.union([z.string(), z.number()]).optional(),
  documentation_url: z.string().optional(),
})
