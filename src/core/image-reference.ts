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
  const registry = hasRegistry ? canonicalRegistry(head) : 'docker.io'
  let repository = hasRegistry ? rest.slice(firstSlash + 1) : rest
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`
  const ref: ImageReference = { raw: trimmed, registry, repository, scratch: false, unresolved }
  if (tag !== undefined) ref.tag = tag
  if (digest !== undefined) ref.digest = digest
  return ref
}

// Docker Hub answers under several host names; they all mean the same registry.
const dockerHubAliases = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
])

function canonicalRegistry(host: string): string {
  const lower = host.toLowerCase()
  return dockerHubAliases.has(lower) ? 'docker.io' : lower
}

/** `registry/repository`, the form allow-lists are written against: `docker.io/library/node`. */
export function imageLocation(ref: ImageReference): string {
  return (ref.registry === '' ? ref.repository : `${ref.registry}/${ref.repository}`).toLowerCase()
}

/**
 * Normalises an allow-list entry the way the Docker client normalises an image name, so `node`,
 * `library/node` and `docker.io/library/node` mean the same, and Docker Hub's alias hosts fold into
 * `docker.io`. A first segment with a dot or colon (or `localhost`) is a registry host.
 */
export function normalizeImagePrefix(prefix: string): string {
  const trimmed = prefix.trim().toLowerCase().replace(/\/+$/, '')
  const segments = trimmed.split('/')
  const first = segments[0] ?? ''
  if (first.includes('.') || first.includes(':') || first === 'localhost') {
    return [canonicalRegistry(first), ...segments.slice(1)].join('/')
  }
  if (segments.length === 1)
    return trimmed === 'library' ? 'docker.io/library' : `docker.io/library/${trimmed}`
  return `docker.io/${trimmed}`
}

/** True when the image lies under one of the allow-list prefixes, on `/` boundaries only. */
export function imageMatchesPrefix(ref: ImageReference, prefixes: readonly string[]): boolean {
  const location = imageLocation(ref)
  return prefixes.some((prefix) => {
    const p = normalizeImagePrefix(prefix)
    return p !== '' && (location === p || location.startsWith(`${p}/`))
  })
}
