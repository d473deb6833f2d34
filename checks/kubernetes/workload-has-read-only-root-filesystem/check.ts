import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { judgeContainers } from '../shared/containers.js'
import { exemptNamespacesParam } from '../shared/scope.js'

export default defineCheck({
  id: 'kubernetes/workload-has-read-only-root-filesystem',
  title: 'Containers run with a read-only root filesystem',
  description:
    'A read-only root filesystem means the running software is exactly the image that was reviewed ' +
    'and built: an attacker cannot drop tools or alter binaries in place. It is the container form of ' +
    'file integrity protection.',
  remediation:
    'Set `securityContext.readOnlyRootFilesystem: true` on every container, init containers included. ' +
    'Mount an `emptyDir` volume at the paths the process must write to (for example /tmp or a cache ' +
    'directory).',
  severity: 'medium',
  reads: ['k8s.workload'],
  params: z.object({ exemptNamespaces: exemptNamespacesParam() }),
  evaluate({ evidence, params, result }) {
    return judgeContainers(evidence['k8s.workload'], params.exemptNamespaces, result, {
      includeInit: true,
      shortfall: (c) =>
        c.readOnlyRootFilesystem === true
          ? undefined
          : c.readOnlyRootFilesystem === false
            ? 'readOnlyRootFilesystem: false'
            : 'readOnlyRootFilesystem is not set',
      pass: 'every container has a read-only root filesystem',
      fail: 'root filesystem is writable',
    })
  },
})
