import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ledgerPolicyAcceptances } from '../src/app/policy-acceptance.js'
import { type Harness, startHarness } from './server-harness.js'

/**
 * Accepting a policy from the dashboard's API: the signed-in person accepts the current version of a
 * catalog policy for themself, signed into the ledger; a token cannot accept for anyone.
 */

let h: Harness

beforeAll(async () => {
  h = await startHarness()
}, 240_000)

afterAll(async () => {
  await h?.close()
})

const url = '/api/policies/information-security/acceptances'

describe('policy acceptance through the API', () => {
  it('lists the served policies, none accepted yet', async () => {
    const response = await h.request('editor', { method: 'GET', url: '/api/policies/acceptances' })
    expect(response.statusCode).toBe(200)
    const body = response.json()
    expect(body.items).toEqual([])
    const infosec = body.policies.find((p: { id: string }) => p.id === 'information-security')
    expect(infosec).toMatchObject({ title: 'Information Security Policy', version: expect.any(String) })
    expect(infosec.acceptedAt).toBeUndefined()
  })

  it('records the signed-in person’s acceptance once per version, signed in the ledger', async () => {
    const first = await h.request('editor', { method: 'POST', url })
    expect(first.statusCode).toBe(200)
    expect(first.json()).toMatchObject({
      created: true,
      acceptance: { email: h.users.editor.email, policyId: 'information-security' },
    })
    const run = (await h.context.ledger.runs()).find((r) => r.id === first.json().runId)
    expect(run?.status).toBe('complete')
    const again = await h.request('editor', { method: 'POST', url })
    expect(again.json()).toEqual({ acceptance: first.json().acceptance, created: false })
    expect(await ledgerPolicyAcceptances(h.context.ledger)).toHaveLength(1)
    const listed = (await h.request('editor', { method: 'GET', url: '/api/policies/acceptances' })).json()
    expect(listed.items).toEqual([first.json().acceptance])
    const mine = listed.policies.find((p: { id: string }) => p.id === 'information-security')
    expect(mine.acceptedAt).toBe(first.json().acceptance.acceptedAt)
    // Another person sees who accepted, but not the policy as accepted by themself.
    const theirs = (await h.request('admin', { method: 'GET', url: '/api/policies/acceptances' })).json()
    expect(
      theirs.policies.find((p: { id: string }) => p.id === 'information-security').acceptedAt,
    ).toBeUndefined()
  })

  it('refuses a token, a collector and an unknown policy', async () => {
    const token = await h.request('editor', { method: 'POST', url, via: 'token' })
    expect(token.statusCode).toBe(403)
    expect(token.json()).toMatchObject({ code: 'person-required' })
    expect(token.json().detail).toContain('API token cannot')
    const collector = await h.request('collector', { method: 'POST', url, via: 'token' })
    expect(collector.statusCode).toBe(403)
    expect(collector.json().code).toBe('forbidden')
    const auditor = await h.request('auditor', { method: 'POST', url })
    expect(auditor.statusCode).toBe(403)
    expect(auditor.json().detail).toContain('an auditor examines')
    const unknown = await h.request('editor', {
      method: 'POST',
      url: '/api/policies/no-such-policy/acceptances',
    })
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json().detail).toContain("no policy 'no-such-policy'")
    expect(await ledgerPolicyAcceptances(h.context.ledger)).toHaveLength(1)
  })
})
