import { z } from 'zod'
import type { CollectionError, EvidenceItem } from '../../core/evidence.js'
import type {
  GitHubBranchProtection,
  GitHubOrganization,
  GitHubPermission,
  GitHubRepository,
  GitHubRule,
  GitHubRuleset,
} from '../../core/evidence-vcs.js'
import type { CollectedInput, FileCollection } from '../source-collector.js'
import {
  automatedSecurityFixesBody,
  branchProtectionBody,
  branchRulesBody,
  collaboratorListBody,
  errorBody,
  organizationBody,
  repositoryBody,
  repositoryListBody,
  rulesetBody,
  userListBody,
} from './payloads.js'

/** One answer of the REST API, live or from an export. */
export interface GitHubResponse {
  /** The HTTP status; 0 when an export does not hold the endpoint at all. */
  status: number
  body: unknown
  /** Where it was read: the URL (never with credentials) or the exported file. */
  where: string
  /** Live only: what GitHub says the endpoint needs (`x-accepted-github-permissions`). */
  acceptedPermissions?: string
  /** Set when the body could not be parsed at all: what is wrong and where. */
  invalid?: string
}

/** Reads REST endpoints (`repos/acme/api`, query allowed) from GitHub itself or from an export. */
export interface GitHubReader {
  get(endpoint: string): Promise<GitHubResponse>
  /** A GET that follows every page and joins the pages' arrays into one. */
  getAll(endpoint: string): Promise<GitHubResponse>
  /** Offline only: the repositories an export holds, when no list says which to read. */
  discoverRepositories?(): Promise<string[]>
  /** Every response read, with the hash of its bytes. */
  readonly inputs: CollectedInput[]
}

export interface GitHubTarget {
  organization?: string | undefined
  /** `name` (in the organization) or `owner/name`. */
  repositories?: readonly string[] | undefined
}

/**
 * What each endpoint needs, for errors that say how to fix a 403: the fine-grained permission and
 * the classic scope, and the role on the repository or organization where GitHub requires one.
 */
const permissionNeeded = {
  organization:
    'organization Administration: read (fine-grained) or read:org (classic), as an organization owner',
  outsideCollaborators: 'organization Members: read (fine-grained) or read:org (classic)',
  repositories: 'repository Metadata: read (fine-grained) or repo (classic)',
  protection:
    'repository Administration: read (fine-grained) or repo (classic), with the admin role on the repository',
  rules: 'repository Metadata: read (fine-grained) or repo (classic)',
  ruleset: 'repository Administration: read (fine-grained) or repo (classic), to see who may bypass it',
  vulnerabilityAlerts: 'repository Administration: read (fine-grained) or repo (classic)',
  securityFixes: 'repository Administration: read (fine-grained) or repo (classic)',
  collaborators:
    'repository Metadata: read (fine-grained) or repo (classic), with push access to the repository',
} as const

type Need = keyof typeof permissionNeeded

/** Reads an organization and its repositories into evidence; what cannot be read becomes an error and an undefined fact. */
export async function readGitHub(reader: GitHubReader, target: GitHubTarget): Promise<FileCollection> {
  const evidence: EvidenceItem[] = []
  const errors: CollectionError[] = []
  const session = new Session(reader, errors)

  let organization: GitHubOrganization | undefined
  if (target.organization !== undefined) organization = await readOrganization(session, target.organization)

  const names = await listRepositories(session, reader, target)
  const repositories: GitHubRepository[] = []
  for (const fullName of names) {
    const repository = await readRepository(session, fullName)
    if (repository !== undefined) repositories.push(repository)
  }

  if (organization !== undefined) {
    const outside = organization.outsideCollaborators
    // A repository lists outside collaborators only; the org list, where read, confirms they are not members.
    const admins = new Map<string, string[]>()
    let anyRead = false
    for (const repository of repositories) {
      if (repository.owner.toLowerCase() !== organization.name.toLowerCase()) continue
      if (repository.outsideCollaborators === undefined) continue
      anyRead = true
      for (const c of repository.outsideCollaborators) {
        if (c.permission !== 'admin') continue
        if (outside !== undefined && !outside.some((o) => o.toLowerCase() === c.login.toLowerCase())) continue
        admins.set(c.login, [...(admins.get(c.login) ?? []), repository.name])
      }
    }
    if (anyRead)
      organization.outsideCollaboratorsWithAdmin = [...admins].map(([login, repos]) => ({
        login,
        repositories: repos,
      }))
    evidence.push(organization)
  }
  evidence.push(...repositories)
  return { evidence, errors, inputs: reader.inputs }
}

