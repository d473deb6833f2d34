/**
 * GitHub organizations and repositories: branch protection, reviews, required checks, org settings.
 * Collectors fill these shapes; checks read them. Evidence states facts only.
 */

/** Evidence kinds of this domain by name; `evidence.ts` joins them into `EvidenceKinds`. */
export type VcsEvidenceKinds = Record<never, never>

export const vcsEvidenceKinds: readonly (keyof VcsEvidenceKinds)[] = []
