/**
 * AWS account state, read from the account (SDK or CLI JSON) or planned in Terraform: one shape for both, so every check runs on either.
 * Collectors fill these shapes; checks read them. Evidence states facts only.
 */

/** Evidence kinds of this domain by name; `evidence.ts` joins them into `EvidenceKinds`. */
export type AwsEvidenceKinds = Record<never, never>

export const awsEvidenceKinds: readonly (keyof AwsEvidenceKinds)[] = []
