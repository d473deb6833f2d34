import path from 'node:path'
import { z } from 'zod'
import { defineSourceCollector, emptyCollection, type FileCollection } from '../source-collector.js'
import { looksLikeTemplate, TemplateError, templateEvidence } from './read-cloudformation.js'
import { inputRecord, listInputs, readInput } from './read-inputs.js'

const options = z.strictObject({
  type: z.literal('cloudformation'),
  /** A template, or a folder walked for `*.yaml`/`*.yml`/`*.json`/`*.template` templates. */
  path: z.string().min(1),
})

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
      try {
        const evidence = templateEvidence(input.text, input.file)
        collection.evidence.push(...evidence)
        collection.inputs.push(inputRecord(input, 'cloudformation', evidence.length))
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error
        const entry: FileCollection['errors'][number] = { file: input.file, message: error.message }
        if (error.line !== undefined) entry.line = error.line
        collection.errors.push(entry)
        collection.inputs.push(inputRecord(input, 'cloudformation', 0))
      }
    }
    return collection
  },
})
