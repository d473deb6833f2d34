import type { z } from 'zod'
import { formatPath, ValidationError, type ValidationIssue } from './errors.js'
import { awsEvidenceSchemas } from './evidence-aws.js'
import type { SourceLocation } from './evidence-base.js'
import { ciEvidenceSchemas } from './evidence-ci.js'
import { containerEvidenceSchemas } from './evidence-container.js'
import { gitEvidenceSchemas } from './evidence-git.js'
import { iacEvidenceSchemas } from './evidence-iac.js'
import { kubernetesEvidenceSchemas } from './evidence-kubernetes.js'
import { logEvidenceSchemas } from './evidence-logs.js'
import { peopleEvidenceSchemas } from './evidence-people.js'
import { scanEvidenceSchemas } from './evidence-scan.js'
import { secretEvidenceSchemas } from './evidence-secrets.js'
import { vcsEvidenceSchemas } from './evidence-vcs.js'

/**
 * The evidence registry: one zod schema per evidence kind, gathered from the domain files. The
 * TypeScript types are derived from the schemas, and the kind list from the registry, so a kind is
 * declared once: add its schema to its domain file's `…EvidenceSchemas` and the engine, the check
 * types and the push validation know it.
 *
 * Collectors parse raw sources into these shapes at the boundary; checks read them and trust them.
 * Evidence states facts only: judging them is the checks' job. Evidence that crosses a process
 * boundary (pushed to the server, read back from a store) passes `parseEvidence` once; evidence a
 * collector has just built is trusted as it is (its type already guarantees the shape).
 */
/**
 * Version of the evidence shapes below. Bump it when a kind gains, loses or changes a field: evidence
 * parsed under an older version (cached parse results) is then parsed afresh instead of reused.
 */
export const evidenceSchemaVersion = 1

export const evidenceSchemas = {
  ...kubernetesEvidenceSchemas,
  ...containerEvidenceSchemas,
  ...ciEvidenceSchemas,
  ...awsEvidenceSchemas,
  ...vcsEvidenceSchemas,
  ...gitEvidenceSchemas,
  ...iacEvidenceSchemas,
  ...scanEvidenceSchemas,
  ...secretEvidenceSchemas,
  ...logEvidenceSchemas,
  ...peopleEvidenceSchemas,
} as const

export type {
  EvidenceBase,
  SourceLocation,
} from './evidence-base.js'
export type { CiWorkflow, WorkflowJob, WorkflowPermissions, WorkflowStep } from './evidence-ci.js'
export type {
  ContainerDockerfile,
  DockerCopy,
  DockerInstruction,
  DockerStage,
  DockerVariable,
  ImageReference,
} from './evidence-container.js'
export type {
  Capabilities,
  Container,
  EnvVar,
  K8sAdmissionControl,
  K8sAutoscaler,
  K8sIngress,
  K8sNamespace,
  K8sNetworkPolicy,
  K8sNode,
  K8sRbacBinding,
  K8sRbacRole,
  K8sResource,
  K8sSecret,
  K8sService,
  K8sServiceAccount,
  K8sWorkload,
  LabelSelector,
  NetworkPolicyPeer,
  NetworkPolicyRule,
  Probe,
  RbacRule,
  RbacSubject,
} from './evidence-kubernetes.js'

/** Every evidence kind by name, with its type. */
export type EvidenceKinds = {
  -readonly [K in keyof typeof evidenceSchemas]: z.output<(typeof evidenceSchemas)[K]>
}
export type EvidenceKind = keyof EvidenceKinds
export type EvidenceItem = EvidenceKinds[EvidenceKind]

const hasKey = <T extends object>(record: T, key: PropertyKey): key is keyof T => Object.hasOwn(record, key)

// Object.keys loses the key type; the registry is a literal object, so its keys are exactly EvidenceKind.
export const evidenceKinds: readonly EvidenceKind[] = Object.keys(evidenceSchemas) as EvidenceKind[]

/**
 * The kinds a Kubernetes manifest can give. A manifest that could not be read (broken YAML, a Helm
 * template, a chart or overlay left unrendered) may have held any of them, so its error names them
 * all: a check reading one says its test is incomplete instead of judging the objects that were read.
 */
