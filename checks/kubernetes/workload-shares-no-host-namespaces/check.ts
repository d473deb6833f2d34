import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { exemptMessage, exemptNamespacesParam } from '../shared/scope.js'

export default defineCheck({
  id: 'kubernetes/workload-shares-no-host-namespaces',
  title: 'Workloads keep to their own network, process and IPC namespaces',
  description:
    "A pod that shares the node's network, process or IPC namespace can see and reach everything on " +
    "the node: other pods' traffic, local-only services, host processes and their memory. It removes " +
    'the boundary between the workload and the host.',
  remediation:
    'Remove `hostNetwork: true`, `hostPID: true` and `hostIPC: true` from the pod spec (or set them to ' +
    'false). Expose ports through a Service instead of the host network; node agents that need host ' +
    'access belong in an exempt system namespace.',
  severity: 'high',
  reads: ['k8s.workload'],
  params: z.object({ exemptNamespaces: exemptNamespacesParam() }),
  evaluate({ evidence, params, result }) {
    return evidence['k8s.workload'].map((workload) => {
      if (params.exemptNamespaces.includes(workload.namespace)) {
        return result.notApplicable(workload, exemptMessage(workload.namespace))
      }
      const shared = [
        workload.hostNetwork ? 'hostNetwork' : undefined,
        workload.hostPID ? 'hostPID' : undefined,
        workload.hostIPC ? 'hostIPC' : undefined,
      ].filter((flag) => flag !== undefined)
      return shared.length === 0
        ? result.pass(workload, 'uses its own network, PID and IPC namespaces')
        : result.fail(workload, `shares host namespaces: ${shared.join(', ')}`)
    })
  },
})
