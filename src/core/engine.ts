import type { Check, Finding, Subject } from './check.js'
import { resultBuilder } from './check.js'
import { type CollectionError, type EvidenceByKind, type EvidenceKind, evidenceKinds } from './evidence.js'
import { redactSecrets } from './secrets.js'

/** `k8s` for `k8s.workload`: kinds of one family come from the same sources. */
function familyOf(kind: EvidenceKind): string {
  return kind.slice(0, kind.indexOf('.'))
}

/** A check ready to run: its definition and its params, already validated against its schema. */
export interface CheckRun {
  check: Check
  params: Record<string, unknown>
}

function evidenceSubject(check: Check): Subject {
  return { kind: 'Evidence', name: check.reads.join(', '), file: '' }
}

/** Why each evidence kind is incomplete: the collection errors that name it, by kind. */
export type UnreadKinds = ReadonlyMap<EvidenceKind, readonly string[]>

/** The kinds that collection errors left incomplete, each with the errors' places and messages. */
export function unreadKinds(errors: readonly CollectionError[]): UnreadKinds {
  const unread = new Map<EvidenceKind, string[]>()
  for (const error of errors) {
    for (const kind of error.kinds ?? []) {
      const reason = `${error.file}: ${error.message}`
      const reasons = unread.get(kind) ?? []
      if (!reasons.includes(reason)) reasons.push(reason)
      unread.set(kind, reasons)
    }
  }
  return unread
}

/**
 * Runs one check and applies the status rules the check itself never decides: no evidence of any
 * kind it reads is `no-evidence` (never a pass), a throw is an `error` finding, and evidence with no
 * subject the check applies to is `not-applicable`. A kind a source could not read in full (`unread`)
 * adds a no-evidence finding with the reason, and replaces "nothing to test": an account whose IAM
 * policies could not be listed has not been shown to hold no admin policy.
 */
export function evaluateCheck(
  run: CheckRun,
  evidence: EvidenceByKind,
  unread: UnreadKinds = new Map(),
): Finding[] {
  const reasons = [...new Set(run.check.reads.flatMap((kind) => unread.get(kind) ?? []))]
  const findings = judge(run, evidence)
  if (reasons.length === 0) return findings
  const { check } = run
  const incomplete: Finding = {
    check: check.id,
    severity: check.severity,
    status: 'no-evidence',
    subject: evidenceSubject(check),
    message: redactSecrets(
      `part of the ${check.reads.join(', ')} evidence could not be collected, so this test is incomplete: ${reasons.join('; ')}`,
    ),
  }
  // The placeholder findings (nothing collected, nothing to test) say less than the reason does.
  const judged = findings.filter((f) => f.subject.kind !== 'Evidence' || f.status === 'error')
  return [...judged, incomplete]
}

function judge({ check, params }: CheckRun, evidence: EvidenceByKind): Finding[] {
  const base = { check: check.id, severity: check.severity }
  if (check.reads.every((kind) => evidence[kind].length === 0)) {
    // Evidence from the same source family (k8s.*) was collected, so the absence is a fact about the
    // estate (no Secret manifests at all), not a gap in collection.
    const families = new Set(check.reads.map(familyOf))
    const familyCollected = evidenceKinds.some(
      (kind) => families.has(familyOf(kind)) && evidence[kind].length > 0,
    )
    if (familyCollected) {
      return [
        {
          ...base,
          status: 'not-applicable',
          subject: evidenceSubject(check),
          message: `the collected ${[...families].join(', ')} evidence holds no ${check.reads.join(' or ')}: nothing to test`,
        },
      ]
    }
    return [
      {
        ...base,
        status: 'no-evidence',
        subject: evidenceSubject(check),
        message: `no evidence of kind ${check.reads.join(' or ')} was collected, so this test could not run`,
      },
    ]
  }
  let outcomes: ReturnType<Check['evaluate']>
  try {
    outcomes = check.evaluate({ evidence, params, result: resultBuilder })
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return [
      {
        ...base,
        status: 'error',
        subject: evidenceSubject(check),
        message: `the check failed to run: ${reason}`,
      },
    ]
  }
  if (outcomes.length === 0) {
    return [
      {
        ...base,
        status: 'not-applicable',
        subject: evidenceSubject(check),
        message: 'evidence was collected, but none of it is something this test applies to',
      },
    ]
  }
  // Messages quote configuration; whatever a check quoted, a credential never leaves in clear. One
  // literal with every key, not spreads: a spread-built finding kept a property array beside it.
  const redact = messageRedactor()
  return outcomes.map((outcome) => ({
    check: check.id,
    severity: check.severity,
    status: outcome.status,
    subject: outcome.subject,
    message: redact(outcome.message),
  }))
}

/**
 * redactSecrets for the messages of one check's outcomes, each distinct message screened once: a check
 * over 4,000 workloads says "every container sets runAsNonRoot" 4,000 times, and a map read is cheaper
 * than the credential screen. Dropped with the check's outcomes, so it holds no more than they do.
 */
function messageRedactor(): (message: string) => string {
  const done = new Map<string, string>()
  // The last message and its result: passes mostly come in a row with one message, compared cheaply.
  let last: string | undefined
  let lastOut = ''
  return (message) => {
    if (message === last) return lastOut
    let out = done.get(message)
    if (out === undefined) {
      out = redactSecrets(message)
      done.set(message, out)
    }
    last = message
    lastOut = out
    return out
  }
}

/** Runs every check over one snapshot of evidence; one failing check never stops the others. */
export function evaluateChecks(
  runs: readonly CheckRun[],
  evidence: EvidenceByKind,
  unread: UnreadKinds = new Map(),
): Finding[] {
  return runs.flatMap((run) => evaluateCheck(run, evidence, unread))
}
