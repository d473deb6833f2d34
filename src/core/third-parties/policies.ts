import { z } from 'zod'
import type { OwnerRole } from '../catalog.js'
import { isoDuration, ownerRoles } from '../catalog.js'
import type { PolicyApproval } from '../config-third-parties.js'
import { addDuration } from '../dates.js'
import { deferredSchema } from '../deferred-schema.js'
import { ConfigError } from '../errors.js'
import type { Gap } from '../gap.js'
import type { GapContext } from './gap-context.js'

/** The front matter of a policy template (catalog/policies/<id>.md). */
export const policyMetaSchema = deferredSchema(() =>
  z.strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be the kebab-case file name'),
    title: z.string().min(5),
    kind: z.enum(['policy', 'procedure']),
    owner: z.enum(ownerRoles),
    version: z.string().regex(/^\d+\.\d+(\.\d+)?$/, 'must be a version such as 1.0'),
    reviewEvery: isoDuration,
    controls: z.array(z.string().min(1)).min(1),
    criteria: z.array(z.string().regex(/^(CC[1-9]|A1|C1|PI1|P[1-8])\.\d+$/)).min(1),
  }),
)
export type PolicyMeta = z.infer<typeof policyMetaSchema>

export interface PolicyTemplate {
  meta: PolicyMeta
  /** Markdown with {{placeholders}}. */
  body: string
  file: string
}

export type PolicyState = 'current' | 'review-overdue' | 'not-approved' | 'outdated-version'

export interface PolicyStatus {
  id: string
  title: string
  kind: PolicyMeta['kind']
  ownerRole: OwnerRole
  owner: string
  version: string
  controls: string[]
  criteria: string[]
  state: PolicyState
  approval?: { version: string; approvedBy: string; date: string; reference?: string }
  reviewEvery: string
  nextReview?: string
}

/** The values a template may use. */
export interface PolicyDetails {
  organization: string
  system: string
  systemDescription: string
  owners: Partial<Record<OwnerRole, string>>
  asOf: string
}

const placeholder = /\{\{\s*([a-zA-Z][\w.]*)\s*\}\}/g

/** Names a template may use: organization, system, owner, version, approval fields and owners.<role>. */
export function placeholderValues(
  template: PolicyTemplate,
  details: PolicyDetails,
  approval: PolicyApproval | undefined,
): Record<string, string> {
  const ownerOf = (role: OwnerRole): string => details.owners[role] ?? `the ${role} owner`
  const values: Record<string, string> = {
    organization: details.organization,
    system: details.system,
    systemDescription: details.systemDescription,
    title: template.meta.title,
    owner: ownerOf(template.meta.owner),
    ownerRole: template.meta.owner,
    version: template.meta.version,
    approvedBy: approval?.approvedBy ?? 'not yet approved',
    approvedOn: approval?.date ?? 'not yet approved',
    reviewEvery: template.meta.reviewEvery,
    nextReview:
      approval === undefined
        ? 'on approval'
        : addDuration(approval.date, approval.reviewEvery ?? template.meta.reviewEvery),
    controls: template.meta.controls.join(', '),
    criteria: template.meta.criteria.join(', '),
  }
  for (const role of ownerRoles) values[`owners.${role}`] = ownerOf(role)
  return values
}

/** Every placeholder a template uses must be known, or a rendered policy would show `{{typo}}`. */
export function unknownPlaceholders(template: PolicyTemplate): string[] {
  const known = new Set(
    Object.keys(
      placeholderValues(
        template,
        { organization: '', system: '', systemDescription: '', owners: {}, asOf: '' },
        undefined,
      ),
    ),
  )
  return [...template.body.matchAll(placeholder)].map((m) => m[1] ?? '').filter((name) => !known.has(name))
}

/** Renders a template with the organization's details. */
export function renderPolicy(
  template: PolicyTemplate,
  details: PolicyDetails,
  approval: PolicyApproval | undefined,
): string {
  const values = placeholderValues(template, details, approval)
  return template.body.replace(placeholder, (whole, name: string) => values[name] ?? whole)
}

/**
 * Each policy's approval state as of the as-of date, and the gaps: a policy never approved (or
 * approved in an older version) and one whose review date has passed.
 */
export function assessPolicies(input: {
  templates: readonly PolicyTemplate[]
  approvals: Readonly<Record<string, PolicyApproval>>
  context: GapContext
}): { policies: PolicyStatus[]; gaps: Gap[] } {
  const { context } = input
  for (const id of Object.keys(input.approvals)) {
    if (!input.templates.some((t) => t.meta.id === id))
      throw new ConfigError(
        `${context.where}: policies.${id}: no such policy (known: ${input.templates.map((t) => t.meta.id).join(', ')})`,
      )
  }
  const gaps: Gap[] = []
  const policies = input.templates.map((template): PolicyStatus => {
    const { meta } = template
    // An approval dated after the as-of date did not exist yet on that date.
    const recorded = input.approvals[meta.id]
    const approval = recorded !== undefined && recorded.date <= context.asOf ? recorded : undefined
    const owner = context.ownerOf(meta.owner)
    const criteria = meta.criteria
    const status: PolicyStatus = {
      id: meta.id,
      title: meta.title,
      kind: meta.kind,
      ownerRole: meta.owner,
      owner,
      version: meta.version,
      controls: meta.controls,
      criteria,
      state: 'current',
      reviewEvery: approval?.reviewEvery ?? meta.reviewEvery,
    }
    const gap = (g: Pick<Gap, 'id' | 'type' | 'severity' | 'title' | 'remediation'>): void => {
      gaps.push({
        ...g,
        criteria,
        controls: meta.controls,
        ownerRole: meta.owner,
        owner,
        dueDate: context.dueDate(g.severity),
      })
    }
    if (approval === undefined) {
      status.state = 'not-approved'
      gap({
        id: `policy-not-approved:${meta.id}`,
        type: 'policy-not-approved',
        severity: 'high',
        title: `The ${meta.title} has never been approved`,
        remediation: `Render it (\`trustctl policies render\`), adapt it, have it approved, and record the approval under policies.${meta.id} (version, approvedBy, date).`,
      })
      return status
    }
    status.approval = {
      version: approval.version,
      approvedBy: approval.approvedBy,
      date: approval.date,
      ...(approval.reference === undefined ? {} : { reference: approval.reference }),
    }
    const nextReview = addDuration(approval.date, status.reviewEvery)
    status.nextReview = nextReview
    if (nextReview < context.asOf) {
      status.state = 'review-overdue'
      gap({
        id: `policy-review-overdue:${meta.id}`,
        type: 'policy-review-overdue',
        severity: 'medium',
        title: `The ${meta.title} was due for review on ${nextReview} (approved ${approval.date})`,
        remediation: `Review the policy, have the owner approve it again, and record the new date under policies.${meta.id}.`,
      })
    } else if (compareVersions(approval.version, meta.version) < 0) {
      // The template changed since the approval: someone has to read what changed and approve again.
      status.state = 'outdated-version'
      gap({
        id: `policy-not-approved:${meta.id}`,
        type: 'policy-not-approved',
        severity: 'low',
        title: `The ${meta.title} was approved in version ${approval.version}; the current version is ${meta.version}`,
        remediation: `Compare the new version with yours (\`trustctl policies render\`), have it approved, and record version ${meta.version} under policies.${meta.id}.`,
      })
    }
    return status
  })
  return { policies, gaps }
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}
