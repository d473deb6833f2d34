import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { judgeContainers } from '../shared/containers.js'
import { exemptNamespacesParam } from '../shared/scope.js'

export default defineCheck({
  id: 'kubernetes/workload-keeps-proc-mount-masked',
  title: 'Containers keep the default masked /proc',
  description:
    'The runtime masks and makes read-only the parts of `/proc` that expose or change the node ' +
    '(kernel tunables, keys, timers). `procMount: Unmasked` lifts that; the Pod Security baseline ' +
    'standard allows only the default.',
  remediation:
    'Remove `securityContext.procMount` from the container, or set it to `Default`. `Unmasked` is only ' +
    'meant for nested container runtimes in user-namespaced pods, which belong in an exempt namespace.',
  severity: 'medium',
  reads: ['k8s.workload'],
  params: z.object({ exemptNamespaces: exemptNamespacesParam() }),
  evaluate({ evidence, params, result }) {
    return judgeContainers(evidence['k8s.workload'], params.exemptNamespaces, result, {
      includeInit: true,
      shortfall: (c) =>
        c.procMount === undefined || c.procMount === 'Default' ? undefined : `procMount: ${c.procMount}`,
      pass: 'every container keeps the default masked /proc',
      fail: 'unmasked /proc',
    })
  },
})
