import { parseImageReference } from './image-reference.js'

/** Tag names that are moved on purpose to follow a channel. */
const floatingTags = new Set([
  'latest',
  'stable',
  'main',
  'master',
  'edge',
  'dev',
  'develop',
  'nightly',
  'canary',
  'beta',
  'alpha',
  'mainline',
  'lts',
  'current',
  'rolling',
  'release',
  'head',
])

/** A bare major or major.minor version (`16`, `v2`, `1.27`, `16-alpine`) moves with each patch release. */
const partialVersion = /^v?\d{1,4}(\.\d+)?(-[a-z][\w.-]*)?$/i

/**
 * Release channels that images publish variants of (`lts-alpine3.20`, `stable-slim`, `latest-dev`).
 * Not branch names (`main`, `release`, `dev`): CI tags builds `main-3f9c2e1` or `release-1.4.2`.
 */
const channels = new Set(['latest', 'lts', 'stable', 'current', 'mainline', 'edge', 'nightly', 'rolling'])

/**
 * The moving channel a variant tag follows: `lts` in `lts-alpine3.20`. The suffix names the base
 * (and its version), not a release of the image, so the tag moves as the channel does.
 */
function floatingChannel(tag: string): string | undefined {
  const first = tag.toLowerCase().split(/[-_]/)[0] ?? ''
  return channels.has(first) ? first : undefined
}

export type ImagePinning =
  | { status: 'pinned' }
  | { status: 'moving'; why: string }
  | { status: 'unknown'; why: string }

/**
 * Whether an image reference names fixed content: a digest, or a full version tag in a registry
 * that keeps tags immutable. Kubernetes workloads share the judgement through referencePinning.
 */
export function imagePinning(image: string, requireDigest: boolean): ImagePinning {
  // GitHub expressions (`${{ matrix.image }}`) and GitLab variables are known only when the job runs.
  if (image.includes('${{') || /\$\{?[A-Za-z_]/.test(image))
    return { status: 'unknown', why: `${image} is set when the pipeline runs` }
  return referencePinning(image, parseImageReference(image), requireDigest)
}

/** The judgement on a parsed reference, shared by pipeline images and Kubernetes workloads. */
export function referencePinning(
  image: string,
  ref: ReturnType<typeof parseImageReference>,
  requireDigest: boolean,
): ImagePinning {
  if (ref.digest !== undefined) return { status: 'pinned' }
  if (ref.tag === undefined) return { status: 'moving', why: `${image} has no tag, so it runs latest` }
  if (floatingTags.has(ref.tag.toLowerCase()))
    return { status: 'moving', why: `${image} uses the moving tag ${ref.tag}` }
  const channel = floatingChannel(ref.tag)
  if (channel !== undefined)
    return { status: 'moving', why: `${image} follows the moving ${channel} channel in tag ${ref.tag}` }
  // A tag without a digit names a variant or a distribution release (`alpine`, `bookworm-slim`), no
  // version of the image: it is rebuilt with each release.
  if (!/\d/.test(ref.tag))
    return {
      status: 'moving',
      why: `${image} names no version in tag ${ref.tag}, so it moves with each release`,
    }
  if (partialVersion.test(ref.tag))
    return { status: 'moving', why: `${image} names a partial version, which moves with each release` }
  if (requireDigest) return { status: 'moving', why: `${image} is not pinned by digest` }
  return { status: 'pinned' }
}
