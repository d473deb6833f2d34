import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { judgeContainers } from '../shared/containers.js'
import { exemptMessage, exemptNamespacesParam } from '../shared/scope.js'

// Jobs run to completion: a liveness or readiness probe has nothing to route traffic to or restart.
const runToCompletion = new Set(['Job', 'CronJob'])

export default defineCheck({
  id: 'kubernetes/workload-has-health-probes',
  title: 'Long-running workloads declare readiness and liveness probes',
  description:
    'A readiness probe keeps traffic away from a replica that cannot serve; a liveness probe lets ' +
    'Kubernetes restart one that has hung. Without them failures last until a person notices, so they ' +
    'are part of the recovery the availability commitments rely on.',
  remediation:
    'Add `readinessProbe` and `livenessProbe` (httpGet, tcpSocket, grpc or exec) to every container ' +
    'of the pod template, for example `readinessProbe: { httpGet: { path: /healthz, port: http } }`. ' +
    'Init containers need none.',
  severity: 'low',
  reads: ['k8s.workload'],
  params: z.object({ exemptNamespaces: exemptNamespacesParam() }),
  evaluate({ evidence, params, result }) {
    const workloads = evidence['k8s.workload']
    const longRunning = workloads.filter((w) => !runToCompletion.has(w.resourceKind))
    return [
      ...workloads
        .filter((w) => runToCompletion.has(w.resourceKind))
        .map((w) =>
          params.exemptNamespaces.includes(w.namespace)
            ? result.notApplicable(w, exemptMessage(w.namespace))
            : result.notApplicable(w, `a ${w.resourceKind} runs to completion; probes do not apply`),
        ),
      ...judgeContainers(longRunning, params.exemptNamespaces, result, {
        includeInit: false,
        shortfall: (c) => {
          const missing = [
            c.readinessProbe === undefined ? 'readinessProbe' : undefined,
            c.livenessProbe === undefined ? 'livenessProbe' : undefined,
          ].filter((probe) => probe !== undefined)
          return missing.length === 0 ? undefined : `no ${missing.join(' or ')}`
        },
        pass: 'every container has readiness and liveness probes',
        fail: 'missing health probes',
      }),
    ]
  },
})
