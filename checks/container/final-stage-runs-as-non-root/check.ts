import { z } from 'zod'
import { defineCheck } from '../../../src/core/check.js'
import type { DockerStage, ImageReference } from '../../../src/core/evidence.js'
import { imageMatchesPrefix } from '../../../src/core/image-reference.js'
import { describeImage } from '../shared/image.js'
import { describeStage, finalLabel, findShippedImage } from '../shared/shipped-image.js'

/** `root`, `0`, `0:0`, `root:staff`: the user part decides; a group of 0 alone is not root. */
function isRootUser(user: string): boolean {
  const name = (user.split(':')[0] ?? '').trim().toLowerCase()
  return name === 'root' || /^0+$/.test(name)
}

/** The USER instruction that sets the stage's user and its stage, searching the chain from the end. */
function userSource(chain: readonly DockerStage[]): { stage: DockerStage; line: number } | undefined {
  for (const stage of [...chain].reverse()) {
    const user = [...stage.instructions].reverse().find((instruction) => instruction.keyword === 'USER')
    if (user !== undefined) return { stage, line: user.line }
  }
  return undefined
}

const id = 'container/final-stage-runs-as-non-root'
const nonRootImagesSetting = `checks.${id}.params.nonRootImages`

/**
 * Images whose own configuration sets a non-root user. Chainguard's runtime images run as 65532
 * (their `-dev` variants run as root, see below), nginx-unprivileged as 101, Bitnami's application
 * images as 1001.
 */
const defaultNonRootImages = [
  'cgr.dev/chainguard/static',
  'cgr.dev/chainguard/node',
  'cgr.dev/chainguard/python',
  'cgr.dev/chainguard/go',
  'docker.io/nginxinc/nginx-unprivileged',
  'docker.io/bitnami',
]

/** Images under a default prefix that nonetheless run as root: Bitnami's minideb is a plain base OS. */
const rootImagesUnderDefaultPrefixes = ['docker.io/bitnami/minideb']

/** `-dev` variants (`latest-dev`, `22-dev`) add a shell and package manager and run as root. */
function isDevVariant(image: ImageReference): boolean {
  return (image.tag ?? '').toLowerCase().includes('-dev')
}

function isDotnetImage(image: ImageReference | undefined): boolean {
  return image?.registry === 'mcr.microsoft.com' && image.repository.startsWith('dotnet/')
}

export default defineCheck({
  id,
  title: 'Shipped images run as a non-root user',
  description:
    'A process running as root inside a container is one kernel or runtime bug away from root on the node, and ' +
    'it can rewrite its own binaries. Running services under an unprivileged account is the least-privilege ' +
    'control auditors know from servers ("services do not run as Administrator or root"); in a Dockerfile it ' +
    'is the USER instruction of the stage that ships. Without one, the image runs as root.',
  remediation:
    'Add `USER 65532:65532` (or another numeric non-zero UID) at the end of the final stage, after any step ' +
    'that needs root, and make the files the application writes owned by that user ' +
    '(`COPY --chown=65532:65532 …`). Distroless `:nonroot` tags already default to UID 65532, and so do the ' +
    `base images listed in \`${nonRootImagesSetting}\` (Chainguard runtime images, nginx-unprivileged, ` +
    'Bitnami); a `-dev` variant of a Chainguard image runs as root and needs its own USER.',
  severity: 'high',
  reads: ['container.dockerfile'],
  params: z.object({
    /**
     * Prefixes of `registry/repository` for base images that default to a non-root user, so the final
     * stage needs no USER of its own. Tags containing `-dev` never count.
     */
    nonRootImages: z.array(z.string()).default(defaultNonRootImages),
  }),
  evaluate({ evidence, params, result }) {
    return evidence['container.dockerfile'].map((dockerfile) => {
      const shipped = findShippedImage(dockerfile)
      if (shipped === undefined) {
        return result.fail(dockerfile, 'the final stage cannot be found, so its user cannot be verified')
      }
      const { final, chain, image } = shipped
      const user = final.user
      const source = userSource(chain)
      const line = source?.line ?? final.line
      const inherited =
        source !== undefined && source.stage.index !== final.index
          ? `, inherited from ${describeStage(source.stage)}`
          : ''
      if (user === undefined) {
        // Images such as gcr.io/distroless/*:nonroot set a non-root USER in their own config.
        if (image !== undefined && !image.unresolved && (image.tag ?? '').includes('nonroot')) {
          return result.pass(
            dockerfile,
            `no USER instruction, but the base image ${describeImage(image)} defaults to a non-root user`,
            { line: shipped.root.line },
          )
        }
        if (image !== undefined && !image.unresolved && !image.scratch) {
          const prefix = params.nonRootImages.find((p) => imageMatchesPrefix(image, [p]))
          const knownRoot = imageMatchesPrefix(image, rootImagesUnderDefaultPrefixes)
          if (prefix !== undefined && !knownRoot) {
            if (isDevVariant(image)) {
              return result.fail(
                dockerfile,
                `${finalLabel(final)} has no USER instruction, and ${describeImage(image)} is a -dev variant, which runs as root even though ${prefix} images otherwise default to a non-root user`,
                { line: shipped.root.line },
              )
            }
            return result.pass(
              dockerfile,
              `no USER instruction, but ${finalLabel(final)} runs as the image's default non-root user: ${describeImage(image)} is under ${prefix} in ${nonRootImagesSetting}`,
              { line: shipped.root.line },
            )
          }
        }
        const runsAs =
          image?.scratch === true
            ? 'so the process runs as UID 0 (root)'
            : `so it runs as the default user of ${image === undefined ? 'its base image' : describeImage(image)}, which is root unless that image sets its own`
        return result.fail(dockerfile, `${finalLabel(final)} has no USER instruction, ${runsAs}`, {
          line: final.line,
        })
      }
      if (user.includes('$')) {
        const name = /\$\{?(\w+)/.exec(user)?.[1] ?? ''
        const stages = new Set([-1, ...chain.map((stage) => stage.index)])
        const declared = dockerfile.variables.find((v) => v.name === name && stages.has(v.stage))
        // Microsoft's .NET images define APP_UID (1654) for exactly this `USER $APP_UID` line.
        if (declared === undefined && name === 'APP_UID' && isDotnetImage(image)) {
          return result.pass(
            dockerfile,
            `USER ${user}: the .NET base image defines APP_UID as its non-root user`,
            { line },
          )
        }
        const origin =
          declared === undefined
            ? `${name}, which the Dockerfile does not declare (it comes from the base image's environment)`
            : `${declared.instruction} ${name} (line ${declared.line})`
        return result.fail(
          dockerfile,
          `USER ${user} takes its value from ${origin}, so whether the image runs as root cannot be verified from the Dockerfile`,
          { line },
        )
      }
      return isRootUser(user)
        ? result.fail(dockerfile, `${finalLabel(final)} runs as root (USER ${user}${inherited})`, { line })
        : result.pass(dockerfile, `${finalLabel(final)} runs as USER ${user}${inherited}`, { line })
    })
  },
})
