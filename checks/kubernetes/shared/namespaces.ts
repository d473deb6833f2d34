import type { SubjectLike } from '../../../src/core/check.js'
import type { K8sNamespace, K8sWorkload } from '../../../src/core/evidence.js'
import { impliedSubject } from './subject.js'

/** A namespace the manifests declare or imply, with the subject its findings point at. */
export interface NamespaceInScope {
  name: string
  /** The Namespace manifest; undefined when only the workloads in it imply the namespace. */
  manifest?: K8sNamespace
  /** The manifest, or a hand-made Namespace subject at the first workload that lives in it. */
  subject: SubjectLike
}

/**
 * Every namespace the evidence shows: declared by a Namespace manifest, or implied by a workload
 * living in it (typical of rendered Helm output, where the namespace is created at install). A
 * declared namespace is the better subject, so it wins; the order is declarations first, then
 * implied namespaces in the order their first workload appears. Each manifest is its own entry, also
 * when two declare one name (`envs/dev/` and `envs/prod/`): judging only the first let the other,
 * with other labels, pass unseen.
 */
export function namespacesInScope(
  namespaces: readonly K8sNamespace[],
  workloads: readonly K8sWorkload[],
): NamespaceInScope[] {
  const declared: NamespaceInScope[] = namespaces.map((ns) => ({ name: ns.name, manifest: ns, subject: ns }))
  const names = new Set(namespaces.map((ns) => ns.name))
  const implied = new Map<string, NamespaceInScope>()
  for (const w of workloads) {
    if (!names.has(w.namespace) && !implied.has(w.namespace)) {
      implied.set(w.namespace, {
        name: w.namespace,
        subject: impliedSubject('Namespace', w.namespace, w.file, w.line),
      })
    }
  }
  return [...declared, ...implied.values()]
}
