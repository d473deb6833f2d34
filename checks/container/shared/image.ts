import type { ImageReference } from '../../../src/core/evidence.js'

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