/** Reads endpoints, validates bodies and turns failures into errors that name the subject and the fix. */
class Session {
  /** Where the last answer came from, for the `file` of the evidence built from it. */
  lastWhere = ''

  constructor(
    readonly reader: GitHubReader,
    readonly errors: CollectionError[],
  ) {}

  /**
   * The parsed body on success; `null` when the endpoint answered 404 (absent) and `absentIs404`;
   * undefined when it could not be read (an error is recorded unless the export lacks it).
   */
  async read<T>(
    endpoint: string,
    schema: z.ZodType<T>,
    subject: string,
    what: string,
    need: Need,
    options: { all?: boolean; required?: boolean; absentIs404?: (message: string) => boolean } = {},
  ): Promise<T | null | undefined> {
    const response =
      options.all === true ? await this.reader.getAll(endpoint) : await this.reader.get(endpoint)
    this.lastWhere = response.where
    if (response.invalid !== undefined) {
      this.errors.push({ file: response.where, message: `${subject}: ${what}: ${response.invalid}` })
      return undefined
    }
    if (response.status === 0) {
      if (options.required === true)
        this.errors.push({
          file: response.where,
          message: `${subject}: the export does not hold ${what} (gh api ${endpoint.replace(/\?.*/, '')})`,
        })
      return undefined
    }
    if (response.status >= 200 && response.status < 300) {
      const parsed = schema.safeParse(response.body)
      if (parsed.success) return parsed.data
      const issue = parsed.error.issues[0]
      const at =
        issue === undefined ? '' : `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`
      this.errors.push({ file: response.where, message: `${subject}: ${what}: unexpected response: ${at}` })
      return undefined
    }
    const message = errorMessage(response.body)
    if (response.status === 404 && options.absentIs404?.(message) === true) return null
    const needed = response.acceptedPermissions
      ? `${response.acceptedPermissions} (as GitHub reports it)`
      : permissionNeeded[need]
    const reason =
      response.status === 403 || response.status === 401
        ? `the token lacks permission; it needs ${needed}`
        : response.status === 404
          ? `not found, or hidden from this token (it needs ${needed})`
          : `HTTP ${response.status}`
    this.errors.push({
      file: response.where,
      message: `${subject}: cannot read ${what} (${response.status}${message === '' ? '' : ` ${message}`}): ${reason}`,
    })
    return undefined
  }
}

function errorMessage(body: unknown): string {
  const parsed = errorBody.safeParse(body)
  return parsed.success ? parsed.data.message : ''
}

async function readOrganization(session: Session, org: string): Promise<GitHubOrganization | undefined> {
  const body = await session.read(
    `orgs/${org}`,
    organizationBody,
    org,
    'organization settings',
    'organization',
    {
      required: true,
    },
  )
  if (body === undefined || body === null) return undefined
  const item: GitHubOrganization = {
    kind: 'github.organization',
    resourceKind: 'GitHubOrganization',
    name: body.login,
    file: session.lastWhere,
  }
  setIfDefined(item, 'twoFactorRequirementEnabled', body.two_factor_requirement_enabled)
  setIfDefined(item, 'defaultRepositoryPermission', body.default_repository_permission)
  setIfDefined(item, 'membersCanCreateRepositories', body.members_can_create_repositories)
  setIfDefined(item, 'membersCanCreatePublicRepositories', body.members_can_create_public_repositories)
  setIfDefined(item, 'membersCanForkPrivateRepositories', body.members_can_fork_private_repositories)
  setIfDefined(item, 'webCommitSignoffRequired', body.web_commit_signoff_required)
  setIfDefined(
    item,
    'secretScanningEnabledForNewRepositories',
    body.secret_scanning_enabled_for_new_repositories,
  )
  setIfDefined(
    item,
    'secretScanningPushProtectionEnabledForNewRepositories',
    body.secret_scanning_push_protection_enabled_for_new_repositories,
  )
  setIfDefined(
    item,
    'dependabotAlertsEnabledForNewRepositories',
    body.dependabot_alerts_enabled_for_new_repositories,
  )
  setIfDefined(
    item,
    'dependabotSecurityUpdatesEnabledForNewRepositories',
    body.dependabot_security_updates_enabled_for_new_repositories,
  )
  const outside = await session.read(
    `orgs/${org}/outside_collaborators?per_page=100`,
    userListBody,
    org,
    'outside collaborators',
    'outsideCollaborators',
    { all: true },
  )
  if (outside) item.outsideCollaborators = outside.map((u) => u.login)
  // Members join the HR roster by login (people checks); an export without the list leaves it unknown.
  const members = await session.read(
    `orgs/${org}/members?per_page=100`,
    userListBody,
    org,
    'organization members',
    'outsideCollaborators',
    { all: true },
  )
  if (members) item.members = members.map((u) => u.login)
  return item
}

