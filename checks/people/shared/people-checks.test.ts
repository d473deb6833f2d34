import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { collectSources } from '../../../src/collectors/registry.js'
import type { Check } from '../../../src/core/check.js'
import { evaluateCheck } from '../../../src/core/engine.js'
import { type EvidenceItem, groupEvidence } from '../../../src/core/evidence.js'
import type { AwsIamUser } from '../../../src/core/evidence-aws.js'
import type {
  BackgroundCheck,
  IdentityAccount,
  Person,
  PolicyAcceptance,
  ServiceAccount,
  TrainingRecord,
} from '../../../src/core/evidence-people.js'
import type { GitHubOrganization } from '../../../src/core/evidence-vcs.js'
import accountsBelong from '../accounts-belong-to-active-people/check.js'
import adminApproved from '../admin-only-for-approved-people/check.js'
import backgroundCheck from '../background-check-before-start/check.js'
import policies from '../current-policies-accepted/check.js'
import leavers from '../leaver-accounts-disabled-within-sla/check.js'
import mfa from '../people-enrolled-in-mfa/check.js'
import training from '../security-training-current/check.js'

// Hand-built evidence for the edges the cases cannot show one by one: SLA seconds, rehires,
// contractors, aliases and letter case.

const asOf = '2026-11-30T23:59:59Z'

function person(email: string, fields: Partial<Person> = {}): Person {
  return {
    kind: 'people.person',
    resourceKind: 'Person',
    name: email,
    file: 'roster.csv',
    workEmail: email,
    aliases: [],
    employmentType: 'employee',
    status: 'active',
    system: 'generic',
    observedAt: asOf,
    startDate: '2024-01-15',
    ...fields,
  }
}

function account(email: string, fields: Partial<IdentityAccount> = {}): IdentityAccount {
  return {
    kind: 'identity.account',
    resourceKind: 'OktaUser',
    name: email.toLowerCase(),
    file: 'okta/users.json',
    system: 'okta',
    accountId: `id-${email.toLowerCase()}`,
    email: email.toLowerCase(),
    aliases: [],
    active: true,
    mfaEnrolled: true,
    admin: false,
    adminRoles: [],
    groups: [],
    observedAt: asOf,
    ...fields,
  }
}

const service = (system: string, name: string, owner: string): ServiceAccount => ({
  kind: 'identity.service-account',
  resourceKind: 'ServiceAccount',
  name: `${system}:${name}`,
  file: 'sources[3].accounts[0]',
  system,
  account: name,
  owner,
})

function run(check: Check, items: EvidenceItem[], params: Record<string, unknown> = {}) {
  return evaluateCheck({ check, params: check.params.parse(params) }, groupEvidence(items)).map((f) => ({
    status: f.status,
    name: f.subject.name,
    message: f.message,
  }))
}

const statusOf = (check: Check, items: EvidenceItem[], params: Record<string, unknown> = {}) =>
  run(check, items, params).map((f) => `${f.status} ${f.name}`)

