import type { Outcome, ResultBuilder } from '../../../src/core/check.js'
import type { Container, K8sWorkload } from '../../../src/core/evidence.js'
import { exemptMessage } from './scope.js'

/** A container name as a report shows it; init containers are marked because they are easy to forget. */
export function containerLabel(container: Container): string {
  if (container.ephemeral === true) return `${container.name} (ephemeral)`
  return container.init ? `${container.name} (init)` : container.name
}

/** A rule judged on every container of a workload; the workload fails when any container falls short. */
export interface ContainerRule {
  /**
   * Init containers run in the same pod with the same privileges, so most rules include them; so do
   * ephemeral (debug) containers, which are judged alongside init containers.
   */
  includeInit: boolean
  /** Why the container falls short, or undefined when it complies. */
  shortfall(container: Container): string | undefined
  /** Message when every container complies. */
  pass: string
  /** Start of the message when some containers fall short; the containers and reasons follow. */
  fail: string
}

/** Judges each workload by a per-container rule; workloads in exempt namespaces are not-applicable. */
export function judgeContainers(
  workloads: readonly K8sWorkload[],
  exemptNamespaces: readonly string[],
  result: ResultBuilder,
  rule: ContainerRule,
): Outcome[] {
  return workloads.map((workload) => {
    if (exemptNamespaces.includes(workload.namespace)) {
      return result.notApplicable(workload, exemptMessage(workload.namespace))
    }
    const shortfalls = workload.containers
      .filter((container) => rule.includeInit || !(container.init || container.ephemeral === true))
      .flatMap((container) => {
        const why = rule.shortfall(container)
        return why === undefined ? [] : [`${containerLabel(container)}: ${why}`]
      })
    return shortfalls.length === 0
      ? result.pass(workload, rule.pass)
      : result.fail(workload, `${rule.fail}: ${shortfalls.join('; ')}`)
  })
}
