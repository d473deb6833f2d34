import { stringify } from 'yaml'
import { resolveCheckRuns } from '../../core/assess.js'
import type { Check, Severity } from '../../core/check.js'
import type { AdmissionMode, Config } from '../../core/config.js'

/**
 * Checks that can be written as a Kubernetes ValidatingAdmissionPolicy: each judges the pod spec of
 * one object with no lookup elsewhere, so the API server can run it in CEL without any webhook. The
 * expression is the check's pass condition; a test runs it on the check's own cases and compares the
 * verdict with the TypeScript check's.
 */
const celChecks: Readonly<Record<string, (params: Record<string, unknown>) => string>> = {
  'kubernetes/workload-is-not-privileged': () =>
    'variables.containers.all(c, !(has(c.securityContext) && has(c.securityContext.privileged) && c.securityContext.privileged == true)' +
    ' && !(has(c.securityContext) && has(c.securityContext.windowsOptions) && has(c.securityContext.windowsOptions.hostProcess)' +
    ' ? c.securityContext.windowsOptions.hostProcess == true' +
    ' : has(variables.podSpec.securityContext) && has(variables.podSpec.securityContext.windowsOptions)' +
    ' && has(variables.podSpec.securityContext.windowsOptions.hostProcess) && variables.podSpec.securityContext.windowsOptions.hostProcess == true))',
  // Container over pod, as Kubernetes merges them: UID 0 fails whatever runAsNonRoot says; else
  // runAsNonRoot: true or a non-zero runAsUser passes.
  'kubernetes/workload-runs-as-non-root': () =>
    `variables.containers.all(c, ${merged('runAsUser', '-1')} != 0 && (${merged('runAsNonRoot', 'false')} == true || ${merged('runAsUser', '-1')} > 0))`,
  'kubernetes/workload-shares-no-host-namespaces': () =>
    // One has() per field: a typed pod spec is not a map, so the fields cannot be looped over.
    '!(has(variables.podSpec.hostNetwork) && variables.podSpec.hostNetwork == true)' +
    ' && !(has(variables.podSpec.hostPID) && variables.podSpec.hostPID == true)' +
    ' && !(has(variables.podSpec.hostIPC) && variables.podSpec.hostIPC == true)',
  'kubernetes/workload-mounts-no-host-paths': () =>
    '!has(variables.podSpec.volumes) || variables.podSpec.volumes.all(v, !has(v.hostPath))',
  'kubernetes/workload-binds-no-host-ports': (params) =>
    `variables.containers.all(c, !has(c.ports) || c.ports.all(p, !has(p.hostPort) || p.hostPort == 0 || p.hostPort in ${celIntList(params.allowedHostPorts)}))`,
}

/** A securityContext field of container `c`, else of the pod, else `fallback`. */
function merged(field: string, fallback: string): string {
  const pod = 'variables.podSpec.securityContext'
  return (
    `(has(c.securityContext) && has(c.securityContext.${field}) ? c.securityContext.${field}` +
    ` : (has(${pod}) && has(${pod}.${field}) ? ${pod}.${field} : ${fallback}))`
  )
}

/** A list of integers as a CEL literal: `[9100, 9101]`. */
function celIntList(value: unknown): string {
  const ports = Array.isArray(value) ? value.filter((v): v is number => Number.isInteger(v)) : []
  return `[${ports.join(', ')}]`
}

/** The pod spec of each workload kind, and its containers of every sort (init and ephemeral run with the same rights). */
export const policyVariables = [
  {
    name: 'podSpec',
    expression:
      "object.kind == 'Pod' ? object.spec : (object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec)",
  },
  {
    name: 'containers',
    expression:
      '(has(variables.podSpec.containers) ? variables.podSpec.containers : [])' +
      ' + (has(variables.podSpec.initContainers) ? variables.podSpec.initContainers : [])' +
      ' + (has(variables.podSpec.ephemeralContainers) ? variables.podSpec.ephemeralContainers : [])',
  },
] as const

