import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EvidenceItem } from '../../core/evidence.js'
import { evidenceIssues } from '../../core/evidence.js'
import type { IdentityAccount, Person } from '../../core/evidence-people.js'
import { collectSources, type SourceEntry, validateSources } from '../registry.js'
import { parseDateCell } from './read-input.js'

const root = path.join(import.meta.dirname, 'testdata')
const now = new Date('2026-11-30T12:00:00Z')

async function collect(source: SourceEntry) {
  const collection = await collectSources([source], { root, now, env: {} })
  for (const item of collection.evidence) expect(evidenceIssues(item)).toEqual([])
  return collection
}

const people = (items: readonly EvidenceItem[]): Person[] =>
  items.filter((i): i is Person => i.kind === 'people.person')
const accounts = (items: readonly EvidenceItem[]): IdentityAccount[] =>
  items.filter((i): i is IdentityAccount => i.kind === 'identity.account')

describe('hr-roster', () => {
  it('reads a BambooHR export: mapped columns only, lower-case emails, US dates, status from the export', async () => {
    const { evidence, errors, inputs } = await collect({
      type: 'hr-roster',
      path: 'bamboohr.csv',
      profile: 'bamboohr',
      exportedAt: '2026-11-30',
    })
    const [ann, bo] = people(evidence)
    expect(ann).toEqual({
      kind: 'people.person',
      resourceKind: 'Person',
      name: 'ann.lee@example.com',
      file: 'bamboohr.csv',
      line: 2,
      id: '1001',
      workEmail: 'ann.lee@example.com',
      aliases: [],
      displayName: 'Ann Lee',
      employmentType: 'employee',
      department: 'Engineering',
      manager: 'Dana Whitfield',
      startDate: '2022-03-01',
      status: 'active',
      system: 'bamboohr',
      observedAt: '2026-11-30T23:59:59Z',
    })
    expect(bo).toMatchObject({
      displayName: 'Bobby',
      employmentType: 'contractor',
      endDate: '2026-10-31',
      status: 'terminated',
    })
    // The bad date and the missing email are reported with file, line and column; the rest is kept.
    expect(errors).toEqual([
      {
        file: 'bamboohr.csv',
        line: 4,
        message:
          'column "Hire Date": "13/45/2023" is not a date written MM/DD/YYYY or YYYY-MM-DD: row skipped',
      },
      { file: 'bamboohr.csv', line: 5, message: 'column "Work Email": no work email: row skipped' },
    ])
    expect(inputs).toEqual([
      expect.objectContaining({ file: 'bamboohr.csv', collector: 'hr-roster', items: 2 }),
    ])
  })

  it('never keeps an unmapped column: birth dates, national ids, addresses and pay stay out of evidence', async () => {
    const { evidence } = await collect({ type: 'hr-roster', path: 'bamboohr.csv', profile: 'bamboohr' })
    const text = JSON.stringify(evidence)
    expect(text).toContain('ann.lee@example.com')
    for (const value of ['04/12/1988', '1988', '123-45-6789', '987-65-4321', 'Elm Street', '145000', 'USD'])
      expect(text).not.toContain(value)
  })

  it.each([
    [
      'gusto',
      'gusto.csv',
      {
        workEmail: 'gil.ho@example.com',
        startDate: '2023-05-10',
        endDate: '2026-09-30',
        status: 'terminated',
        employmentType: 'employee',
      },
    ],
    [
      'rippling',
      'rippling.csv',
      {
        workEmail: 'jay.kim@example.com',
        id: 'E-18',
        startDate: '2025-08-01',
        endDate: '2026-11-15',
        status: 'terminated',
        employmentType: 'contractor',
      },
    ],
    [
      'deel',
      'deel.csv',
      {
        workEmail: 'lia.moss@example.com',
        displayName: 'Lia Moss',
        employmentType: 'contractor',
        status: 'active',
        manager: 'kai.lund@example.com',
      },
    ],
    [
      'personio',
      'personio.csv',
      {
        workEmail: 'nia.ost@example.com',
        startDate: '2026-01-15',
        employmentType: 'contractor',
        status: 'pending',
      },
    ],
    [
      'hibob',
      'hibob.csv',
      {
        workEmail: 'pia.quinn@example.com',
        startDate: '2026-06-01',
        endDate: '2026-08-31',
        employmentType: 'intern',
        status: 'terminated',
      },
    ],
  ])('reads a %s export', async (profile, file, last) => {
    const { evidence, errors } = await collect({ type: 'hr-roster', path: file, profile })
    expect(errors).toEqual([])
    const rows = people(evidence)
    expect(rows).toHaveLength(2)
    expect(rows.at(-1)).toMatchObject({ ...last, system: profile })
    const text = JSON.stringify(evidence)
    for (const value of [
      'home.example.net',
      '555 01',
      '1985-08-21',
      '1993',
      'SEK',
      'EUR 45',
      'Sweden',
      '72000',
      'female',
    ])
      expect(text).not.toContain(value)
  })

  it('reads the first employment type of a Personio row as an employee (internal) and a HiBob mover date', async () => {
    const personio = people(
      (await collect({ type: 'hr-roster', path: 'personio.csv', profile: 'personio' })).evidence,
    )
    expect(personio[0]).toMatchObject({
      employmentType: 'employee',
      startDate: '2023-09-01',
      status: 'active',
    })
    const hibob = people((await collect({ type: 'hr-roster', path: 'hibob.csv', profile: 'hibob' })).evidence)
    expect(hibob[0]).toMatchObject({
      departmentChangedAt: '2026-10-01',
      status: 'active',
      employmentType: 'employee',
    })
  })

  it('reads a generic roster through a columns mapping, with aliases and a rehire as two rows', async () => {
    const { evidence, errors } = await collect({
      type: 'hr-roster',
      path: 'generic.csv',
      columns: {
        workEmail: 'Company Email',
        employmentType: 'Type',
        department: 'Team',
        startDate: 'Start',
        endDate: 'End',
      },
    })
    expect(errors).toEqual([])
    expect(people(evidence).map((p) => [p.workEmail, p.aliases, p.startDate, p.status])).toEqual([
      ['rae.sun@example.com', ['rsun@old.example.com', 'raesun'], '2024-01-08', 'active'],
      ['rae.sun@example.com', [], '2020-05-04', 'terminated'],
    ])
  })

  it('fails the file, naming the column looked for, when the email column is missing', async () => {
    const { evidence, errors } = await collect({
      type: 'hr-roster',
      path: 'knowbe4.csv',
      profile: 'bamboohr',
    })
    expect(evidence).toEqual([])
    expect(errors).toEqual([
      {
        file: 'knowbe4.csv',
        line: 1,
        message: expect.stringContaining('no column for workEmail (looked for "Work Email")'),
      },
    ])
  })

  it('refuses an unknown profile or column field in trustctl.yaml', () => {
    expect(() =>
      validateSources([{ type: 'hr-roster', path: 'x.csv', profile: 'workday' }], 'trustctl.yaml'),
    ).toThrow(/sources\[0\]\.profile/)
    expect(() =>
      validateSources([{ type: 'hr-roster', path: 'x.csv', columns: { salary: 'Pay' } }], 'trustctl.yaml'),
    ).toThrow(/sources\[0\]\.columns/)
  })
})

