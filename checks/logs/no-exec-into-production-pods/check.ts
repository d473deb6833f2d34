import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { judgeLogs } from '../shared/logs.js'

export default defineCheck({
  id: 'logs/no-exec-into-production-pods',
  title: 'Nobody execs into production pods outside the break-glass group',
  description:
    'A shell inside a production container bypasses every control of the delivery pipeline: whatever is ' +
    'typed there is unreviewed, unversioned change, with access to the data and credentials the workload ' +
    'holds. The API server audit log records each exec, attach and port-forward; only the break-glass ' +
    'group, whose use is itself approved and reviewed, may do it.',
  remediation:
    'Remove `pods/exec`, `pods/attach` and `pods/portforward` from the roles people hold in production ' +
    'namespaces, grant them only to the break-glass group through a time-bound elevation, and review ' +
    'each listed session with the person who opened it.',
  severity: 'high',
  reads: ['log.summary', 'log.event'],
  params: z.object({
    productionNamespaces: z.array(z.string()).default(['production', 'prod']),
    breakGlassGroups: z.array(z.string()).default(['break-glass']),
  }),
  evaluate({ evidence, params, result }) {
    return judgeLogs(
      evidence['log.summary'],
      evidence['log.event'],
      'k8s-audit',
      ['pod-exec'],
      result,
      (event) => {
        if (event.category !== 'pod-exec' || !event.succeeded) return undefined
        if (
          event.target.namespace === undefined ||
          !params.productionNamespaces.includes(event.target.namespace)
        )
          return undefined
        if (event.actor.groups.some((g) => params.breakGlassGroups.includes(g))) return undefined
        return `${event.actor.name} ran ${event.target.subresource ?? 'exec'} into pod ${event.target.namespace}/${event.target.name ?? '?'} without being in ${params.breakGlassGroups.join(' or ')}`
      },
      `no exec, attach or port-forward into ${params.productionNamespaces.join(', ')} outside ${params.breakGlassGroups.join(', ')}`,
    )
  },
})
