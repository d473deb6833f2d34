import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import type { K8sAutoscaler, K8sWorkload } from '../../../src/core/evidence.js'

// Only these kinds have a replica count that decides availability; DaemonSets run one pod per node.
// An Argo Rollout replaces a Deployment and counts its replicas the same way.
const replicated = new Set(['Deployment', 'StatefulSet', 'Rollout'])

/** The autoscaler that owns a workload's replica count, if one targets it. */
function autoscalerOf(
  workload: K8sWorkload,
  autoscalers: readonly K8sAutoscaler[],
): K8sAutoscaler | undefined {
  return autoscalers.find(
    (a) =>
      a.namespace === workload.namespace &&
      a.target.kind === workload.resourceKind &&
      a.target.name === workload.name,
  )
}

export default defineCheck({
  id: 'kubernetes/deployment-runs-multiple-replicas',
  title: 'Deployments and StatefulSets run more than one replica',
  description:
    'With a single replica, every node drain, rollout or crash is an outage. Running several replicas ' +
    'is the redundancy that availability commitments rest on. When a HorizontalPodAutoscaler ' +
    'owns the count, its minReplicas is the floor that matters.',
  remediation:
    'Set `spec.replicas` to 2 or more (the `minReplicas` param), or `minReplicas` on the HorizontalPodAutoscaler ' +
    'that scales the workload, and spread the replicas with `topologySpreadConstraints` or pod anti-affinity. ' +
    'A Deployment without `replicas:` and without an autoscaler runs exactly one.',
  severity: 'low',
  reads: ['k8s.workload', 'k8s.autoscaler'],
  params: z.object({ minReplicas: z.number().int().min(1).default(2) }),
  evaluate({ evidence, params, result }) {
    return evidence['k8s.workload']
      .filter((w) => replicated.has(w.resourceKind))
      .map((w) => {
        const autoscaler = autoscalerOf(w, evidence['k8s.autoscaler'])
        if (autoscaler !== undefined) {
          const floor = autoscaler.minReplicas
          const message = `HorizontalPodAutoscaler ${autoscaler.name} keeps at least ${floor} replica${floor === 1 ? '' : 's'}`
          return floor >= params.minReplicas
            ? result.pass(w, message)
            : result.fail(w, `${message}; at least ${params.minReplicas} required`)
        }
        // Kubernetes defaults an unset replicas field to 1.
        const replicas = w.replicas ?? 1
        const count =
          w.replicas === undefined
            ? '1 replica (replicas is not set)'
            : `${replicas} replica${replicas === 1 ? '' : 's'}`
        return replicas >= params.minReplicas
          ? result.pass(w, `runs ${count}`)
          : result.fail(w, `runs ${count}; at least ${params.minReplicas} required`)
      })
  },
})