describe('dates in exports', () => {
  it('reads ISO, US and European forms, and refuses impossible or ambiguous ones', () => {
    expect(parseDateCell('2026-02-28', 'iso')).toBe('2026-02-28')
    expect(parseDateCell('02/03/2026', 'mdy')).toBe('2026-02-03')
    expect(parseDateCell('02/03/2026', 'dmy')).toBe('2026-03-02')
    expect(parseDateCell('31.08.2026', 'dmy')).toBe('2026-08-31')
    expect(parseDateCell('2026-11-01 16:20:00', 'iso')).toBe('2026-11-01T16:20:00Z')
    expect(() => parseDateCell('2026-02-30', 'iso')).toThrow(/not a date/)
    expect(() => parseDateCell('02/03/2026', 'iso')).toThrow(/YYYY-MM-DD/)
  })
})

describe('okta', () => {
  it('reads users with factors, roles, groups, apps and deactivation times; keeps no phone or address', async () => {
    const { evidence, errors, inputs } = await collect({
      type: 'okta',
      path: 'okta',
      exportedAt: '2026-11-30',
    })
    const [ann, bo, bot] = accounts(evidence)
    expect(ann).toMatchObject({
      name: 'ann.lee@example.com',
      system: 'okta',
      accountId: '00u1ann0000000000001',
      email: 'ann.lee@example.com',
      aliases: ['ann.lee@example.com', 'ann.lee@old.example.com'],
      active: true,
      mfaEnrolled: true,
      mfaFactors: ['webauthn'],
      admin: true,
      adminRoles: ['SUPER_ADMIN'],
      groups: ['Everyone', 'eng-prod-admins'],
      applications: ['GitHub Enterprise'],
      lastLogin: '2026-11-29T08:12:44.000Z',
    })
    // The system log's deactivation time wins over statusChanged (a later profile edit moves that).
    expect(bo).toMatchObject({
      active: false,
      status: 'DEPROVISIONED',
      disabledAt: '2026-11-01T16:20:00.000Z',
      mfaEnrolled: false,
      admin: false,
    })
    expect(bot).toMatchObject({
      active: false,
      disabledAt: '2026-09-01T12:00:00.000Z',
      mfaEnrolled: 'unknown',
      admin: 'unknown',
    })
    expect(bot?.lastLogin).toBeUndefined()
    expect(errors).toEqual([
      { file: 'okta/users.json', message: expect.stringMatching(/^users\[3\]\.id: .*user skipped$/) },
    ])
    expect(JSON.stringify(evidence)).not.toMatch(/555 0199|Elm Street|employeeNumber/)
    expect(inputs.map((i) => i.file)).toContain('okta/system-log.json')
  })

  it('says so when the folder holds no users.json', async () => {
    const { evidence, errors } = await collect({ type: 'okta', path: 'okta/roles' })
    expect(evidence).toEqual([])
    expect(errors).toEqual([
      { file: 'okta/roles', message: 'okta: sources[0].path: no users.json in okta/roles' },
    ])
  })
})

