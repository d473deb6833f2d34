import type { ContainerDockerfile, DockerStage, ImageReference } from '../../../src/core/evidence.js'

/** The stage that ships and the stages it is built on, root first; the root's image is pulled. */
export interface ShippedImage {
  final: DockerStage
  /** Root stage first, final stage last; every stage here contributes layers to the shipped image. */
  chain: DockerStage[]
  root: DockerStage
  /** Undefined only when the chain cannot be followed to a FROM image. */
  image?: ImageReference
}

/**
 * Follows `FROM <earlier stage>` from the final stage back to the stage that names an image. A stage
 * built FROM another keeps that stage's filesystem, so every stage in the chain ends up shipped.
 */
export function findShippedImage(dockerfile: ContainerDockerfile): ShippedImage | undefined {
  const byIndex = new Map(dockerfile.stages.map((stage) => [stage.index, stage]))
  const final = byIndex.get(dockerfile.finalStage)
  if (final === undefined) return undefined
  const chain: DockerStage[] = [final]
  const seen = new Set<number>([final.index])
  let current = final
  while (current.fromStage !== undefined) {
    const parent = byIndex.get(current.fromStage)
    if (parent === undefined || seen.has(parent.index)) break
    seen.add(parent.index)
    chain.unshift(parent)
    current = parent
  }
  const shipped: ShippedImage = { final, chain, root: current }
  if (current.image !== undefined) shipped.image = current.image
  return shipped
}

/** Names a stage for messages: `stage 'runtime'` or `stage 2`. */
export function describeStage(stage: DockerStage): string {
  return stage.name === undefined ? `stage ${stage.index}` : `stage '${stage.name}'`
}

/** Names the shipped stage for messages: `the final stage 'runtime'` or `the final stage`. */
export function finalLabel(stage: DockerStage): string {
  return stage.name === undefined ? 'the final stage' : `the final stage '${stage.name}'`
}
