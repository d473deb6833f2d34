import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import type { CollectionError } from '../../core/evidence.js'
import type { IdentityAccount, MfaState, ServiceAccount } from '../../core/evidence-people.js'
import type { CollectedInput, FileCollection, SourceContext } from '../source-collector.js'
import { exportDate, observedAt, type ReadInput, readInput } from './read-input.js'

/**
 * Identity-provider exports: Okta, Google Workspace and Microsoft Entra ID, each a folder of the JSON
 * its API returns (saved with curl, the provider's CLI or a paginating script). Only the fields the
 * access checks need are read: ids, sign-in names and aliases, display name, status, dates, MFA,
 * admin roles, groups and apps. Phone numbers, addresses and custom profile attributes are never kept.
 */

const folderOptions = <T extends string>(type: T) =>
  z.strictObject({
    type: z.literal(type),
    /** The folder holding the exported JSON files, relative to trustctl.yaml. */
    path: z.string().min(1),
    exclude: z.array(z.string()).optional(),
    /** The date the export was taken (YYYY-MM-DD or a timestamp); without it, the collection time. */
    exportedAt: exportDate.optional(),
  })

export const oktaOptions = folderOptions('okta')
export const googleWorkspaceOptions = folderOptions('google-workspace')
export const entraOptions = folderOptions('entra')
type FolderOptions = Omit<z.output<typeof oktaOptions>, 'type'>

/** Reads the JSON files of one export folder, recording each as an input. */
class ExportFolder {
  readonly inputs: CollectedInput[] = []
  readonly errors: CollectionError[] = []
  constructor(
    private readonly root: string,
    readonly folder: string,
    private readonly collector: string,
  ) {}

  /** The parsed JSON of `name`, undefined when the file is absent (or unreadable, with an error). */
  async json(name: string): Promise<{ value: unknown; read: ReadInput } | undefined> {
    const relative = path.posix.join(this.folder, name)
    const read = await readInput(this.root, relative, this.collector)
    if (read === undefined) return undefined
    this.inputs.push(read.input)
    try {
      return { value: JSON.parse(read.text.replace(/^\uFEFF/, '')), read }
    } catch (error) {
      this.errors.push({ file: relative, message: `not valid JSON: ${(error as Error).message}` })
      return undefined
    }
  }

  /** JSON files of a subfolder (`factors/<userId>.json`), by base name. */
  async each(subfolder: string): Promise<Map<string, unknown> | undefined> {
    let names: string[]
    try {
      names = (await readdir(path.resolve(this.root, this.folder, subfolder))).filter((n) =>
        n.endsWith('.json'),
      )
    } catch {
      return undefined
    }
    const found = new Map<string, unknown>()
    for (const name of names.sort()) {
      const read = await this.json(`${subfolder}/${name}`)
      if (read !== undefined) found.set(name.slice(0, -5), read.value)
    }
    return found
  }

  error(file: string, message: string): void {
    this.errors.push({ file: path.posix.join(this.folder, file), message })
  }
}

/**
 * The items of a listing however it was saved: a plain array, one page (`{ users: [...] }`,
 * `{ value: [...] }`), or an array of pages (a paginating loop's output).
 */
export function listItems(value: unknown, key: string): unknown[] | undefined {
  const pageItems = (page: unknown): unknown[] | undefined => {
    if (typeof page !== 'object' || page === null || Array.isArray(page)) return undefined
    const items = (page as Record<string, unknown>)[key]
    return Array.isArray(items) ? items : undefined
  }
  if (!Array.isArray(value)) return pageItems(value)
  const pages = value.map(pageItems)
  // An array of pages when every element is a page; otherwise the array is the listing itself.
  if (value.length > 0 && pages.every((p) => p !== undefined)) return pages.flatMap((p) => p ?? [])
  return value
}

const lower = (v: string | undefined | null): string | undefined =>
  v === undefined || v === null || v === '' ? undefined : v.toLowerCase()
const present = <T>(v: T | undefined | null): v is T => v !== undefined && v !== null

/** A field's issues in a message: `users[3].id: expected string`. */
function describeIssues(where: string, error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map(
      (i) =>
        `${where}${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${i.message}`,
    )
    .join('; ')
}

const nullableString = z.string().nullish()

