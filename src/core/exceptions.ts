import type { Finding } from './check.js'
import type { AcceptedException } from './config.js'

/** What became of each accepted exception in an assessment. */
export interface ExceptionOutcome extends AcceptedException {
  /** applied: it covered a failing subject; expired: it no longer does; unused: nothing failed to cover. */
  status: 'applied' | 'expired' | 'unused'
}

function covers(exception: AcceptedException, finding: Finding): boolean {
  const { subject } = exception
  return (
    exception.check === finding.check &&
    subject.name === finding.subject.name &&
    (subject.namespace === undefined || subject.namespace === finding.subject.namespace) &&
    (subject.kind === undefined || subject.kind === finding.subject.kind)
  )
}

/**
 * Applies accepted exceptions to failing findings. A current exception turns the failure into
 * not-applicable with the reason, approver and expiry in the message, so the population an auditor
 * reads still shows it; an expired one leaves the failure standing and says so.
 */
export function applyExceptions(
  findings: readonly Finding[],
  exceptions: readonly AcceptedException[],
  asOf: string,
): { findings: Finding[]; outcomes: ExceptionOutcome[] } {
  const applier = exceptionApplier(exceptions, asOf)
  const result = applier.apply(findings)
  return { findings: result, outcomes: applier.outcomes() }
}

/**
 * applyExceptions for findings handed over a part at a time (one check's): `outcomes` says what
 * became of each exception over every part applied so far.
 */
export function exceptionApplier(
  exceptions: readonly AcceptedException[],
  asOf: string,
): { apply: (findings: readonly Finding[]) => Finding[]; outcomes: () => ExceptionOutcome[] } {
  const used = new Set<AcceptedException>()
  const apply = (findings: readonly Finding[]): Finding[] =>
    findings.map((finding) => {
      if (finding.status !== 'fail') return finding
      const exception = exceptions.find((e) => covers(e, finding))
      if (exception === undefined) return finding
      used.add(exception)
      if (exception.expires < asOf) {
        return {
          ...finding,
          message: `${finding.message} (the accepted exception expired on ${exception.expires})`,
        }
      }
      return {
        ...finding,
        status: 'not-applicable' as const,
        message: `accepted exception until ${exception.expires}, approved by ${exception.approvedBy}: ${exception.reason} [finding: ${finding.message}]`,
      }
    })
  const outcomes = (): ExceptionOutcome[] =>
    exceptions.map(
      (exception): ExceptionOutcome => ({
        ...exception,
        status: !used.has(exception) ? 'unused' : exception.expires < asOf ? 'expired' : 'applied',
      }),
    )
  return { apply, outcomes }
}
