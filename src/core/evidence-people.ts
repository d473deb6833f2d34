/**
 * People and their access: who works here (an HR roster), which accounts exist in which system (an
 * identity provider's export), and the per-person records auditors sample (security training,
 * background checks, policy acceptance). Collectors fill these shapes; checks join them by email
 * and aliases (src/core/people.ts) and judge. Evidence states facts only.
 *
 * Personal data is kept to what the tests of controls need: an identifier, the work email and
 * aliases, a display name, employment type, department, manager, dates and status. Collectors read
 * only mapped columns and fields, so birth dates, addresses, salaries, national ids, phone numbers
 * and background-check findings never reach evidence.
 *
 * Conventions for every kind below:
 * - Emails and aliases are stored lower-case (joins are case-insensitive; the export's spelling adds
 *   nothing an auditor needs).
 * - Dates are ISO 8601: `YYYY-MM-DD` for calendar dates from HR and training exports, a full
 *   timestamp where the source has one.
 * - `observedAt` is when the source's state was true: the export's date (a source setting) or the
 *   collection time. Checks compute ages and deadlines against it and never read a clock.
 * - A field left undefined was not in the export; checks treat it as "cannot tell".
 */
import { z } from 'zod'
import { deferredSchema } from './deferred-schema.js'
import { type EvidenceTypes, evidenceSchema } from './evidence-base.js'

const optionalString = deferredSchema(() => z.string().exactOptional())

/** What kind of working relationship a person has; `other` when the roster's value is not recognised. */
export const employmentTypes = ['employee', 'contractor', 'intern', 'temporary', 'other'] as const
export type EmploymentType = (typeof employmentTypes)[number]

/**
 * Where a person stands on the roster: `pending` (hired, not started), `active`, `leave` (still
 * employed, e.g. parental or garden leave) or `terminated`.
 */
export const personStatuses = ['pending', 'active', 'leave', 'terminated'] as const
export type PersonStatus = (typeof personStatuses)[number]

/** One row of an HR roster: one person's employment (a rehire is a second row with a later start). */
export const personSchema = deferredSchema(() =>
  evidenceSchema('people.person', {
    resourceKind: z.literal('Person'),
    /** The HR system's id for the person (employee number), when the export has one. */
    id: optionalString,
    workEmail: z.string().min(1),
    /** Other addresses and user names the person is known by (old emails, a GitHub login, an IAM user). */
    aliases: z.array(z.string()),
    displayName: optionalString,
    employmentType: z.enum(employmentTypes),
    department: optionalString,
    /** The manager as the roster names them (email or name). */
    manager: optionalString,
    startDate: optionalString,
    /** The last day of employment. */
    endDate: optionalString,
    status: z.enum(personStatuses),
    /** When the person last changed department, where the roster records it (a mover). */
    departmentChangedAt: optionalString,
    /** The HR system the roster came from: `bamboohr`, `gusto`, `rippling`, `deel`, `personio`, `hibob`, `generic`. */
    system: z.string().min(1),
    observedAt: z.string().min(1),
  }),
)
export type Person = z.output<typeof personSchema>

/** MFA state of an account: true or false when the source says so, `unknown` when it cannot tell. */
export const mfaStateSchema = deferredSchema(() => z.union([z.boolean(), z.literal('unknown')]))
export type MfaState = z.output<typeof mfaStateSchema>

/** One account in one system (an identity provider, a SaaS directory). */
export const identityAccountSchema = deferredSchema(() =>
  evidenceSchema('identity.account', {
    /** `OktaUser`, `GoogleWorkspaceUser`, `EntraUser`. */
    resourceKind: z.string().min(1),
    /** `okta`, `google`, `entra`, … */
    system: z.string().min(1),
    /** The system's own id for the account. */
    accountId: z.string().min(1),
    /** The sign-in name or primary email, lower-case. */
    email: optionalString,
    /** Other names the account answers to (login, secondary emails, mail aliases), lower-case. */
    aliases: z.array(z.string()),
    displayName: optionalString,
    /** True while the account can sign in. */
    active: z.boolean(),
    /** The system's own status word (`ACTIVE`, `DEPROVISIONED`, `suspended`). */
    status: optionalString,
    /** When the account stopped being able to sign in, where the source records it. */
    disabledAt: optionalString,
    createdAt: optionalString,
    /** The last sign-in; undefined when never or not recorded. */
    lastLogin: optionalString,
    mfaEnrolled: mfaStateSchema,
    /** The enrolled factor types, where the source lists them (`push`, `webauthn`, `totp`). */
    mfaFactors: z.array(z.string()).exactOptional(),
    /** Holds an administrator role in this system; `unknown` when the export lacks roles. */
    admin: mfaStateSchema,
    /** The administrator roles held, where the source names them. */
    adminRoles: z.array(z.string()),
    /** Group names the account belongs to, where exported. */
    groups: z.array(z.string()),
    /** Applications assigned to the account, where exported. */
    applications: z.array(z.string()).exactOptional(),
    observedAt: z.string().min(1),
  }),
)
export type IdentityAccount = z.output<typeof identityAccountSchema>

