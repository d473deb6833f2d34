import type { EvidenceByKind } from '../../../src/core/evidence.js'
import {
  type AccountView,
  buildDirectory,
  type Directory,
  instant,
  lookupKey,
  type PersonRecords,
  serviceDeclaration,
  viewAccounts,
} from '../../../src/core/people.js'

/** What the people checks share: the roster joined, every account, the declared service accounts. */
export interface PeopleView {
  directory: Directory
  accounts: AccountView[]
  /** Accounts that are people's (declared service accounts left out). */
  personal: AccountView[]
  isService(account: AccountView): boolean
}

type PeopleEvidence = Partial<
  Pick<
    EvidenceByKind,
    'people.person' | 'identity.account' | 'aws.iam-user' | 'github.organization' | 'identity.service-account'
  >
>

export function viewPeople(evidence: PeopleEvidence): PeopleView {
  const directory = buildDirectory(evidence['people.person'] ?? [])
  const accounts = viewAccounts(
    evidence['identity.account'] ?? [],
    evidence['aws.iam-user'] ?? [],
    evidence['github.organization'] ?? [],
  )
  const declared = evidence['identity.service-account'] ?? []
  const isService = (a: AccountView): boolean => serviceDeclaration(a, declared) !== undefined
  return { directory, accounts, personal: accounts.filter((a) => !isService(a)), isService }
}

/** The accounts that belong to a person: any of the account's names equals one of theirs. */
export const accountsOf = (person: PersonRecords, accounts: readonly AccountView[]): AccountView[] =>
  accounts.filter((a) => a.keys.some((k) => person.keys.includes(k)))

/** The records (training, checks, acceptances) that name one of the person's keys. */
export const recordsOf = <R extends { email: string }>(person: PersonRecords, records: readonly R[]): R[] =>
  records.filter((r) => person.keys.includes(lookupKey(r.email)))

/** When the person's roster was true, as epoch ms. */
export const rosterTime = (person: PersonRecords): number => instant(person.current.observedAt)

/** `okta account ann.lee@example.com`: how a message names an account. */
export const describeAccount = (a: AccountView): string => `${a.system} account ${a.label}`
