import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import type { Container } from '../../../src/core/evidence.js'
import { judgeContainers } from '../shared/containers.js'
import { exemptNamespacesParam } from '../shared/scope.js'

// The container domains the Pod Security baseline standard allows; an empty type keeps the default.
const allowedTypes = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'])

function seLinuxShortfall(container: Container): string | undefined {
  const options = container.seLinuxOptions
  if (options === undefined) return undefined
  const problems: string[] = []
  if (options.type !== undefined && !allowedTypes.has(options.type)) problems.push(`type ${options.type}`)
  if (options.user !== undefined && options.user !== '') problems.push(`user ${options.user}`)
  if (options.role !== undefined && options.role !== '') problems.push(`role ${options.role}`)
  return problems.length === 0 ? undefined : `seLinuxOptions ${problems.join(', ')}`
}

export default defineCheck({
  id: 'kubernetes/workload-sets-no-custom-selinux-options',
  title: 'Containers keep the SELinux container domain',
  description:
    'On SELinux nodes the container domain (`container_t`) confines what a container may touch on the ' +
    'host. A custom SELinux type, user or role can move the process into a domain with host-wide ' +
    'rights (`spc_t`, `unconfined_t`). The Pod Security baseline standard allows only the container ' +
    'types and no user or role.',
  remediation:
    'Remove `seLinuxOptions.type` (or set one of container_t, container_init_t, container_kvm_t, ' +
    'container_engine_t) and remove `seLinuxOptions.user` and `seLinuxOptions.role` from the pod and ' +
    'container securityContext. Setting only `level` (MCS categories) is allowed.',
  severity: 'medium',
  reads: ['k8s.workload'],
  params: z.object({ exemptNamespaces: exemptNamespacesParam() }),
  evaluate({ evidence, params, result }) {
    return judgeContainers(evidence['k8s.workload'], params.exemptNamespaces, result, {
      includeInit: true,
      shortfall: seLinuxShortfall,
      pass: 'no container sets a custom SELinux type, user or role',
      fail: 'custom SELinux options',
    })
  },
})
