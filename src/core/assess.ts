import { z } from 'zod'
import type {
  AssessmentInput,
  AssessmentModel,
  AssessmentSummary,
  ControlResult,
  ControlStatus,
  ControlTest,
  CriterionResult,
  Gap,
  ManualEvidenceResult,
} from './assessment.js'
import { contentHash } from './canonical-json.js'
import type { Catalog, Control, Criterion } from './catalog.js'
import {
  type Check,
  type FindingStatus,
  type Severity,
  type Subject,
  severities,
  severityRank,
} from './check.js'
import { type Config, formatConfigIssues } from './config.js'
import { configReferenceIssues } from './config-references.js'
import { assessCoverage, type Coverage } from './coverage.js'
import { addDays, addDuration, describeDuration } from './dates.js'
import { type CheckRun, evaluateCheck, unreadKinds } from './engine.js'
import { ConfigError } from './errors.js'
import { type CollectionError, type EvidenceItem, groupEvidence } from './evidence.js'
import { exceptionApplier } from './exceptions.js'
import { FindingsColumns, lazyFindings } from './findings-columns.js'
import { staleEvidenceNoter } from './freshness.js'
import { assessThirdParties, type ThirdPartyLibrary } from './third-parties/index.js'

export interface AssessRequest {
  config: Config
  catalog: Catalog
  checks: readonly Check[]
  evidence: readonly EvidenceItem[]
  errors: readonly CollectionError[]
  inputs: readonly AssessmentInput[]
  generatedAt: string
  toolVersion: string
  /** Where to read about trustctl (package.json `homepage`/`repository`); left out when unknown. */
  toolInformationUri?: string
  /** Provider profiles, policy templates and crosswalks; without them the section is left out. */
  thirdParties?: ThirdPartyLibrary
  /**
   * Runs one check: the engine's evaluateCheck unless given (the app passes one that reuses the
   * results of checks whose code, params and evidence are unchanged since a signed run).
   */
  evaluate?: typeof evaluateCheck
  /**
   * Asked once the checks have run: the coverage a signed run computed from exactly these findings,
   * evidence and checks (the app decides that by key), or undefined to compute it here.
   */
  knownCoverage?: () => Coverage | undefined
}

/** Days to fix a gap, by severity: the remediation SLA the due dates are computed from. */
export const remediationDays: Record<Severity, number> = {
  critical: 14,
  high: 30,
  medium: 60,
  low: 90,
  info: 180,
}

/** Criteria in scope: every criterion of the chosen categories (security is always one of them). */
export function scopeCriteria(catalog: Catalog, config: Config): Criterion[] {
  return [...catalog.criteria.values()].filter((c) => config.scope.categories.includes(c.category))
}

/** Controls that meet at least one in-scope criterion. */
export function scopeControls(catalog: Catalog, criteriaInScope: ReadonlySet<string>): Control[] {
  return catalog.controls.filter((c) => c.satisfies.soc2.some((id) => criteriaInScope.has(id)))
}

/** Each needed check with its params from the config (already validated by configReferenceIssues). */
export function resolveCheckRuns(
  checks: readonly Check[],
  ids: ReadonlySet<string>,
  config: Config,
): CheckRun[] {
  return checks
    .filter((check) => ids.has(check.id) && config.checks[check.id]?.enabled !== false)
    .map((check) => {
      const given = config.checks[check.id]?.params
      // Strict only matters for keys the config gives: `{}` parses to the same defaults either way,
      // and making a strict copy of every check's schema was most of this for a config that sets none.
      const schema =
        given !== undefined && check.params instanceof z.ZodObject ? check.params.strict() : check.params
      // Each schema parses once a run: zod's compiled fast path would cost more to build than it saves
      // (measured: 40 ms against 15 ms for the 352 checks and rules).
      return { check, params: schema.parse(given ?? {}, { jitless: true }) }
    })
}

