import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { judgeContainers } from '../shared/containers.js'
import { exemptNamespacesParam } from '../shared/scope.js'

/** The capabilities the Pod Security baseline standard lets a container add: the runtime's defaults. */
const baselineCapabilities = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
])

export default defineCheck({
  id: 'kubernetes/workload-adds-only-baseline-capabilities',
  title: 'Containers add no Linux capability beyond the runtime defaults',
  description:
    'Capabilities such as SYS_ADMIN, NET_ADMIN, SYS_PTRACE or SYS_MODULE give a container ' +
    'administrator powers over the node: mounting filesystems, rewriting the network, reading other ' +
    "processes' memory, loading kernel code. The Pod Security baseline standard allows adding only " +
    'the runtime defaults; the restricted standard (checked by workload-drops-all-capabilities) ' +
    'allows only NET_BIND_SERVICE.',
  remediation:
    'Remove the listed entries from `securityContext.capabilities.add`. A node agent that needs one ' +
    'belongs in an exempt system namespace, or an accepted exception with the reason.',
  severity: 'high',
  reads: ['k8s.workload'],
  params: z.object({ exemptNamespaces: exemptNamespacesParam() }),
  evaluate({ evidence, params, result }) {
    return judgeContainers(evidence['k8s.workload'], params.exemptNamespaces, result, {
      includeInit: true,
      shortfall: (c) => {
        const extra = c.capabilities.add.filter(
          (cap) => !baselineCapabilities.has(cap.trim().toUpperCase().replace(/^CAP_/, '')),
        )
        return extra.length === 0 ? undefined : `adds ${extra.join(', ')}`
      },
      pass: 'no container adds a capability beyond the baseline set',
      fail: 'adds powerful capabilities',
    })
  },
})