// ─── Okta ────────────────────────────────────────────────────────────────────────────────────────

const oktaUserSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string().min(1),
  created: nullableString,
  statusChanged: nullableString,
  lastLogin: nullableString,
  profile: z.looseObject({
    login: z.string().min(1),
    email: nullableString,
    secondEmail: nullableString,
    firstName: nullableString,
    lastName: nullableString,
    displayName: nullableString,
  }),
})
const oktaFactorSchema = z.looseObject({ factorType: z.string(), status: z.string() })
const oktaNamedSchema = z.looseObject({
  profile: z.looseObject({ name: z.string() }).optional(),
  label: z.string().optional(),
})
const oktaRoleSchema = z.looseObject({ type: z.string(), label: z.string().optional() })
const oktaLogEventSchema = z.looseObject({
  eventType: z.string(),
  published: z.string(),
  target: z.array(z.looseObject({ id: z.string(), type: z.string().optional() })).nullish(),
})

/** Okta statuses in which the account cannot sign in. */
const oktaClosed = new Set(['SUSPENDED', 'DEPROVISIONED'])

/** Where a part of an Okta answer came from, and where its problems are reported. */
/** `part` is the export's file name (`factors/<id>.json`, `system-log.json`). */
export type OktaErrorSink = (part: string, message: string) => void

/**
 * The answers of the Okta API, however they were obtained (an export folder or the live API):
 * `/api/v1/users` items, per-user answers by user id, and system-log events.
 */
export interface OktaAnswers {
  users: unknown[]
  factors?: Map<string, unknown> | undefined
  groups?: Map<string, unknown> | undefined
  roles?: Map<string, unknown> | undefined
  apps?: Map<string, unknown> | undefined
  log?: unknown
}

/** Per-user answers (`factors/<id>.json`) parsed with `schema`; a bad one is an error, not a guess. */
function perUser<T>(
  subfolder: string,
  answers: Map<string, unknown> | undefined,
  schema: z.ZodType<T>,
  error: OktaErrorSink,
): Map<string, T[]> | undefined {
  if (answers === undefined) return undefined
  const parsed = new Map<string, T[]>()
  for (const [id, value] of answers) {
    const result = z.array(schema).safeParse(value)
    if (result.success) parsed.set(id, result.data)
    else error(`${subfolder}/${id}.json`, describeIssues('', result.error) || 'unexpected shape')
  }
  return parsed
}

/**
 * Okta: `users.json` (`GET /api/v1/users`, every status), and optionally per user
 * `factors/<id>.json` (`/api/v1/users/{id}/factors`), `groups/<id>.json` (`…/groups`),
 * `roles/<id>.json` (`…/roles`), `apps/<id>.json` (`…/appLinks`), plus `system-log.json`
 * (`/api/v1/logs` filtered to `user.lifecycle.deactivate` and `user.lifecycle.suspend`).
 */
export async function collectOkta(options: FolderOptions, context: SourceContext): Promise<FileCollection> {
  const folder = new ExportFolder(context.root, options.path, 'okta')
  const asOf = observedAt(options.exportedAt, context, context.where)
  const users = await folder.json('users.json')
  if (users === undefined) {
    if (folder.errors.length === 0) throw new Error(`${context.where}.path: no users.json in ${options.path}`)
    return { evidence: [], errors: folder.errors, inputs: folder.inputs }
  }
  const items = listItems(users.value, 'users')
  const file = users.read.shownAs
  if (items === undefined) {
    folder.error('users.json', 'expected the array GET /api/v1/users returns')
    return { evidence: [], errors: folder.errors, inputs: folder.inputs }
  }
  const answers: OktaAnswers = {
    users: items,
    factors: await folder.each('factors'),
    groups: await folder.each('groups'),
    roles: await folder.each('roles'),
    apps: await folder.each('apps'),
    log: (await folder.json('system-log.json'))?.value,
  }
  const evidence = oktaAccounts(answers, { file, asOf }, (part, message) =>
    part === 'users.json' ? folder.errors.push({ file, message }) : folder.error(part, message),
  )
  for (const input of folder.inputs) if (input.file === file) input.items = evidence.length
  return { evidence, errors: folder.errors, inputs: folder.inputs }
}