async function listRepositories(
  session: Session,
  reader: GitHubReader,
  target: GitHubTarget,
): Promise<string[]> {
  if (target.repositories !== undefined && target.repositories.length > 0) {
    return target.repositories.map((r) =>
      r.includes('/') || target.organization === undefined ? r : `${target.organization}/${r}`,
    )
  }
  if (target.organization !== undefined) {
    const listed = await session.read(
      `orgs/${target.organization}/repos?type=all&per_page=100`,
      repositoryListBody,
      target.organization,
      'the repository list',
      'repositories',
      { all: true },
    )
    if (listed) return listed.map((r) => r.full_name)
  }
  return (await reader.discoverRepositories?.()) ?? []
}

async function readRepository(session: Session, fullName: string): Promise<GitHubRepository | undefined> {
  const base = `repos/${fullName}`
  const body = await session.read(base, repositoryBody, fullName, 'the repository', 'repositories', {
    required: true,
  })
  if (body === undefined || body === null) return undefined
  const file = session.lastWhere
  const branch = body.default_branch
  const analysis = body.security_and_analysis
  const repository: GitHubRepository = {
    kind: 'github.repository',
    resourceKind: 'GitHubRepository',
    name: body.full_name,
    file,
    owner: body.owner.login,
    defaultBranch: branch,
    visibility: body.visibility ?? (body.private ? 'private' : 'public'),
    archived: body.archived ?? false,
    fork: body.fork ?? false,
  }
  setIfDefined(repository, 'secretScanning', isEnabled(analysis?.secret_scanning?.status))
  setIfDefined(
    repository,
    'secretScanningPushProtection',
    isEnabled(analysis?.secret_scanning_push_protection?.status),
  )
  setIfDefined(
    repository,
    'dependabotSecurityUpdates',
    isEnabled(analysis?.dependabot_security_updates?.status),
  )

  const branchPath = `${base}/branches/${encodeBranch(branch)}`
  const protection = await session.read(
    `${branchPath}/protection`,
    branchProtectionBody,
    fullName,
    `branch protection of ${branch}`,
    'protection',
    { absentIs404: (m) => /not protected/i.test(m) },
  )
  if (protection !== undefined) repository.defaultBranchProtection = protection && toProtection(protection)

  const rules = await session.read(
    `${base}/rules/branches/${encodeBranch(branch)}?per_page=100`,
    branchRulesBody,
    fullName,
    `rules on ${branch}`,
    'rules',
    { all: true },
  )
  if (rules) {
    repository.defaultBranchRules = rules.map(toRule)
    const rulesets: GitHubRuleset[] = []
    for (const id of [...new Set(rules.map((r) => r.ruleset_id))]) {
      const detail = await session.read(
        `${base}/rulesets/${id}?includes_parents=true`,
        rulesetBody,
        fullName,
        `ruleset ${id}`,
        'ruleset',
      )
      rulesets.push(detail ? toRuleset(detail) : { id })
    }
    repository.rulesets = rulesets
  }

  const alerts = await session.read(
    `${base}/vulnerability-alerts`,
    vulnerabilityAlertsBody,
    fullName,
    'the Dependabot alerts setting',
    'vulnerabilityAlerts',
    // 204 when on, 404 "Vulnerability alerts are disabled." when off.
    { absentIs404: (m) => /disabled/i.test(m) },
  )
  if (alerts !== undefined) repository.dependabotAlerts = alerts ?? false

  if (repository.dependabotSecurityUpdates === undefined) {
    const fixes = await session.read(
      `${base}/automated-security-fixes`,
      automatedSecurityFixesBody,
      fullName,
      'the Dependabot security updates setting',
      'securityFixes',
      { absentIs404: (m) => /disabled|not enabled/i.test(m) },
    )
    // Paused updates (no activity for 90 days) open no pull requests: not in effect.
    if (fixes !== undefined)
      repository.dependabotSecurityUpdates = fixes?.enabled === true && fixes.paused !== true
  }

  const collaborators = await session.read(
    `${base}/collaborators?affiliation=outside&per_page=100`,
    collaboratorListBody,
    fullName,
    'outside collaborators',
    'collaborators',
    { all: true },
  )
  if (collaborators)
    repository.outsideCollaborators = collaborators.map((c) => ({
      login: c.login,
      permission: toPermission(c),
    }))
  return repository
}

/** 204 No Content when on: no body. An export holds an empty file or `{"enabled": true}`. */
const vulnerabilityAlertsBody = z
  .union([z.undefined(), z.looseObject({ enabled: z.boolean() })])
  .transform((body) => body?.enabled ?? true)