/**
 * The assessment: scope, evaluate, roll up per control and criterion, and list the gaps. Pure; the
 * caller collects evidence and supplies the clock.
 */
export function assess(request: AssessRequest): AssessmentModel {
  const { config, catalog } = request
  const criteria = scopeCriteria(catalog, config)
  const criteriaIds = new Set(criteria.map((c) => c.id))
  const controls = scopeControls(catalog, criteriaIds)
  // Only a written reason takes a control out: without one it is still assessed (and a gap says why).
  const notApplicable = new Map(
    Object.entries(config.controls).flatMap(([id, entry]) =>
      typeof entry.notApplicable === 'string' && entry.notApplicable.trim() !== ''
        ? [[id, entry.notApplicable.trim()] as const]
        : [],
    ),
  )
  // Unknown ids and bad parameters: the app layer reports them earlier with their line; a caller
  // that builds the config in memory still gets every one, by key path.
  const issues = configReferenceIssues(config, request.checks, catalog)
  if (issues.length > 0)
    throw new ConfigError(formatConfigIssues(issues, 'trustctl.yaml'), {
      hint: 'trustctl explain <id> says what a check or control is',
    })
  const checkIds = new Set(controls.filter((c) => !notApplicable.has(c.id)).flatMap((c) => c.testedBy))
  const runs = resolveCheckRuns(request.checks, checkIds, config)
  const disabled = new Set(Object.entries(config.checks).flatMap(([id, c]) => (c.enabled ? [] : [id])))
  const controlsByCheck = new Map<string, Control[]>()
  for (const control of controls) {
    if (notApplicable.has(control.id)) continue
    for (const id of control.testedBy) controlsByCheck.set(id, [...(controlsByCheck.get(id) ?? []), control])
  }
  const inScope = (ids: readonly string[]): string[] => ids.filter((id) => criteriaIds.has(id))
  // One pair of lists per check, shared by its findings (read-only): a large estate has a few
  // hundred checks and a million findings, and a pair of lists per finding was a tenth of the model.
  const mappingByCheck = new Map<string, { controls: string[]; criteria: string[] }>()
  const mappingOf = (check: string): { controls: string[]; criteria: string[] } => {
    let mapping = mappingByCheck.get(check)
    if (mapping === undefined) {
      const using = controlsByCheck.get(check) ?? []
      mapping = {
        controls: using.map((c) => c.id),
        criteria: [...new Set(using.flatMap((c) => inScope(c.satisfies.soc2)))].sort(compareCriteria),
      }
      mappingByCheck.set(check, mapping)
    }
    return mapping
  }
  // Everything below reads the findings with their mapping, never the engine's own. Check by check:
  // one check's findings are judged, noted stale, excepted and mapped before the next check runs, so
  // only that check's intermediate copies are alive beside the model's findings (with every check's
  // at once, the engine's and the mapped findings of a 100k-object estate were held side by side).
  const evidence = groupEvidence(request.evidence)
  const unread = unreadKinds(request.errors)
  const noteStale = staleEvidenceNoter(request.evidence, config.scope.asOf, config.freshness)
  const exceptions = exceptionApplier(config.exceptions, config.scope.asOf)
  const evaluate = request.evaluate ?? evaluateCheck
  // Held a column per field (findings-columns.ts): made into objects only when the model's are read.
  const enrichedFindings = new FindingsColumns()
  for (const run of runs)
    for (const finding of exceptions.apply(noteStale(evaluate(run, evidence, unread)))) {
      const { controls, criteria } = mappingOf(finding.check)
      enrichedFindings.push({
        check: finding.check,
        severity: finding.severity,
        status: finding.status,
        subject: finding.subject,
        message: finding.message,
        controls,
        criteria,
      })
    }
  const exceptionOutcomes = exceptions.outcomes()

  const checksById = new Map(request.checks.map((c) => [c.id, c]))
  const outcomesByCheck = checkOutcomes(enrichedFindings)
  const controlResults = controls.map((control) =>
    evaluateControl(control, {
      config,
      criteria: inScope(control.satisfies.soc2).sort(compareCriteria),
      outcomesByCheck,
      checksById,
      disabled,
      notApplicable: notApplicable.get(control.id),
    }),
  )
  const criterionResults = criteria.map((criterion) => rollUpCriterion(criterion, controlResults))
  const thirdParties =
    request.thirdParties === undefined
      ? undefined
      : assessThirdParties({
          library: request.thirdParties,
          config,
          catalogControls: catalog.controls,
          controls: controlResults,
          criteria: criteria.map((c) => c.id),
          dueDate: (severity) => addDays(config.scope.asOf, remediationDays[severity]),
        })
  const gaps = [
    ...listGaps({
      config,
      criterionResults,
      controlResults,
      findings: enrichedFindings,
      checksById,
      controls,
    }),
    ...(thirdParties?.gaps ?? []),
  ].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.id.localeCompare(b.id))

  const model: AssessmentModel = {
    schemaVersion: 1,
    tool: {
      name: 'trustctl',
      version: request.toolVersion,
      ...(request.toolInformationUri === undefined ? {} : { informationUri: request.toolInformationUri }),
    },
    generatedAt: request.generatedAt,
    configHash: contentHash(config),
    organization: config.organization,
    system: config.system,
    asOf: config.scope.asOf,
    scope: {
      categories: config.scope.categories,
      criteria: criteria.map((c) => c.id),
      notApplicable: controlResults.flatMap((c) =>
        c.notApplicable === undefined
          ? []
          : [{ control: c.id, justification: c.notApplicable.justification, criteria: c.criteria }],
      ),
    },
    checks: runs.map(({ check }) => ({
      id: check.id,
      title: check.title,
      severity: check.severity,
      description: check.description,
      remediation: check.remediation,
    })),
    // Made from the columns the first time they are read (lazyFindings below).
    findings: [],
    controls: controlResults,
    criteria: criterionResults,
    gaps,
    exceptions: exceptionOutcomes,
    errors: [...request.errors],
    inputs: [...request.inputs],
    summary: summarize(criterionResults, controlResults, enrichedFindings, gaps, request.errors.length),
    coverage:
      request.knownCoverage?.() ??
      assessCoverage(
        request.evidence,
        enrichedFindings,
        runs.map(({ check }) => ({
          id: check.id,
          reads: check.reads,
          ...(check.judgesResources === true ? { judgesResources: true } : {}),
        })),
      ),
    ...(thirdParties === undefined ? {} : { thirdParties: thirdParties.section }),
  }
  return lazyFindings(model, enrichedFindings)
}

