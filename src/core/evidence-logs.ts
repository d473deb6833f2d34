/**
 * Logs: Kubernetes audit logs and CloudTrail, reduced to the events an auditor asks about.
 * Collectors fill these shapes; checks read them. Evidence states facts only.
 */

/** Evidence kinds of this domain by name; `evidence.ts` joins them into `EvidenceKinds`. */
export type LogEvidenceKinds = Record<never, never>

export const logEvidenceKinds: readonly (keyof LogEvidenceKinds)[] = []