export const kubernetesKinds: readonly EvidenceKind[] = evidenceKinds.filter((kind) =>
  kind.startsWith('k8s.'),
)

/** True when `kind` names a kind of the registry. */
export const isEvidenceKind = (kind: unknown): kind is EvidenceKind =>
  typeof kind === 'string' && hasKey(evidenceSchemas, kind)

/** Evidence grouped by kind: what the engine hands a check. */
export type EvidenceByKind = { [K in EvidenceKind]: EvidenceKinds[K][] }

/** Groups a flat list of evidence by kind. */
export function groupEvidence(items: readonly EvidenceItem[]): EvidenceByKind {
  const grouped = Object.fromEntries(evidenceKinds.map((k) => [k, []])) as unknown as Record<
    EvidenceKind,
    EvidenceItem[]
  >
  for (const item of items) grouped[item.kind].push(item)
  return grouped as EvidenceByKind
}

/** An input that could not be read or parsed: the run goes on and is reported as partial. */
export interface CollectionError extends SourceLocation {
  message: string
  /** A command or change that fixes the input, e.g. `helm template … > rendered.yaml`. */
  hint?: string
  /**
   * Evidence kinds this failure left incomplete (a list call that failed, an item that could not be
   * read): every check reading one of them reports no-evidence with this message, never a verdict
   * drawn from the part that was read alone.
   */
  kinds?: EvidenceKind[]
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** `where` joined with a zod path: `items[3].evidence` + `containers[0].name`. */
function joinPath(where: string, path: readonly PropertyKey[]): string {
  const rest = formatPath(path)
  if (rest === '') return where
  if (where === '' || rest.startsWith('[')) return `${where}${rest}`
  return `${where}.${rest}`
}

function toIssues(where: string, error: z.ZodError): ValidationIssue[] {
  return error.issues.flatMap((issue) =>
    // A strict object reports unknown fields on the object itself: name each field instead.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: joinPath(where, [...issue.path, key]),
          message: 'not a field of this evidence kind',
        }))
      : [{ path: joinPath(where, issue.path), message: issue.message }],
  )
}

type EvidenceCheck = { ok: true; item: EvidenceItem } | { ok: false; issues: ValidationIssue[] }

/**
 * Checks one value against the schema of its kind. `where` prefixes the issue paths
 * (`body.items[3].evidence`), so a problem names the item and the field: `…evidence.containers[0].name`.
 */
export function checkEvidence(value: unknown, where = 'evidence'): EvidenceCheck {
  if (!isRecord(value))
    return { ok: false, issues: [{ path: where, message: 'expected an evidence object' }] }
  const { kind } = value
  if (typeof kind !== 'string' || kind === '')
    return {
      ok: false,
      issues: [{ path: joinPath(where, ['kind']), message: 'required: the evidence kind' }],
    }
  if (!isEvidenceKind(kind))
    return {
      ok: false,
      issues: [{ path: joinPath(where, ['kind']), message: `unknown evidence kind "${kind.slice(0, 100)}"` }],
    }
  const result = evidenceSchemas[kind].safeParse(value)
  return result.success
    ? { ok: true, item: result.data }
    : { ok: false, issues: toIssues(where, result.error) }
}

/** The problems of one value as evidence; empty when it is valid evidence of a known kind. */
export function evidenceIssues(value: unknown, where = 'evidence'): ValidationIssue[] {
  const checked = checkEvidence(value, where)
  return checked.ok ? [] : checked.issues
}

/**
 * Parses a value that crossed a boundary (a pushed item, a stored record) into typed evidence, or
 * throws a ValidationError whose issues name the item path and field.
 */
export function parseEvidence(value: unknown, where = 'evidence'): EvidenceItem {
  const checked = checkEvidence(value, where)
  if (checked.ok) return checked.item
  const first = checked.issues[0]
  throw new ValidationError(
    `${where} is not valid evidence${first === undefined ? '' : `: ${first.path}: ${first.message}`}`,
    checked.issues,
    {
      hint: 'the evidence must match the schema of its kind (src/core/evidence-*.ts) of this trustctl version',
    },
  )
}