/**
 * A non-human account declared in trustctl.yaml with a person who answers for it. Accounts matching
 * it are never counted as people, and its owner must be an active person.
 */
export const serviceAccountSchema = deferredSchema(() =>
  evidenceSchema('identity.service-account', {
    resourceKind: z.literal('ServiceAccount'),
    /** The system it lives in (`okta`, `google`, `entra`, `aws`, `github`, or `*` for any). */
    system: z.string().min(1),
    /** The account id, email, login or IAM user name, lower-case. */
    account: z.string().min(1),
    /** The work email of the person responsible, lower-case. */
    owner: z.string().min(1),
    purpose: optionalString,
  }),
)
export type ServiceAccount = z.output<typeof serviceAccountSchema>

/** One course assignment or completion from a training platform's export. */
export const trainingRecordSchema = deferredSchema(() =>
  evidenceSchema('people.training', {
    resourceKind: z.literal('TrainingRecord'),
    email: z.string().min(1),
    course: z.string().min(1),
    /** The platform's status word (`Passed`, `Completed`, `In Progress`, `Past Due`). */
    status: optionalString,
    /** True when the status or a completion date shows the course was completed. */
    completed: z.boolean(),
    completedAt: optionalString,
    assignedAt: optionalString,
    system: z.string().min(1),
    observedAt: z.string().min(1),
  }),
)
export type TrainingRecord = z.output<typeof trainingRecordSchema>

/** The outcome of a background check as a status only: the findings themselves are never read. */
export const backgroundCheckSchema = deferredSchema(() =>
  evidenceSchema('people.background-check', {
    resourceKind: z.literal('BackgroundCheck'),
    email: z.string().min(1),
    /** The provider's status word (`clear`, `consider`, `pending`, `suspended`, `canceled`). */
    status: z.string(),
    /** `cleared`: completed and accepted; `pending`: not finished; `other`: anything else (consider, disputed, canceled). */
    outcome: z.enum(['cleared', 'pending', 'other']),
    completedAt: optionalString,
    system: z.string().min(1),
    observedAt: z.string().min(1),
  }),
)
export type BackgroundCheck = z.output<typeof backgroundCheckSchema>

/** A person's acceptance of one version of one policy. */
export const policyAcceptanceSchema = deferredSchema(() =>
  evidenceSchema('people.policy-acceptance', {
    resourceKind: z.literal('PolicyAcceptance'),
    email: z.string().min(1),
    policy: z.string().min(1),
    /** The catalog policy id, for an acceptance made in trustctl: checks match a policy by name or id. */
    policyId: z.string().min(1).exactOptional(),
    version: z.string().min(1),
    acceptedAt: z.string().min(1),
    system: z.string().min(1),
    observedAt: z.string().min(1),
  }),
)
export type PolicyAcceptance = z.output<typeof policyAcceptanceSchema>

/** What a reviewer decided about one account: keep it, revoke it, or change its access. */
export const accessReviewDecisions = ['keep', 'revoke', 'change'] as const
export type AccessReviewDecision = (typeof accessReviewDecisions)[number]

/**
 * One access-review campaign over one system's accounts: who reviewed, when it was opened, due and
 * closed, how many accounts it covered and what was decided for each. Read from the ledger (campaigns
 * run with `trustctl access-review`) or from an exported campaigns JSON (reviews run elsewhere).
 */
export const accessReviewSchema = deferredSchema(() =>
  evidenceSchema('people.access-review', {
    resourceKind: z.literal('AccessReview'),
    /** The system reviewed (`okta`, `github`, `aws`, `google`, `entra`). */
    system: z.string().min(1),
    reviewer: z.string().min(1),
    openedAt: z.string().min(1),
    /** The calendar date (YYYY-MM-DD) by which the campaign must close. */
    dueDate: optionalString,
    status: z.enum(['open', 'closed']),
    closedAt: optionalString,
    /** The accounts under review, as the snapshot held them. */
    accounts: z.array(z.strictObject({ accountId: z.string().min(1), active: z.boolean() })),
    decisions: z.array(
      z.strictObject({
        accountId: z.string().min(1),
        decision: z.enum(accessReviewDecisions),
        reason: z.string().min(1),
        decidedAt: z.string().min(1),
      }),
    ),
    /** When the campaign's state was read (the assessment's time): checks judge "overdue" against it. */
    observedAt: z.string().min(1),
  }),
)
export type AccessReview = z.output<typeof accessReviewSchema>

/** Evidence kinds of this domain by name; `evidence.ts` joins them into the registry. */
export const peopleEvidenceSchemas = {
  'people.person': personSchema,
  'people.training': trainingRecordSchema,
  'people.background-check': backgroundCheckSchema,
  'people.policy-acceptance': policyAcceptanceSchema,
  'people.access-review': accessReviewSchema,
  'identity.account': identityAccountSchema,
  'identity.service-account': serviceAccountSchema,
} as const
export type PeopleEvidenceKinds = EvidenceTypes<typeof peopleEvidenceSchemas>
