import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'

// Only these kinds have a replica count that decides availability; DaemonSets run one pod per node.
const replicated = new Set(['Deployment', 'StatefulSet'])

export default defineCheck({
  id: 'kubernetes/deployment-runs-multiple-replicas',
  title: 'Deployments and StatefulSets run more than one replica',
  description:
    'With a single replica, every node drain, rollout or crash is an outage. Running several replicas ' +
    'is the redundancy that availability commitments rest on (SOC 2 A1.2).',
  remediation:
    'Set `spec.replicas` to 2 or more (the `minReplicas` param), and spread the replicas with ' +
    '`topologySpreadConstraints` or pod anti-affinity. A Deployment without `replicas:` runs exactly one.',
  severity: 'low',
  reads: ['k8s.workload'],
  params: z.object({ minReplicas: z.number().int().min(1).default(2) }),
  evaluate({ evidence, params, result }) {
    return evidence['k8s.workload']
      .filter((w) => replicated.has(w.resourceKind))
      .map((w) => {
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