describe('people/leaver-accounts-disabled-within-sla', () => {
  const leaver = person('bo@example.com', { status: 'terminated', endDate: '2026-11-10' })
  // The last day ends at 2026-11-11T00:00:00Z; the 24 h deadline is 2026-11-12T00:00:00Z.
  const disabledAt = (at: string) => account('bo@example.com', { active: false, disabledAt: at })

  it('passes an account disabled exactly at the deadline and fails one disabled a second later', () => {
    expect(statusOf(leavers, [leaver, disabledAt('2026-11-12T00:00:00Z')])).toEqual(['pass bo@example.com'])
    const late = run(leavers, [leaver, disabledAt('2026-11-12T00:00:01Z')])
    expect(late.map((f) => f.status)).toEqual(['fail'])
    expect(late[0]?.message).toContain(
      '24 h after the last day (2026-11-10); the deadline was 2026-11-12T00:00:00Z',
    )
  })

  it('takes the SLA from params', () => {
    expect(statusOf(leavers, [leaver, disabledAt('2026-11-12T00:00:01Z')], { slaHours: 48 })).toEqual([
      'pass bo@example.com',
    ])
  })

  it('fails an account still active past the deadline; not yet due is no verdict; unknown time is no pass', () => {
    expect(statusOf(leavers, [leaver, account('Bo@Example.com')])).toEqual(['fail bo@example.com'])
    const recent = person('cy@example.com', { status: 'terminated', endDate: '2026-11-29' })
    expect(statusOf(leavers, [recent, account('cy@example.com')])).toEqual(['not-applicable cy@example.com'])
    expect(statusOf(leavers, [leaver, account('bo@example.com', { active: false })])).toEqual([
      'no-evidence bo@example.com',
    ])
  })

  it('joins by alias and letter case, judges contractors the same, and leaves a rehire alone', () => {
    const contractor = person('dee@example.com', {
      employmentType: 'contractor',
      status: 'terminated',
      endDate: '2026-10-01',
      aliases: ['dee.old@example.com'],
    })
    expect(statusOf(leavers, [contractor, account('DEE.OLD@example.com')])).toEqual([
      'fail dee.old@example.com',
    ])
    const rehired = [
      person('eli@example.com', { status: 'terminated', startDate: '2020-01-01', endDate: '2022-06-30' }),
      person('eli@example.com', { startDate: '2025-03-01' }),
    ]
    expect(run(leavers, [...rehired, account('eli@example.com')])).toEqual([
      expect.objectContaining({ status: 'not-applicable' }),
    ])
  })

  it('does not merge two people who share a non-email alias, so a leaver is never hidden', () => {
    const shared = [
      { ...leaver, aliases: ['ops'] },
      person('ann@example.com', { aliases: ['ops'] }),
      account('bo@example.com'),
    ]
    expect(statusOf(leavers, shared)).toEqual(['fail bo@example.com'])
    const newAddress = [
      person('eli@old.example.com', { status: 'terminated', startDate: '2020-01-01', endDate: '2022-06-30' }),
      person('eli@example.com', { startDate: '2025-03-01', aliases: ['eli@old.example.com'] }),
      account('eli@old.example.com'),
    ]
    expect(run(leavers, newAddress)).toEqual([expect.objectContaining({ status: 'not-applicable' })])
  })

  it('checks IAM users too, and leaves a declared service account to its owner check', () => {
    const iam: AwsIamUser = {
      kind: 'aws.iam-user',
      resourceKind: 'IamUser',
      name: 'bo',
      file: 'aws/get-credential-report.json',
      origin: 'cli-json',
      consoleAccess: true,
      observedAt: asOf,
    }
    const withAlias = { ...leaver, aliases: ['bo'] }
    expect(statusOf(leavers, [withAlias, iam])).toEqual(['fail bo'])
    expect(statusOf(leavers, [withAlias, iam, service('aws', 'bo', 'ann@example.com')])).toEqual([
      'pass bo@example.com',
    ])
  })

  it('joins GitHub organization members by login, and cannot judge a member list read at an unknown time', () => {
    const org: GitHubOrganization = {
      kind: 'github.organization',
      resourceKind: 'GitHubOrganization',
      name: 'acme',
      file: 'github/orgs/acme.json',
      members: ['BoChen'],
      outsideCollaborators: ['vendor-dev'],
      observedAt: asOf,
    }
    const withLogin = { ...leaver, aliases: ['bochen'] }
    expect(statusOf(leavers, [withLogin, org])).toEqual(['fail BoChen'])
    expect(statusOf(accountsBelong, [withLogin, org])).toEqual(['fail BoChen', 'fail vendor-dev'])
    const { observedAt: _, ...unstamped } = org
    expect(statusOf(leavers, [withLogin, unstamped])).toEqual(['no-evidence BoChen'])
  })

  it('reads the member list from a gh api export', async () => {
    const root = path.resolve(import.meta.dirname, '../../../src/collectors/github/testdata')
    const { evidence } = await collectSources(
      [{ type: 'github-json', path: 'acme', organization: 'acme-analytics' }],
      {
        root,
        now: new Date(asOf),
        env: {},
      },
    )
    const org = evidence.find((e): e is GitHubOrganization => e.kind === 'github.organization')
    expect(org?.members).toEqual(['therrera', 'praman', 'atanaka'])
    expect(org?.observedAt).toBe(asOf)
  })

  it('cannot tell without any account export', () => {
    expect(statusOf(leavers, [leaver])).toEqual(['no-evidence bo@example.com'])
  })
})

