import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import type { Container } from '../../../src/core/evidence.js'
import { type ImagePinning, referencePinning } from '../../../src/core/image-pinning.js'
import { parseImageReference } from '../../../src/core/image-reference.js'
import { containerLabel } from '../shared/containers.js'
import { exemptMessage, exemptNamespacesParam } from '../shared/scope.js'

function pinning(container: Container, requireDigest: boolean): ImagePinning {
  if (container.image.trim() === '') return { status: 'unknown', why: 'no image written' }
  const ref = parseImageReference(container.image)
  if (ref.unresolved) return { status: 'unknown', why: `image ${container.image} is not resolved` }
  return referencePinning(container.image, ref, requireDigest)
}

export default defineCheck({
  id: 'kubernetes/workload-image-is-pinned',
  title: 'Workloads run images pinned by digest or a fixed version tag',
  description:
    'An image named without a tag, by `latest`, or by a moving tag (`stable`, `16`, `1.27-alpine`) ' +
    'changes under the same manifest: a restart or a new node pulls whatever was pushed last, ' +
    'untested and unreviewed, and two replicas can run different code. NSA/CISA Kubernetes hardening ' +
    'guidance asks for images by digest. A full version tag passes unless `requireDigest` is set, as ' +
    'registries with immutable tags (ECR, Artifact Registry, Harbor) keep it fixed; only a digest is ' +
    'fixed everywhere.',
  remediation:
    'Reference each image by digest (`ghcr.io/acme/api@sha256:…`, or `repo:1.4.2@sha256:…` to keep ' +
    'the version readable), or at least by a full release tag (`1.4.2`, a commit SHA) in a registry ' +
    'with tag immutability on. In Helm charts, set `image.digest` or `image.tag` to a release rather ' +
    'than relying on the chart default.',
  severity: 'medium',
  reads: ['k8s.workload'],
  params: z.object({
    exemptNamespaces: exemptNamespacesParam([]),
    /** Demand a digest: a version tag then fails too. */
    requireDigest: z.boolean().default(false),
  }),
  evaluate({ evidence, params, result }) {
    return evidence['k8s.workload'].map((workload) => {
      if (params.exemptNamespaces.includes(workload.namespace)) {
        return result.notApplicable(workload, exemptMessage(workload.namespace))
      }
      const judged = workload.containers.map((c) => ({ c, p: pinning(c, params.requireDigest) }))
      const moving = judged.flatMap(({ c, p }) =>
        p.status === 'moving' ? [`${containerLabel(c)}: ${p.why}`] : [],
      )
      if (moving.length > 0) return result.fail(workload, `runs images that can change: ${moving.join('; ')}`)
      const unknown = judged.flatMap(({ c, p }) =>
        p.status === 'unknown' ? [`${containerLabel(c)}: ${p.why}`] : [],
      )
      if (unknown.length > 0)
        return result.undetermined(workload, `image cannot be judged: ${unknown.join('; ')}`)
      return result.pass(
        workload,
        params.requireDigest
          ? 'every image is pinned by digest'
          : 'every image is pinned by digest or a full version tag',
      )
    })
  },
})
