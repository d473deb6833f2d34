import type { AssessmentModel, ControlStatus, Gap } from '../assessment.js'
import type { FindingStatus } from '../check.js'
import type { SystemComponents } from './components.js'
import type { AssumedControl } from './defaults.js'
import type { PackageDocument } from './document.js'
import type { PersonnelSummary } from './personnel.js'

/** Type 1: design as of a date. Type 2: design and operation through a period. */
export type Engagement = { type: 1; asOf: string } | { type: 2; from: string; to: string }

/** The evidence ledger of a run, when the ledger has recorded it: what lets a reader verify hashes. */
export interface LedgerReference {
  algorithm: string
  /** The public key that verifies the run manifests (PEM or base64, as the ledger writes it). */
  publicKey: string
  keyId?: string
  /** Signed runs recorded inside the period (Type 2): the population of automated test runs. */
  runs?: { id: string; at: string }[]
  /** Hash at the head of the chain when the package was written. */
  head?: string
}

/** What the third-party module knows: vendors' own reports, who owns what, and their CUECs on us. */
export interface ThirdPartyReference {
  attestations: {
    vendor: string
    report: string
    period: string
    opinion: string
    bridgeLetter?: string
    reviewedOn?: string
  }[]
  responsibilities: { control: string; responsibility: string; provider?: string; note?: string }[]
  /** Controls a provider's report expects us to operate, and which of ours does. */
  providerUserControls: { provider: string; control: string; addressedBy?: string }[]
}

export interface EvidenceReference {
  file: string
  sha256: string
}

/** One test of a control, in the words of a test-of-controls section. */
export interface PackageTest {
  id: string
  kind: 'automated' | 'inspection'
  what: string
  how: string
  population: string
  populationSize: number
  sample: string
  result: string
  status: FindingStatus
  exceptions: number
  /** Steps a reader can follow to re-perform it without knowing the technology. */
  procedure: string[]
  evidence: EvidenceReference[]
}

/** A deviation found by a test: a failing subject, an accepted one, or a missing record. */
export interface PackageException {
  test: string
  subject: string
  location: string
  detail: string
  accepted?: { approvedBy: string; expires: string; reason: string }
}

export interface PackageControl {
  id: string
  title: string
  statement: string
  criteria: string[]
  owner: string
  ownerRole: string
  type: string
  frequency: string
  status: ControlStatus
  result: string
  tests: PackageTest[]
  exceptions: PackageException[]
  /** Exceptions found in all, when `exceptions` keeps only the first ones for the document. */
  exceptionCount: number
  response?: string
  analogy?: { traditional: string; cloudNative: string }
  /** Each answer with what supports it: the passing tests it cites, or "management to confirm". */
  auditorQuestions: { question: string; answer: string; support: string }[]
  evidence: EvidenceReference[]
  notApplicable?: string
}

export interface SubserviceOrganization {
  name: string
  model: string
  services: string[]
  method: 'carve-out' | 'inclusive'
  controlsAssumed: AssumedControl[]
}

/** One line of the auditor request list: something the auditor will ask for, and where it is. */
export interface RequestItem {
  id: string
  control: string
  criteria: string[]
  request: string
  owner: string
  status: 'provided' | 'overdue' | 'open'
  reference: string
}

/** Everything the package says, once; each output format renders this. */
export interface PackageModel {
  engagement: Engagement
  organization: string
  system: string
  /** `as of 30 November 2026` or `1 January 2026 to 30 June 2026`, as written in the text. */
  periodText: string
  generatedAt: string
  toolVersion: string
  configHash: string
  assessment: AssessmentModel
  components: SystemComponents
  controls: PackageControl[]
  userEntityControls: AssumedControl[]
  subserviceOrganizations: SubserviceOrganization[]
  notRelevant: { subject: string; reason: string }[]
  requests: RequestItem[]
  gaps: Gap[]
  evidence: (EvidenceReference & { collector: string; bytes: number })[]
  ledger?: LedgerReference
  thirdParties?: ThirdPartyReference
  /** The personnel facts answered from HR and identity evidence, when any was collected. */
  personnel?: PersonnelSummary
  document: PackageDocument
}
