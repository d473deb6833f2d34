import { z } from 'zod'
import type { EvidenceByKind, EvidenceItem, EvidenceKind } from './evidence.js'

export const severities = ['critical', 'high', 'medium', 'low', 'info'] as const
export type Severity = (typeof severities)[number]

/** Higher is worse; used for --fail-on thresholds and sorting. */
export function severityRank(severity: Severity): number {
  return severities.length - severities.indexOf(severity)
}

export const findingStatuses = ['pass', 'fail', 'not-applicable', 'no-evidence', 'error'] as const
export type FindingStatus = (typeof findingStatuses)[number]

/** What a finding is about, in terms an auditor can locate. */
export interface Subject {
  kind: string
  name: string
  namespace?: string
  file: string
  line?: number
}

/** One check's verdict on one subject. */
export interface Finding {
  check: string
  status: FindingStatus
  severity: Severity
  subject: Subject
  message: string
}

/** What a check returns per subject; the engine adds the check id and severity. */
export interface Outcome {
  status: 'pass' | 'fail' | 'not-applicable' | 'no-evidence'
  subject: Subject
  message: string
}

/** Anything a check can point a result at: an evidence item or a hand-made subject. */
export type SubjectLike = EvidenceItem | (Omit<Subject, 'kind'> & { resourceKind: string })

/** Builds outcomes; `at` narrows the location (e.g. the line of the offending step). */
export interface ResultBuilder {
  pass(subject: SubjectLike, message: string, at?: { line?: number }): Outcome
  fail(subject: SubjectLike, message: string, at?: { line?: number }): Outcome
  notApplicable(subject: SubjectLike, message: string): Outcome
  /**
   * The evidence cannot tell (a Terraform value unknown until apply, a setting the API did not
   * return): reported as `no-evidence` for this subject, never as a pass.
   */
  undetermined(subject: SubjectLike, message: string): Outcome
}

/** Turns an evidence item (or hand-made subject) into the subject a finding reports. */
export function toSubject(item: SubjectLike, at?: { line?: number }): Subject {
  const subject: Subject = { kind: item.resourceKind, name: item.name, file: item.file }
  if (item.namespace !== undefined) subject.namespace = item.namespace
  const line = at?.line ?? item.line
  if (line !== undefined) subject.line = line
  return subject
}

export const resultBuilder: ResultBuilder = {
  pass: (subject, message, at) => ({ status: 'pass', subject: toSubject(subject, at), message }),
  fail: (subject, message, at) => ({ status: 'fail', subject: toSubject(subject, at), message }),
  notApplicable: (subject, message) => ({ status: 'not-applicable', subject: toSubject(subject), message }),
  undetermined: (subject, message) => ({ status: 'no-evidence', subject: toSubject(subject), message }),
}

export interface CheckContext<R extends EvidenceKind, P> {
  evidence: Pick<EvidenceByKind, R>
  params: P
  result: ResultBuilder
}

type AnyParams = z.ZodType<Record<string, unknown>, Record<string, unknown> | undefined>

/** A test of a control, as written in checks/<source>/<name>/check.ts. */
export interface CheckSpec<R extends EvidenceKind, S extends AnyParams> {
  /** Equals the folder path under checks/; a test enforces it. */
  id: string
  /** The good state, present tense: "Workloads run as a non-root user". */
  title: string
  /** Why it matters, in plain words for an auditor. */
  description: string
  /** What to change when it fails. */
  remediation: string
  severity: Severity
  /** The evidence kinds the engine hands over; no evidence of any of them is `no-evidence`. */
  reads: readonly R[]
  params?: S
  evaluate(context: CheckContext<R, z.output<S>>): Outcome[]
}

/** A check with its types erased, as the engine and registry hold it. */
export interface Check {
  id: string
  title: string
  description: string
  remediation: string
  severity: Severity
  reads: readonly EvidenceKind[]
  params: AnyParams
  /** The catalog controls a declarative rule says it tests (TypeScript checks are named by controls). */
  controls?: readonly string[]
  /**
   * True when the check judges `iac.resource` items themselves (declarative rules), so coverage
   * counts a resource it names as assessed, not only as read.
   */
  judgesResources?: boolean
  evaluate(context: {
    evidence: EvidenceByKind
    params: Record<string, unknown>
    result: ResultBuilder
  }): Outcome[]
}

const noParams = z.object({})

/** Declares a check. Pure: evidence and params in, outcomes out; no fs, network, clock or env. */
export function defineCheck<R extends EvidenceKind, S extends AnyParams = typeof noParams>(
  spec: CheckSpec<R, S>,
): Check {
  return {
    id: spec.id,
    title: spec.title,
    description: spec.description,
    remediation: spec.remediation,
    severity: spec.severity,
    reads: spec.reads,
    params: spec.params ?? noParams,
    evaluate: (context) =>
      spec.evaluate({
        evidence: context.evidence,
        params: context.params as z.output<S>,
        result: context.result,
      }),
  }
}
