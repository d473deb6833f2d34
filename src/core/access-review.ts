/**
 * Access-review campaigns (CC6.2, CC6.3): a reviewer goes through every account one system held in
 * a snapshot and decides, with a reason, to keep, revoke or change each. A campaign lives in the
 * ledger as a sequence of signed steps (opened, decided, closed); its state is their fold. The same
 * campaign shape is what an exported campaigns JSON holds, for reviews run in another tool.
 *
 * Everything here is pure: callers pass the time and the snapshot.
 */
import { z } from 'zod'
import { isoCalendarDate } from './audit-period.js'
import { deferredSchema } from './deferred-schema.js'
import { ConfigError, ConflictError, NotFoundError } from './errors.js'
import { type AccessReview, accessReviewDecisions } from './evidence-people.js'

/** The systems a campaign can cover: the account sources trustctl joins (src/core/people.ts). */
export const reviewableSystems = ['okta', 'github', 'aws', 'google', 'entra'] as const
export type ReviewableSystem = (typeof reviewableSystems)[number]

const text = deferredSchema(() => z.string().trim().min(1))
const timestamp = deferredSchema(() => z.iso.datetime({ offset: true }))

/** One account as the snapshot held it when the campaign opened. */
export const reviewedAccountSchema = deferredSchema(() =>
  z.strictObject({
    accountId: text,
    /** Other names the account answers to (email, login), for the reviewer's eye. */
    label: z.string().exactOptional(),
    active: z.boolean(),
  }),
)
export type ReviewedAccount = z.output<typeof reviewedAccountSchema>

/** One decision on one account. */
export const reviewDecisionSchema = deferredSchema(() =>
  z.strictObject({
    accountId: text,
    decision: z.enum(accessReviewDecisions),
    reason: text,
    decidedAt: timestamp,
    decidedBy: z.string().exactOptional(),
  }),
)
export type ReviewDecision = z.output<typeof reviewDecisionSchema>

/** A campaign: also the element of an exported campaigns JSON (`sources: [{type: access-reviews}]`). */
export const campaignSchema = deferredSchema(() =>
  z.strictObject({
    id: text,
    system: text,
    reviewer: text,
    openedAt: timestamp,
    due: isoCalendarDate.exactOptional(),
    /** Where the population came from: the run whose evidence was reviewed, and when it was true. */
    snapshot: z.strictObject({
      runId: z.number().int().exactOptional(),
      observedAt: z.string().exactOptional(),
    }),
    accounts: z.array(reviewedAccountSchema),
    decisions: z.array(reviewDecisionSchema),
    closedAt: timestamp.exactOptional(),
  }),
)
export type Campaign = z.output<typeof campaignSchema>

/** A campaigns JSON: an array of campaigns, or `{ campaigns: [...] }` as `access-review list --format json` writes it. */
export const campaignsFileSchema = deferredSchema(() =>
  z
    // A bare array is read as the object form, so an error's path names the campaign either way.
    .preprocess(
      (v) => (Array.isArray(v) ? { campaigns: v } : v),
      z.strictObject({ campaigns: z.array(campaignSchema) }),
    )
    .transform((f) => f.campaigns),
)

/** The content of one `access-review` ledger record: one step of a campaign. */
export const reviewStepSchema = deferredSchema(() =>
  z.discriminatedUnion('step', [
    z.strictObject({ step: z.literal('open'), campaign: campaignSchema }),
    z.strictObject({ step: z.literal('decide'), campaignId: text, decision: reviewDecisionSchema }),
    z.strictObject({ step: z.literal('close'), campaign: campaignSchema }),
  ]),
)
export type ReviewStep = z.output<typeof reviewStepSchema>

/** Campaigns from their steps in ledger order; a step on a campaign never opened is an error naming it. */
export function foldCampaigns(steps: readonly ReviewStep[]): Campaign[] {
  const byId = new Map<string, Campaign>()
  for (const step of steps) {
    if (step.step === 'open') {
      byId.set(step.campaign.id, step.campaign)
      continue
    }
    const id = step.step === 'decide' ? step.campaignId : step.campaign.id
    const campaign = byId.get(id)
    if (campaign === undefined)
      throw new NotFoundError(`access review ${id}: a ${step.step} step before it was opened`)
    // The close step carries the whole closed campaign: what was signed at close is what counts.
    byId.set(id, step.step === 'close' ? step.campaign : withDecision(campaign, step.decision))
  }
  return [...byId.values()]
}

/** The campaign with this decision, replacing an earlier one on the same account (a reviewer may change their mind before close). */
function withDecision(campaign: Campaign, decision: ReviewDecision): Campaign {
  return {
    ...campaign,
    decisions: [...campaign.decisions.filter((d) => d.accountId !== decision.accountId), decision],
  }
}

