import path from 'node:path'
import { z } from 'zod'
import {
  defineSourceCollector,
  emptyCollection,
  type FileCollection,
  type ParsedInput,
  parseThroughCache,
} from '../source-collector.js'
import { looksLikeTemplate, TemplateError, templateEvidence } from './read-cloudformation.js'
import { inputRecord, listInputs, readInput } from './read-inputs.js'

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
  async collect(source, context): Promise<FileCollection> {
    const collection = emptyCollection()
    const files = await listInputs(context.root, source.path, isCandidate)
    const named = path.resolve(context.root, source.path)
    for (const absolute of files) {
      const input = await readInput(context.root, absolute)
      // In a folder, other YAML and JSON (workflows, manifests, package.json) is not a template.
      if (absolute !== named && !looksLikeTemplate(input.text)) continue
      // An unchanged template is not parsed again: its evidence comes back from an earlier signed run.
      const { parsed, reused } = await parseThroughCache(context.parseCache, 'cloudformation', input, () =>
        parseTemplateFile(input.text, input.file),
      )
      collection.evidence.push(...parsed.evidence)
      collection.errors.push(...parsed.errors)
      collection.inputs.push({
        ...inputRecord(input, 'cloudformation', parsed.evidence.length),
        ...(reused ? { reused } : {}),
      })
    }
    return collection
  },
})
