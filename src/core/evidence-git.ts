/**
 * The git history of a repository: every change that reached the default branch, the population an auditor samples from.
 * Collectors fill these shapes; checks read them. Evidence states facts only.
 */

/** Evidence kinds of this domain by name; `evidence.ts` joins them into `EvidenceKinds`. */
export type GitEvidenceKinds = Record<never, never>

export const gitEvidenceKinds: readonly (keyof GitEvidenceKinds)[] = []