describe('google-workspace', () => {
  it('reads every page of users.list: 2SV, suspension with its time, admin, never-signed-in', async () => {
    const { evidence, errors } = await collect({ type: 'google-workspace', path: 'google' })
    expect(errors).toEqual([])
    const [ann, bo, eve] = accounts(evidence)
    expect(ann).toMatchObject({
      system: 'google',
      email: 'ann.lee@example.com',
      aliases: ['ann@example.com', 'ann.lee@example.com.test-google-a.com'],
      mfaEnrolled: true,
      admin: true,
      adminRoles: ['super-admin'],
      active: true,
    })
    expect(bo).toMatchObject({
      active: false,
      status: 'suspended',
      disabledAt: '2026-11-02T09:30:00.000Z',
      mfaEnrolled: false,
      admin: false,
    })
    expect(bo?.lastLogin).toBeUndefined()
    // Without the full projection the 2SV and admin fields are absent: unknown, never "off".
    expect(eve).toMatchObject({ mfaEnrolled: 'unknown', admin: 'unknown', active: true })
    expect(JSON.stringify(evidence)).not.toMatch(/555 0199|Elm Street|C01abcdef/)
  })
})

describe('entra', () => {
  it('reads Graph users with MFA registration, admin flag, proxy aliases and disable times', async () => {
    const { evidence, errors } = await collect({ type: 'entra', path: 'entra' })
    expect(errors).toEqual([])
    const [ann, bo] = accounts(evidence)
    expect(ann).toMatchObject({
      system: 'entra',
      email: 'ann.lee@example.com',
      aliases: ['ann.lee@example.com', 'ann@example.onmicrosoft.com'],
      mfaEnrolled: true,
      mfaFactors: ['microsoftAuthenticatorPush', 'fido2SecurityKey'],
      admin: true,
      lastLogin: '2026-11-29T07:59:00Z',
    })
    expect(bo).toMatchObject({
      email: 'bo.chen@example.com',
      active: false,
      disabledAt: '2026-11-01T18:45:00Z',
      mfaEnrolled: false,
    })
  })
})

