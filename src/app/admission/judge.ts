import { isBuiltInApiGroup, isKnownBuiltInKind, toEvidence } from '../../collectors/kubernetes/to-evidence.js'
import { resolveCheckRuns } from '../../core/assess.js'
import { contentHash } from '../../core/canonical-json.js'
import type { Check, Finding, Severity } from '../../core/check.js'
import type { AdmissionMode, Config } from '../../core/config.js'
import { type CheckRun, evaluateChecks } from '../../core/engine.js'
import { type EvidenceItem, groupEvidence } from '../../core/evidence.js'
import { applyExceptions } from '../../core/exceptions.js'
import type { AdmissionRequest, AdmissionResponse } from './review.js'

/**
 * Kubernetes checks the webhook does not run, and why. Each judges a population or needs objects an
 * AdmissionReview does not carry (the review holds one object): run at the door they would deny or
 * allow on half the facts. `trustctl assess` runs them on the whole estate. A test keeps this list and
 * the checks in step, so a new Kubernetes check is either admitted or listed here with its reason.
 */
export const checksNotRunAtAdmission: Readonly<Record<string, string>> = {
  'kubernetes/admission-policy-engine-deployed': 'judges whether the cluster as a whole runs a policy engine',
  'kubernetes/runtime-threat-detection-deployed':
    'judges whether the cluster as a whole runs runtime detection',
  'kubernetes/nodes-run-supported-versions': 'judges Nodes, which kubelets register, not deploys',
  'kubernetes/namespace-has-default-deny-network-policy':
    "needs the namespace's NetworkPolicies, which are other objects",
  'kubernetes/deployment-runs-multiple-replicas':
    'needs the HorizontalPodAutoscaler that may scale the workload, another object',
  'kubernetes/workload-does-not-automount-service-account-token':
    'needs the ServiceAccount and its bindings, which are other objects',
}

/** The checks the webhook runs: every Kubernetes check that judges one object on its own. */
export function admissionChecks(checks: readonly Check[]): Check[] {
  return checks.filter((c) => c.id.startsWith('kubernetes/') && checksNotRunAtAdmission[c.id] === undefined)
}

/** What the webhook decided about one request, as the ledger keeps it (never the object itself). */
export interface AdmissionDecision {
  uid: string
  at: string
  operation: AdmissionRequest['operation']
  user: { username: string; groups: string[] }
  object: { group: string; version: string; kind: string; namespace?: string; name: string }
  /** SHA-256 of the evidence read from the object: which state was judged, without keeping it. */
  evidenceHash?: string
  dryRun: boolean
  /** denied: an enforce-mode check failed; excluded: namespace left alone; not-judged: nothing to judge. */
  verdict: 'allowed' | 'denied' | 'excluded' | 'not-judged'
  reason?: string
  checks: {
    check: string
    severity: Severity
    status: Finding['status']
    mode: AdmissionMode
    message: string
  }[]
}

export interface Judgement {
  response: AdmissionResponse
  decision: AdmissionDecision
}

/** The kubernetes.io limit is on the whole header set; each warning is kept short and readable. */
const maxWarningLength = 240

/**
 * Judges admission requests with the configured checks, params, exceptions and severity modes.
 * Built once per server: params are validated here, so a bad trustctl.yaml fails at start, not per
 * request.
 */
export class AdmissionJudge {
  private readonly runs: CheckRun[]
  /** The runs that read each evidence kind: a review holds one object, so only those can judge it. */
  private readonly runsByKind = new Map<string, CheckRun[]>()
  private readonly checksById: Map<string, Check>

  constructor(
    checks: readonly Check[],
    private readonly config: Config,
  ) {
    const admitted = admissionChecks(checks)
    this.runs = resolveCheckRuns(checks, new Set(admitted.map((c) => c.id)), config)
    this.checksById = new Map(admitted.map((c) => [c.id, c]))
    for (const run of this.runs)
      for (const kind of run.check.reads)
        this.runsByKind.set(kind, [...(this.runsByKind.get(kind) ?? []), run])
  }

  /** Ids of the checks this judge runs. */
  get checkIds(): string[] {
    return this.runs.map((r) => r.check.id)
  }

