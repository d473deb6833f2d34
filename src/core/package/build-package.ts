import { answerSupport } from '../answer-support.js'
import type { AssessmentModel, ControlResult, ControlStatus } from '../assessment.js'
import type { Catalog } from '../catalog.js'
import type { Finding, FindingStatus } from '../check.js'
import type { Config } from '../config.js'
import { emptyPackageConfig } from '../config-package.js'
import { durationInWords } from '../dates.js'
import { CatalogError } from '../errors.js'
import type { EvidenceItem } from '../evidence.js'
import { accessReviewTests } from './access-review-tests.js'
import { discoverComponents } from './components.js'
import {
  assumedProviderControls,
  commonSampleOf,
  defaultUserEntityControls,
  frequencyOfCycle,
} from './defaults.js'
import { renderDocument } from './document-sections.js'
import { ledgerOf, thirdPartiesOf } from './integrations.js'
import type {
  Engagement,
  EvidenceReference,
  LedgerReference,
  PackageControl,
  PackageException,
  PackageModel,
  PackageTest,
  RequestItem,
  SubserviceOrganization,
  ThirdPartyReference,
} from './model.js'
import { summarizePersonnel } from './personnel.js'
import type { PackageTemplates } from './templates.js'

/** What the package reads from trustctl.yaml. */
export type PackageSettings = Pick<Config, 'package' | 'providers' | 'owners'>

const noSettings: PackageSettings = { package: emptyPackageConfig, providers: [], owners: {} }

export interface PackageInput {
  model: AssessmentModel
  /** trustctl.yaml: its package section, providers and owners (defaults when only a model is at hand). */
  config?: PackageSettings
  evidence: readonly EvidenceItem[]
  engagement: Engagement
  /** For control frequencies and category names; optional so synthetic models can be packaged. */
  catalog?: Catalog
  /** The package prose (catalog/package); taken from the catalog when it carries them. */
  templates?: PackageTemplates
  ledger?: LedgerReference
  thirdParties?: ThirdPartyReference
  /** Failing subjects listed per control in the document; all of them go to SARIF, CSV and XLSX. */
  exceptionsPerControl?: number
}

const months = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

/** `2026-11-30` as `30 November 2026`, the way a report states its date. */
export function longDate(iso: string): string {
  const [y, m, d] = iso.split('-')
  return `${Number(d)} ${months[Number(m) - 1] ?? m} ${y}`
}

/** The result a reader sees for a control, worded as a test result, never as an opinion. */
export const controlResultText: Record<ControlStatus, string> = {
  pass: 'No exceptions noted',
  fail: 'Exceptions noted',
  partial: 'Partly evidenced: see the tests',
  'no-evidence': 'Not tested: no current evidence',
  error: 'Test could not be completed',
  'not-applicable': 'Not applicable',
}

function testResultText(status: FindingStatus, exceptions: number): string {
  switch (status) {
    case 'pass':
      return 'No exceptions noted'
    case 'fail':
      return `${exceptions} exception${exceptions === 1 ? '' : 's'} noted`
    case 'no-evidence':
      return 'Not tested: the evidence needed was not collected'
    case 'error':
      return 'Test could not be completed'
    default:
      return 'Not applicable'
  }
}

function qualified(subject: Finding['subject']): string {
  const name = subject.namespace === undefined ? subject.name : `${subject.namespace}/${subject.name}`
  return `${subject.kind} ${name}`
}

