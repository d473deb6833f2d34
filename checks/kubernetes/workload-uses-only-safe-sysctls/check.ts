import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { exemptMessage, exemptNamespacesParam } from '../shared/scope.js'

/** The sysctls the Pod Security baseline standard allows: namespaced, and isolated from other pods. */
const safeSysctls = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
])

export default defineCheck({
  id: 'kubernetes/workload-uses-only-safe-sysctls',
  title: 'Pods set only the kernel parameters that are safe to share a node',
  description:
    "Sysctls tune the kernel. Outside a short safe list they reach beyond the pod's own namespaces " +
    '(memory, shared memory, networking of the node) and can starve or weaken every other workload on ' +
    'the node. The Pod Security baseline standard allows only the safe set.',
  remediation:
    'Remove the unsafe entries from `spec.securityContext.sysctls`. If a workload truly needs one, tune ' +
    'it on dedicated nodes (node configuration, taints) rather than from the pod.',
  severity: 'medium',
  reads: ['k8s.workload'],
  params: z.object({ exemptNamespaces: exemptNamespacesParam() }),
  evaluate({ evidence, params, result }) {
    return evidence['k8s.workload'].map((workload) => {
      if (params.exemptNamespaces.includes(workload.namespace)) {
        return result.notApplicable(workload, exemptMessage(workload.namespace))
      }
      if (workload.sysctls === undefined) {
        return result.undetermined(workload, 'the source did not report the pod securityContext sysctls')
      }
      const unsafe = workload.sysctls.filter((s) => !safeSysctls.has(s.name))
      if (unsafe.length > 0) {
        return result.fail(
          workload,
          `sets unsafe sysctls: ${unsafe.map((s) => `${s.name}=${s.value}`).join(', ')}`,
        )
      }
      return result.pass(
        workload,
        workload.sysctls.length === 0
          ? 'sets no sysctls'
          : `sets only safe sysctls: ${workload.sysctls.map((s) => s.name).join(', ')}`,
      )
    })
  },
})