describe('people/accounts-belong-to-active-people', () => {
  const ann = person('ann@example.com', { aliases: ['ann.lee'] })
  it('passes a current person (any case, any alias) and an owned service account', () => {
    expect(
      statusOf(accountsBelong, [
        ann,
        account('ANN@example.com'),
        account('ci-bot@example.com'),
        service('okta', 'ci-bot@example.com', 'ann@example.com'),
      ]),
    ).toEqual(['pass ann@example.com', 'pass ci-bot@example.com'])
  })

  it('fails an orphan, a leaver and a service account whose owner left', () => {
    const bo = person('bo@example.com', { status: 'terminated', endDate: '2026-09-30' })
    expect(
      statusOf(accountsBelong, [
        ann,
        bo,
        account('ghost@example.com'),
        account('bo@example.com'),
        account('bot@example.com'),
        service('*', 'bot@example.com', 'bo@example.com'),
      ]),
    ).toEqual(['fail ghost@example.com', 'fail bo@example.com', 'fail bot@example.com'])
  })

  it('accepts an account made a few days before a joiner starts, not weeks', () => {
    const soon = person('new@example.com', { status: 'pending', startDate: '2026-12-03' })
    const later = person('late@example.com', { status: 'pending', startDate: '2027-01-15' })
    expect(
      statusOf(accountsBelong, [ann, soon, later, account('new@example.com'), account('late@example.com')]),
    ).toEqual(['pass new@example.com', 'fail late@example.com'])
  })

  it('cannot tell without a roster', () => {
    expect(statusOf(accountsBelong, [account('ann@example.com')])).toEqual(['no-evidence ann@example.com'])
  })
})

describe('people/admin-only-for-approved-people', () => {
  it('passes approved people and groups, fails the rest, and cannot tell without roles', () => {
    const items = [
      person('ann@example.com'),
      person('bo@example.com'),
      account('ann@example.com', { admin: true, adminRoles: ['SUPER_ADMIN'] }),
      account('bo@example.com', { admin: true, adminRoles: ['ORG_ADMIN'] }),
      account('cy@example.com', { admin: true, groups: ['IT-Admins'] }),
      account('dee@example.com', { admin: 'unknown' }),
      account('eve@example.com'),
    ]
    expect(
      statusOf(adminApproved, items, { approvedPeople: ['Ann@Example.com'], approvedGroups: ['it-admins'] }),
    ).toEqual([
      'pass ann@example.com',
      'fail bo@example.com',
      'fail cy@example.com',
      'no-evidence dee@example.com',
    ])
    // cy is approved through the group but is on nobody's roster: still a failure.
    expect(run(adminApproved, items, { approvedGroups: ['it-admins'] })[2]?.message).toContain(
      'belongs to nobody',
    )
  })
})

describe('people/people-enrolled-in-mfa', () => {
  it('passes enrolled, fails not enrolled, cannot tell unknown, skips disabled and service accounts', () => {
    expect(
      statusOf(mfa, [
        account('ann@example.com', { mfaFactors: ['webauthn'] }),
        account('bo@example.com', { mfaEnrolled: false }),
        account('cy@example.com', {
          mfaEnrolled: 'unknown',
          system: 'google',
          resourceKind: 'GoogleWorkspaceUser',
        }),
        account('gone@example.com', { active: false, mfaEnrolled: false }),
        account('bot@example.com', { mfaEnrolled: false }),
        service('okta', 'bot@example.com', 'ann@example.com'),
      ]),
    ).toEqual(['pass ann@example.com', 'fail bo@example.com', 'no-evidence cy@example.com'])
  })
})

