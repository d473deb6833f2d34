// Access-review campaigns as the CLI (and later the dashboard) runs them: each step is one signed
// single-record run in the ledger, so a campaign is as tamper-evident as the evidence it reviews.
// The state of every campaign is the fold of those steps (src/core/access-review.ts).
import {
  assertNoOpenCampaign,
  type Campaign,
  campaignEvidence,
  closeCampaign,
  decideAccount,
  findCampaign,
  foldCampaigns,
  nextCampaignId,
  openCampaign,
  type ReviewableSystem,
  type ReviewDecision,
  type ReviewedAccount,
  type ReviewStep,
  reviewableSystems,
  reviewStepSchema,
} from '../core/access-review.js'
import { ConfigError, NotFoundError, StoreError } from '../core/errors.js'
import { groupEvidence } from '../core/evidence.js'
import type { AccessReview } from '../core/evidence-people.js'
import { sha256 } from '../core/ledger.js'
import type { Signer } from '../core/ledger-manifest.js'
import { viewAccounts } from '../core/people.js'
import { redactSecrets } from '../core/secrets.js'
import type { AssessmentStore } from '../core/store.js'
import { assessmentRuns, recordSingleEntryRun, runEvidence } from '../store/ledger-operations.js'
import { keepTrustFiles } from './ledger-trust.js'
import type { LoadedConfig } from './load-config.js'
import { toolVersion } from './version.js'

/** What recording a step needs besides the store: the config (for the trust files) and the key. */
export interface ReviewContext {
  loaded: LoadedConfig
  store: AssessmentStore
  signer: Signer
  /** Told when the trust files change (the CLI writes it to standard error). */
  notify: (text: string) => void
}

/** A `--system` value, checked against the systems trustctl can snapshot. */
export function parseReviewSystem(value: string): ReviewableSystem {
  const found = reviewableSystems.find((s) => s === value)
  if (found === undefined)
    throw new ConfigError(`--system: '${value}' is not a system trustctl reviews`, {
      hint: `use one of ${reviewableSystems.join(', ')}`,
    })
  return found
}

/**
 * Every campaign the ledger holds, from the steps in sealed runs only: a step whose run never got
 * its signed manifest was not recorded. A blob that does not hash to its record is an altered store.
 */
export async function ledgerCampaigns(store: AssessmentStore): Promise<Campaign[]> {
  const sealed = new Set((await store.runs()).filter((r) => r.status === 'complete').map((r) => r.id))
  const steps: ReviewStep[] = []
  for await (const { record, blob } of store.scan({ kinds: ['access-review'] })) {
    if (!sealed.has(record.runId)) continue
    if (blob === undefined || sha256(blob) !== record.contentHash)
      throw new StoreError(
        `access-review record ${record.seq} does not match its blob; the store was altered`,
      )
    const parsed = reviewStepSchema.safeParse(JSON.parse(Buffer.from(blob).toString('utf8')))
    if (!parsed.success)
      throw new StoreError(`access-review record ${record.seq} is not a step this trustctl reads`, {
        cause: parsed.error,
      })
    steps.push(parsed.data)
  }
  return foldCampaigns(steps)
}

/** The accounts of one system in the latest recorded assessment run, and when they were read. */
export async function snapshotAccounts(
  store: AssessmentStore,
  system: string,
): Promise<{ runId: number; observedAt?: string; accounts: ReviewedAccount[] }> {
  const runId = (await assessmentRuns(store)).at(-1)
  if (runId === undefined)
    throw new NotFoundError('the store holds no assessment: nothing to review', {
      hint: 'run trustctl assess with the identity sources configured first',
    })
  const byKind = groupEvidence((await runEvidence(store, runId)).map((e) => e.item))
  const views = viewAccounts(
    byKind['identity.account'],
    byKind['aws.iam-user'],
    byKind['github.organization'],
  ).filter((v) => v.system === system)
  const observed = views.flatMap((v) => (v.observedAt === undefined ? [] : [v.observedAt])).sort()
  const accounts = views.map((v) => ({
    accountId: v.accountId,
    ...(v.label === v.accountId ? {} : { label: v.label }),
    active: v.active,
  }))
  // One entry per account: an account listed twice in a snapshot is reviewed once.
  const unique = [...new Map(accounts.map((a) => [a.accountId, a])).values()]
  const latest = observed.at(-1)
  return { runId, ...(latest === undefined ? {} : { observedAt: latest }), accounts: unique }
}

async function recordStep(context: ReviewContext, step: ReviewStep, id: string, at: string): Promise<number> {
  const { runId } = await recordSingleEntryRun(
    context.store,
    { kind: 'access-review', id, source: 'trustctl access-review', content: step, at },
    context.signer,
    toolVersion(),
  )
  // The anchor must name the newest head, or cutting this step off would go unnoticed.
  await keepTrustFiles(context.loaded, context.store, context.notify)
  return runId
}

/** Opens a campaign over the latest snapshot of a system's accounts and records it signed. */
export async function startAccessReview(
  context: ReviewContext,
  input: { system: ReviewableSystem; reviewer: string; due?: string; at: string },
): Promise<{ campaign: Campaign; runId: number }> {
  const existing = await ledgerCampaigns(context.store)
  assertNoOpenCampaign(existing, input.system)
  const snapshot = await snapshotAccounts(context.store, input.system)
  const campaign = openCampaign({
    id: nextCampaignId(existing, input.system, input.at),
    system: input.system,
    reviewer: input.reviewer,
    at: input.at,
    ...(input.due === undefined ? {} : { due: input.due }),
    snapshot: {
      runId: snapshot.runId,
      ...(snapshot.observedAt === undefined ? {} : { observedAt: snapshot.observedAt }),
    },
    accounts: snapshot.accounts,
  })
  const runId = await recordStep(context, { step: 'open', campaign }, campaign.id, input.at)
  return { campaign, runId }
}

/** Records a reviewer's decision on one account of an open campaign. */
export async function decideAccessReview(
  context: ReviewContext,
  campaignId: string,
  decision: ReviewDecision,
): Promise<{ campaign: Campaign; decision: ReviewDecision; runId: number }> {
  const campaign = findCampaign(await ledgerCampaigns(context.store), campaignId)
  // A reason is free text typed by a person: a credential pasted into it is masked before it is signed.
  const checked = decideAccount(campaign, { ...decision, reason: redactSecrets(decision.reason) })
  const runId = await recordStep(
    context,
    { step: 'decide', campaignId, decision: checked },
    `${campaignId}:${checked.accountId}`,
    checked.decidedAt,
  )
  return { campaign, decision: checked, runId }
}

/** Closes a campaign whose every account is decided and records the closed campaign signed. */
export async function closeAccessReview(
  context: ReviewContext,
  campaignId: string,
  at: string,
): Promise<{ campaign: Campaign; runId: number }> {
  const closed = closeCampaign(findCampaign(await ledgerCampaigns(context.store), campaignId), at)
  const runId = await recordStep(context, { step: 'close', campaign: closed }, campaignId, at)
  return { campaign: closed, runId }
}

/** The ledger's campaigns as evidence for an assessment run at `now`. */
export async function accessReviewEvidence(store: AssessmentStore, now: Date): Promise<AccessReview[]> {
  const at = now.toISOString()
  return (await ledgerCampaigns(store)).map((c) => campaignEvidence(c, `ledger:access-review/${c.id}`, at))
}
