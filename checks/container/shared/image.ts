import type { ImageReference } from '../../../src/core/evidence.js'

/** `registry/repository`, the name allow-lists are written against: `docker.io/library/node`. */
export function imageName(image: ImageReference): string {
  return `${image.registry}/${image.repository}`.toLowerCase()
}

/**
 * Normalises an allow-list entry the way Docker normalises an image name, so `node`,
 * `library/node` and `docker.io/library/node` mean the same thing. A first segment with a dot or
 * colon (or `localhost`) is a registry host; otherwise the entry is on Docker Hub.
 */
export function normalizeImagePrefix(prefix: string): string {
  const trimmed = prefix.trim().toLowerCase().replace(/\/+$/, '')
  const segments = trimmed.split('/')
  const first = segments[0] ?? ''
  const isRegistry = first.includes('.') || first.includes(':') || first === 'localhost'
  if (isRegistry) return first === 'index.docker.io' ? ['docker.io', ...segments.slice(1)].join('/') : trimmed
  return segments.length === 1 ? `docker.io/library/${trimmed}` : `docker.io/${trimmed}`
}

/** True when the image's name equals the prefix or lies under it, on `/` boundaries only. */
export function imageMatchesPrefix(image: ImageReference, prefix: string): boolean {
  const name = imageName(image)
  const normalized = normalizeImagePrefix(prefix)
  return normalized !== '' && (name === normalized || name.startsWith(`${normalized}/`))
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
