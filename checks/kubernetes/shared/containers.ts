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

/**
 * Judges each workload by a per-container rule; workloads in exempt namespaces are not-applicable.
 * A plain loop that makes a list only for a workload that falls short: some fourteen checks run this
 * over every workload, and a filtered copy and a list per container each time were most of their cost.
 */
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
    let shortfalls: string[] | undefined
    for (const container of workload.containers) {
      if (!rule.includeInit && (container.init || container.ephemeral === true)) continue
      const why = rule.shortfall(container)
      if (why === undefined) continue
      const shortfall = `${containerLabel(container)}: ${why}`
      if (shortfalls === undefined) shortfalls = [shortfall]
      else shortfalls.push(shortfall)
    }
    return shortfalls === undefined
      ? result.pass(workload, rule.pass)
      : result.fail(workload, `${rule.fail}: ${shortfalls.join('; ')}`)
  })
}
