import type { SubjectLike } from './check.js'
import type { AwsIamUser } from './evidence-aws.js'
import type { IdentityAccount, MfaState, Person, ServiceAccount } from './evidence-people.js'
import type { GitHubOrganization } from './evidence-vcs.js'

/**
 * Joining people to their accounts. Pure functions over evidence, shared by the people checks: an
 * account belongs to a person when its email, login or an alias equals the person's work email or
 * one of their aliases, compared case-insensitively. A rehire is the same person on two roster rows;
 * the row with the latest start date is the person's current employment.
 */

/** A lookup key: trimmed and lower-case, so `Ann.Lee@Acme.com` and `ann.lee@acme.com` join. */
export const lookupKey = (value: string): string => value.trim().toLowerCase()

/** One account in any system, whichever evidence kind it was read from. */
export interface AccountView {
  system: string
  accountId: string
  /** Every name the account answers to, lower-case. */
  keys: readonly string[]
  active: boolean
  disabledAt?: string
  lastLogin?: string
  mfaEnrolled: MfaState
  admin: MfaState
  adminRoles: readonly string[]
  groups: readonly string[]
  /** Enrolled factor types, where the source lists them. */
  mfaFactors?: readonly string[]
  observedAt?: string
  /** What a finding points at: the evidence item, or the member of an organization. */
  item: SubjectLike
  /** The account's name in messages. */
  label: string
}

/** An identity-provider account as a view. */
export function viewIdentityAccount(account: IdentityAccount): AccountView {
  const keys = [account.email, account.accountId, ...account.aliases].filter(
    (k): k is string => k !== undefined && k !== '',
  )
  const view: AccountView = {
    system: account.system,
    accountId: account.accountId,
    keys: [...new Set(keys.map(lookupKey))],
    active: account.active,
    mfaEnrolled: account.mfaEnrolled,
    admin: account.admin,
    adminRoles: account.adminRoles,
    groups: account.groups,
    observedAt: account.observedAt,
    item: account,
    label: account.name,
  }
  if (account.mfaFactors !== undefined) view.mfaFactors = account.mfaFactors
  if (account.disabledAt !== undefined) view.disabledAt = account.disabledAt
  if (account.lastLogin !== undefined) view.lastLogin = account.lastLogin
  return view
}

/**
 * An IAM user as a view (system `aws`, joined by its user name). It counts as active while it has a
 * console password or an active access key; when neither is known it counts as active, because a
 * user that exists can be given credentials and calling it closed could hide a leaver.
 */
export function viewIamUser(user: AwsIamUser): AccountView {
  const hasKey = user.accessKeys?.some((k) => k.active)
  const known = user.consoleAccess !== undefined || user.accessKeys !== undefined
  const view: AccountView = {
    system: 'aws',
    accountId: user.name,
    keys: [lookupKey(user.name)],
    active: known ? user.consoleAccess === true || hasKey === true : true,
    mfaEnrolled: user.mfaEnabled ?? 'unknown',
    // IAM privileges live in policies, judged by the IAM checks; here the user is not called an admin.
    admin: 'unknown',
    adminRoles: [],
    groups: [],
    item: user,
    label: user.name,
  }
  if (user.observedAt !== undefined) view.observedAt = user.observedAt
  if (user.passwordLastUsedAt !== undefined) view.lastLogin = user.passwordLastUsedAt
  return view
}

/**
 * Members and outside collaborators of a GitHub organization as views (system `github`, joined by
 * login). GitHub lists current members only, so each is active; the organization's 2FA requirement,
 * where on, means every member has 2FA (GitHub removes those without it). Roles are not read here.
 */
export function viewGitHubMembers(org: GitHubOrganization): AccountView[] {
  const logins = [...(org.members ?? []), ...(org.outsideCollaborators ?? [])]
  return [...new Set(logins)].map((login) => ({
    ...(org.observedAt === undefined ? {} : { observedAt: org.observedAt }),
    system: 'github',
    accountId: login,
    keys: [lookupKey(login)],
    active: true,
    mfaEnrolled: org.twoFactorRequirementEnabled === true ? true : 'unknown',
    admin: 'unknown',
    adminRoles: [],
    groups: [],
    item: { resourceKind: 'GitHubMember', name: login, file: org.file },
    label: `${login} (${org.name})`,
  }))
}

/** Every account in the evidence, from identity exports, IAM users and GitHub organizations, as views. */
export function viewAccounts(
  accounts: readonly IdentityAccount[],
  iamUsers: readonly AwsIamUser[] = [],
  organizations: readonly GitHubOrganization[] = [],
): AccountView[] {
  // Planned IAM users (Terraform) are not accounts yet: only state read from the account counts.
  const live = iamUsers.filter(
    (u) => u.origin === undefined || u.origin === 'live' || u.origin === 'cli-json',
  )
  return [
    ...accounts.map(viewIdentityAccount),
    ...live.map(viewIamUser),
    ...organizations.flatMap(viewGitHubMembers),
  ]
}

