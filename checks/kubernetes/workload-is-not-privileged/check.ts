import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { judgeContainers } from '../shared/containers.js'
import { exemptNamespacesParam } from '../shared/scope.js'

export default defineCheck({
  id: 'kubernetes/workload-is-not-privileged',
  title: 'Workloads run no privileged containers',
  description:
    'A privileged container has every capability and every host device: it is root on the node, ' +
    'outside any isolation. It breaks the boundary between workloads and the platform they share, ' +
    'so it defeats least privilege and the controls against unauthorised software.',
  remediation:
    'Remove `securityContext.privileged: true` from the container (or set it to false), and ' +
    '`windowsOptions.hostProcess: true` from Windows pods and containers. If the ' +
    'process needs one specific power, add only that capability under `securityContext.capabilities.add`; ' +
    'node agents that truly need it belong in an exempt system namespace.',
  severity: 'critical',
  reads: ['k8s.workload'],
  params: z.object({ exemptNamespaces: exemptNamespacesParam() }),
  evaluate({ evidence, params, result }) {
    return judgeContainers(evidence['k8s.workload'], params.exemptNamespaces, result, {
      includeInit: true,
      shortfall: (c) => {
        if (c.privileged === true) return 'privileged: true'
        // A Windows HostProcess container runs as a process on the node, with its privileges.
        if (c.windowsHostProcess === true) return 'windowsOptions.hostProcess: true'
        return undefined
      },
      pass: 'no container is privileged',
      fail: 'runs privileged containers',
    })
  },
})
