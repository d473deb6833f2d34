import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { exemptMessage, exemptNamespacesParam } from '../shared/scope.js'

/** The volume sources the Pod Security restricted standard allows. */
const restrictedTypes = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
])

export default defineCheck({
  id: 'kubernetes/workload-uses-only-restricted-volume-types',
  title: 'Pods use only the volume types of the restricted standard',
  description:
    'Volume sources other than ConfigMaps, Secrets, projected and downward API data, emptyDir, CSI and ' +
    "PersistentVolumeClaims reach outside the cluster's access control: a node directory, an NFS " +
    'export or an iSCSI disk mounted straight into the pod, with no claim an administrator granted. ' +
    'The Pod Security restricted standard allows only the listed types.',
  remediation:
    'Replace `hostPath`, `nfs`, `iscsi`, `cephfs`, `gitRepo` and other in-line volume sources with a ' +
    'PersistentVolumeClaim (the storage is then provisioned and granted by the cluster), an `emptyDir`, ' +
    'or ConfigMap/Secret data.',
  severity: 'medium',
  reads: ['k8s.workload'],
  params: z.object({ exemptNamespaces: exemptNamespacesParam() }),
  evaluate({ evidence, params, result }) {
    return evidence['k8s.workload'].map((workload) => {
      if (params.exemptNamespaces.includes(workload.namespace)) {
        return result.notApplicable(workload, exemptMessage(workload.namespace))
      }
      if (workload.volumes === undefined) {
        return result.undetermined(workload, 'the source did not report the pod volumes')
      }
      const other = workload.volumes.filter((v) => !restrictedTypes.has(v.type))
      if (other.length > 0) {
        return result.fail(
          workload,
          `uses volume types outside the restricted set: ${other.map((v) => `${v.name} (${v.type})`).join(', ')}`,
        )
      }
      return result.pass(
        workload,
        workload.volumes.length === 0 ? 'mounts no volumes' : 'uses only volume types of the restricted set',
      )
    })
  },
})