describe('training, background checks and policy acceptance', () => {
  it('reads a KnowBe4 export, reporting an unreadable completion date with its line and column', async () => {
    const { evidence, errors } = await collect({ type: 'training', path: 'knowbe4.csv', profile: 'knowbe4' })
    expect(
      evidence.map((e) => e.kind === 'people.training' && [e.email, e.course, e.completed, e.completedAt]),
    ).toEqual([
      ['ann.lee@example.com', '2026 Security Awareness Training', true, '2026-02-10'],
      ['bo.chen@example.com', '2026 Security Awareness Training', false, undefined],
    ])
    expect(errors).toEqual([
      {
        file: 'knowbe4.csv',
        line: 4,
        message: 'column "Completion Date": "2026/02/31" is not a date written YYYY-MM-DD: row skipped',
      },
    ])
    expect(JSON.stringify(evidence)).not.toMatch(/Phishing|12\.0|00:42/)
  })

  it('reads a Checkr export as statuses only: no DOB, SSN or record details', async () => {
    const { evidence, errors } = await collect({
      type: 'background-checks',
      path: 'checkr.csv',
      profile: 'checkr',
    })
    expect(errors).toEqual([])
    expect(
      evidence.map((e) => e.kind === 'people.background-check' && [e.email, e.outcome, e.completedAt]),
    ).toEqual([
      ['ann.lee@example.com', 'cleared', '2022-02-20T16:04:11Z'],
      ['bo.chen@example.com', 'other', '2024-01-30T10:00:00Z'],
      ['eve.fox@example.com', 'pending', undefined],
    ])
    expect(JSON.stringify(evidence)).not.toMatch(/Misdemeanor|XXX-XX|1988-04-12|Ann Lee/)
  })

  it('reads policy acknowledgements, skipping a row without a policy with its line and column', async () => {
    const { evidence, errors } = await collect({ type: 'policy-acceptance', path: 'policy-acceptance.csv' })
    expect(
      evidence.map(
        (e) => e.kind === 'people.policy-acceptance' && [e.email, e.policy, e.version, e.acceptedAt],
      ),
    ).toEqual([
      ['ann.lee@example.com', 'Information Security Policy', '2026.1', '2026-03-02T09:15:00Z'],
      ['bo.chen@example.com', 'Information Security Policy', '2025.1', '2025-03-03'],
    ])
    expect(errors).toEqual([
      { file: 'policy-acceptance.csv', line: 4, message: 'column "Policy Name": no policy: row skipped' },
    ])
    expect(JSON.stringify(evidence)).not.toContain('203.0.113')
  })
})

describe('service-accounts', () => {
  it('declares accounts with owners, lower-cased; an owner that is no email is refused', async () => {
    const { evidence } = await collect({
      type: 'service-accounts',
      accounts: [{ system: 'AWS', account: 'CI-Deployer', owner: 'Ann.Lee@example.com', purpose: 'deploys' }],
    })
    expect(evidence).toEqual([
      {
        kind: 'identity.service-account',
        resourceKind: 'ServiceAccount',
        name: 'aws:ci-deployer',
        file: 'sources[0].accounts[0]',
        system: 'aws',
        account: 'ci-deployer',
        owner: 'ann.lee@example.com',
        purpose: 'deploys',
      },
    ])
    expect(() =>
      validateSources(
        [{ type: 'service-accounts', accounts: [{ system: 'aws', account: 'x', owner: 'Ann' }] }],
        'trustctl.yaml',
      ),
    ).toThrow(/sources\[0\]\.accounts\[0\]\.owner: write the owner as a work email/)
  })
})