/** The declared service account an account is, if any. */
export function serviceDeclaration(
  account: AccountView,
  declarations: readonly ServiceAccount[],
): ServiceAccount | undefined {
  return declarations.find(
    (d) =>
      (d.system === '*' || lookupKey(d.system) === account.system) &&
      account.keys.includes(lookupKey(d.account)),
  )
}

/** People on the roster, indexed by every key they are known by. */
export interface Directory {
  /** Roster rows by key; a rehire's rows, and rows that share an alias, sit under the same key. */
  byKey: ReadonlyMap<string, readonly Person[]>
  /** One entry per person: their rows, the current one first. */
  people: readonly PersonRecords[]
}

/** A person's roster rows; `current` is the employment with the latest start date. */
export interface PersonRecords {
  current: Person
  rows: readonly Person[]
  keys: readonly string[]
}

const personKeys = (person: Person): string[] => [
  ...new Set([person.workEmail, ...person.aliases].map(lookupKey).filter((k) => k !== '')),
]

/** Orders rows latest employment first: by start date, then an open row before a closed one. */
function latestFirst(a: Person, b: Person): number {
  const byStart = (b.startDate ?? '').localeCompare(a.startDate ?? '')
  if (byStart !== 0) return byStart
  return Number(a.status === 'terminated') - Number(b.status === 'terminated')
}

/** Indexes the roster; a rehire's rows (same work email, or the old one kept as an alias) are one person. */
export function buildDirectory(persons: readonly Person[]): Directory {
  const byKey = new Map<string, Person[]>()
  for (const person of persons)
    for (const key of personKeys(person)) byKey.set(key, [...(byKey.get(key) ?? []), person])
  // Rows are one person when they share a work email, or one row lists the other's work email as an
  // alias (a rehire under a new address). A shared non-email alias (`admin`) does not merge people:
  // merging a leaver into someone current would hide the leaver's accounts.
  const byEmail = new Map<string, Person[]>()
  for (const person of persons) {
    const email = lookupKey(person.workEmail)
    byEmail.set(email, [...(byEmail.get(email) ?? []), person])
  }
  const related = (row: Person): Person[] => [
    ...(byEmail.get(lookupKey(row.workEmail)) ?? []),
    ...row.aliases.flatMap((a) => byEmail.get(lookupKey(a)) ?? []),
    ...(byKey.get(lookupKey(row.workEmail)) ?? []),
  ]
  const seen = new Set<Person>()
  const people: PersonRecords[] = []
  for (const person of persons) {
    if (seen.has(person)) continue
    const rows: Person[] = []
    const queue = [person]
    while (queue.length > 0) {
      const next = queue.pop()
      if (next === undefined || seen.has(next)) continue
      seen.add(next)
      rows.push(next)
      queue.push(...related(next))
    }
    rows.sort(latestFirst)
    const [current] = rows
    if (current !== undefined) people.push({ current, rows, keys: [...new Set(rows.flatMap(personKeys))] })
  }
  return { byKey, people }
}

/** The person an account or record belongs to, through any of its keys. */
export function findPerson(directory: Directory, keys: readonly string[]): PersonRecords | undefined {
  for (const key of keys) {
    const rows = directory.byKey.get(lookupKey(key))
    const first = rows?.[0]
    if (first !== undefined) return directory.people.find((p) => p.rows.includes(first))
  }
  return undefined
}

const dayMs = 86_400_000
const dateOnly = /^\d{4}-\d{2}-\d{2}$/

/** A date or timestamp as epoch milliseconds; a calendar date is its start (00:00 UTC). */
export function instant(value: string): number {
  return Date.parse(dateOnly.test(value) ? `${value}T00:00:00Z` : value)
}

/**
 * When employment ended: a calendar end date is the person's last working day, so it ends at the
 * close of that day (00:00 UTC the next day); a timestamp is taken as it is.
 */
export function employmentEnd(endDate: string): number {
  return dateOnly.test(endDate) ? instant(endDate) + dayMs : instant(endDate)
}

/** True when the person's current employment has ended as of `asOf` (epoch ms). */
export function hasLeft(person: Person, asOf: number): boolean {
  if (person.endDate !== undefined) return employmentEnd(person.endDate) <= asOf
  return person.status === 'terminated'
}

/** True when the person works here as of `asOf`: started, not ended (leave counts as employed). */
export function isActivePerson(person: Person, asOf: number): boolean {
  if (hasLeft(person, asOf)) return false
  if (person.status === 'terminated') return false
  if (person.startDate !== undefined) return instant(person.startDate) <= asOf
  return person.status !== 'pending'
}

/** Whole days between two instants (epoch ms), rounded down. */
export const wholeDays = (from: number, to: number): number => Math.floor((to - from) / dayMs)

/** `2026-05-01` from epoch ms: how dates are written in messages. */
export const formatDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

/** `2026-05-01T10:00:00Z` from epoch ms (seconds kept: an SLA edge is a second). */
export const formatInstant = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z')
