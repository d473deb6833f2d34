import type { ImageReference } from './evidence.js'

/**
 * Parses a container image reference the way the container runtime resolves it:
 * no registry means docker.io, and a bare name on docker.io lives under `library/`.
 */
export function parseImageReference(raw: string): ImageReference {
  const trimmed = raw.trim()
  const unresolved = /\$\{?[A-Za-z_]/.test(trimmed)
  if (trimmed === 'scratch') {
    return { raw: trimmed, registry: '', repository: 'scratch', scratch: true, unresolved: false }
  }
  let rest = trimmed
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
  }
  let tag: string | undefined
  const lastSlash = rest.lastIndexOf('/')
  const colon = rest.lastIndexOf(':')
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
  }
  const firstSlash = rest.indexOf('/')
  const head = firstSlash >= 0 ? rest.slice(0, firstSlash) : ''
  // A first component is a registry host only if it looks like one (has a dot or port, or is localhost).
  const hasRegistry = firstSlash >= 0 && (head.includes('.') || head.includes(':') || head === 'localhost')
  const registry = hasRegistry ? head : 'docker.io'
  let repository = hasRegistry ? rest.slice(firstSlash + 1) : rest
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`
  const ref: ImageReference = { raw: trimmed, registry, repository, scratch: false, unresolved }
  if (tag !== undefined) ref.tag = tag
  if (digest !== undefined) ref.digest = digest
  return ref
}

/** `registry/repository`, the form allow-lists are written against. */
export function imageLocation(ref: ImageReference): string {
  return ref.registry === '' ? ref.repository : `${ref.registry}/${ref.repository}`
}

/** True when the image lives under one of the prefixes (`gcr.io/distroless`, `docker.io/library`). */
export function imageMatchesPrefix(ref: ImageReference, prefixes: readonly string[]): boolean {
  const location = imageLocation(ref)
  return prefixes.some((prefix) => {
    const p = prefix.replace(/\/+$/, '')
    return location === p || location.startsWith(`${p}/`)
  })
}