/**
 * The accounts of Okta's answers as evidence. The export folder and the live API both end here,
 * so the same directory gives the same evidence whichever way it was read.
 */
export function oktaAccounts(
  answers: OktaAnswers,
  at: { file: string; asOf: string },
  error: OktaErrorSink,
): IdentityAccount[] {
  const factors = perUser('factors', answers.factors, oktaFactorSchema, error)
  const groups = perUser('groups', answers.groups, oktaNamedSchema, error)
  const roles = perUser('roles', answers.roles, oktaRoleSchema, error)
  const apps = perUser('apps', answers.apps, oktaNamedSchema, error)
  const closedAt = answers.log === undefined ? new Map<string, string>() : oktaClosedTimes(answers.log, error)
  const { file, asOf } = at
  const evidence: IdentityAccount[] = []
  answers.users.forEach((raw, i) => {
    const parsed = oktaUserSchema.safeParse(raw)
    if (!parsed.success) {
      error('users.json', `${describeIssues(`users[${i}]`, parsed.error)}: user skipped`)
      return
    }
    const user = parsed.data
    const p = user.profile
    const active = !oktaClosed.has(user.status)
    const userFactors = factors?.get(user.id)
    const userRoles = roles?.get(user.id)
    const mfa: MfaState =
      userFactors === undefined ? 'unknown' : userFactors.some((f) => f.status === 'ACTIVE')
    const account: IdentityAccount = {
      kind: 'identity.account',
      resourceKind: 'OktaUser',
      name: lower(p.login) ?? user.id,
      file,
      system: 'okta',
      accountId: user.id,
      aliases: [p.login, p.secondEmail].map(lower).filter(present),
      active,
      status: user.status,
      mfaEnrolled: mfa,
      admin: userRoles === undefined ? 'unknown' : userRoles.length > 0,
      adminRoles: (userRoles ?? []).map((r) => r.type),
      groups: (groups?.get(user.id) ?? [])
        .map((g) => g.profile?.name ?? g.label ?? '')
        .filter((n) => n !== ''),
      observedAt: asOf,
    }
    const email = lower(p.email) ?? lower(p.login)
    if (email !== undefined) account.email = email
    const name = p.displayName ?? ([p.firstName, p.lastName].filter(present).join(' ') || undefined)
    if (name !== undefined) account.displayName = name
    if (userFactors !== undefined)
      account.mfaFactors = userFactors.filter((f) => f.status === 'ACTIVE').map((f) => f.factorType)
    const userApps = apps?.get(user.id)
    if (userApps !== undefined)
      account.applications = userApps.map((a) => a.label ?? a.profile?.name ?? '').filter((n) => n !== '')
    if (present(user.created)) account.createdAt = user.created
    if (present(user.lastLogin)) account.lastLogin = user.lastLogin
    // The system log gives the moment of deactivation; without it, statusChanged of a closed account.
    const closed = closedAt.get(user.id) ?? (active ? undefined : (user.statusChanged ?? undefined))
    if (!active && closed !== undefined) account.disabledAt = closed
    evidence.push(account)
  })
  return evidence
}

/** The latest deactivation or suspension time of each user in the system log's events. */
function oktaClosedTimes(log: unknown, error: OktaErrorSink): Map<string, string> {
  const times = new Map<string, string>()
  const events = Array.isArray(log) ? log.flat() : undefined
  if (events === undefined) {
    error('system-log.json', 'expected the array GET /api/v1/logs returns')
    return times
  }
  events.forEach((raw, i) => {
    const parsed = oktaLogEventSchema.safeParse(raw)
    if (!parsed.success) {
      error('system-log.json', `${describeIssues(`[${i}]`, parsed.error)}: event skipped`)
      return
    }
    const event = parsed.data
    if (event.eventType !== 'user.lifecycle.deactivate' && event.eventType !== 'user.lifecycle.suspend')
      return
    for (const target of event.target ?? []) {
      if (target.type !== undefined && target.type !== 'User') continue
      const known = times.get(target.id)
      if (known === undefined || Date.parse(event.published) > Date.parse(known))
        times.set(target.id, event.published)
    }
  })
  return times
}

// ─── Google Workspace ────────────────────────────────────────────────────────────────────────────

