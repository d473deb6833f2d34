import { describe, expect, it } from 'vitest'
import {
  assertNoOpenCampaign,
  type Campaign,
  campaignEvidence,
  campaignsFileSchema,
  closeCampaign,
  decideAccount,
  foldCampaigns,
  nextCampaignId,
  openCampaign,
} from './access-review.js'
import { parseEvidence } from './evidence.js'

const at = '2026-11-15T09:00:00.000Z'
const opened = (): Campaign =>
  openCampaign({
    id: 'okta-2026-11-15',
    system: 'okta',
    reviewer: 'dana@example.com',
    at,
    due: '2026-11-30',
    snapshot: { runId: 4, observedAt: '2026-11-14T23:59:59Z' },
    accounts: [
      { accountId: '00u2', label: 'bo@example.com', active: true },
      { accountId: '00u1', label: 'ann@example.com', active: true },
    ],
  })
const decision = (accountId: string, d: 'keep' | 'revoke' | 'change') => ({
  accountId,
  decision: d,
  reason: 'reviewed',
  decidedAt: '2026-11-16T10:00:00Z',
})

describe('access-review campaigns', () => {
  it('opens over the snapshot, sorted, and refuses an empty population or a past due date', () => {
    expect(opened().accounts.map((a) => a.accountId)).toEqual(['00u1', '00u2'])
    expect(() =>
      openCampaign({ id: 'x', system: 'github', reviewer: 'r', at, snapshot: {}, accounts: [] }),
    ).toThrow(/no github accounts/)
    expect(() =>
      openCampaign({
        ...{ id: 'x', system: 'okta', reviewer: 'r', at, snapshot: {} },
        due: '2026-11-01',
        accounts: [{ accountId: 'a', active: true }],
      }),
    ).toThrow(/--due: 2026-11-01 is before today/)
  })

  it('refuses a second open campaign of a system, not of another system or after the close', () => {
    expect(() => assertNoOpenCampaign([opened()], 'okta')).toThrow(/okta-2026-11-15 of okta is still open/)
    expect(() => assertNoOpenCampaign([opened()], 'github')).not.toThrow()
    expect(() => assertNoOpenCampaign([{ ...opened(), closedAt: at }], 'okta')).not.toThrow()
  })

  it('numbers a second campaign of the same day', () => {
    expect(nextCampaignId([], 'okta', at)).toBe('okta-2026-11-15')
    expect(nextCampaignId([opened()], 'okta', at)).toBe('okta-2026-11-15-2')
  })

  it('closes only when every account is decided, naming the undecided ones', () => {
    const campaign = opened()
    expect(() => closeCampaign(campaign, at)).toThrow(/2 of 2 accounts undecided: 00u1, 00u2/)
    const steps = [
      { step: 'open' as const, campaign },
      { step: 'decide' as const, campaignId: campaign.id, decision: decision('00u1', 'keep') },
      { step: 'decide' as const, campaignId: campaign.id, decision: decision('00u2', 'keep') },
      // A reviewer may change their mind before the close: the later decision counts.
      { step: 'decide' as const, campaignId: campaign.id, decision: decision('00u2', 'revoke') },
    ]
    const [folded] = foldCampaigns(steps)
    expect(folded?.decisions.map((d) => `${d.accountId}:${d.decision}`)).toEqual(['00u1:keep', '00u2:revoke'])
    if (folded === undefined) throw new Error('no campaign')
    const closed = closeCampaign(folded, '2026-11-20T10:00:00Z')
    expect(closed.closedAt).toBe('2026-11-20T10:00:00Z')
    expect(() => decideAccount(closed, decision('00u1', 'revoke'))).toThrow(/closed .* decisions are final/)
    expect(() => closeCampaign(closed, at)).toThrow(/already closed/)
  })

  it('refuses a decision on an account outside the population, and a step before the open', () => {
    expect(() => decideAccount(opened(), decision('00u9', 'keep'))).toThrow(/no account '00u9'/)
    expect(() =>
      foldCampaigns([{ step: 'decide', campaignId: 'ghost', decision: decision('00u1', 'keep') }]),
    ).toThrow(/ghost: a decide step before it was opened/)
  })

  it('becomes people.access-review evidence the registry accepts', () => {
    const item = campaignEvidence(opened(), 'ledger:access-review/okta-2026-11-15', at)
    expect(parseEvidence(item).kind).toBe('people.access-review')
    expect(item.status).toBe('open')
  })

  it('reads a campaigns file and names the place of what is wrong', () => {
    expect(campaignsFileSchema.parse({ campaigns: [opened()] })).toHaveLength(1)
    const bad = campaignsFileSchema.safeParse([
      { ...opened(), decisions: [{ ...decision('00u1', 'keep'), decision: 'drop' }] },
    ])
    expect(bad.success).toBe(false)
    expect(JSON.stringify(bad.error?.issues)).toContain('decision')
  })
})