interface ControlContext {
  config: Config
  criteria: string[]
  outcomesByCheck: ReadonlyMap<string, CheckOutcome>
  checksById: ReadonlyMap<string, Check>
  disabled: ReadonlySet<string>
  notApplicable: string | undefined
}

function evaluateControl(control: Control, context: ControlContext): ControlResult {
  const family = control.id.split('.')[0] ?? control.id
  const result: ControlResult = {
    id: control.id,
    title: control.title,
    statement: control.statement,
    ...(control.analogy === undefined ? {} : { analogy: control.analogy }),
    auditorQuestions: control.auditorQuestions,
    family,
    type: control.type,
    ownerRole: control.owner,
    owner:
      context.config.controls[control.id]?.owner ?? context.config.owners[control.owner] ?? control.owner,
    status: 'not-applicable',
    criteria: context.criteria,
    tests: [],
    manualEvidence: [],
  }
  if (context.notApplicable !== undefined) {
    result.notApplicable = { justification: context.notApplicable }
    return result
  }
  result.tests = control.testedBy.map((id) => toControlTest(id, context))
  result.manualEvidence = control.manualEvidence.map((m) => toManualEvidence(m, context.config))
  result.status = controlStatus(result.tests, result.manualEvidence)
  return result
}

function toControlTest(checkId: string, context: ControlContext): ControlTest {
  const { counts, total, first } = context.outcomesByCheck.get(checkId) ?? noOutcome
  const title = context.checksById.get(checkId)?.title ?? checkId
  const tested = counts.pass + counts.fail
  const exceptions = counts.fail
  if (context.disabled.has(checkId)) {
    return {
      check: checkId,
      title,
      status: 'no-evidence',
      population: 0,
      exceptions: 0,
      conclusion: `Not tested: the check is disabled in trustctl.yaml (checks.${checkId}.enabled: false).`,
    }
  }
  // A subject the evidence could not decide (a value unknown until apply) keeps the test from
  // passing: the population is not fully tested.
  const undetermined = tested > 0 ? counts['no-evidence'] : 0
  const status: FindingStatus =
    total === 0
      ? 'no-evidence'
      : exceptions > 0
        ? 'fail'
        : counts.error > 0
          ? 'error'
          : undetermined > 0
            ? 'no-evidence'
            : tested > 0
              ? 'pass'
              : (first?.status ?? 'no-evidence')
  const conclusion =
    undetermined > 0 && status === 'no-evidence'
      ? `Not fully tested: no exceptions in ${tested} tested, but ${undetermined} could not be determined from the evidence.`
      : status === 'pass'
        ? `No exceptions noted in a population of ${tested}.`
        : status === 'fail'
          ? `Exceptions noted: ${exceptions} of ${tested} tested.`
          : status === 'error'
            ? 'The test could not be completed: the check failed to run.'
            : status === 'not-applicable'
              ? `Not applicable: ${first?.message ?? 'nothing in the evidence is a subject of this test'}.`
              : 'Not tested: no evidence of the kind this test reads was collected.'
  return { check: checkId, title, status, population: tested, exceptions, conclusion }
}