function where(subject: Finding['subject']): string {
  return subject.line === undefined ? subject.file : `${subject.file}:${subject.line}`
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

interface Indexes {
  findingsByCheck: Map<string, Finding[]>
  checkById: Map<string, AssessmentModel['checks'][number]>
  hashByFile: Map<string, string>
}

function indexModel(model: AssessmentModel): Indexes {
  const findingsByCheck = new Map<string, Finding[]>()
  for (const finding of model.findings) {
    const list = findingsByCheck.get(finding.check)
    if (list === undefined) findingsByCheck.set(finding.check, [finding])
    else list.push(finding)
  }
  return {
    findingsByCheck,
    checkById: new Map(model.checks.map((c) => [c.id, c])),
    hashByFile: new Map(model.inputs.map((i) => [i.file, i.sha256])),
  }
}

function evidenceOf(findings: readonly Finding[], hashByFile: Map<string, string>): EvidenceReference[] {
  const files = new Map<string, string>()
  for (const f of findings) {
    const hash = hashByFile.get(f.subject.file)
    if (hash !== undefined && !files.has(f.subject.file)) files.set(f.subject.file, hash)
  }
  return [...files].map(([file, sha256]) => ({ file, sha256 })).sort((a, b) => a.file.localeCompare(b.file))
}

function automatedTest(
  test: ControlResult['tests'][number],
  input: PackageInput,
  idx: Indexes,
  controlFrequency: string,
): PackageTest {
  const findings = idx.findingsByCheck.get(test.check) ?? []
  const check = idx.checkById.get(test.check)
  const kinds = [...new Set(findings.map((f) => f.subject.kind))].sort()
  const evidence = evidenceOf(findings, idx.hashByFile)
  const population =
    test.population === 0
      ? 'No items of the kind the test reads were found in the evidence'
      : `All ${plural(test.population, 'item')} in the collected evidence (${kinds.join(', ') || 'items'}), from ${plural(evidence.length, 'file')}`
  const type2 = input.engagement.type === 2
  const runs = input.ledger?.runs?.length
  const sample = !type2
    ? 'None: every item in the population was inspected'
    : runs !== undefined && runs > 0
      ? `Every item in each of the ${plural(runs, 'signed run')} recorded in the period`
      : controlFrequency === 'continuous'
        ? 'Every item as of the period end; runs through the period need the evidence ledger'
        : 'Every item as of the period end'
  return {
    id: test.check,
    kind: 'automated',
    what: check?.title ?? test.title,
    how: `Automated inspection by trustctl of the configuration as written in the files below. ${check?.description ?? ''}`.trim(),
    population,
    populationSize: test.population,
    sample,
    result: testResultText(test.status, test.exceptions),
    status: test.status,
    exceptions: test.exceptions,
    procedure: [
      'Obtain the evidence files listed for this control and confirm that the SHA-256 of each matches the value shown (for example with `sha256sum`).',
      `Confirm the population: the items listed in the evidence files (${kinds.join(', ') || 'none found'}) are all the items in scope.`,
      `For each item, or a sample chosen by the auditor, open the file at the location given and confirm this condition holds: ${check?.title ?? test.title}.`,
      `Compare with the result: ${test.conclusion.replace(/\.+$/, '')}. Re-performing the test with \`trustctl explain ${test.check}\` and \`trustctl assess\` on the same files gives the same result.`,
    ],
    evidence,
  }
}

function manualTest(item: ControlResult['manualEvidence'][number], engagement: Engagement): PackageTest {
  const frequency = frequencyOfCycle(item.every)
  const provided = item.lastDate !== undefined
  const result =
    item.status === 'current'
      ? `No exceptions noted: record dated ${item.lastDate}, next due ${item.dueDate}`
      : item.status === 'overdue'
        ? `Exception: the latest record is dated ${item.lastDate}; a new one was due by ${item.dueDate}`
        : 'Exception: no record was provided'
  return {
    id: `manual:${item.id}`,
    kind: 'inspection',
    what: item.title,
    how: provided
      ? `Inspection of the record provided by ${item.by ?? 'the owner'}${item.reference === undefined ? '' : ` (${item.reference})`}.`
      : 'Inspection of the record, once provided by the control owner.',
    population: `Each occurrence of the activity (${frequency}, every ${durationInWords(item.every)})`,
    populationSize: provided ? 1 : 0,
    sample:
      engagement.type === 1
        ? 'One occurrence, the latest (walkthrough of design and implementation)'
        : `Occurrences in the period, sampled by the auditor (a ${frequency} control is commonly sampled ${commonSampleOf(frequency)})`,
    result,
    status: item.status === 'current' ? 'pass' : item.status === 'overdue' ? 'fail' : 'no-evidence',
    exceptions: item.status === 'current' ? 0 : 1,
    procedure: [
      `Obtain the record: ${item.reference ?? 'reference to be supplied by the control owner'}.`,
      `Confirm it shows: ${item.title.charAt(0).toLowerCase()}${item.title.slice(1)}.`,
      'Confirm who performed it, when, and that follow-up actions were tracked to closure.',
    ],
    evidence: [],
  }
}

function buildControl(control: ControlResult, input: PackageInput, idx: Indexes): PackageControl {
  const frequency = input.catalog?.controls.find((c) => c.id === control.id)?.frequency ?? 'continuous'
  const tests = [
    ...control.tests.map((t) => automatedTest(t, input, idx, frequency)),
    ...control.manualEvidence.map((m) => manualTest(m, input.engagement)),
    ...accessReviewTests(
      control.tests.map((t) => t.check),
      idx.findingsByCheck,
      input.evidence,
    ),
  ]
  const limit = input.exceptionsPerControl ?? 20
  const exceptions: PackageException[] = []
  let exceptionCount = 0
  for (const test of control.tests) {
    for (const f of idx.findingsByCheck.get(test.check) ?? []) {
      if (f.status !== 'fail') continue
      exceptionCount++
      if (exceptions.length < limit)
        exceptions.push({
          test: test.check,
          subject: qualified(f.subject),
          location: where(f.subject),
          detail: f.message,
        })
    }
  }
  const checks = new Set(control.tests.map((t) => t.check))
  for (const accepted of input.model.exceptions) {
    if (!checks.has(accepted.check) || accepted.status !== 'applied') continue
    const s = accepted.subject
    exceptions.push({
      test: accepted.check,
      subject: `${s.kind ?? 'subject'} ${s.namespace === undefined ? s.name : `${s.namespace}/${s.name}`}`,
      location: accepted.reference ?? '',
      detail: 'Deviation accepted by management (risk acceptance in force).',
      accepted: { approvedBy: accepted.approvedBy, expires: accepted.expires, reason: accepted.reason },
    })
  }
  for (const m of control.manualEvidence) {
    if (m.status === 'current') continue
    exceptionCount++
    exceptions.push({
      test: `manual:${m.id}`,
      subject: m.title,
      location: m.reference ?? '',
      detail:
        m.status === 'overdue'
          ? `Last performed ${m.lastDate}; due again by ${m.dueDate}.`
          : 'No record provided.',
    })
  }
  const response = managementResponse(control, input, exceptions)
  const result: PackageControl = {
    id: control.id,
    title: control.title,
    statement: control.statement,
    criteria: control.criteria,
    owner: control.owner,
    ownerRole: control.ownerRole,
    type: control.type,
    frequency,
    status: control.status,
    result: controlResultText[control.status],
    tests,
    exceptions,
    exceptionCount,
    auditorQuestions: control.auditorQuestions.map((q) => ({
      question: q.question,
      answer: q.answer,
      support: answerSupport(q, control.tests),
    })),
    evidence: mergeEvidence(tests),
  }
  if (response !== undefined) result.response = response
  if (control.analogy !== undefined) result.analogy = control.analogy
  if (control.notApplicable !== undefined) result.notApplicable = control.notApplicable.justification
  return result
}

function mergeEvidence(tests: readonly PackageTest[]): EvidenceReference[] {
  const all = new Map<string, string>()
  for (const t of tests) for (const e of t.evidence) all.set(e.file, e.sha256)
  return [...all].map(([file, sha256]) => ({ file, sha256 })).sort((a, b) => a.file.localeCompare(b.file))
}

function managementResponse(
  control: ControlResult,
  input: PackageInput,
  exceptions: readonly PackageException[],
): string | undefined {
  const written = (input.config ?? noSettings).package.responses[control.id]
  if (written !== undefined) return written
  const open = exceptions.filter((e) => e.accepted === undefined)
  const accepted = exceptions.filter((e) => e.accepted !== undefined)
  const parts: string[] = []
  if (open.length > 0 || control.status === 'no-evidence' || control.status === 'error') {
    const gaps = input.model.gaps.filter((g) => g.controls.includes(control.id))
    if (gaps.length > 0) {
      const due = gaps.map((g) => g.dueDate).sort()[0]
      parts.push(
        `Management has opened ${plural(gaps.length, 'remediation item')}, owned by ${(gaps[0]?.owner ?? control.owner).replace(/\s*<[^>]*>/, '')}, the first due on ${due} (section 5.3).`,
      )
    }
  }
  for (const e of accepted) {
    if (e.accepted === undefined) continue
    parts.push(
      `Management accepted the deviation of ${e.subject} until ${e.accepted.expires} (approved by ${e.accepted.approvedBy}): ${e.accepted.reason}`,
    )
  }
  return parts.length === 0 ? undefined : parts.join(' ')
}

function subserviceOrganizations(config: PackageSettings): SubserviceOrganization[] {
  return config.providers.map((provider) => {
    const declared = config.package.subserviceOrganizations.find(
      (s) => s.provider.toLowerCase() === provider.name.toLowerCase(),
    )
    return {
      name: provider.name,
      model: provider.model,
      services: provider.services,
      // The provider entry may say how its report is used; the package section may override it.
      method:
        declared?.method ??
        ('method' in provider && provider.method === 'inclusive' ? 'inclusive' : 'carve-out'),
      controlsAssumed:
        declared !== undefined && declared.controlsAssumed.length > 0
          ? declared.controlsAssumed
          : assumedProviderControls[provider.model],
    }
  })
}

function notRelevant(model: AssessmentModel, catalog: Catalog | undefined): PackageModel['notRelevant'] {
  const all = catalog?.framework.categories ?? []
  const rows: PackageModel['notRelevant'] = all
    .filter((c) => !model.scope.categories.includes(c.id))
    .map((c) => ({
      subject: `${c.title} criteria`,
      reason: `Management did not include the ${c.title} category in the scope of this report.`,
    }))
  for (const n of model.scope.notApplicable)
    rows.push({ subject: `Control ${n.control} (${n.criteria.join(', ')})`, reason: n.justification })
  for (const c of model.criteria)
    if (c.status === 'not-applicable')
      rows.push({
        subject: `${c.id} ${c.title}`,
        reason: 'Every control that meets it is marked not applicable (see above).',
      })
  return rows
}

function requestList(controls: readonly PackageControl[], model: AssessmentModel): RequestItem[] {
  const items: RequestItem[] = []
  const byId = new Map(model.controls.map((c) => [c.id, c]))
  for (const control of controls) {
    if (control.status === 'not-applicable') continue
    const source = byId.get(control.id)
    for (const m of source?.manualEvidence ?? [])
      items.push({
        id: '',
        control: control.id,
        criteria: control.criteria,
        request: m.title,
        owner: control.owner,
        status: m.status === 'current' ? 'provided' : m.status === 'overdue' ? 'overdue' : 'open',
        reference: m.reference ?? '',
      })
    for (const t of control.tests.filter((x) => x.kind === 'automated'))
      items.push({
        id: '',
        control: control.id,
        criteria: control.criteria,
        request: `Evidence files and results of the automated test "${t.what}" (${t.populationSize} items)`,
        owner: control.owner,
        status: t.status === 'no-evidence' || t.status === 'error' ? 'open' : 'provided',
        reference: t.evidence
          .map((e) => e.file)
          .slice(0, 5)
          .join('; '),
      })
  }
  return items.map((item, i) => ({ ...item, id: `R-${String(i + 1).padStart(3, '0')}` }))
}

/** Assembles the SOC 2 package from one assessment and the evidence it read. Pure. */
export function buildPackage(input: PackageInput): PackageModel {
  const { model, engagement } = input
  const config = input.config ?? noSettings
  const idx = indexModel(model)
  const controls = model.controls.map((c) => buildControl(c, input, idx))
  const periodText =
    engagement.type === 1
      ? `as of ${longDate(engagement.asOf)}`
      : `for the period ${longDate(engagement.from)} to ${longDate(engagement.to)}`
  const pkg: Omit<PackageModel, 'document'> = {
    engagement,
    organization: model.organization,
    system: model.system.name,
    periodText,
    generatedAt: model.generatedAt,
    toolVersion: model.tool.version,
    configHash: model.configHash,
    assessment: model,
    components: discoverComponents(input.evidence, config),
    controls,
    userEntityControls:
      config.package.userEntityControls.length > 0
        ? config.package.userEntityControls
        : defaultUserEntityControls,
    subserviceOrganizations: subserviceOrganizations(config),
    notRelevant: notRelevant(model, input.catalog),
    requests: requestList(controls, model),
    gaps: model.gaps,
    evidence: model.inputs.map((i) => ({
      file: i.file,
      sha256: i.sha256,
      collector: i.collector,
      bytes: i.bytes,
    })),
  }
  const withOptional: Omit<PackageModel, 'document'> = { ...pkg }
  // The ledger and third-party sections of the model are used when the run has them.
  const ledger = input.ledger ?? ledgerOf(model)
  const thirdParties = input.thirdParties ?? thirdPartiesOf(model)
  if (ledger !== undefined) withOptional.ledger = ledger
  if (thirdParties !== undefined) withOptional.thirdParties = thirdParties
  const personnel = summarizePersonnel(input.evidence, model, engagement)
  if (personnel !== undefined) withOptional.personnel = personnel
  const templates = input.templates ?? input.catalog?.packageTemplates
  // The wording lives in catalog/package; without it there is no document to write.
  if (templates === undefined)
    throw new CatalogError(
      'the package templates (catalog/package) were not loaded: pass the catalog or the templates',
    )
  return { ...withOptional, document: renderDocument(withOptional, config, templates) }
}
