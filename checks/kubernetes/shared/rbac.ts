import type { RbacRule } from '../../../src/core/evidence.js'

/** True when the rule allows every verb or touches every resource. */
export function ruleHasWildcard(rule: RbacRule): boolean {
  return rule.verbs.includes('*') || rule.resources.includes('*')
}

/** True when the rule allows every verb on every resource: cluster-admin under another name. */
export function ruleGrantsEverything(rule: RbacRule): boolean {
  return rule.verbs.includes('*') && rule.resources.includes('*')
}

/** A rule as a report shows it: `verbs [*] on resources [pods, secrets] in apiGroups [""]`. */
export function describeRule(rule: RbacRule): string {
  const on =
    rule.resources.length > 0
      ? `resources [${rule.resources.join(', ')}] in apiGroups [${rule.apiGroups.map((g) => (g === '' ? '""' : g)).join(', ')}]`
      : `nonResourceURLs [${rule.nonResourceURLs.join(', ')}]`
  return `verbs [${rule.verbs.join(', ')}] on ${on}`
}

/**
 * Verbs that lift a subject above its own rights: `escalate` writes roles granting more than it
 * holds, `bind` binds roles it does not hold, `impersonate` acts as another user, group or service
 * account.
 */
export const escalationVerbs: readonly string[] = ['escalate', 'bind', 'impersonate']

/** The privilege-escalation verbs a rule names explicitly (a `*` verb is reported as a wildcard). */
export function ruleEscalationVerbs(rule: RbacRule): string[] {
  return escalationVerbs.filter((verb) => rule.verbs.includes(verb))
}
