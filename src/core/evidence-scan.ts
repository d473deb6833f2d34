/**
 * Scanner reports (vulnerabilities, misconfigurations, SBOMs) and secrets found by the secrets scanner.
 * Collectors fill these shapes; checks read them. Evidence states facts only.
 */

/** Evidence kinds of this domain by name; `evidence.ts` joins them into `EvidenceKinds`. */
export type ScanEvidenceKinds = Record<never, never>

export const scanEvidenceKinds: readonly (keyof ScanEvidenceKinds)[] = []
