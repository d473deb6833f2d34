import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { judgeContainers } from '../shared/containers.js'
import { exemptNamespacesParam } from '../shared/scope.js'

// Pod Security baseline: unset (the runtime's default profile), RuntimeDefault, or a Localhost profile.
const allowed = new Set(['RuntimeDefault', 'Localhost'])

export default defineCheck({
  id: 'kubernetes/workload-keeps-apparmor-confinement',
  title: 'Containers keep an AppArmor profile',
  description:
    "AppArmor limits which files, mounts and kernel features a container's processes may use, even " +
    'as root. Setting the profile to `Unconfined` removes that layer; the Pod Security baseline ' +
    'standard forbids it. Nodes without AppArmor ignore the setting, so leaving it unset passes.',
  remediation:
    'Remove `appArmorProfile: { type: Unconfined }` from the pod or container securityContext (or the ' +
    '`container.apparmor.security.beta.kubernetes.io/<container>: unconfined` annotation), or set ' +
    '`type: RuntimeDefault`, or `type: Localhost` with a reviewed `localhostProfile`.',
  severity: 'medium',
  reads: ['k8s.workload'],
  params: z.object({ exemptNamespaces: exemptNamespacesParam() }),
  evaluate({ evidence, params, result }) {
    return judgeContainers(evidence['k8s.workload'], params.exemptNamespaces, result, {
      includeInit: true,
      shortfall: (c) =>
        c.appArmorProfile === undefined || allowed.has(c.appArmorProfile)
          ? undefined
          : `AppArmor profile ${c.appArmorProfile}`,
      pass: 'no container leaves AppArmor unconfined',
      fail: 'runs containers outside AppArmor',
    })
  },
})