const googleUserSchema = z.looseObject({
  id: z.string().min(1),
  primaryEmail: z.string().min(1),
  name: z.looseObject({ fullName: nullableString }).nullish(),
  suspended: z.boolean().nullish(),
  archived: z.boolean().nullish(),
  isAdmin: z.boolean().nullish(),
  isDelegatedAdmin: z.boolean().nullish(),
  isEnrolledIn2Sv: z.boolean().nullish(),
  lastLoginTime: nullableString,
  creationTime: nullableString,
  aliases: z.array(z.string()).nullish(),
  nonEditableAliases: z.array(z.string()).nullish(),
})
const googleActivitySchema = z.looseObject({
  id: z.looseObject({ time: z.string() }),
  events: z.array(
    z.looseObject({
      name: z.string(),
      parameters: z.array(z.looseObject({ name: z.string(), value: z.string().optional() })).nullish(),
    }),
  ),
})

/** Google reports a user who never signed in with the epoch as last login. */
const neverSignedIn = (time: string): boolean => Date.parse(time) <= 0

/**
 * Google Workspace: `users.json` (Directory API `users.list` with `projection=full`, all pages) and
 * optionally `admin-activity.json` (Reports API `activities.list` for `applicationName=admin`,
 * `eventName=SUSPEND_USER`): the suspension times.
 */
export async function collectGoogleWorkspace(
  options: FolderOptions,
  context: SourceContext,
): Promise<FileCollection> {
  const folder = new ExportFolder(context.root, options.path, 'google-workspace')
  const asOf = observedAt(options.exportedAt, context, context.where)
  const users = await folder.json('users.json')
  if (users === undefined) {
    if (folder.errors.length === 0) throw new Error(`${context.where}.path: no users.json in ${options.path}`)
    return { evidence: [], errors: folder.errors, inputs: folder.inputs }
  }
  const suspendedAt = await googleSuspensionTimes(folder)
  const file = users.read.shownAs
  const items = listItems(users.value, 'users')
  if (items === undefined) {
    folder.error('users.json', 'expected the users.list answer ({ "users": [...] })')
    return { evidence: [], errors: folder.errors, inputs: folder.inputs }
  }
  const evidence: IdentityAccount[] = []
  items.forEach((raw, i) => {
    const parsed = googleUserSchema.safeParse(raw)
    if (!parsed.success) {
      folder.errors.push({ file, message: `${describeIssues(`users[${i}]`, parsed.error)}: user skipped` })
      return
    }
    const user = parsed.data
    const email = user.primaryEmail.toLowerCase()
    const active = user.suspended !== true && user.archived !== true
    const admin = user.isAdmin === true || user.isDelegatedAdmin === true
    const account: IdentityAccount = {
      kind: 'identity.account',
      resourceKind: 'GoogleWorkspaceUser',
      name: email,
      file,
      system: 'google',
      accountId: user.id,
      email,
      aliases: [...(user.aliases ?? []), ...(user.nonEditableAliases ?? [])].map((a) => a.toLowerCase()),
      active,
      status: user.archived === true ? 'archived' : user.suspended === true ? 'suspended' : 'active',
      // isEnrolledIn2Sv is only returned with the full projection: absent means unknown, not off.
      mfaEnrolled: user.isEnrolledIn2Sv ?? 'unknown',
      admin: user.isAdmin === undefined || user.isAdmin === null ? 'unknown' : admin,
      adminRoles: [
        ...(user.isAdmin === true ? ['super-admin'] : []),
        ...(user.isDelegatedAdmin === true ? ['delegated-admin'] : []),
      ],
      groups: [],
      observedAt: asOf,
    }
    if (present(user.name?.fullName)) account.displayName = user.name.fullName
    if (present(user.creationTime)) account.createdAt = user.creationTime
    if (present(user.lastLoginTime) && !neverSignedIn(user.lastLoginTime))
      account.lastLogin = user.lastLoginTime
    const suspended = suspendedAt.get(email)
    if (!active && suspended !== undefined) account.disabledAt = suspended
    evidence.push(account)
  })
  for (const input of folder.inputs) if (input.file === file) input.items = evidence.length
  return { evidence, errors: folder.errors, inputs: folder.inputs }
}

