import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import type { Container } from '../../../src/core/evidence.js'
import { judgeContainers } from '../shared/containers.js'
import { exemptNamespacesParam } from '../shared/scope.js'

/** `SYS_ADMIN` in any spelling, or `ALL`, which adds every capability and SYS_ADMIN with them. */
function grantsSysAdmin(capability: string): boolean {
  const name = capability.trim().toUpperCase().replace(/^CAP_/, '')
  return name === 'SYS_ADMIN' || name === 'ALL'
}

function escalationShortfall(container: Container): string | undefined {
  // Kubernetes always allows escalation for privileged containers and those adding CAP_SYS_ADMIN,
  // whatever allowPrivilegeEscalation says.
  if (container.privileged === true) return 'privileged: true always allows escalation'
  const sysAdmin = container.capabilities.add.find(grantsSysAdmin)
  if (sysAdmin !== undefined) {
    return sysAdmin.trim().toUpperCase() === 'ALL'
      ? 'adds ALL capabilities, SYS_ADMIN among them, which always allows escalation'
      : 'adds SYS_ADMIN, which always allows escalation'
  }
  // Unset means allowed: the kernel's no_new_privs flag is only set when this is explicitly false.
  if (container.allowPrivilegeEscalation === undefined) return 'allowPrivilegeEscalation is not set'
  if (container.allowPrivilegeEscalation) return 'allowPrivilegeEscalation: true'
  return undefined
}

export default defineCheck({
  id: 'kubernetes/workload-blocks-privilege-escalation',
  title: 'Containers cannot gain more privileges than they start with',
  description:
    'Unless privilege escalation is explicitly disabled, a process can gain privileges through setuid ' +
    'binaries or file capabilities, so a compromised unprivileged process can become root. Blocking ' +
    'it keeps privileges at what was granted: least privilege.',
  remediation:
    'Set `securityContext.allowPrivilegeEscalation: false` on every container, init containers ' +
    'included (it is a container-level field; the pod-level securityContext has no such field). Remove ' +
    '`privileged: true` and `SYS_ADMIN` from `capabilities.add`, which override it.',
  severity: 'medium',
  reads: ['k8s.workload'],
  params: z.object({ exemptNamespaces: exemptNamespacesParam() }),
  evaluate({ evidence, params, result }) {
    return judgeContainers(evidence['k8s.workload'], params.exemptNamespaces, result, {
      includeInit: true,
      shortfall: escalationShortfall,
      pass: 'every container sets allowPrivilegeEscalation: false',
      fail: 'privilege escalation possible',
    })
  },
})
