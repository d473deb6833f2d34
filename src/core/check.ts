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
  const line = at?.line ?? item.line
  // An evidence item at its own line has one subject, shared by every finding about it (read-only):
  // a 100k-object estate has about eight findings per item, and a subject each was a sixth of them.
  const shared = 'kind' in item && line === item.line
  if (shared) {
    const known = subjectOfItem.get(item)
    if (known !== undefined) return known
  }
  const subject = subjectLiteral(item.resourceKind, item.name, item.file, item.namespace, line)
  if (shared) subjectOfItem.set(item, subject)
  return subject
}

/** Each evidence item's subject (see toSubject); weak, so it goes with the item. */
const subjectOfItem = new WeakMap<object, Subject>()

/**
 * A subject built as one object literal per shape, in the key order reports print (kind, name, file,
 * namespace, line): a key added after creation moves to a separate property array, 40 bytes more on
 * each of a million subjects.
 */
function subjectLiteral(
  kind: string,
  name: string,
  file: string,
  namespace: string | undefined,
  line: number | undefined,
): Subject {
  if (namespace === undefined) return line === undefined ? { kind, name, file } : { kind, name, file, line }
  return line === undefined ? { kind, name, file, namespace } : { kind, name, file, namespace, line }
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