  /** Judges one request at `now`; never throws for anything in the request. */
  judge(request: AdmissionRequest, now: Date): Judgement {
    const at = now.toISOString()
    const object = request.object
    const kind = request.kind.kind
    const name = objectName(request)
    const base: AdmissionDecision = {
      uid: request.uid,
      at,
      operation: request.operation,
      user: { username: request.userInfo?.username ?? '', groups: request.userInfo?.groups ?? [] },
      object: {
        group: request.kind.group,
        version: request.kind.version,
        kind,
        ...(request.namespace === undefined || request.namespace === ''
          ? {}
          : { namespace: request.namespace }),
        name,
      },
      dryRun: request.dryRun === true,
      verdict: 'not-judged',
      checks: [],
    }
    const allow = (reason: string, verdict: AdmissionDecision['verdict'] = 'not-judged'): Judgement => ({
      response: { uid: request.uid, allowed: true },
      decision: { ...base, verdict, reason },
    })
    if (request.operation === 'DELETE' || request.operation === 'CONNECT')
      return allow(`${request.operation} removes or reaches an object; nothing new is admitted`)
    if (
      request.namespace !== undefined &&
      this.config.admission.excludedNamespaces.includes(request.namespace)
    )
      return allow(`namespace ${request.namespace} is excluded (admission.excludedNamespaces)`, 'excluded')
    if (!isObject(object)) {
      return deny(base, `the review carries no object to judge for ${request.operation} ${kind} ${name}`)
    }
    const apiVersion =
      request.kind.group === '' ? request.kind.version : `${request.kind.group}/${request.kind.version}`
    if (!isBuiltInApiGroup(apiVersion) || !isKnownBuiltInKind(kind)) {
      // The webhook configuration decides which kinds are sent; a custom resource has no checks here.
      return {
        response: {
          uid: request.uid,
          allowed: true,
          warnings: [`trustctl has no checks for ${kind} (${apiVersion}); it was admitted unjudged`],
        },
        decision: { ...base, reason: `no checks for kind ${kind} (${apiVersion})` },
      }
    }
    const { item, problems } = toEvidence(admittedObject(object, request), {
      file: `cluster://admission/${request.uid}`,
      line: 0,
    })
    if (problems.length > 0) {
      // The object could not be read as Kubernetes reads it: nothing it holds can be vouched for.
      return deny(base, `${kind} ${name} cannot be judged: ${problems.join('; ')}`)
    }
    if (item === undefined) return allow(`no check reads ${kind} objects`)
    return this.verdict(base, item, now)
  }

  /** Runs the checks on the object's evidence and turns the failures into deny, warnings or a record. */
  private verdict(base: AdmissionDecision, item: EvidenceItem, now: Date): Judgement {
    const today = now.toISOString().slice(0, 10)
    const { findings } = applyExceptions(
      evaluateChecks(this.runsByKind.get(item.kind) ?? [], groupEvidence([item])).filter((f) =>
        isAbout(f, item),
      ),
      this.config.exceptions,
      today,
    )
    const modes = this.config.admission.modes
    const checks = findings.map((f) => ({
      check: f.check,
      severity: f.severity,
      status: f.status,
      mode: modes[f.severity],
      message: f.message,
    }))
    const failing = findings.filter((f) => f.status === 'fail' || f.status === 'error')
    const enforced = failing.filter((f) => modes[f.severity] === 'enforce')
    const warned = failing.filter((f) => modes[f.severity] === 'warn')
    const evidenceHash = contentHash(item)
    const warnings = warned.map((f) => truncate(`${f.check}: ${f.message}`, maxWarningLength))
    if (enforced.length > 0) {
      const message = enforced.map(
        (f) => `${f.check} (${f.severity}): ${f.message}. Fix: ${this.fix(f.check)}`,
      )
      return {
        response: {
          uid: base.uid,
          allowed: false,
          status: {
            code: 403,
            message: `trustctl denied ${base.object.kind} ${base.object.name}: ${message.join(' | ')}`,
          },
          ...(warnings.length > 0 ? { warnings } : {}),
        },
        decision: { ...base, evidenceHash, verdict: 'denied', checks },
      }
    }
    return {
      response: { uid: base.uid, allowed: true, ...(warnings.length > 0 ? { warnings } : {}) },
      decision: { ...base, evidenceHash, verdict: 'allowed', checks },
    }
  }

  /** The first sentence of the check's remediation: enough to act on from a kubectl error. */
  private fix(checkId: string): string {
    const remediation = this.checksById.get(checkId)?.remediation ?? ''
    const first = /^(.+?[.!?])(\s|$)/s.exec(remediation)?.[1] ?? remediation
    return first.replace(/\s+/g, ' ').replace(/\.$/, '')
  }
}

function deny(base: AdmissionDecision, message: string): Judgement {
  return {
    response: { uid: base.uid, allowed: false, status: { code: 400, message: `trustctl: ${message}` } },
    decision: { ...base, verdict: 'denied', reason: message },
  }
}

/** The object's name; on CREATE with generateName the API server has not chosen one yet. */
function objectName(request: AdmissionRequest): string {
  if (request.name !== undefined && request.name !== '') return request.name
  const metadata =
    isObject(request.object) && isObject(request.object.metadata) ? request.object.metadata : {}
  if (typeof metadata.name === 'string' && metadata.name !== '') return metadata.name
  if (typeof metadata.generateName === 'string' && metadata.generateName !== '')
    return `${metadata.generateName}*`
  return '(unnamed)'
}

/**
 * The object as the checks read it. The namespace comes from the request (a CREATE may leave it out of
 * the object). Owner references are dropped: the manifest reader skips controller-owned Pods to avoid
 * counting a live dump twice, but at the door that would let anyone skip the checks by writing an
 * ownerReference into a bare Pod.
 */
function admittedObject(object: Record<string, unknown>, request: AdmissionRequest): Record<string, unknown> {
  const metadata = isObject(object.metadata) ? { ...object.metadata } : {}
  delete metadata.ownerReferences
  if (request.namespace !== undefined && request.namespace !== '') metadata.namespace = request.namespace
  if ((typeof metadata.name !== 'string' || metadata.name === '') && request.name !== undefined)
    metadata.name = request.name
  return { ...object, metadata }
}

/** True when a finding is about the admitted object itself, not about something it only implies. */
function isAbout(finding: Finding, item: EvidenceItem): boolean {
  return (
    finding.subject.kind === item.resourceKind &&
    finding.subject.name === item.name &&
    finding.subject.namespace === item.namespace
  )
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}
