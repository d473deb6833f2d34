import { z } from 'zod'
import type { ImageReference, K8sWorkload } from '../../../src/core/evidence.js'
import { imageLocation, parseImageReference } from '../../../src/core/image-reference.js'

// Docker Hub answers under several host names; they all mean the same registry.
const dockerHubAliases = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
])

/** The first path component names a registry only if it looks like a host (as the Docker client decides). */
function isRegistryHost(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost'
}

function canonicalRegistry(host: string): string {
  const lower = host.toLowerCase()
  return dockerHubAliases.has(lower) ? 'docker.io' : lower
}

/**
 * Parses an image as the runtime resolves it, and folds Docker Hub's alias hosts into docker.io so
 * `index.docker.io/nginx` and `nginx` compare equal.
 */
export function parseWorkloadImage(image: string): ImageReference {
  const ref = parseImageReference(image)
  const registry = canonicalRegistry(ref.registry)
  const repository =
    registry === 'docker.io' && !ref.repository.includes('/') ? `library/${ref.repository}` : ref.repository
  return { ...ref, registry, repository }
}

/**
 * Normalises a registry prefix from config (`gcr.io/distroless/`, `library`, `index.docker.io/acme`)
 * so it compares with `imageLocation`: a prefix that starts with no host is on Docker Hub.
 */
export function normaliseImagePrefix(prefix: string): string {
  const trimmed = prefix.trim().replace(/\/+$/, '')
  const slash = trimmed.indexOf('/')
  const first = slash === -1 ? trimmed : trimmed.slice(0, slash)
  if (!isRegistryHost(first) && first !== 'docker.io') return `docker.io/${trimmed}`
  return slash === -1 ? canonicalRegistry(first) : `${canonicalRegistry(first)}${trimmed.slice(slash)}`
}

/** A known product recognised by the image its containers run. */
export const imageSignature = z.object({
  /** Product name for the report, e.g. `Falco`. */
  name: z.string(),
  /** Repository path suffix, matched on segment boundaries: `falco` matches `docker.io/falcosecurity/falco`. */
  image: z.string(),
  /** Only this container counts, when the image serves several roles (Datadog's `security-agent`). */
  container: z.string().optional(),
})
export type ImageSignature = z.output<typeof imageSignature>

/** True when the image's location ends with the signature's path on a segment boundary (`falco`, not `myfalco`). */
function locationEndsWith(location: string, signaturePath: string): boolean {
  const wanted = signaturePath.trim().replace(/^\/+|\/+$/g, '')
  return location === wanted || location.endsWith(`/${wanted}`)
}

/** Names of the signatures a workload matches, each once. */
export function matchSignatures(workload: K8sWorkload, signatures: readonly ImageSignature[]): string[] {
  const found = signatures.filter((signature) =>
    workload.containers.some(
      (container) =>
        (signature.container === undefined || signature.container === container.name) &&
        locationEndsWith(imageLocation(parseWorkloadImage(container.image)), signature.image),
    ),
  )
  return [...new Set(found.map((signature) => signature.name))]
}