/** The workload kinds the policies match: those with a pod spec. */
const workloadResources = [
  { apiGroups: [''], apiVersions: ['v1'], resources: ['pods', 'replicationcontrollers'] },
  {
    apiGroups: ['apps'],
    apiVersions: ['v1'],
    resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'],
  },
  { apiGroups: ['batch'], apiVersions: ['v1'], resources: ['jobs', 'cronjobs'] },
]

/** What a failing object gets, by the severity mode of trustctl.yaml. */
const validationActions: Record<AdmissionMode, string[]> = {
  enforce: ['Deny'],
  warn: ['Warn'],
  audit: ['Audit'],
}

export interface CelPolicy {
  check: string
  severity: Severity
  /** The pass condition, with the check's params of trustctl.yaml written in. */
  expression: string
  exemptNamespaces: string[]
  mode: AdmissionMode
}

/** The checks of trustctl.yaml that are expressible in CEL, with their params resolved. */
export function celPolicies(checks: readonly Check[], config: Config): CelPolicy[] {
  const runs = resolveCheckRuns(checks, new Set(Object.keys(celChecks)), config)
  return runs.flatMap(({ check, params }) => {
    const expression = celChecks[check.id]
    if (expression === undefined) return []
    const exempt = Array.isArray(params.exemptNamespaces) ? params.exemptNamespaces.map(String) : []
    return [
      {
        check: check.id,
        severity: check.severity,
        expression: expression(params),
        exemptNamespaces: [...new Set([...exempt, ...config.admission.excludedNamespaces])].sort(),
        mode: config.admission.modes[check.severity],
      },
    ]
  })
}

/** Ids of the checks `trustctl admission policies` can render. */
export const celCheckIds: readonly string[] = Object.keys(celChecks)

/** `trustctl-workload-is-not-privileged` for `kubernetes/workload-is-not-privileged`. */
export function policyName(checkId: string): string {
  return `trustctl-${checkId.slice(checkId.indexOf('/') + 1)}`
}

/** Each policy and its binding, as Kubernetes objects. */
export function admissionPolicyObjects(checks: readonly Check[], config: Config): Record<string, unknown>[] {
  const byId = new Map(checks.map((c) => [c.id, c]))
  return celPolicies(checks, config).flatMap((policy) => {
    const check = byId.get(policy.check)
    const name = policyName(policy.check)
    const labels = {
      'app.kubernetes.io/part-of': 'trustctl',
      'trustctl.dev/check': name.slice('trustctl-'.length),
    }
    const fix = firstSentence(check?.remediation ?? '')
    return [
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name, labels, annotations: { 'trustctl.dev/check': policy.check } },
        spec: {
          failurePolicy: 'Fail',
          matchConstraints: {
            resourceRules: workloadResources.map((r) => ({ ...r, operations: ['CREATE', 'UPDATE'] })),
          },
          variables: policyVariables,
          validations: [
            {
              expression: policy.expression,
              message: `${policy.check} (${policy.severity}): ${check?.title ?? policy.check}. Fix: ${fix}`,
              reason: 'Forbidden',
            },
          ],
        },
      },
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name, labels },
        spec: {
          policyName: name,
          validationActions: validationActions[policy.mode],
          matchResources: {
            namespaceSelector: {
              matchExpressions: [
                { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: policy.exemptNamespaces },
              ],
            },
          },
        },
      },
    ]
  })
}

/** The policies as one multi-document YAML stream. */
export function renderAdmissionPolicies(checks: readonly Check[], config: Config): string {
  const header = [
    '# trustctl checks as ValidatingAdmissionPolicies (`trustctl admission policies`): the API server',
    '# runs them itself, no webhook needed. Each binding acts by the severity mode of trustctl.yaml',
    '# (enforce: Deny, warn: Warn, audit: Audit) and skips the namespaces the check exempts.',
  ]
  return `${header.join('\n')}\n${admissionPolicyObjects(checks, config)
    .map((doc) => `---\n${stringify(doc)}`)
    .join('')}`
}

function firstSentence(text: string): string {
  const first = /^(.+?[.!?])(\s|$)/s.exec(text)?.[1] ?? text
  return first.replace(/\s+/g, ' ').replace(/\.$/, '')
}
