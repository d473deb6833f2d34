import { z } from 'zod'
import { defineSourceCollector, type FileCollection, type ParsedInput } from '../source-collector.js'
import { looksLikeTemplate, TemplateError, templateEvidence } from './read-cloudformation.js'
import { collectInputs } from './read-inputs.js'

const options = z.strictObject({
  type: z.literal('cloudformation'),
  /** A template, or a folder walked for `*.yaml`/`*.yml`/`*.json`/`*.template` templates. */
  path: z.string().min(1),
})

/** One template read as the `cloudformation` source reads it; depends on the bytes and the path only. */
function parseTemplateFile(text: string, file: string): ParsedInput {
  try {
    return { isManifest: true, evidence: templateEvidence(text, file), errors: [] }
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error
    const entry: FileCollection['errors'][number] = { file, message: error.message }
    if (error.line !== undefined) entry.line = error.line
    return { isManifest: true, evidence: [], errors: [entry] }
  }
}

const isCandidate = (name: string) => /\.(ya?ml|json|template)$/i.test(name)

export const cloudFormationCollector = defineSourceCollector({
  type: 'cloudformation',
  summary: 'CloudFormation templates (YAML with !Ref/!GetAtt/!Sub… or JSON): AWS resources and tags',
  options,
  collect: (source, context): Promise<FileCollection> =>
    collectInputs(context, source.path, {
      collector: 'cloudformation',
      acceptName: isCandidate,
      // In a folder, other YAML and JSON (workflows, manifests, package.json) is not a template.
      isInput: looksLikeTemplate,
      parse: (input) => parseTemplateFile(input.text, input.file),
    }),
})