function toManualEvidence(evidence: Control['manualEvidence'][number], config: Config): ManualEvidenceResult {
  const latest = config.attestations
    .filter((a) => a.evidence === evidence.id && a.date <= config.scope.asOf)
    .sort((a, b) => b.date.localeCompare(a.date))[0]
  const result: ManualEvidenceResult = {
    id: evidence.id,
    title: evidence.title,
    every: evidence.every,
    status: 'missing',
  }
  if (latest === undefined) return result
  const dueDate = addDuration(latest.date, evidence.every)
  result.status = dueDate >= config.scope.asOf ? 'current' : 'overdue'
  result.lastDate = latest.date
  result.dueDate = dueDate
  result.by = latest.by
  if (latest.reference !== undefined) result.reference = latest.reference
  return result
}

/**
 * A control passes only when something shows it operating (a passing test or current evidence from
 * a person) and nothing is missing; a test with nothing to test is no such proof on its own.
 */
export function controlStatus(
  tests: readonly ControlTest[],
  manual: readonly ManualEvidenceResult[],
): ControlStatus {
  if (tests.some((t) => t.status === 'fail')) return 'fail'
  if (tests.some((t) => t.status === 'error')) return 'error'
  const passed = tests.filter((t) => t.status === 'pass').length
  const satisfied = tests.filter((t) => t.status === 'pass' || t.status === 'not-applicable').length
  const currentManual = manual.filter((m) => m.status === 'current').length
  if (passed === 0 && currentManual === 0) return 'no-evidence'
  return satisfied === tests.length && currentManual === manual.length ? 'pass' : 'partial'
}

