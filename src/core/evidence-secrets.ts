/**
 * Secrets found by the secrets scanner, kept only as a redacted preview and a salted fingerprint.
 * Collectors fill these shapes; checks read them. Evidence states facts only.
 */

/** Evidence kinds of this domain by name; `evidence.ts` joins them into `EvidenceKinds`. */
export type SecretEvidenceKinds = Record<never, never>

export const secretEvidenceKinds: readonly (keyof SecretEvidenceKinds)[] = []