async function googleSuspensionTimes(folder: ExportFolder): Promise<Map<string, string>> {
  const log = await folder.json('admin-activity.json')
  const times = new Map<string, string>()
  if (log === undefined) return times
  const items = listItems(log.value, 'items')
  if (items === undefined) {
    folder.error('admin-activity.json', 'expected the activities.list answer ({ "items": [...] })')
    return times
  }
  items.forEach((raw, i) => {
    const parsed = googleActivitySchema.safeParse(raw)
    if (!parsed.success) {
      folder.error('admin-activity.json', `${describeIssues(`items[${i}]`, parsed.error)}: activity skipped`)
      return
    }
    for (const event of parsed.data.events) {
      if (event.name !== 'SUSPEND_USER' && event.name !== 'ARCHIVE_USER') continue
      const email = lower(event.parameters?.find((p) => p.name === 'USER_EMAIL')?.value)
      if (email === undefined) continue
      const known = times.get(email)
      if (known === undefined || Date.parse(parsed.data.id.time) > Date.parse(known))
        times.set(email, parsed.data.id.time)
    }
  })
  return times
}

// ─── Microsoft Entra ID ──────────────────────────────────────────────────────────────────────────

const entraUserSchema = z.looseObject({
  id: z.string().min(1),
  userPrincipalName: z.string().min(1),
  displayName: nullableString,
  mail: nullableString,
  otherMails: z.array(z.string()).nullish(),
  proxyAddresses: z.array(z.string()).nullish(),
  accountEnabled: z.boolean().nullish(),
  createdDateTime: nullableString,
  userType: nullableString,
  signInActivity: z.looseObject({ lastSignInDateTime: nullableString }).nullish(),
})
const entraRegistrationSchema = z.looseObject({
  id: z.string(),
  isAdmin: z.boolean().nullish(),
  isMfaRegistered: z.boolean().nullish(),
  methodsRegistered: z.array(z.string()).nullish(),
})
const entraAuditSchema = z.looseObject({
  activityDisplayName: z.string(),
  activityDateTime: z.string(),
  result: nullableString,
  targetResources: z.array(z.looseObject({ id: nullableString, type: nullableString })).nullish(),
})

/**
 * Entra ID: `users.json` (Graph `GET /users` selecting id, userPrincipalName, mail, otherMails,
 * proxyAddresses, displayName, accountEnabled, createdDateTime, signInActivity), and optionally
 * `registration-details.json` (`GET /reports/authenticationMethods/userRegistrationDetails`: MFA
 * registration and admin role per user) and `directory-audits.json` (`GET /auditLogs/directoryAudits`
 * filtered to `Disable account`): when each account was disabled.
 */
export async function collectEntra(options: FolderOptions, context: SourceContext): Promise<FileCollection> {
  const folder = new ExportFolder(context.root, options.path, 'entra')
  const asOf = observedAt(options.exportedAt, context, context.where)
  const users = await folder.json('users.json')
  if (users === undefined) {
    if (folder.errors.length === 0) throw new Error(`${context.where}.path: no users.json in ${options.path}`)
    return { evidence: [], errors: folder.errors, inputs: folder.inputs }
  }
  const registration = await entraRegistrations(folder)
  const disabledAt = await entraDisableTimes(folder)
  const file = users.read.shownAs
  const items = listItems(users.value, 'value')
  if (items === undefined) {
    folder.error('users.json', 'expected the Graph answer ({ "value": [...] })')
    return { evidence: [], errors: folder.errors, inputs: folder.inputs }
  }
  const evidence: IdentityAccount[] = []
  items.forEach((raw, i) => {
    const parsed = entraUserSchema.safeParse(raw)
    if (!parsed.success) {
      folder.errors.push({ file, message: `${describeIssues(`value[${i}]`, parsed.error)}: user skipped` })
      return
    }
    const user = parsed.data
    const upn = user.userPrincipalName.toLowerCase()
    // accountEnabled is returned only when selected: absent is treated as enabled (never as closed).
    const active = user.accountEnabled !== false
    const reg = registration?.get(user.id)
    const proxies = (user.proxyAddresses ?? []).filter((a) => /^smtp:/i.test(a)).map((a) => a.slice(5))
    const account: IdentityAccount = {
      kind: 'identity.account',
      resourceKind: 'EntraUser',
      name: upn,
      file,
      system: 'entra',
      accountId: user.id,
      email: lower(user.mail) ?? upn,
      aliases: [...new Set([upn, ...(user.otherMails ?? []), ...proxies].map((a) => a.toLowerCase()))],
      active,
      status: active ? 'enabled' : 'disabled',
      mfaEnrolled: reg?.isMfaRegistered ?? 'unknown',
      admin: reg?.isAdmin ?? 'unknown',
      adminRoles: reg?.isAdmin === true ? ['directory-role'] : [],
      groups: [],
      observedAt: asOf,
    }
    if (reg?.methodsRegistered !== undefined && reg.methodsRegistered !== null)
      account.mfaFactors = reg.methodsRegistered
    if (present(user.displayName)) account.displayName = user.displayName
    if (present(user.createdDateTime)) account.createdAt = user.createdDateTime
    const last = user.signInActivity?.lastSignInDateTime
    if (present(last)) account.lastLogin = last
    const disabled = disabledAt.get(user.id)
    if (!active && disabled !== undefined) account.disabledAt = disabled
    evidence.push(account)
  })
  for (const input of folder.inputs) if (input.file === file) input.items = evidence.length
  return { evidence, errors: folder.errors, inputs: folder.inputs }
}

