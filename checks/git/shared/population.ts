import type { Outcome, ResultBuilder } from '../../../src/core/check.js'
import type { GitChange, GitHistory } from '../../../src/core/evidence-git.js'

/** A verdict on one change; `pass` carries no message (the population finding says it once). */
export type ChangeVerdict =
  | { status: 'pass' }
  | { status: 'fail' | 'undetermined' | 'not-applicable'; message: string }

/**
 * Tests every change of each history (the population) and reports each exception on its own, with
 * its place in the population. A history whose every change passes gets one pass with the count, so
 * a clean population of ten thousand commits is one line, not ten thousand.
 */
export function judgePopulation(
  histories: readonly GitHistory[],
  changes: readonly GitChange[],
  result: ResultBuilder,
  judge: (change: GitChange, history: GitHistory | undefined) => ChangeVerdict,
  clean: (history: GitHistory) => string,
): Outcome[] {
  const outcomes: Outcome[] = []
  const byFile = new Map(histories.map((h) => [h.file, h]))
  const verdicts = changes.map((change) => ({ change, verdict: judge(change, byFile.get(change.file)) }))
  for (const history of histories) {
    const own = verdicts.filter((v) => v.change.file === history.file)
    if (own.length === 0) {
      outcomes.push(result.notApplicable(history, noChangeMessage(history)))
      continue
    }
    const exceptions = own.filter((v) => v.verdict.status === 'fail')
    const period = `${history.branch}, ${history.from}..${history.to}`
    exceptions.forEach(({ change, verdict }, i) => {
      const message = verdict.status === 'pass' ? '' : verdict.message
      outcomes.push(
        result.fail(
          change,
          `${message} — "${change.title}" (exception ${i + 1} of ${exceptions.length} among ${own.length} changes to ${period})`,
        ),
      )
    })
    for (const { change, verdict } of own) {
      if (verdict.status === 'undetermined') outcomes.push(result.undetermined(change, verdict.message))
      else if (verdict.status === 'not-applicable')
        outcomes.push(result.notApplicable(change, verdict.message))
    }
    if (exceptions.length === 0 && own.every((v) => v.verdict.status !== 'undetermined')) {
      outcomes.push(
        result.pass(
          history,
          `${clean(history)}: ${own.length} changes to ${period} (population hash ${history.shaListSha256.slice(0, 12)})`,
        ),
      )
    }
  }
  return outcomes
}

/**
 * Why a history with no change in the period proves nothing: "every change passed" over none is not
 * a control that operated, and a clone not fetched since before the period looks just the same.
 */
export function noChangeMessage(history: GitHistory): string {
  return `no change reached ${history.branch} between ${history.from} and ${history.to} in this clone (head ${history.head.slice(0, 12)}), so there is nothing to test; if the clone was not fetched since, fetch it and assess again`
}

/** The login the change was authored under: the pull request's author when the export has it. */
export function authorOf(change: GitChange): string | undefined {
  return change.pullRequestAuthor
}

export const emergencyExemptMessage = 'emergency change: tested by git/emergency-changes-reviewed-afterwards'
