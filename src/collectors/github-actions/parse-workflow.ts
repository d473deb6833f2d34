import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
  type YAMLMap,
} from 'yaml'
import type {
  CiWorkflow,
  CollectionError,
  WorkflowJob,
  WorkflowPermissions,
  WorkflowStep,
} from '../../core/evidence.js'
import { nameLooksLikeSecret, redactSecrets } from '../../core/secrets.js'
import { defaultShell, parseRunScript, runsOnWindows } from './run-script.js'

export interface WorkflowParseResult {
  evidence: CiWorkflow[]
  errors: CollectionError[]
}

/**
 * Reads a GitHub Actions workflow. Uses the `yaml` package rather than js-yaml because steps must
 * keep their own line numbers for findings; workflows are small, so its speed does not matter here.
 */
export function parseWorkflow(text: string, file: string): WorkflowParseResult {
  const lineCounter = new LineCounter()
  const document = parseDocument(text, { lineCounter, uniqueKeys: false })
  const syntaxErrors = document.errors.map((error) => ({
    file,
    line: error.linePos?.[0].line ?? 1,
    message: `invalid YAML: ${error.message.split('\n')[0]}`,
  }))
  if (syntaxErrors.length > 0) return { evidence: [], errors: syntaxErrors }
  const unexpanded = expandAliases(document)
  if (unexpanded !== undefined) return { evidence: [], errors: [{ file, line: 1, message: unexpanded }] }
  const root = document.contents
  if (!isMap(root)) {
    return {
      evidence: [],
      errors: [{ file, line: 1, message: 'a workflow must be a mapping with `on` and `jobs`' }],
    }
  }
  const lineOf = (node: Node | null | undefined): number =>
    node?.range ? lineCounter.linePos(node.range[0]).line : 1
  const errors: CollectionError[] = []
  const jobsNode = root.get('jobs', true)
  if (!isMap(jobsNode)) {
    errors.push({
      file,
      line: lineOf(jobsNode ?? root),
      message: 'jobs: expected a mapping of job ids to jobs',
    })
    return { evidence: [], errors }
  }
  const jobs: WorkflowJob[] = []
  // What every job inherits from the workflow, read once rather than once per job.
  const workflowShell = defaultShell(root.get('defaults', true))
  const workflowEnv = redactedMap(root.get('env', true))
  for (const pair of jobsNode.items) {
    const id = isScalar(pair.key) ? String(pair.key.value) : ''
    if (!isMap(pair.value)) {
      errors.push({ file, line: lineOf(pair.key as Node), message: `jobs.${id}: expected a mapping` })
      continue
    }
    jobs.push(
      toJob(id, pair.value, lineOf(pair.key as Node), lineOf, file, errors, workflowShell, workflowEnv),
    )
  }
  const workflow: CiWorkflow = {
    kind: 'ci.workflow',
    resourceKind: 'GitHubWorkflow',
    name: file,
    file,
    line: 1,
    triggers: toTriggers(root.get('on', true) ?? root.get(true, true)),
    permissions: toPermissions(root.get('permissions', true)),
    jobs,
  }
  return { evidence: [workflow], errors }
}

/** More nodes than any workflow copies through aliases: a bound against "billion laughs" files. */
const maxCopiedNodes = 100_000

/**
 * Replaces every alias (`*name`) by a copy of the node its anchor names, in place, and returns why it
 * could not, if so. GitHub Actions expands anchors since September 2025, and the `yaml` node API
 * leaves an alias as an Alias node, which every reader below would take for "not written":
 * `permissions: *write` read as no write scope, `- *build` as no step, `uses: *action` as no action.
 * A copy keeps the lines of the anchored node.
 */
export function expandAliases(document: Document): string | undefined {
  // An alias inside the node it names (`&a [*a]`) never ends; it is the only loop YAML allows,
  // since an anchor must come before its aliases.
  let recursive = false
  visit(document, {
    Alias(_, alias, path) {
      const target = alias.resolve(document)
      if (target === undefined || !path.includes(target)) return undefined
      recursive = true
      return visit.BREAK
    },
  })
  if (recursive) return 'a YAML alias refers to a node that contains it'
  let copied = 0
  visit(document, {
    Alias(_, alias) {
      // An anchor precedes its aliases, so its node was expanded already: the copy holds no alias.
      const target = alias.resolve(document)
      if (target === undefined) return undefined // an undefined anchor is a syntax error already
      visit(target, {
        Node() {
          copied += 1
        },
      })
      if (copied > maxCopiedNodes) return visit.BREAK
      return target.clone() as Node
    },
  })
  return copied > maxCopiedNodes ? `YAML aliases expand to more than ${maxCopiedNodes} nodes` : undefined
}

