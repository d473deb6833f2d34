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
  if (partialVersion.test(ref.tag))
    return { status: 'moving', why: `${image} names a partial version, which moves with each release` }
  if (requireDigest) return { status: 'moving', why: `${image} is not pinned by digest` }
  return { status: 'pinned' }
}
