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

/** True when the image's location ends with the signature's path on a segment boundary (`falco`, not `myfalco`). */
function locationEndsWith(location: string, wanted: string): boolean {
  return location === wanted || location.endsWith(`/${wanted}`)
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
    const wanted = signaturePath(signature)
    return containers.some(
      (container) =>
        (signature.container === undefined || signature.container === container.name) &&
        locationEndsWith(container.location, wanted),
    )
  })
  return [...new Set(found.map((signature) => signature.name))]
}
