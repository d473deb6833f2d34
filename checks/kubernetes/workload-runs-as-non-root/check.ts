import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import type { Container } from '../../../src/core/evidence.js'
import { judgeContainers } from '../shared/containers.js'
import { exemptNamespacesParam } from '../shared/scope.js'

// The pod-level securityContext is already merged into each container, as Kubernetes does.
function rootShortfall(container: Container): string | undefined {
  // An explicit UID 0 is root whatever runAsNonRoot says (the Pod Security restricted standard forbids it).
  if (container.runAsUser === 0) return 'runAsUser is 0'
  if (container.runAsNonRoot === true) return undefined
  if (container.runAsUser !== undefined && container.runAsUser > 0) return undefined
  return container.runAsUser === 0 ? 'runAsUser is 0' : 'neither runAsNonRoot: true nor a non-zero runAsUser'
}

export default defineCheck({
  id: 'kubernetes/workload-runs-as-non-root',
  title: 'Workloads run as a non-root user',
  description:
    'A process running as root inside a container is one kernel bug or one misconfigured mount away ' +
    'from root on the node, and from there every other workload on it. Running as an unprivileged ' +
    'user is least privilege applied to the process itself.',
  remediation:
    'Set `securityContext.runAsNonRoot: true` in the pod template (spec.template.spec.securityContext, ' +
    'or jobTemplate.spec.template.spec for a CronJob) and give the image a numeric non-root USER, or ' +
    'set `runAsUser: 10001` (any UID above 0) on the pod or on each container, init containers included.',
  severity: 'high',
  reads: ['k8s.workload'],
  params: z.object({ exemptNamespaces: exemptNamespacesParam() }),
  evaluate({ evidence, params, result }) {
    return judgeContainers(evidence['k8s.workload'], params.exemptNamespaces, result, {
      includeInit: true,
      shortfall: rootShortfall,
      pass: 'every container sets runAsNonRoot or a non-zero runAsUser',
      fail: 'may run as root',
    })
  },
})
