import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ledgerCampaigns, startAccessReview } from '../src/app/access-review.js'
import type { Campaign } from '../src/core/access-review.js'
import { type Harness, startHarness } from './server-harness.js'

/**
 * Deciding an access review from the dashboard's API: the campaign is opened over the demo's
 * latest Okta snapshot (as `trustctl access-review start` does), and each decision made through the
 * server is a signed step in the same ledger the CLI writes, folded into the same campaign.
 */

let h: Harness
let campaign: Campaign

beforeAll(async () => {
  h = await startHarness()
  const opened = await startAccessReview(
    { loaded: h.loaded, store: h.context.ledger, signer: h.context.signer, notify: () => undefined },
    { system: 'okta', reviewer: 'editor@example.test', at: '2026-11-30T09:00:00.000Z', due: '2026-12-15' },
  )
  campaign = opened.campaign
}, 240_000)

afterAll(async () => {
  await h?.close()
})

const url = () => `/api/access-reviews/${encodeURIComponent(campaign.id)}/decisions`

describe('access reviews through the API', () => {
  it('lists the ledger campaign with its population, none decided yet', async () => {
    const response = await h.request('auditor', { method: 'GET', url: '/api/access-reviews' })
    expect(response.statusCode).toBe(200)
    const [listed] = response.json().items
    expect(listed).toMatchObject({
      id: campaign.id,
      system: 'okta',
      reviewer: 'editor@example.test',
      decisions: [],
      undecided: campaign.accounts.length,
    })
    expect(campaign.accounts.length).toBeGreaterThan(10)
  })

  it('records the reviewer’s decision with its reason, signed into the ledger, secrets masked', async () => {
    const account = campaign.accounts[0]?.accountId ?? ''
    const response = await h.request('editor', {
      method: 'POST',
      url: url(),
      body: { accountId: account, decision: 'revoke', reason: 'left the team; old key AKIAIOSFODNN7EXAMPLE' },
    })
    expect(response.statusCode).toBe(201)
    expect(response.json()).toMatchObject({
      campaign: campaign.id,
      decision: { accountId: account, decision: 'revoke', decidedBy: 'editor@example.test' },
    })
    expect(response.json().decision.reason).not.toContain('AKIAIOSFODNN7EXAMPLE')
    // The ledger, read as the CLI and the assessment read it, now holds the decision.
    const [stored] = await ledgerCampaigns(h.context.ledger)
    expect(stored?.decisions).toEqual([response.json().decision])
    const run = (await h.context.ledger.runs()).find((r) => r.id === response.json().runId)
    expect(run?.status).toBe('complete')
    const listed = (await h.request('auditor', { method: 'GET', url: '/api/access-reviews' })).json().items[0]
    expect(listed.undecided).toBe(campaign.accounts.length - 1)
  })

  it('lets only the campaign’s reviewer decide', async () => {
    const account = campaign.accounts[1]?.accountId ?? ''
    const body = { accountId: account, decision: 'keep', reason: 'engineer on call' }
    const admin = await h.request('admin', { method: 'POST', url: url(), body })
    expect(admin.statusCode).toBe(403)
    expect(admin.json().detail).toContain('assigned to editor@example.test')
    const auditor = await h.request('auditor', { method: 'POST', url: url(), body })
    expect(auditor.statusCode).toBe(403)
    // The reviewer's own API token does not decide for them either: a decision is a person's word.
    const token = await h.request('editor', { method: 'POST', url: url(), body, via: 'token' })
    expect(token.statusCode).toBe(403)
    expect(token.json()).toMatchObject({ code: 'person-required' })
    expect((await ledgerCampaigns(h.context.ledger))[0]?.decisions).toHaveLength(1)
  })

  it('refuses an unknown campaign, an account outside the population, and a decision without a reason', async () => {
    const unknown = await h.request('editor', {
      method: 'POST',
      url: '/api/access-reviews/okta-1999-01/decisions',
      body: { accountId: 'x', decision: 'keep', reason: 'still here' },
    })
    expect(unknown.statusCode).toBe(404)
    const outside = await h.request('editor', {
      method: 'POST',
      url: url(),
      body: { accountId: 'not-in-the-snapshot', decision: 'keep', reason: 'still here' },
    })
    expect(outside.statusCode).toBe(404)
    expect(outside.json().detail).toContain("has no account 'not-in-the-snapshot'")
    const noReason = await h.request('editor', {
      method: 'POST',
      url: url(),
      body: { accountId: campaign.accounts[1]?.accountId, decision: 'maybe', reason: '' },
    })
    expect(noReason.statusCode).toBe(400)
    expect(noReason.body).toMatch(/decision/)
    expect(noReason.body).toMatch(/reason/)
  })
})
