import type { ImageReference } from '../../../src/core/evidence.js'
import { imageLocation, imageMatchesPrefix as imageUnderPrefixes } from '../../../src/core/image-reference.js'

/** `registry/repository`, the name allow-lists are written against: `docker.io/library/node`. */
export function imageName(image: ImageReference): string {
  return imageLocation(image)
}

/** True when the image's name equals the allow-list entry or lies under it, on `/` boundaries only. */
export function imageMatchesPrefix(image: ImageReference, prefix: string): boolean {
  return imageUnderPrefixes(image, [prefix])
}

/** The image as written, for messages. */
export function describeImage(image: ImageReference): string {
  return image.raw
}

/** Distroless images carry no shell; their `:debug` tags add a busybox shell. */
export function isDistroless(image: ImageReference): boolean {
  return image.registry === 'gcr.io' && image.repository.startsWith('distroless/')
}

export function isDebugTag(image: ImageReference): boolean {
  return (image.tag ?? '').includes('debug')
}
