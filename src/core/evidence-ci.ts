import { z } from 'zod'
import { deferredSchema } from './deferred-schema.js'
import { type EvidenceTypes, evidenceSchema, lineNumber, stringMap } from './evidence-base.js'
import { shellScriptSchema } from './shell-command.js'

/**
 * CI pipelines: GitHub Actions workflows and GitLab CI pipelines.
 * Collectors fill these shapes; checks read them. Evidence states facts only.
 */

const permissionsValue = deferredSchema(() =>
  z.union([z.literal('read-all'), z.literal('write-all'), z.record(z.string(), z.string())]),
)

/**
 * `permissions:` as written: a shorthand, a map of scopes to access, or undefined when not set.
 * The field is always there in the type (a reader must consider "not set"), but JSON (a pushed item,
 * a stored one) cannot keep a key whose value is undefined, so the schema accepts an absent key: the
 * optional input is piped into a schema whose output keeps the key required.
 */
export const workflowPermissionsSchema = deferredSchema(() =>
  permissionsValue.optional().pipe(z.union([permissionsValue, z.undefined()])),
)
export type WorkflowPermissions = z.output<typeof workflowPermissionsSchema>

export const workflowStepSchema = deferredSchema(() =>
  z.strictObject({
    name: z.string().exactOptional(),
    uses: z.string().exactOptional(),
    run: z.string().exactOptional(),
    /** The `run:` (GitHub) or script line (GitLab), parsed, or why it could not be. */
    script: shellScriptSchema.exactOptional(),
    with: stringMap,
    /**
     * The environment the step runs with: GitHub's workflow, job and step `env:`, GitLab's global and
     * job `variables:`, later over earlier.
     */
    env: stringMap,
    /** `continue-on-error` as written (`true`, or an expression): a failing step then fails nothing. */
    continueOnError: z.string().exactOptional(),
    line: lineNumber,
  }),
)
export type WorkflowStep = z.output<typeof workflowStepSchema>

export const workflowJobSchema = deferredSchema(() =>
  z.strictObject({
    id: z.string(),
    name: z.string().exactOptional(),
    line: lineNumber,
    permissions: workflowPermissionsSchema,
    /** `continue-on-error` of the whole job, as written. */
    continueOnError: z.string().exactOptional(),
    /** `uses:` of a reusable workflow called as a job. */
    uses: z.string().exactOptional(),
    steps: z.array(workflowStepSchema),
    /**
     * Images the job itself runs in or beside: GitHub `container:` and `services:`, GitLab `image:`
     * and `services:` (as written, variables unexpanded). Step images (`docker://`) are in `steps`.
     */
    images: z
      .array(z.strictObject({ image: z.string(), role: z.enum(['container', 'service']), line: lineNumber }))
      .exactOptional(),
  }),
)
export type WorkflowJob = z.output<typeof workflowJobSchema>

/**
 * A GitLab `include:` entry (also those of `trigger: include:` child pipelines): configuration the
 * pipeline pulls in from elsewhere. `location` is the path, URL, template name, component path
 * without its version, or `group/project:file` for a project include; `ref` is a project's `ref:`
 * or the version after a component's `@`; `integrity` is a remote include's `integrity:` hash.
 */
export const ciIncludeSchema = deferredSchema(() =>
  z.strictObject({
    type: z.enum(['local', 'project', 'remote', 'template', 'component']),
    location: z.string(),
    ref: z.string().exactOptional(),
    integrity: z.string().exactOptional(),
    line: lineNumber,
  }),
)

export const ciWorkflowSchema = deferredSchema(() =>
  evidenceSchema('ci.workflow', {
    resourceKind: z.enum(['GitHubWorkflow', 'GitLabPipeline']),
    /** Event names that trigger the workflow. */
    triggers: z.array(z.string()),
    permissions: workflowPermissionsSchema,
    jobs: z.array(workflowJobSchema),
    /** GitLab `include:` entries. */
    includes: z.array(ciIncludeSchema).exactOptional(),
  }),
)
export type CiWorkflow = z.output<typeof ciWorkflowSchema>

/** Evidence kinds of this domain by name; `evidence.ts` joins them into the registry. */
export const ciEvidenceSchemas = {
  'ci.workflow': ciWorkflowSchema,
} as const
export type CiEvidenceKinds = EvidenceTypes<typeof ciEvidenceSchemas>