function toJob(
  id: string,
  node: YAMLMap,
  line: number,
  lineOf: (node: Node | null | undefined) => number,
  file: string,
  errors: CollectionError[],
  workflowShell: string | undefined,
  workflowEnv: Readonly<Record<string, string>>,
): WorkflowJob {
  const jobShell = defaultShell(node.get('defaults', true)) ?? workflowShell
  const jobEnv = { ...workflowEnv, ...redactedMap(node.get('env', true)) }
  const windows = runsOnWindows(node.get('runs-on', true))
  const job: WorkflowJob = { id, line, permissions: toPermissions(node.get('permissions', true)), steps: [] }
  const jobContinues = scalarString(node.get('continue-on-error', true))
  if (jobContinues !== undefined) job.continueOnError = jobContinues
  const name = scalarString(node.get('name', true))
  if (name !== undefined) job.name = name
  const uses = scalarString(node.get('uses', true))
  if (uses !== undefined) job.uses = uses
  const images = jobImages(node, lineOf)
  if (images.length > 0) job.images = images
  const stepsNode = node.get('steps', true)
  if (stepsNode !== undefined && !isSeq(stepsNode)) {
    errors.push({ file, line: lineOf(stepsNode as Node), message: `jobs.${id}.steps: expected a list` })
    return job
  }
  if (isSeq(stepsNode)) {
    stepsNode.items.forEach((stepNode, index) => {
      if (!isMap(stepNode)) {
        errors.push({
          file,
          line: lineOf(stepNode as Node),
          message: `jobs.${id}.steps[${index}]: expected a mapping`,
        })
        return
      }
      const step: WorkflowStep = {
        with: redactedMap(stepNode.get('with', true)),
        // The environment the step runs with, as GitHub builds it: the workflow's `env:`, then the job's,
        // then the step's own, each over the one before. A secret in a job's env reaches every step.
        env: { ...jobEnv, ...redactedMap(stepNode.get('env', true)) },
        line: lineOf(stepNode),
      }
      const stepName = scalarString(stepNode.get('name', true))
      if (stepName !== undefined) step.name = stepName
      const stepUses = scalarString(stepNode.get('uses', true))
      if (stepUses !== undefined) step.uses = stepUses
      const run = scalarString(stepNode.get('run', true))
      if (run !== undefined) {
        step.run = redactSecrets(run)
        step.script = parseRunScript(step.run, scalarString(stepNode.get('shell', true)) ?? jobShell, windows)
      }
      const stepContinues = scalarString(stepNode.get('continue-on-error', true))
      if (stepContinues !== undefined) step.continueOnError = stepContinues
      job.steps.push(step)
    })
  }
  return job
}

function scalarString(node: unknown): string | undefined {
  if (!isScalar(node) || node.value === null || node.value === undefined) return undefined
  return String(node.value)
}

function stringMap(node: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (!isMap(node)) return out
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined
    const value = scalarString(pair.value)
    if (key !== undefined && value !== undefined) out[key] = value
  }
  return out
}

/**
 * `with:` and `env:` values, redacted: a token pasted there must not reach the evidence store in
 * clear. Known token shapes are masked anywhere; a literal under a credential-like name is masked
 * whole, while a `${{ secrets.X }}` reference is kept because it is what good practice looks like.
 */
function redactedMap(node: unknown): Record<string, string> {
  const out = stringMap(node)
  for (const [key, value] of Object.entries(out)) {
    const literalCredential = nameLooksLikeSecret(key) && !/^\s*\$\{\{[^}]*\}\}\s*$/.test(value)
    out[key] = literalCredential ? '[REDACTED]' : redactSecrets(value)
  }
  return out
}

function toTriggers(node: unknown): string[] {
  if (isScalar(node)) return [String(node.value)]
  if (isSeq(node)) return node.items.flatMap((item) => (isScalar(item) ? [String(item.value)] : []))
  if (isMap(node)) return node.items.flatMap((pair) => (isScalar(pair.key) ? [String(pair.key.value)] : []))
  return []
}

function toPermissions(node: unknown): WorkflowPermissions {
  if (node === undefined || node === null) return undefined
  if (isScalar(node)) {
    const value = String(node.value)
    if (value === 'read-all' || value === 'write-all') return value
    return {}
  }
  return stringMap(node)
}

/** `container:` (an image, or a map with `image:`) and each of `services:`, with their lines. */
function jobImages(
  node: YAMLMap,
  lineOf: (node: Node | null | undefined) => number,
): NonNullable<WorkflowJob['images']> {
  const images: NonNullable<WorkflowJob['images']> = []
  const read = (value: unknown, role: 'container' | 'service'): void => {
    const image = isMap(value) ? scalarString(value.get('image', true)) : scalarString(value)
    if (image !== undefined && image !== '') images.push({ image, role, line: lineOf(value as Node) })
  }
  read(node.get('container', true), 'container')
  const services = node.get('services', true)
  if (isMap(services)) for (const pair of services.items) read(pair.value, 'service')
  return images
}