/** Branch names may hold `/`, which GitHub's paths take as they are. */
function encodeBranch(branch: string): string {
  return branch.split('/').map(encodeURIComponent).join('/')
}

function isEnabled(status: string | undefined): boolean | undefined {
  if (status === undefined) return undefined
  return status === 'enabled'
}

function setIfDefined<T extends object, K extends keyof T>(
  item: T,
  key: K,
  value: T[K] | null | undefined,
): void {
  if (value !== undefined && value !== null) item[key] = value
}

function actors(list: z.infer<typeof branchProtectionBody>['restrictions']): string[] {
  if (list === undefined || list === null) return []
  return [...(list.users ?? []), ...(list.teams ?? []), ...(list.apps ?? [])].flatMap((a) => {
    const name = a.login ?? a.slug
    return name === undefined || name === null ? [] : [name]
  })
}

function toProtection(body: z.infer<typeof branchProtectionBody>): GitHubBranchProtection {
  const protection: GitHubBranchProtection = {
    enforceAdmins: body.enforce_admins?.enabled ?? false,
    requiredLinearHistory: body.required_linear_history?.enabled ?? false,
    allowForcePushes: body.allow_force_pushes?.enabled ?? false,
    allowDeletions: body.allow_deletions?.enabled ?? false,
    requiredConversationResolution: body.required_conversation_resolution?.enabled ?? false,
    lockBranch: body.lock_branch?.enabled ?? false,
  }
  // The protection body carries required_signatures only when the token may read it.
  if (body.required_signatures) protection.requiredSignatures = body.required_signatures.enabled
  const reviews = body.required_pull_request_reviews
  if (reviews) {
    protection.requiredPullRequestReviews = {
      requiredApprovingReviewCount: reviews.required_approving_review_count ?? 0,
      dismissStaleReviews: reviews.dismiss_stale_reviews ?? false,
      requireCodeOwnerReviews: reviews.require_code_owner_reviews ?? false,
      requireLastPushApproval: reviews.require_last_push_approval ?? false,
      bypassAllowances: actors(reviews.bypass_pull_request_allowances),
    }
  }
  const checks = body.required_status_checks
  if (checks) {
    const contexts = [...(checks.contexts ?? []), ...(checks.checks ?? []).map((c) => c.context)]
    protection.requiredStatusChecks = { strict: checks.strict ?? false, contexts: [...new Set(contexts)] }
  }
  if (body.restrictions) protection.pushRestrictions = actors(body.restrictions)
  return protection
}

function toRule(rule: z.infer<typeof branchRulesBody>[number]): GitHubRule {
  const out: GitHubRule = { type: rule.type, rulesetId: rule.ruleset_id }
  const p = rule.parameters
  if (p) {
    setIfDefined(out, 'requiredApprovingReviewCount', p.required_approving_review_count)
    setIfDefined(out, 'dismissStaleReviewsOnPush', p.dismiss_stale_reviews_on_push)
    setIfDefined(out, 'requireCodeOwnerReview', p.require_code_owner_review)
    setIfDefined(out, 'requireLastPushApproval', p.require_last_push_approval)
    if (p.required_status_checks) out.requiredStatusChecks = p.required_status_checks.map((c) => c.context)
    setIfDefined(out, 'strictRequiredStatusChecks', p.strict_required_status_checks_policy)
  }
  return out
}

function toRuleset(body: z.infer<typeof rulesetBody>): GitHubRuleset {
  const ruleset: GitHubRuleset = { id: body.id }
  setIfDefined(ruleset, 'name', body.name)
  setIfDefined(ruleset, 'enforcement', body.enforcement)
  setIfDefined(ruleset, 'sourceType', body.source_type)
  // GitHub leaves bypass_actors out for callers who may not manage the ruleset: unknown, not "none".
  if (body.bypass_actors)
    ruleset.bypassActors = body.bypass_actors.map((a) => {
      const actor: { actorType: string; actorId?: number; bypassMode: string } = {
        actorType: a.actor_type,
        bypassMode: a.bypass_mode ?? 'always',
      }
      if (a.actor_id !== undefined && a.actor_id !== null) actor.actorId = a.actor_id
      return actor
    })
  return ruleset
}

function toPermission(c: z.infer<typeof collaboratorListBody>[number]): GitHubPermission {
  const p = c.permissions
  if (p?.admin === true || c.role_name === 'admin') return 'admin'
  if (p?.maintain === true || c.role_name === 'maintain') return 'maintain'
  if (p?.push === true || c.role_name === 'write') return 'write'
  if (p?.triage === true || c.role_name === 'triage') return 'triage'
  return 'read'
}
