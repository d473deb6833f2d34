import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import type { Container } from '../../../src/core/evidence.js'
import { judgeContainers } from '../shared/containers.js'
import { exemptNamespacesParam } from '../shared/scope.js'

function seccompShortfall(container: Container): string | undefined {
  const profile = container.seccompProfile
  if (profile === 'RuntimeDefault' || profile === 'Localhost') return undefined
  // The kubelet runs pods Unconfined unless told otherwise (--seccomp-default is off by default).
  if (profile === undefined) return 'no seccompProfile, so it runs Unconfined on a default kubelet'
  return `seccompProfile ${profile}`
}

export default defineCheck({
  id: 'kubernetes/workload-sets-seccomp-profile',
  title: 'Containers run under a seccomp profile',
  description:
    'A seccomp profile filters the system calls a container may make, closing off most kernel attack ' +
    'surface (kernel module loading, keyring, raw `ptrace`). Kubernetes runs pods without one unless ' +
    'the pod asks for it. The Pod Security baseline standard forbids `Unconfined`; the restricted ' +
    'standard requires `RuntimeDefault` or `Localhost` on every container.',
  remediation:
    'Set `securityContext.seccompProfile: { type: RuntimeDefault }` in the pod template ' +
    '(spec.template.spec, or jobTemplate.spec.template.spec for a CronJob) so every container, init ' +
    'containers included, inherits it; use `type: Localhost` with a reviewed profile where the default ' +
    'one blocks a needed call.',
  severity: 'medium',
  reads: ['k8s.workload'],
  params: z.object({ exemptNamespaces: exemptNamespacesParam() }),
  evaluate({ evidence, params, result }) {
    return judgeContainers(evidence['k8s.workload'], params.exemptNamespaces, result, {
      includeInit: true,
      shortfall: seccompShortfall,
      pass: 'every container runs under the RuntimeDefault or a Localhost seccomp profile',
      fail: 'no seccomp filtering',
    })
  },
})
