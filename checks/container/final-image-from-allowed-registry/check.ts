import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import { imageLocation, imageMatchesPrefix } from '../../../src/core/image-reference.js'
import { describeImage } from '../shared/image.js'
import { describeStage, findShippedImage } from '../shared/shipped-image.js'

const id = 'container/final-image-from-allowed-registry'
const allowedRegistriesSetting = `checks.${id}.params.allowedRegistries`

export default defineCheck({
  id,
  title: 'Shipped images are built on base images from approved sources',
  description:
    'The base image is third-party software that runs in production with everything your own code can reach. ' +
    'Pulling it only from approved registries and repositories is the container form of an approved software ' +
    'list: an auditor can see that production software comes from vetted suppliers, not from whatever a ' +
    'developer found on Docker Hub. Only the stage that ships is judged; build stages never reach production.',
  remediation:
    'Change the FROM of the final stage (or of the stage it is built on) to an image under an approved prefix, ' +
    'for example `FROM gcr.io/distroless/nodejs20-debian12:nonroot`, or mirror the image you need into your own ' +
    `registry and list that prefix in \`${allowedRegistriesSetting}\`. Without that list every Dockerfile fails: ` +
    'the image source cannot be verified.',
  severity: 'medium',
  reads: ['container.dockerfile'],
  params: z.object({
    /** Prefixes of `registry/repository`, e.g. `gcr.io/distroless`, `docker.io/library`, `ghcr.io/acme`. */
    allowedRegistries: z.array(z.string()).default([]),
  }),
  evaluate({ evidence, params, result }) {
    return evidence['container.dockerfile'].map((dockerfile) => {
      const shipped = findShippedImage(dockerfile)
      if (shipped?.image === undefined) {
        return result.fail(
          dockerfile,
          'the final stage cannot be traced back to a FROM image, so its source cannot be verified',
        )
      }
      const { image, root } = shipped
      const at = { line: root.line }
      if (image.scratch)
        return result.pass(dockerfile, 'the final stage is FROM scratch: no base image is pulled', at)
      // No list is not "anything goes": without one the base image's source cannot be verified at all.
      if (params.allowedRegistries.length === 0) {
        return result.fail(
          dockerfile,
          `no approved registry list is configured (${allowedRegistriesSetting}, e.g. [gcr.io/distroless, ghcr.io/acme]), so the source of the shipped image cannot be verified`,
        )
      }
      if (image.unresolved) {
        return result.fail(
          dockerfile,
          `FROM ${describeImage(image)} in ${describeStage(root)} uses a build argument without a default, so the registry cannot be verified from the Dockerfile`,
          at,
        )
      }
      const allowedBy = params.allowedRegistries.find((prefix) => imageMatchesPrefix(image, [prefix]))
      return allowedBy === undefined
        ? result.fail(
            dockerfile,
            `final image is built on ${describeImage(image)} (${imageLocation(image)}), which is under none of the approved prefixes: ${params.allowedRegistries.join(', ')}`,
            at,
          )
        : result.pass(
            dockerfile,
            `final image is built on ${describeImage(image)}, approved by prefix ${allowedBy}`,
            at,
          )
    })
  },
})
