import type { CiWorkflow, WorkflowJob, WorkflowStep } from '../../../src/core/evidence.js'

export interface LocatedStep {
  job: WorkflowJob
  step: WorkflowStep
}

/** Every step of every job, in file order. */
export function stepsOf(workflow: CiWorkflow): LocatedStep[] {
  return workflow.jobs
    .flatMap((job) => job.steps.map((step) => ({ job, step })))
    .sort((a, b) => a.step.line - b.step.line)
}

/** Names a step for messages: `build / Push image (line 42)`. */
export function describeStep({ job, step }: LocatedStep): string {
  const command = (step.run ?? '').trim().split(/\r?\n/)[0] ?? ''
  const label = step.name ?? step.uses ?? `run: ${command.length > 40 ? `${command.slice(0, 40)}…` : command}`
  return `${job.id} / ${label} (line ${step.line})`
}

export type ActionReference =
  | { kind: 'local'; raw: string }
  | { kind: 'docker'; raw: string; pinned: boolean }
  | { kind: 'remote'; raw: string; owner: string; action: string; ref?: string }

/** Reads a `uses:` value: `./local`, `docker://image@sha256:…` or `owner/repo[/path]@ref`. */
export function parseUses(uses: string): ActionReference {
  const raw = uses.trim()
  if (raw.startsWith('./') || raw.startsWith('../')) return { kind: 'local', raw }
  if (raw.startsWith('docker://')) return { kind: 'docker', raw, pinned: /@sha256:[0-9a-f]{64}$/i.test(raw) }
  const at = raw.lastIndexOf('@')
  const action = (at === -1 ? raw : raw.slice(0, at)).toLowerCase()
  const reference: ActionReference = { kind: 'remote', raw, owner: action.split('/')[0] ?? '', action }
  if (at !== -1) reference.ref = raw.slice(at + 1)
  return reference
}

/** The action a step uses, without ref: `aquasecurity/trivy-action`; undefined for run steps. */
export function actionOf(step: WorkflowStep): string | undefined {
  if (step.uses === undefined) return undefined
  const reference = parseUses(step.uses)
  return reference.kind === 'remote' ? reference.action : undefined
}

/** Joins backslash continuations and drops comment lines, so one logical command is one line. */
export function scriptLines(script: string): string[] {
  return script
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .filter((line) => !line.trim().startsWith('#'))
}
