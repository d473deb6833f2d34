import { z } from 'zod'
import type { K8sWorkload } from '../../../src/core/evidence.js'
import { imageLocation, parseImageReference } from '../../../src/core/image-reference.js'

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

/** A signature's path without surrounding slashes and spaces, as locations are compared with it. */
function signaturePath(signature: ImageSignature): string {
  return signature.image.trim().replace(/^\/+|\/+$/g, '')
}

/**
 * A signature's path, and the same after a `/`, made once per signature: the checks ask for them for
 * every workload of an estate (a regular expression and a new string each time).
 */
function wantedOf(signature: ImageSignature): Wanted {
  let wanted = wantedPaths.get(signature)
  if (wanted === undefined) {
    const path = signaturePath(signature)
    wanted = { path, suffix: `/${path}` }
    wantedPaths.set(signature, wanted)
  }
  return wanted
}
interface Wanted {
  path: string
  suffix: string
}
const wantedPaths = new WeakMap<ImageSignature, Wanted>()

/** True when the image's location ends with the signature's path on a segment boundary (`falco`, not `myfalco`). */
function locationEndsWith(location: string, wanted: Wanted): boolean {
  return location === wanted.path || location.endsWith(wanted.suffix)
}

/**
 * Names of the signatures a workload matches, each once. Each container's image is parsed once, not
 * once per signature: two checks run this over every workload of an estate with a list of signatures.
 */
export function matchSignatures(workload: K8sWorkload, signatures: readonly ImageSignature[]): string[] {
  if (signatures.length === 0) return []
  const containers = workload.containers.map((container) => ({
    name: container.name,
    location: imageLocation(parseImageReference(container.image)),
  }))
  const found = signatures.filter((signature) => {
    const wanted = wantedOf(signature)
    return containers.some(
      (container) =>
        (signature.container === undefined || signature.container === container.name) &&
        locationEndsWith(container.location, wanted),
    )
  })
  return [...new Set(found.map((signature) => signature.name))]
}
