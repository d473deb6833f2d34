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
        locationEndsWith(imageLocation(parseImageReference(container.image)), signature.image),
    ),
  )
  return [...new Set(found.map((signature) => signature.name))]
}