/** A criterion's status and readiness from the results of the controls in scope that meet it. */
export function rollUpCriterion(
  criterion: Pick<Criterion, 'id' | 'category' | 'series' | 'title'>,
  controls: readonly Pick<ControlResult, 'id' | 'criteria' | 'status'>[],
): CriterionResult {
  const mapped = controls.filter((c) => c.criteria.includes(criterion.id))
  const applicable = mapped.filter((c) => c.status !== 'not-applicable')
  const score = applicable.reduce(
    (sum, c) => sum + (c.status === 'pass' ? 1 : c.status === 'partial' ? 0.5 : 0),
    0,
  )
  const readiness = applicable.length === 0 ? 0 : Math.round((score / applicable.length) * 100)
  const status =
    mapped.length === 0
      ? 'no-control'
      : applicable.length === 0
        ? 'not-applicable'
        : applicable.every((c) => c.status === 'pass')
          ? 'ready'
          : applicable.some((c) => c.status === 'fail') || readiness === 0
            ? 'not-ready'
            : 'partial'
  return {
    id: criterion.id,
    category: criterion.category,
    series: criterion.series,
    title: criterion.title,
    status,
    readiness,
    controls: mapped.map((c) => c.id),
  }
}

interface GapContext {
  config: Config
  criterionResults: readonly CriterionResult[]
  controlResults: readonly ControlResult[]
  findings: FindingsColumns
  checksById: ReadonlyMap<string, Check>
  controls: readonly Control[]
}

/** A check's failed and errored findings: their subjects in order, whether all errored, the first message. */
interface Failed {
  subjects: Subject[]
  allErrors: boolean
  firstMessage: string
}

/** Each check with a failed or errored finding, in the order of its first such finding. */
function failingByCheck(findings: FindingsColumns): Map<string, Failed> {
  const failing = new Map<string, Failed>()
  findings.forEach((check, status, subject, message) => {
    if (status !== 'fail' && status !== 'error') return
    const failed = failing.get(check)
    if (failed === undefined)
      failing.set(check, { subjects: [subject], allErrors: status === 'error', firstMessage: message })
    else {
      failed.subjects.push(subject)
      if (status !== 'error') failed.allErrors = false
    }
  })
  return failing
}

