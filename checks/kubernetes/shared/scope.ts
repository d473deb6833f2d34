import { z } from 'zod'

/**
 * The `exemptNamespaces` param. System namespaces run the cluster's own agents (CNI, kube-proxy,
 * CSI drivers), which legitimately need host access; they are reported as not-applicable rather than
 * hidden, so an auditor sees the exemption was made.
 */
export function exemptNamespacesParam(defaults: readonly string[] = ['kube-system']) {
  return z.array(z.string()).default([...defaults])
}

/** Message for a subject skipped because its namespace is exempt. */
export function exemptMessage(namespace: string): string {
  return `namespace ${namespace} is exempt (exemptNamespaces)`
}
