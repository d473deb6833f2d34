import { describe, expect, it } from 'vitest'
import type { AssessmentModel } from '../assessment.js'
import type { EvidenceItem } from '../evidence.js'
import type { IdentityAccount, Person } from '../evidence-people.js'
import { personnelWindow, summarizePersonnel } from './personnel.js'

const person = (email: string, over: Partial<Person> = {}): Person => ({
  kind: 'people.person',
  resourceKind: 'Person',
  name: email,
  file: 'people/bamboohr.csv',
  workEmail: email,
  aliases: [],
  employmentType: 'employee',
  status: 'active',
  system: 'bamboohr',
  observedAt: '2026-11-30T23:59:59Z',
  ...over,
})
const account = (email: string, over: Partial<IdentityAccount> = {}): IdentityAccount => ({
  kind: 'identity.account',
  resourceKind: 'OktaUser',
  name: email,
  file: 'people/okta/users.json',
  system: 'okta',
  accountId: email,
  aliases: [],
  active: true,
  status: 'ACTIVE',
  mfaEnrolled: true,
  admin: false,
  adminRoles: [],
  groups: [],
  observedAt: '2026-11-30T23:59:59Z',
  ...over,
})
type Found = AssessmentModel['findings'][number]
const finding = (check: string, status: Found['status'], name: string, message: string): Found => ({
  check: `people/${check}`,
  status,
  severity: 'high',
  subject: { kind: 'Person', name, file: 'people/bamboohr.csv' },
  message,
  controls: [],
  criteria: [],
})

const type1 = { type: 1, asOf: '2026-11-30' } as const
const evidence: EvidenceItem[] = [
  person('ann@example.com', { startDate: '2022-03-01' }),
  // A rehire: two rows, one person, two employments (the second began in the window).
  person('bo@example.com', { startDate: '2019-01-07', endDate: '2021-05-31', status: 'terminated' }),
  person('bo@example.com', { startDate: '2026-02-02', employmentType: 'contractor' }),
  person('cy@example.com', { startDate: '2024-06-03', endDate: '2026-10-31', status: 'terminated' }),
  account('ann@example.com', { mfaEnrolled: true }),
  account('bo@example.com', { mfaEnrolled: 'unknown' }),
  account('cy@example.com', { active: false, mfaEnrolled: false }),
  account('ann@example.com', { system: 'google', resourceKind: 'GoogleWorkspaceUser', mfaEnrolled: false }),
]

describe('personnel summary', () => {
  it('counts people, joiners and leavers in the window from the roster, a rehire once as a person', () => {
    const s = summarizePersonnel(evidence, { findings: [] }, type1)
    expect(s?.window).toEqual({ from: '2025-12-01', to: '2026-11-30' })
    expect(s?.workforce).toEqual({
      people: 3,
      active: 2,
      byType: { employee: 1, contractor: 1 },
      joiners: 1,
      leavers: 1,
      sources: ['people/bamboohr.csv from bamboohr'],
    })
  })

  it('counts MFA per identity provider over active accounts; "not shown" is never counted as enrolled', () => {
    const s = summarizePersonnel(evidence, { findings: [] }, type1)
    expect(s?.accounts).toEqual([
      { system: 'google', accounts: 1, active: 1, mfaEnrolled: 0, mfaUnknown: 0 },
      { system: 'okta', accounts: 3, active: 2, mfaEnrolled: 1, mfaUnknown: 1 },
    ])
  })

  it('answers each practice from its check: exceptions, undecided subjects, and no record at all', () => {
    const s = summarizePersonnel(
      evidence,
      {
        findings: [
          finding('people-enrolled-in-mfa', 'pass', 'ann', 'ann has MFA enrolled'),
          finding(
            'people-enrolled-in-mfa',
            'fail',
            'ann',
            'google account ann has no second factor enrolled',
          ),
          finding('people-enrolled-in-mfa', 'no-evidence', 'bo', 'the export does not show MFA enrolment'),
          finding('background-check-before-start', 'pass', 'ann', 'cleared before start'),
          finding('background-check-before-start', 'not-applicable', 'bo', 'started before screening began'),
          finding('security-training-current', 'pass', 'ann', 'trained'),
          finding('security-training-current', 'no-evidence', 'bo', 'no training record'),
          finding('current-policies-accepted', 'fail', 'cy@example.com', 'last accepted 2025-01-02'),
        ],
      },
      type1,
    )
    const topic = (check: string) => s?.topics.find((t) => t.check === `people/${check}`)
    expect(topic('people-enrolled-in-mfa')).toMatchObject({
      population: 3,
      exceptions: 1,
      undetermined: 1,
      status: 'fail',
      result: '1 exception: google account ann has no second factor enrolled',
    })
    expect(topic('background-check-before-start')).toMatchObject({
      population: 1,
      exceptions: 0,
      status: 'pass',
      result: 'No exceptions noted',
    })
    // A message that does not name its subject is prefixed with it.
    expect(topic('current-policies-accepted')?.result).toBe(
      '1 exception: cy@example.com: last accepted 2025-01-02',
    )
    // An undecided person keeps the practice from reading as passed.
    expect(topic('security-training-current')).toMatchObject({ status: 'no-evidence', undetermined: 1 })
    expect(topic('leaver-accounts-disabled-within-sla')).toMatchObject({
      population: 0,
      status: 'no-evidence',
      result: 'Not evidenced: no record of this practice was collected',
    })
  })

  it('says nothing when no roster or identity account was collected', () => {
    expect(summarizePersonnel([], { findings: [] }, type1)).toBeUndefined()
  })

  it('uses the Type 2 period as the window', () => {
    expect(personnelWindow({ type: 2, from: '2026-01-01', to: '2026-06-30' })).toEqual({
      from: '2026-01-01',
      to: '2026-06-30',
    })
  })
})