function listGaps(context: GapContext): Gap[] {
  const { config } = context
  const due = (severity: Severity): string => addDays(config.scope.asOf, remediationDays[severity])
  const ownerOf = (role: ControlResult['ownerRole'], control?: string): string =>
    (control === undefined ? undefined : config.controls[control]?.owner) ?? config.owners[role] ?? role
  const gaps: Gap[] = []

  for (const criterion of context.criterionResults.filter((c) => c.status === 'no-control')) {
    gaps.push({
      id: `criterion-without-control:${criterion.id}`,
      type: 'criterion-without-control',
      severity: 'high',
      title: `No control meets ${criterion.id} (${criterion.title})`,
      criteria: [criterion.id],
      controls: [],
      ownerRole: 'compliance',
      owner: ownerOf('compliance'),
      dueDate: due('high'),
      remediation: `Add a control to the library that meets ${criterion.id}, or take its category out of scope.`,
    })
  }

  // One gap per failing check, not per control: the engineer fixes the cause once, for every control.
  for (const [checkId, failed] of failingByCheck(context.findings)) {
    const check = context.checksById.get(checkId)
    const using = context.controlResults.filter((c) => c.tests.some((t) => t.check === checkId))
    const first = using[0]
    if (check === undefined || first === undefined) continue
    const isError = failed.allErrors
    const severity = isError ? 'medium' : check.severity
    gaps.push({
      id: `${isError ? 'test-error' : 'failing-test'}:${checkId}`,
      type: isError ? 'test-error' : 'failing-test',
      severity,
      title: isError
        ? `The test "${check.title}" could not run`
        : `Not met: ${check.title.replace(/\.$/, '')} (${failed.subjects.length} ${failed.subjects.length === 1 ? 'exception' : 'exceptions'})`,
      criteria: [...new Set(using.flatMap((c) => c.criteria))].sort(compareCriteria),
      controls: using.map((c) => c.id),
      ownerRole: first.ownerRole,
      owner: ownerOf(first.ownerRole, first.id),
      dueDate: due(severity),
      remediation: isError ? `Fix the check or its input: ${failed.firstMessage}` : check.remediation,
      subjects: failed.subjects,
    })
  }

  for (const [id, entry] of Object.entries(config.controls)) {
    const control = context.controlResults.find((c) => c.id === id)
    if (control === undefined || entry.notApplicable === undefined || control.notApplicable !== undefined)
      continue
    gaps.push({
      id: `not-applicable-without-justification:${id}`,
      type: 'not-applicable-without-justification',
      severity: 'medium',
      title: `${id} is marked not applicable without a reason, so it is still assessed`,
      criteria: control.criteria,
      controls: [id],
      ownerRole: 'compliance',
      owner: ownerOf('compliance'),
      dueDate: due('medium'),
      remediation: `Record why the control does not apply (configuration key controls.${id}.notApplicable); the reason goes into the system description.`,
    })
  }

  // One gap per test that could not run for lack of evidence, naming every control it leaves unproven.
  const untested = new Map<string, ControlResult[]>()
  for (const control of context.controlResults) {
    for (const test of control.tests.filter((t) => t.status === 'no-evidence')) {
      untested.set(test.check, [...(untested.get(test.check) ?? []), control])
    }
  }
  for (const [checkId, using] of untested) {
    const first = using[0]
    const check = context.checksById.get(checkId)
    if (first === undefined) continue
    const disabled = config.checks[checkId]?.enabled === false
    gaps.push({
      id: `test-without-evidence:${checkId}`,
      type: 'test-without-evidence',
      severity: 'medium',
      title: disabled
        ? `Not tested (disabled): ${check?.title ?? checkId}`
        : `Not tested, no evidence: ${check?.title ?? checkId}`,
      criteria: [...new Set(using.flatMap((c) => c.criteria))].sort(compareCriteria),
      controls: using.map((c) => c.id),
      ownerRole: first.ownerRole,
      owner: first.owner,
      dueDate: due('medium'),
      remediation: disabled
        ? `Enable the check (checks.${checkId}.enabled) or record why the controls that rely on it are tested another way.`
        : `Provide the evidence this test reads (${check?.reads.join(', ') ?? 'its evidence'}) by adding the system that holds it to the assessment's sources.`,
    })
  }

  for (const control of context.controlResults) {
    if (control.notApplicable !== undefined) continue
    for (const evidence of control.manualEvidence.filter((m) => m.status !== 'current')) {
      // A lapsed recurring control is as serious as a missing one: over a Type 2 period it is an
      // operating exception. Both are high, due within the high-severity window.
      const overdue = evidence.status === 'overdue'
      gaps.push({
        id: `manual-evidence-${evidence.status}:${control.id}:${evidence.id}`,
        type: overdue ? 'manual-evidence-overdue' : 'manual-evidence-missing',
        severity: 'high',
        title: overdue
          ? `Overdue (was due ${evidence.dueDate ?? ''}, last done ${evidence.lastDate ?? ''}): ${evidence.title}`
          : `Missing: ${evidence.title}`,
        criteria: control.criteria,
        controls: [control.id],
        ownerRole: control.ownerRole,
        owner: control.owner,
        dueDate: due('high'),
        // Read by management and the auditor in the package: what to do, not which file to edit (the
        // attestation is recorded on the dashboard or under `attestations` in the configuration).
        remediation: `Perform the activity and keep a dated record of it: who performed it and a reference to the ticket or document (attested as evidence ${evidence.id}); it recurs ${describeDuration(evidence.every)}.`,
      })
    }
  }
  return gaps.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.id.localeCompare(b.id))
}

