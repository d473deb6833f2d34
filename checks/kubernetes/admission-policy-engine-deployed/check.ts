import { z } from 'zod'
import { defineCheck, type SubjectLike } from '../../../src/core/check.js'
import type { K8sResource } from '../../../src/core/evidence.js'
import { type ImageSignature, imageSignature, matchSignatures } from '../shared/image.js'
import { impliedSubject } from '../shared/subject.js'

/** Admission controllers, by the image of the component that answers the webhook. */
const defaultEngines: ImageSignature[] = [
  { name: 'Kyverno', image: 'kyverno/kyverno' },
  { name: 'OPA Gatekeeper', image: 'openpolicyagent/gatekeeper' },
  { name: 'Kubewarden', image: 'kubewarden/policy-server' },
  { name: 'jsPolicy', image: 'loftsh/jspolicy' },
]

/** Policy resources only an installed engine acts on; their presence shows the engine is in use. */
const policyResources: readonly { engine: string; group: string; kinds?: readonly string[] }[] = [
  { engine: 'Kyverno', group: 'kyverno.io', kinds: ['ClusterPolicy', 'Policy'] },
  { engine: 'OPA Gatekeeper', group: 'templates.gatekeeper.sh', kinds: ['ConstraintTemplate'] },
  // Constraint kinds are defined by each ConstraintTemplate, so any kind in the group counts.
  { engine: 'OPA Gatekeeper', group: 'constraints.gatekeeper.sh' },
  {
    engine: 'Kubewarden',
    group: 'policies.kubewarden.io',
    kinds: ['ClusterAdmissionPolicy', 'AdmissionPolicy'],
  },
  { engine: 'jsPolicy', group: 'policy.jspolicy.com', kinds: ['JsPolicy'] },
]

function policyEngine(resource: K8sResource): string | undefined {
  const slash = resource.apiVersion.indexOf('/')
  const group = slash === -1 ? '' : resource.apiVersion.slice(0, slash)
  return policyResources.find(
    (policy) =>
      policy.group === group && (policy.kinds === undefined || policy.kinds.includes(resource.resourceKind)),
  )?.engine
}

/**
 * Whether a binding makes the ValidatingAdmissionPolicy reject what breaks it. A policy without a
 * binding is never evaluated, and one bound with `validationActions: [Audit]` or `[Warn]` admits
 * everything; only `Deny` blocks.
 */
function policyDenies(policyName: string, resources: readonly K8sResource[]): boolean {
  return resources.some((r) => {
    if (r.resourceKind !== 'ValidatingAdmissionPolicyBinding') return false
    if (!r.apiVersion.startsWith('admissionregistration.k8s.io/')) return false
    const actions = r.spec?.validationActions
    return (
      r.spec?.policyName === policyName &&
      Array.isArray(actions) &&
      actions.some((action) => typeof action === 'string' && action.toLowerCase() === 'deny')
    )
  })
}

export default defineCheck({
  id: 'kubernetes/admission-policy-engine-deployed',
  title: 'An admission policy engine guards what runs in the cluster',
  description:
    'An admission policy engine (Kyverno, OPA Gatekeeper, Kubewarden, jsPolicy or built-in ' +
    'ValidatingAdmissionPolicies) rejects non-compliant objects before they reach the cluster, whoever ' +
    'applies them. It is the cloud-native form of an intrusion prevention system: it turns the ' +
    'detective checks here into preventive controls.',
  remediation:
    'Install a policy engine with its manifests committed here (for example `helm template kyverno ' +
    'kyverno/kyverno -n kyverno > kyverno.yaml`) together with the policies it enforces, or define ' +
    'ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding objects. Set policies to enforce, ' +
    'not only audit. If you run another engine, add its image to the `engines` param.',
  severity: 'medium',
  reads: ['k8s.workload', 'k8s.admission', 'k8s.resource'],
  params: z.object({ engines: z.array(imageSignature).default(defaultEngines) }),
  evaluate({ evidence, params, result }) {
    const found: { subject: SubjectLike; what: string }[] = [
      ...evidence['k8s.workload'].flatMap((w) =>
        matchSignatures(w, params.engines).map((engine) => ({
          subject: w,
          what: `${engine} (${w.resourceKind} ${w.namespace}/${w.name})`,
        })),
      ),
      ...evidence['k8s.admission']
        .filter(
          (a) =>
            a.resourceKind === 'ValidatingAdmissionPolicy' && policyDenies(a.name, evidence['k8s.resource']),
        )
        .map((a) => ({ subject: a, what: `ValidatingAdmissionPolicy ${a.name}` })),
      ...evidence['k8s.resource'].flatMap((r) => {
        const engine = policyEngine(r)
        return engine === undefined ? [] : [{ subject: r, what: `${engine} ${r.resourceKind} ${r.name}` }]
      }),
    ]
    // Policies that only audit record violations but let them in: that is detection, not prevention.
    const policies = evidence['k8s.resource'].filter((r) => r.policyMode !== undefined)
    const enforcing = policies.filter((r) => r.policyMode === 'enforce')
    const [firstPolicy] = policies
    if (firstPolicy !== undefined && enforcing.length === 0) {
      return [
        result.fail(
          firstPolicy,
          `admission policies only audit: ${policies.map((p) => `${p.resourceKind} ${p.name}`).join(', ')} record violations but admit them; set validationFailureAction: Enforce (Kyverno) or enforcementAction: deny (Gatekeeper) on the policies that must block`,
        ),
      ]
    }
    const [first] = found
    if (first !== undefined) {
      return [result.pass(first.subject, `admission policy in place: ${found.map((f) => f.what).join(', ')}`)]
    }
    const notDenying = evidence['k8s.admission'].filter((a) => a.resourceKind === 'ValidatingAdmissionPolicy')
    const [firstNotDenying] = notDenying
    if (firstNotDenying !== undefined) {
      const names = notDenying.map((a) => `ValidatingAdmissionPolicy ${a.name}`).join(', ')
      return [
        result.fail(
          firstNotDenying,
          `no ValidatingAdmissionPolicyBinding with validationActions: [Deny] binds ${names}, so nothing is ` +
            'rejected: an unbound policy is never evaluated, and Audit or Warn admit what breaks it',
        ),
      ]
    }
    const anchor = evidence['k8s.workload'][0] ?? evidence['k8s.admission'][0] ?? evidence['k8s.resource'][0]
    if (anchor === undefined) return []
    return [
      result.fail(
        impliedSubject('Cluster', 'admission-control', anchor.file),
        'no admission policy engine, ValidatingAdmissionPolicy or policy resources found',
      ),
    ]
  },
})