const check = (
  email: string,
  outcome: BackgroundCheck['outcome'],
  completedAt?: string,
): BackgroundCheck => ({
  kind: 'people.background-check',
  resourceKind: 'BackgroundCheck',
  name: email,
  file: 'checkr.csv',
  email,
  status: outcome,
  outcome,
  system: 'checkr',
  observedAt: asOf,
  ...(completedAt === undefined ? {} : { completedAt }),
})

describe('people/background-check-before-start', () => {
  it('judges the start date edge, late, missing and pending checks, and leaves interns out', () => {
    const items = [
      person('ann@example.com', { startDate: '2024-01-15' }),
      person('bo@example.com', { startDate: '2024-01-15', employmentType: 'contractor' }),
      person('cy@example.com', { startDate: '2024-01-15' }),
      person('new@example.com', { startDate: '2026-12-07', status: 'pending' }),
      person('int@example.com', { employmentType: 'intern' }),
      check('ANN@example.com', 'cleared', '2024-01-15T23:00:00Z'),
      check('bo@example.com', 'cleared', '2024-01-16T08:00:00Z'),
      check('new@example.com', 'pending'),
    ]
    expect(statusOf(backgroundCheck, items)).toEqual([
      'pass ann@example.com',
      'fail bo@example.com',
      'fail cy@example.com',
      'not-applicable new@example.com',
      'not-applicable int@example.com',
    ])
  })
})

const course = (email: string, completedAt?: string): TrainingRecord => ({
  kind: 'people.training',
  resourceKind: 'TrainingRecord',
  name: `${email} Security Awareness`,
  file: 'knowbe4.csv',
  email,
  course: 'Security Awareness 2026',
  completed: completedAt !== undefined,
  system: 'knowbe4',
  observedAt: asOf,
  ...(completedAt === undefined ? {} : { completedAt }),
})

describe('people/security-training-current', () => {
  it('passes current training, fails missing, late-joiner and yearly-expired, waits for a new joiner', () => {
    const items = [
      person('ann@example.com', { startDate: '2022-01-10' }),
      course('ann@example.com', '2026-03-01'),
      person('old@example.com', { startDate: '2022-01-10' }),
      course('old@example.com', '2025-11-29'),
      person('slow@example.com', { startDate: '2026-05-01' }),
      course('slow@example.com', '2026-06-01'),
      person('ok@example.com', { startDate: '2026-05-01' }),
      course('ok@example.com', '2026-05-31'),
      person('new@example.com', { startDate: '2026-11-15' }),
      person('none@example.com', { startDate: '2023-01-01' }),
    ]
    expect(statusOf(training, items)).toEqual([
      'pass ann@example.com',
      'fail old@example.com',
      'fail slow@example.com',
      'pass ok@example.com',
      'not-applicable new@example.com',
      'fail none@example.com',
    ])
    expect(statusOf(training, items, { courses: ['phishing'] })[0]).toBe('fail ann@example.com')
  })
})

const accepted = (email: string, version: string, at: string): PolicyAcceptance => ({
  kind: 'people.policy-acceptance',
  resourceKind: 'PolicyAcceptance',
  name: `${email} ISP ${version}`,
  file: 'acceptance.csv',
  email,
  policy: 'Information Security Policy',
  version,
  acceptedAt: at,
  system: 'generic',
  observedAt: asOf,
})

describe('people/current-policies-accepted', () => {
  const params = {
    policies: [{ name: 'information security policy', version: '2026.1', effective: '2026-03-01' }],
  }
  it('passes on the last day of the window, fails a day late or on an old version', () => {
    const items = [
      person('ann@example.com'),
      accepted('ann@example.com', '2026.1', '2026-03-31T18:00:00Z'),
      person('bo@example.com'),
      accepted('bo@example.com', '2026.1', '2026-04-01T00:00:00Z'),
      person('cy@example.com'),
      accepted('cy@example.com', '2025.1', '2025-03-10'),
      person('new@example.com', { startDate: '2026-11-20' }),
    ]
    expect(statusOf(policies, items, params)).toEqual([
      'pass ann@example.com',
      'fail bo@example.com',
      'fail cy@example.com',
      'not-applicable new@example.com',
    ])
    expect(statusOf(policies, items)[0]).toBe('no-evidence ann@example.com')
  })
})
