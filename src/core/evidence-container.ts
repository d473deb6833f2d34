import { z } from 'zod'
import { deferredSchema } from './deferred-schema.js'
import { type EvidenceTypes, evidenceSchema, lineNumber } from './evidence-base.js'
import { shellScriptSchema } from './shell-command.js'

/**
 * Container builds: Dockerfiles, stage by stage.
 * Collectors fill these shapes; checks read them. Evidence states facts only.
 */

export const imageReferenceSchema = deferredSchema(() =>
  z.strictObject({
    /** As written, after build-arg substitution where the default is known. */
    raw: z.string(),
    /** Registry host, `docker.io` when none is written. */
    registry: z.string(),
    repository: z.string(),
    tag: z.string().exactOptional(),
    digest: z.string().exactOptional(),
    /** True for `scratch`, which is no image at all. */
    scratch: z.boolean(),
    /** True when the reference still contains an unresolved `$VAR`. */
    unresolved: z.boolean(),
  }),
)
export type ImageReference = z.output<typeof imageReferenceSchema>

export const dockerInstructionSchema = deferredSchema(() =>
  z.strictObject({
    keyword: z.string(),
    /** Arguments as written (heredocs included); ENV/ARG values are not kept here. */
    args: z.string(),
    line: lineNumber,
    /** RUN, CMD and ENTRYPOINT: the commands, parsed (exec form included), or why they could not be. */
    script: shellScriptSchema.exactOptional(),
  }),
)
export type DockerInstruction = z.output<typeof dockerInstructionSchema>

export const dockerStageSchema = deferredSchema(() =>
  z.strictObject({
    index: z.number().int().nonnegative(),
    name: z.string().exactOptional(),
    line: lineNumber,
    /** The FROM argument: an image, or the name of an earlier stage. */
    from: z.string(),
    /** Set when `from` names an earlier stage. */
    fromStage: z.number().int().nonnegative().exactOptional(),
    image: imageReferenceSchema.exactOptional(),
    /** Last USER in the stage (inherited through stage-to-stage FROM); undefined when none. */
    user: z.string().exactOptional(),
    instructions: z.array(dockerInstructionSchema),
  }),
)
export type DockerStage = z.output<typeof dockerStageSchema>

export const dockerVariableSchema = deferredSchema(() =>
  z.strictObject({
    instruction: z.enum(['ENV', 'ARG']),
    name: z.string(),
    line: lineNumber,
    /** The stage index; -1 for an ARG before the first FROM (global, usable in FROM lines). */
    stage: z.number().int().min(-1),
    hasDefault: z.boolean(),
    /** The value is never stored; only whether it looks like a credential. */
    valueLooksLikeSecret: z.boolean(),
  }),
)
export type DockerVariable = z.output<typeof dockerVariableSchema>

export const dockerCopySchema = deferredSchema(() =>
  z.strictObject({
    instruction: z.enum(['COPY', 'ADD']),
    sources: z.array(z.string()),
    destination: z.string(),
    fromStage: z.string().exactOptional(),
    line: lineNumber,
    stage: z.number().int().nonnegative(),
    /** Secrets found in the copied file(s) of the repository: the rule and the place, never the value. */
    secretsInSource: z
      .array(z.strictObject({ file: z.string(), line: lineNumber, rule: z.string() }))
      .exactOptional(),
  }),
)
export type DockerCopy = z.output<typeof dockerCopySchema>

export const containerDockerfileSchema = deferredSchema(() =>
  evidenceSchema('container.dockerfile', {
    resourceKind: z.literal('Dockerfile'),
    stages: z.array(dockerStageSchema),
    /** Index of the stage that ships (the last one, unless the config names a target). */
    finalStage: z.number().int().nonnegative(),
    variables: z.array(dockerVariableSchema),
    copies: z.array(dockerCopySchema),
  }),
)
export type ContainerDockerfile = z.output<typeof containerDockerfileSchema>

/** Evidence kinds of this domain by name; `evidence.ts` joins them into the registry. */
export const containerEvidenceSchemas = {
  'container.dockerfile': containerDockerfileSchema,
} as const
export type ContainerEvidenceKinds = EvidenceTypes<typeof containerEvidenceSchemas>
