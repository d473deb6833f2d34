import type { AssessmentModel } from '../assessment.js'
import type { EvidenceItem } from '../evidence.js'
import type { IdentityAccount, Person } from '../evidence-people.js'

/**
 * The personnel part of the system description, answered from people evidence rather than from
 * management's word: who works here (the HR roster), who joined and left in the period, the
 * accounts each identity provider holds and their MFA, and for each personnel practice the check
 * that tested it, its population and its exceptions. Every figure traces to a collected file.
 */

/** The engagement's dates (the package model's Engagement, restated to keep the import one-way). */
type PersonnelEngagement = { type: 1; asOf: string } | { type: 2; from: string; to: string }

/** One personnel practice as the assessment tested it. */
export interface PersonnelTopic {
  topic: string
  /** The check whose findings answer it. */
  check: string
  /** Subjects judged (not-applicable ones left out). */
  population: number
  exceptions: number
  /** Subjects the evidence could not decide: never counted as passed. */
  undetermined: number
  /** `No exceptions noted`, the first exceptions, or why it is not evidenced. */
  result: string
  status: 'pass' | 'fail' | 'no-evidence'
}

/** Accounts of one identity provider or directory. */
export interface PersonnelAccounts {
  system: string
  accounts: number
  active: number
  mfaEnrolled: number
  /** Active accounts whose source does not show enrolment. */
  mfaUnknown: number
}

export interface PersonnelSummary {
  /** `in the 12 months to 30 November 2026` or the Type 2 period, as the joiner/leaver window. */
  window: { from: string; to: string }
  workforce: {
    /** Distinct people on the roster (a rehire counted once). */
    people: number
    active: number
    byType: Record<string, number>
    joiners: number
    leavers: number
    /** The HR systems and files the roster came from. */
    sources: string[]
  }
  accounts: PersonnelAccounts[]
  topics: PersonnelTopic[]
}

/** The personnel practices and the checks that test them, in the order an auditor walks them. */
export const personnelTopics: readonly { topic: string; check: string }[] = [
  {
    topic: 'Background check completed before the start date',
    check: 'people/background-check-before-start',
  },
  { topic: 'Security training on joining and yearly', check: 'people/security-training-current' },
  { topic: 'Current policies accepted', check: 'people/current-policies-accepted' },
  { topic: 'MFA enrolled in every identity provider', check: 'people/people-enrolled-in-mfa' },
  { topic: "Leavers' accounts disabled within the SLA", check: 'people/leaver-accounts-disabled-within-sla' },
  {
    topic: 'Every account held by a current person or a declared owner',
    check: 'people/accounts-belong-to-active-people',
  },
  { topic: 'Administrator roles only for approved people', check: 'people/admin-only-for-approved-people' },
  { topic: "Movers' access reviewed after a department change", check: 'people/movers-access-reviewed' },
  { topic: 'Access reviews completed in the period', check: 'people/access-reviewed-in-period' },
]

/** The joiner/leaver window: the Type 2 period, or the 12 months up to a Type 1 date. */
export function personnelWindow(engagement: PersonnelEngagement): { from: string; to: string } {
  if (engagement.type === 2) return { from: engagement.from, to: engagement.to }
  const to = new Date(`${engagement.asOf.slice(0, 10)}T00:00:00Z`)
  const from = new Date(to)
  from.setUTCFullYear(from.getUTCFullYear() - 1)
  from.setUTCDate(from.getUTCDate() + 1)
  return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) }
}

const within = (date: string | undefined, window: { from: string; to: string }): boolean =>
  date !== undefined && date.slice(0, 10) >= window.from && date.slice(0, 10) <= window.to

/** Each person's latest employment (rows of a rehire share the email). */
function latestEmployments(people: readonly Person[]): Person[] {
  const byEmail = new Map<string, Person>()
  for (const person of people) {
    const known = byEmail.get(person.workEmail)
    if (known === undefined || (person.startDate ?? '') > (known.startDate ?? ''))
      byEmail.set(person.workEmail, person)
  }
  return [...byEmail.values()]
}

function topicOf(
  topic: { topic: string; check: string },
  findings: AssessmentModel['findings'],
): PersonnelTopic {
  const judged = findings.filter((f) => f.check === topic.check && f.status !== 'not-applicable')
  const failed = judged.filter((f) => f.status === 'fail')
  const undetermined = judged.filter((f) => f.status === 'no-evidence' || f.status === 'error').length
  const base = { ...topic, population: judged.length, exceptions: failed.length, undetermined }
  if (judged.length === 0)
    return {
      ...base,
      status: 'no-evidence',
      result: 'Not evidenced: no record of this practice was collected',
    }
  if (failed.length > 0) {
    // A message that does not name its subject (`last completed …`) is prefixed with it.
    const shown = failed
      .slice(0, 3)
      .map((f) => (f.message.includes(f.subject.name) ? f.message : `${f.subject.name}: ${f.message}`))
    const more = failed.length > shown.length ? `; and ${failed.length - shown.length} more` : ''
    return {
      ...base,
      status: 'fail',
      result: `${failed.length} exception${failed.length === 1 ? '' : 's'}: ${shown.join('; ')}${more}`,
    }
  }
  // An undecided subject is not a passed one: the practice is only partly evidenced.
  if (undetermined > 0)
    return {
      ...base,
      status: 'no-evidence',
      result: `No exceptions among those decided; ${undetermined} could not be decided from the evidence`,
    }
  return { ...base, status: 'pass', result: 'No exceptions noted' }
}

/**
 * The personnel summary of one assessment, or undefined when no roster or identity account was
 * collected (the description then rests on management's statements, as before).
 */
export function summarizePersonnel(
  evidence: readonly EvidenceItem[],
  model: Pick<AssessmentModel, 'findings'>,
  engagement: PersonnelEngagement,
): PersonnelSummary | undefined {
  const people = evidence.filter((e): e is Person => e.kind === 'people.person')
  const accounts = evidence.filter((e): e is IdentityAccount => e.kind === 'identity.account')
  if (people.length === 0 && accounts.length === 0) return undefined
  const window = personnelWindow(engagement)
  const current = latestEmployments(people)
  const byType: Record<string, number> = {}
  for (const person of current.filter((p) => p.status === 'active' || p.status === 'leave'))
    byType[person.employmentType] = (byType[person.employmentType] ?? 0) + 1
  const systems = [...new Set(accounts.map((a) => a.system))].sort()
  return {
    window,
    workforce: {
      people: current.length,
      active: current.filter((p) => p.status === 'active' || p.status === 'leave').length,
      byType,
      // Every employment that began in the window is a joiner, a rehire's second start included.
      joiners: people.filter((p) => within(p.startDate, window)).length,
      leavers: people.filter((p) => within(p.endDate, window)).length,
      sources: [...new Set(people.map((p) => `${p.file} from ${p.system}`))].sort(),
    },
    accounts: systems.map((system) => {
      const own = accounts.filter((a) => a.system === system)
      const active = own.filter((a) => a.active)
      return {
        system,
        accounts: own.length,
        active: active.length,
        mfaEnrolled: active.filter((a) => a.mfaEnrolled === true).length,
        mfaUnknown: active.filter((a) => a.mfaEnrolled === 'unknown').length,
      }
    }),
    topics: personnelTopics.map((t) => topicOf(t, model.findings)),
  }
}
