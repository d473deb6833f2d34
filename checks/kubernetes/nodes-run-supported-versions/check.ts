import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'

/** `v1.30.4-eks-a737599` → [1, 30]; undefined when the node reported no usable version. */
function minorVersion(version: string): [number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.|$|[-+])/.exec(version.trim())
  return match === null ? undefined : [Number(match[1]), Number(match[2])]
}

const atLeast = (a: [number, number], b: [number, number]) => a[0] > b[0] || (a[0] === b[0] && a[1] >= b[1])

export default defineCheck({
  id: 'kubernetes/nodes-run-supported-versions',
  title: 'Cluster nodes run a Kubernetes version that still receives security fixes',
  description:
    'A node whose kubelet is older than the supported releases gets no more security patches for itself or, usually, for its node image. Nodes are replaced rather than patched, so an old version shows a node pool that has stopped rolling.',
  remediation:
    'Upgrade the control plane and roll the node pool to a supported version (managed node groups: update the version or AMI release); raise the minimumVersion param as versions leave support.',
  severity: 'high',
  reads: ['k8s.node'],
  params: z.object({
    /** The oldest `major.minor` still supported by your provider; raise it as versions leave support. */
    minimumVersion: z
      .string()
      .regex(/^\d+\.\d+$/, 'must be major.minor, e.g. 1.31')
      .default('1.31'),
  }),
  evaluate({ evidence, params, result }) {
    const [major, minor] = params.minimumVersion.split('.').map(Number) as [number, number]
    return evidence['k8s.node'].map((node) => {
      const version = minorVersion(node.kubeletVersion)
      if (version === undefined)
        return result.undetermined(
          node,
          `the node reports no kubelet version it can be judged on ("${node.kubeletVersion}")`,
        )
      const details = [node.osImage, node.containerRuntimeVersion].filter((d) => d !== '').join(', ')
      return atLeast(version, [major, minor])
        ? result.pass(
            node,
            `kubelet ${node.kubeletVersion} is ${params.minimumVersion} or later${details ? ` (${details})` : ''}`,
          )
        : result.fail(
            node,
            `kubelet ${node.kubeletVersion} is older than ${params.minimumVersion}${details ? ` (${details})` : ''}`,
          )
    })
  },
})
