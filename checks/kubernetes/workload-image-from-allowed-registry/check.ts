import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { imageMatchesPrefix, parseImageReference } from '../../../src/core/image-reference.js'
import { containerLabel } from '../shared/containers.js'
import { exemptMessage, exemptNamespacesParam } from '../shared/scope.js'

const id = 'kubernetes/workload-image-from-allowed-registry'
const allowedRegistriesSetting = `checks.${id}.params.allowedRegistries`

export default defineCheck({
  id,
  title: 'Workloads run images only from approved registries',
  description:
    'Pulling images only from registries the company controls or has vetted means every piece of ' +
    'software in production passed through an approved supply chain (scanning, signing, review). An ' +
    'image from an arbitrary public repository is unauthorised software.',
  remediation:
    'Change `image:` in the pod template (containers and initContainers) to an image under one of the ' +
    'approved prefixes, for example by mirroring it into your own registry, or, after review, add the ' +
    `registry to \`${allowedRegistriesSetting}\` (prefixes such as \`gcr.io/distroless\` or ` +
    '`123456789012.dkr.ecr.eu-west-1.amazonaws.com`; `docker.io/library` for Docker official images). ' +
    'Without that list every workload fails: the image source cannot be verified.',
  severity: 'medium',
  reads: ['k8s.workload'],
  params: z.object({
    exemptNamespaces: exemptNamespacesParam(),
    /** Image prefixes, matched on path segments: `ghcr.io/acme` covers `ghcr.io/acme/api:1.2`. */
    allowedRegistries: z.array(z.string()).default([]),
  }),
  evaluate({ evidence, params, result }) {
    const prefixes = params.allowedRegistries
    return evidence['k8s.workload'].map((workload) => {
      if (params.exemptNamespaces.includes(workload.namespace)) {
        return result.notApplicable(workload, exemptMessage(workload.namespace))
      }
      // No list is not "anything goes": without one the image source cannot be verified at all.
      if (prefixes.length === 0) {
        return result.fail(
          workload,
          `no approved registry list is configured (${allowedRegistriesSetting}), so the source of its images cannot be verified: ${workload.containers.map((c) => `${containerLabel(c)} (${c.image})`).join(', ')}`,
        )
      }
      const outside = workload.containers.filter(
        (container) => !imageMatchesPrefix(parseImageReference(container.image), prefixes),
      )
      return outside.length === 0
        ? result.pass(workload, 'every image comes from an approved registry')
        : result.fail(
            workload,
            `images outside approved registries: ${outside.map((c) => `${containerLabel(c)} (${c.image})`).join(', ')}`,
          )
    })
  },
})