async function entraRegistrations(folder: ExportFolder) {
  const read = await folder.json('registration-details.json')
  if (read === undefined) return undefined
  const items = listItems(read.value, 'value') ?? []
  const byId = new Map<string, z.output<typeof entraRegistrationSchema>>()
  items.forEach((raw, i) => {
    const parsed = entraRegistrationSchema.safeParse(raw)
    if (parsed.success) byId.set(parsed.data.id, parsed.data)
    else
      folder.error(
        'registration-details.json',
        `${describeIssues(`value[${i}]`, parsed.error)}: entry skipped`,
      )
  })
  return byId
}

async function entraDisableTimes(folder: ExportFolder): Promise<Map<string, string>> {
  const read = await folder.json('directory-audits.json')
  const times = new Map<string, string>()
  if (read === undefined) return times
  for (const [i, raw] of (listItems(read.value, 'value') ?? []).entries()) {
    const parsed = entraAuditSchema.safeParse(raw)
    if (!parsed.success) {
      folder.error('directory-audits.json', `${describeIssues(`value[${i}]`, parsed.error)}: entry skipped`)
      continue
    }
    const audit = parsed.data
    if (audit.activityDisplayName !== 'Disable account' || (audit.result ?? 'success') !== 'success') continue
    for (const target of audit.targetResources ?? []) {
      if (!present(target.id)) continue
      const known = times.get(target.id)
      if (known === undefined || Date.parse(audit.activityDateTime) > Date.parse(known))
        times.set(target.id, audit.activityDateTime)
    }
  }
  return times
}

// ─── Declared service accounts ───────────────────────────────────────────────────────────────────

export const serviceAccountOptions = z.strictObject({
  type: z.literal('service-accounts'),
  /** Non-human accounts, each with the person who answers for it; they are never counted as people. */
  accounts: z
    .array(
      z.strictObject({
        system: z.string().min(1),
        account: z.string().min(1),
        owner: z.string().email('write the owner as a work email'),
        purpose: z.string().min(1).optional(),
      }),
    )
    .min(1),
})

/** Turns the declarations of trustctl.yaml into `identity.service-account` evidence. */
export async function collectServiceAccounts(
  options: z.output<typeof serviceAccountOptions>,
  context: SourceContext,
): Promise<FileCollection> {
  const evidence: ServiceAccount[] = options.accounts.map((a, i) => {
    const declared: ServiceAccount = {
      kind: 'identity.service-account',
      resourceKind: 'ServiceAccount',
      name: `${a.system.toLowerCase()}:${a.account.toLowerCase()}`,
      file: `${context.where}.accounts[${i}]`,
      system: a.system.toLowerCase(),
      account: a.account.toLowerCase(),
      owner: a.owner.toLowerCase(),
    }
    if (a.purpose !== undefined) declared.purpose = a.purpose
    return declared
  })
  return { evidence, errors: [], inputs: [] }
}
