import { defineCheck } from '../../../src/core/check.js'
import { describeImage } from '../shared/image.js'
import { describeStage, findShippedImage } from '../shared/shipped-image.js'

export default defineCheck({
  id: 'container/final-image-pinned-by-digest',
  title: 'Shipped images are built on a base image pinned by digest',
  description:
    'A tag such as `node:20` is a moving pointer: the publisher (or anyone who compromises the publisher) can ' +
    'point it at different content, and the next build silently ships it. A digest names exactly one image. ' +
    'Pinning is the container form of recording the exact version of installed software in the inventory and ' +
    'changing it only through change management: every base image update becomes a reviewed diff.',
  remediation:
    'Add the digest to the FROM of the final stage (or of the stage it is built on): ' +
    '`FROM gcr.io/distroless/static-debian12:nonroot@sha256:<digest>` (get it with ' +
    '`docker buildx imagetools inspect <image>`), and let Renovate or Dependabot propose digest updates.',
  severity: 'medium',
  reads: ['container.dockerfile'],
  evaluate({ evidence, result }) {
    return evidence['container.dockerfile'].map((dockerfile) => {
      const shipped = findShippedImage(dockerfile)
      if (shipped?.image === undefined) {
        return result.fail(
          dockerfile,
          'the final stage cannot be traced back to a FROM image, so its pin cannot be verified',
        )
      }
      const { image, root } = shipped
      const at = { line: root.line }
      if (image.scratch)
        return result.pass(dockerfile, 'the final stage is FROM scratch: no base image is pulled', at)
      if (image.digest !== undefined) {
        return result.pass(
          dockerfile,
          `final image is built on ${describeImage(image)}, pinned by digest`,
          at,
        )
      }
      if (image.unresolved) {
        return result.fail(
          dockerfile,
          `FROM ${describeImage(image)} in ${describeStage(root)} uses a build argument without a default and carries no digest, so what is pulled cannot be verified`,
          at,
        )
      }
      return result.fail(
        dockerfile,
        `final image is built on ${describeImage(image)}, a tag that can be moved to different content; no digest is pinned`,
        at,
      )
    })
  },
})