function summarize(
  criteria: readonly CriterionResult[],
  controls: readonly ControlResult[],
  findings: FindingsColumns,
  gaps: readonly Gap[],
  inputErrors: number,
): AssessmentSummary {
  const count = <T extends string>(keys: readonly T[], values: readonly T[]): Record<T, number> => {
    const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<T, number>
    for (const v of values) out[v]++
    return out
  }
  const { pass, fail, error, ...others } = statusCounts(findings)
  const findingsByStatus = {
    pass,
    fail,
    'not-applicable': others['not-applicable'],
    'no-evidence': others['no-evidence'],
    error,
  }
  const tests = controls.flatMap((c) => c.tests)
  return {
    criteria: criteria.length,
    controls: controls.length,
    controlsByStatus: count(
      ['pass', 'fail', 'partial', 'no-evidence', 'error', 'not-applicable'],
      controls.map((c) => c.status),
    ),
    controlsPassingByTest: controls.filter(
      (c) => c.status === 'pass' && c.tests.some((t) => t.status === 'pass'),
    ).length,
    tests: {
      passed: tests.filter((t) => t.status === 'pass').length,
      failed: tests.filter((t) => t.status === 'fail').length,
      noEvidence: tests.filter((t) => t.status === 'no-evidence').length,
      errors: tests.filter((t) => t.status === 'error').length,
      notApplicable: tests.filter((t) => t.status === 'not-applicable').length,
    },
    findingsByStatus,
    gaps: gaps.length,
    gapsBySeverity: count(
      severities,
      gaps.map((g) => g.severity),
    ),
    readiness: overallReadiness(criteria),
    inputErrors,
  }
}

/** The system's readiness: the mean readiness of the criteria in scope that are applicable, 0–100. */
export function overallReadiness(criteria: readonly Pick<CriterionResult, 'status' | 'readiness'>[]): number {
  const applicable = criteria.filter((c) => c.status !== 'not-applicable')
  return applicable.length === 0
    ? 0
    : Math.round(applicable.reduce((s, c) => s + c.readiness, 0) / applicable.length)
}

/** What a control test reads of its check's findings: how many of each status, and the first one's. */
interface CheckOutcome {
  counts: Record<FindingStatus, number>
  total: number
  first: { status: FindingStatus; message: string } | undefined
}

const noOutcome: CheckOutcome = { counts: emptyCounts(), total: 0, first: undefined }

/**
 * Each check's outcome, in one pass over the findings. Counted, not grouped into lists: a check's
 * findings are up to one per object of a large estate, and a list of every finding by check (or copies
 * of them per control test) sat beside the model's findings at the run's peak of memory.
 */
function checkOutcomes(findings: FindingsColumns): Map<string, CheckOutcome> {
  const outcomes = new Map<string, CheckOutcome>()
  findings.forEach((check, status, _subject, message) => {
    let outcome = outcomes.get(check)
    if (outcome === undefined) {
      outcome = { counts: emptyCounts(), total: 0, first: { status, message } }
      outcomes.set(check, outcome)
    }
    outcome.counts[status]++
    outcome.total++
  })
  return outcomes
}

function emptyCounts(): Record<FindingStatus, number> {
  return { pass: 0, fail: 0, 'not-applicable': 0, 'no-evidence': 0, error: 0 }
}

/**
 * How many findings have each status, in one pass: no list of a million statuses, nor one of a check's
 * findings per status, beside the findings at the end of a large assessment.
 */
function statusCounts(findings: FindingsColumns): Record<FindingStatus, number> {
  const counts = emptyCounts()
  findings.forEach((_check, status) => {
    counts[status]++
  })
  return counts
}

/** Orders criterion ids as the framework does: CC1.1 … CC9.2, A1, C1, PI1, P1 … P8. */
export function compareCriteria(a: string, b: string): number {
  const order = ['CC', 'A', 'C', 'PI', 'P']
  const parse = (id: string): [number, number, number] => {
    const m = /^([A-Z]+)(\d+)\.(\d+)$/.exec(id)
    return m === null ? [99, 0, 0] : [order.indexOf(m[1] ?? ''), Number(m[2]), Number(m[3])]
  }
  const [x, y] = [parse(a), parse(b)]
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]
}