/** A new campaign's id: `<system>-<YYYY-MM-DD>`, with `-2`, `-3`, … when that day already has one. */
export function nextCampaignId(existing: readonly Campaign[], system: string, at: string): string {
  const base = `${system}-${at.slice(0, 10)}`
  const taken = new Set(existing.map((c) => c.id))
  if (!taken.has(base)) return base
  let n = 2
  while (taken.has(`${base}-${n}`)) n += 1
  return `${base}-${n}`
}

/** Refuses a second open campaign of one system: two lists of the same accounts would disagree. */
export function assertNoOpenCampaign(existing: readonly Campaign[], system: string): void {
  const open = existing.find((c) => c.system === system && c.closedAt === undefined)
  if (open !== undefined)
    throw new ConflictError(`access review ${open.id} of ${system} is still open`, {
      hint: `decide its accounts and close it (trustctl access-review list --campaign ${open.id}) before starting another`,
    })
}

/** Opens a campaign over a snapshot's accounts; an empty population has nothing to review. */
export function openCampaign(input: {
  id: string
  system: string
  reviewer: string
  at: string
  due?: string
  snapshot: Campaign['snapshot']
  accounts: readonly ReviewedAccount[]
}): Campaign {
  if (input.accounts.length === 0)
    throw new NotFoundError(`no ${input.system} accounts in the latest snapshot: nothing to review`, {
      hint: `collect the ${input.system} accounts (trustctl assess with the source configured), then start the review`,
    })
  if (input.due !== undefined && input.due < input.at.slice(0, 10))
    throw new ConfigError(`--due: ${input.due} is before today (${input.at.slice(0, 10)})`)
  const accounts = [...input.accounts].sort((a, b) => a.accountId.localeCompare(b.accountId))
  return campaignSchema.parse({
    id: input.id,
    system: input.system,
    reviewer: input.reviewer,
    openedAt: input.at,
    ...(input.due === undefined ? {} : { due: input.due }),
    snapshot: input.snapshot,
    accounts,
    decisions: [],
  })
}

/** The campaign by id, or a NotFoundError naming those there are. */
export function findCampaign(campaigns: readonly Campaign[], id: string): Campaign {
  const campaign = campaigns.find((c) => c.id === id)
  if (campaign === undefined)
    throw new NotFoundError(`no access review '${id}'`, {
      hint: `campaigns: ${campaigns.map((c) => c.id).join(', ') || 'none'} (trustctl access-review list)`,
    })
  return campaign
}

/** Checks a decision against its open campaign and returns it; the account must be in the population. */
export function decideAccount(campaign: Campaign, decision: ReviewDecision): ReviewDecision {
  if (campaign.closedAt !== undefined)
    throw new ConflictError(
      `access review ${campaign.id} was closed at ${campaign.closedAt}: decisions are final`,
    )
  if (!campaign.accounts.some((a) => a.accountId === decision.accountId))
    throw new NotFoundError(`access review ${campaign.id} has no account '${decision.accountId}'`, {
      hint: `trustctl access-review list --campaign ${campaign.id} lists its ${campaign.accounts.length} accounts`,
    })
  return reviewDecisionSchema.parse(decision)
}

/** The accounts of a campaign with no decision yet. */
export function undecidedAccounts(campaign: Campaign): ReviewedAccount[] {
  const decided = new Set(campaign.decisions.map((d) => d.accountId))
  return campaign.accounts.filter((a) => !decided.has(a.accountId))
}

/** The campaign closed at `at`; every account must be decided, else a ConflictError listing the rest. */
export function closeCampaign(campaign: Campaign, at: string): Campaign {
  if (campaign.closedAt !== undefined)
    throw new ConflictError(`access review ${campaign.id} is already closed (${campaign.closedAt})`)
  const open = undecidedAccounts(campaign)
  if (open.length > 0)
    throw new ConflictError(
      `access review ${campaign.id}: ${open.length} of ${campaign.accounts.length} accounts undecided: ${open.map((a) => a.accountId).join(', ')}`,
      { hint: 'decide each with trustctl access-review decide, then close' },
    )
  return { ...campaign, closedAt: at }
}

/** A campaign as `people.access-review` evidence, read from `file` at `observedAt`. */
export function campaignEvidence(campaign: Campaign, file: string, observedAt: string): AccessReview {
  return {
    kind: 'people.access-review',
    resourceKind: 'AccessReview',
    name: campaign.id,
    file,
    system: campaign.system,
    reviewer: campaign.reviewer,
    openedAt: campaign.openedAt,
    ...(campaign.due === undefined ? {} : { dueDate: campaign.due }),
    status: campaign.closedAt === undefined ? 'open' : 'closed',
    ...(campaign.closedAt === undefined ? {} : { closedAt: campaign.closedAt }),
    accounts: campaign.accounts.map((a) => ({ accountId: a.accountId, active: a.active })),
    decisions: campaign.decisions.map((d) => ({
      accountId: d.accountId,
      decision: d.decision,
      reason: d.reason,
      decidedAt: d.decidedAt,
    })),
    observedAt,
  }
}
