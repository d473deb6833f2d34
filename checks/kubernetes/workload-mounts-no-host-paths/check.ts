import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { exemptMessage, exemptNamespacesParam } from '../shared/scope.js'

export default defineCheck({
  id: 'kubernetes/workload-mounts-no-host-paths',
  title: "Workloads mount no directories of the node's filesystem",
  description:
    'A hostPath volume hands the pod a directory of the node itself: its logs, its kubelet ' +
    "credentials, other pods' data, the container runtime. Writing there escapes the container; " +
    'reading there leaks what other workloads hold. The Pod Security baseline standard forbids it.',
  remediation:
    'Replace `hostPath` volumes with an `emptyDir`, a `configMap`/`secret`, or a PersistentVolumeClaim. ' +
    'Node agents that must read the node (log shippers, CSI drivers) belong in an exempt system ' +
    'namespace, with the path mounted `readOnly: true`.',
  severity: 'high',
  reads: ['k8s.workload'],
  params: z.object({ exemptNamespaces: exemptNamespacesParam() }),
  evaluate({ evidence, params, result }) {
    return evidence['k8s.workload'].map((workload) => {
      if (params.exemptNamespaces.includes(workload.namespace)) {
        return result.notApplicable(workload, exemptMessage(workload.namespace))
      }
      return workload.hostPathVolumes.length === 0
        ? result.pass(workload, 'mounts no hostPath volume')
        : result.fail(workload, `mounts node paths: ${workload.hostPathVolumes.join(', ')}`)
    })
  },
})
