import {
  closeAccessReview,
  decideAccessReview,
  ledgerCampaigns,
  parseReviewSystem,
  type ReviewContext,
  startAccessReview,
} from '../../app/access-review.js'
import { loadConfig } from '../../app/load-config.js'
import { withStore } from '../../app/open-store.js'
import { configuredSigner } from '../../app/signing-key.js'
import { type Campaign, findCampaign, undecidedAccounts } from '../../core/access-review.js'
import { ConfigError } from '../../core/errors.js'
import { type AccessReviewDecision, accessReviewDecisions } from '../../core/evidence-people.js'
import { parseIsoDate } from '../../core/ledger-population.js'
import type { CliIo } from '../cli-io.js'

interface CommonOptions {
  config?: string
  format: string
}

/** Opens the store and the signing key, runs one step, closes the store. */
async function withReview<T>(
  options: CommonOptions,
  io: CliIo,
  fn: (context: ReviewContext) => Promise<T>,
): Promise<T> {
  const loaded = await loadConfig(options.config, io.cwd)
  const signer = configuredSigner(loaded, process.env, io.err)
  return withStore(loaded, process.env, (store) => fn({ loaded, store, signer, notify: io.err }))
}

const required = (value: string | undefined, flag: string): string => {
  if (value === undefined || value.trim() === '') throw new ConfigError(`${flag}: required`)
  return value.trim()
}

function progress(campaign: Campaign): string {
  const open = undecidedAccounts(campaign).length
  const state = campaign.closedAt === undefined ? 'open' : `closed ${campaign.closedAt}`
  return `${campaign.id}  ${campaign.system}  reviewer ${campaign.reviewer}  ${state}${campaign.due === undefined ? '' : `  due ${campaign.due}`}  ${campaign.accounts.length - open}/${campaign.accounts.length} decided`
}

function write(io: CliIo, options: CommonOptions, json: unknown, lines: string[]): number {
  io.out(options.format === 'json' ? `${JSON.stringify(json, null, 2)}\n` : `${lines.join('\n')}\n`)
  return 0
}

/** `trustctl access-review start`: a campaign over the latest snapshot of one system's accounts. */
export async function accessReviewStartCommand(
  options: CommonOptions & { system?: string; reviewer?: string; due?: string },
  io: CliIo,
): Promise<number> {
  const system = parseReviewSystem(required(options.system, '--system'))
  const reviewer = required(options.reviewer, '--reviewer')
  const due = options.due === undefined ? undefined : parseIsoDate(options.due, '--due')
  const at = new Date().toISOString()
  const { campaign, runId } = await withReview(options, io, (context) =>
    startAccessReview(context, { system, reviewer, at, ...(due === undefined ? {} : { due }) }),
  )
  return write(io, options, { ...campaign, recordedInRun: runId }, [
    `Opened access review ${campaign.id} over ${campaign.accounts.length} ${system} accounts (snapshot of run ${campaign.snapshot.runId ?? '?'}${campaign.snapshot.observedAt === undefined ? '' : `, read ${campaign.snapshot.observedAt}`})`,
    ...campaign.accounts.map(
      (a) =>
        `  ${a.accountId}${a.label === undefined ? '' : `  ${a.label}`}${a.active ? '' : '  (inactive)'}`,
    ),
    `  recorded    in the ledger as run ${runId} (signed)`,
  ])
}

/** `trustctl access-review decide`: keep, revoke or change one account, with a reason. */
export async function accessReviewDecideCommand(
  options: CommonOptions & {
    campaign?: string
    account?: string
    decision?: string
    reason?: string
    by?: string
  },
  io: CliIo,
): Promise<number> {
  const campaignId = required(options.campaign, '--campaign')
  const accountId = required(options.account, '--account')
  const decision = required(options.decision, '--decision')
  if (!accessReviewDecisions.includes(decision as AccessReviewDecision))
    throw new ConfigError(`--decision: '${decision}' (use ${accessReviewDecisions.join(', ')})`)
  const reason = required(options.reason, '--reason')
  const result = await withReview(options, io, (context) =>
    decideAccessReview(context, campaignId, {
      accountId,
      decision: decision as AccessReviewDecision,
      reason,
      decidedAt: new Date().toISOString(),
      ...(options.by === undefined ? {} : { decidedBy: options.by }),
    }),
  )
  return write(io, options, { ...result.decision, campaign: campaignId, recordedInRun: result.runId }, [
    `${campaignId}: ${accountId} → ${decision} (${reason})`,
    `  recorded    in the ledger as run ${result.runId} (signed)`,
  ])
}

/** `trustctl access-review close`: every account decided, the closed campaign signed into the ledger. */
export async function accessReviewCloseCommand(
  options: CommonOptions & { campaign?: string },
  io: CliIo,
): Promise<number> {
  const campaignId = required(options.campaign, '--campaign')
  const { campaign, runId } = await withReview(options, io, (context) =>
    closeAccessReview(context, campaignId, new Date().toISOString()),
  )
  const count = (d: AccessReviewDecision) => campaign.decisions.filter((x) => x.decision === d).length
  return write(io, options, { ...campaign, recordedInRun: runId }, [
    `Closed access review ${campaign.id}: ${campaign.accounts.length} accounts, ${count('keep')} kept, ${count('revoke')} revoked, ${count('change')} changed`,
    `  recorded    in the ledger as run ${runId} (signed)`,
  ])
}

/** `trustctl access-review list`: every campaign, or one with its accounts; JSON is a campaigns file. */
export async function accessReviewListCommand(
  options: CommonOptions & { campaign?: string },
  io: CliIo,
): Promise<number> {
  const loaded = await loadConfig(options.config, io.cwd)
  const campaigns = await withStore(loaded, process.env, ledgerCampaigns)
  if (options.campaign !== undefined) {
    const campaign = findCampaign(campaigns, options.campaign)
    const decided = new Map(campaign.decisions.map((d) => [d.accountId, d]))
    return write(io, options, campaign, [
      progress(campaign),
      ...campaign.accounts.map((a) => {
        const d = decided.get(a.accountId)
        return `  ${a.accountId}${a.label === undefined ? '' : `  ${a.label}`}  ${d === undefined ? 'undecided' : `${d.decision}: ${d.reason}`}`
      }),
    ])
  }
  return write(
    io,
    options,
    { campaigns },
    campaigns.length === 0 ? ['No access reviews recorded.'] : campaigns.map(progress),
  )
}
