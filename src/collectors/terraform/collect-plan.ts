import { z } from 'zod'
import type { EvidenceItem } from '../../core/evidence.js'
import { defineSourceCollector, type FileCollection, type ParsedInput } from '../source-collector.js'
import { collectInputs } from './read-inputs.js'
import { PlanFormatError, readPlan } from './read-plan.js'
import { ResourceGraph } from './resource-graph.js'
import { toAwsEvidence } from './to-aws-evidence.js'
import { toIacResources } from './to-iac-resources.js'

const options = z.strictObject({
  type: z.literal('terraform-plan'),
  /** A plan JSON file, or a folder of them (`*.json`, walked recursively). */
  path: z.string().min(1),
})

/**
 * One plan file read as the `terraform-plan` source reads it: its evidence, or the reason it is no
 * plan (with how to make one). Depends on the bytes and the path only, so it is cached by them.
 */
function parsePlanFile(text: string, file: string): ParsedInput {
  try {
    return { isManifest: true, evidence: planEvidence(text, file), errors: [] }
  } catch (error) {
    if (!(error instanceof PlanFormatError)) throw error
    const entry: FileCollection['errors'][number] = { file, message: error.message }
    if (error.line !== undefined) entry.line = error.line
    entry.hint = 'produce it with: terraform plan -out plan.out && terraform show -json plan.out > plan.json'
    return { isManifest: true, evidence: [], errors: [entry] }
  }
}

/** The evidence one plan (or state) JSON yields: AWS kinds, tags and planned changes. */
export function planEvidence(text: string, file: string): EvidenceItem[] {
  const plan = readPlan(text, file)
  const graph = new ResourceGraph(plan.resources)
  const aws = toAwsEvidence(graph, 'terraform-plan')
  return [...aws, ...toIacResources(plan.resources, graph.readInto, graph), ...plan.changes]
}

export const terraformPlanCollector = defineSourceCollector({
  type: 'terraform-plan',
  summary: 'Terraform plans (`terraform show -json plan.out`): planned AWS resources, tags and changes',
  options,
  collect: (source, context): Promise<FileCollection> =>
    collectInputs(context, source.path, {
      collector: 'terraform-plan',
      acceptName: (name) => name.endsWith('.json'),
      // In a folder, JSON that does not start like a plan (tfvars.json, package.json) is skipped;
      // Terraform prints format_version first, so a truncated plan is still reported.
      isInput: (text) => /"format_version"/.test(text.slice(0, 4096)),
      parse: (input) => parsePlanFile(input.text, input.file),
    }),
})
