import type { ControlTest } from './assessment.js'

/** What an answer that no passing test supports says: the claim is management's to confirm. */
export const managementToConfirm = 'Management to confirm: no test in this assessment shows this.'

/**
 * What supports a canned answer to an auditor's question, in one sentence for the package. An answer
 * is supported only when every test it cites passed in this assessment; otherwise it is for
 * management to confirm, naming the tests that did not show it. A claim no evidence shows is never
 * presented as established.
 */
export function answerSupport(
  question: { evidence?: readonly string[] | undefined },
  tests: readonly Pick<ControlTest, 'check' | 'title' | 'status' | 'population'>[],
): string {
  const cited = question.evidence ?? []
  if (cited.length === 0) return managementToConfirm
  const results = cited.map((check) => ({ check, test: tests.find((t) => t.check === check) }))
  const unshown = results.filter((r) => r.test?.status !== 'pass')
  if (unshown.length > 0)
    return `Management to confirm: ${unshown
      .map((r) => `the test ${r.check} ${r.test === undefined ? 'did not run' : `was ${r.test.status}`}`)
      .join('; ')} in this assessment.`
  return `Evidence: ${results
    .map(
      (r) =>
        `${r.test?.title ?? r.check} (${r.check}, passed on ${r.test?.population ?? 0} subject${r.test?.population === 1 ? '' : 's'})`,
    )
    .join('; ')}.`
}
