import { z } from 'zod'
import { defineCheck, type Outcome, type ResultBuilder } from '../../../src/core/check.js'
import type { AccessReview } from '../../../src/core/evidence-people.js'
import { type AccountView, formatDay, instant, viewAccounts } from '../../../src/core/people.js'

const dayMs = 86_400_000

export default defineCheck({
  id: 'people/access-reviewed-in-period',
  title: "Every system's accounts were reviewed in the period, and revoked access is gone",
  description:
    'A periodic access review is how an organization shows that who can sign in to a system is still ' +
    'who should. For every system with collected accounts (Okta, Google Workspace, Entra ID, AWS IAM, ' +
    'the GitHub organization) a campaign must have been closed within the period (`periodDays`, 365 by ' +
    'default), with a decision and a reason for every account. A campaign past its due date and still ' +
    'open is a gap, and an account the reviewer decided to revoke that is still active in a snapshot ' +
    'taken after the campaign closed is a failure: the review found it but nobody acted.',
  remediation:
    'Run a review: `trustctl access-review start --system <system> --reviewer <owner>`, decide every ' +
    'account, then `close` it. Revoke the accounts listed as still active and collect the system again.',
  severity: 'high',
  reads: ['people.access-review', 'identity.account', 'aws.iam-user', 'github.organization'],
  params: z.object({
    /** Days before the assessment within which a closed campaign counts. */
    periodDays: z.number().int().positive().default(365),
  }),
  evaluate({ evidence, params, result }) {
    const campaigns = evidence['people.access-review']
    const accounts = viewAccounts(
      evidence['identity.account'],
      evidence['aws.iam-user'],
      evidence['github.organization'],
    )
    const now = assessedAt(campaigns, accounts)
    if (now === undefined) return []
    const systems = [...new Set([...accounts.map((a) => a.system), ...campaigns.map((c) => c.system)])].sort()
    return systems.flatMap((system) =>
      judgeSystem(
        system,
        campaigns.filter((c) => c.system === system),
        accounts.filter((a) => a.system === system),
        now,
        params.periodDays,
        result,
      ),
    )
  },
})

/**
 * The moment the check judges as of: when the campaigns were read (the assessment), else the newest
 * account snapshot. Checks read no clock.
 */
function assessedAt(
  campaigns: readonly AccessReview[],
  accounts: readonly AccountView[],
): number | undefined {
  const times = [
    ...campaigns.map((c) => c.observedAt),
    ...(campaigns.length > 0
      ? []
      : accounts.flatMap((a) => (a.observedAt === undefined ? [] : [a.observedAt]))),
  ].map(instant)
  return times.length === 0 ? undefined : Math.max(...times)
}

function judgeSystem(
  system: string,
  campaigns: readonly AccessReview[],
  accounts: readonly AccountView[],
  now: number,
  periodDays: number,
  result: ResultBuilder,
): Outcome[] {
  const outcomes: Outcome[] = []
  const today = formatDay(now)
  for (const open of campaigns.filter((c) => c.status === 'open')) {
    const undecided = open.accounts.length - new Set(open.decisions.map((d) => d.accountId)).size
    if (open.dueDate !== undefined && open.dueDate < today)
      outcomes.push(
        result.fail(
          open,
          `overdue: due ${open.dueDate} and still open on ${today}, ${undecided} of ${open.accounts.length} accounts undecided (reviewer ${open.reviewer})`,
        ),
      )
    else
      outcomes.push(
        result.notApplicable(
          open,
          `in progress: ${undecided} of ${open.accounts.length} accounts undecided${open.dueDate === undefined ? '' : `, due ${open.dueDate}`}`,
        ),
      )
  }
  const since = now - periodDays * dayMs
  const closed = campaigns
    .filter((c) => c.status === 'closed' && c.closedAt !== undefined && instant(c.closedAt) <= now)
    .sort((a, b) => instant(b.closedAt ?? '') - instant(a.closedAt ?? ''))
  const latest = closed[0]
  if (latest === undefined || instant(latest.closedAt ?? '') < since) {
    const where = accounts[0]?.item.file ?? campaigns[0]?.file ?? 'trustctl.yaml'
    const last =
      latest === undefined ? 'none was ever closed' : `the last closed on ${latest.closedAt?.slice(0, 10)}`
    outcomes.push(
      result.fail(
        { resourceKind: 'System', name: system, file: where },
        `no access review of ${system} closed in the ${periodDays} days before ${today} (${last})`,
      ),
    )
  } else outcomes.push(result.pass(latest, describeClosed(latest)))
  if (latest !== undefined) outcomes.push(...judgeRevocations(latest, accounts, result))
  return outcomes
}

function describeClosed(campaign: AccessReview): string {
  const count = (d: string) => campaign.decisions.filter((x) => x.decision === d).length
  return `closed ${campaign.closedAt} by ${campaign.reviewer}: ${campaign.accounts.length} accounts, ${count('keep')} kept, ${count('revoke')} revoked, ${count('change')} changed`
}

/**
 * CC6.2: each account the latest closed review revoked must be inactive (or gone) in a snapshot taken
 * after the close. A snapshot from before the close cannot show the revocation either way.
 */
function judgeRevocations(
  campaign: AccessReview,
  accounts: readonly AccountView[],
  result: ResultBuilder,
): Outcome[] {
  const closedAt = instant(campaign.closedAt ?? '')
  const after = accounts.filter((a) => a.observedAt !== undefined && instant(a.observedAt) > closedAt)
  const outcomes: Outcome[] = []
  for (const revoke of campaign.decisions.filter((d) => d.decision === 'revoke')) {
    const id = revoke.accountId.toLowerCase()
    const match = (a: AccountView) => a.accountId.toLowerCase() === id || a.keys.includes(id)
    const subject = { resourceKind: 'AccessReviewDecision', name: revoke.accountId, file: campaign.file }
    if (after.length === 0) {
      outcomes.push(
        result.undetermined(
          subject,
          `revoked in ${campaign.name}, but no ${campaign.system} snapshot taken after the close (${campaign.closedAt}) shows whether it was`,
        ),
      )
      continue
    }
    const still = after.find((a) => match(a) && a.active)
    outcomes.push(
      still === undefined
        ? result.pass(subject, `revoked in ${campaign.name} and no longer active in ${campaign.system}`)
        : result.fail(
            still.item,
            `${campaign.system} account ${still.label} was revoked in access review ${campaign.name} (closed ${campaign.closedAt}) but is still active on ${still.observedAt}`,
          ),
    )
  }
  return outcomes
}
