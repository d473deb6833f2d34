import type { EvidenceBase } from './evidence.js'

/**
 * Secrets found by the secrets scanner, kept only as a redacted preview and a salted fingerprint.
 * Collectors fill these shapes; checks read them. Evidence states facts only.
 */

/** Why a finding is allow-listed: the `allow:` entry of the source that matched it. */
export interface SecretAllowance {
  by: 'path' | 'fingerprint' | 'pattern'
  /** The entry as written (a glob, a fingerprint or a pattern). */
  entry: string
  reason?: string
}

/** One credential found in a file of the working tree or in a commit of the history. */
export interface SecretFinding extends EvidenceBase {
  kind: 'secret.finding'
  resourceKind: 'Secret'
  /** The rule that recognised it, e.g. `aws-access-key-id`. */
  rule: string
  ruleTitle: string
  line: number
  column: number
  /** Set when the secret was found in the git history: the commit that added it. */
  commit?: string
  /** A redacted preview, e.g. `AKIA…(20)`: never enough to use the secret. */
  preview: string
  /** HMAC-SHA256 of the secret under the store's salt: stable across runs, so it can be allow-listed. */
  fingerprint: string
  /** Set when an `allow:` entry of the source covers this finding. */
  allowed?: SecretAllowance
}

/** What one secrets scan covered: a clean scan is positive evidence, no scan is no evidence. */
export interface SecretScan extends EvidenceBase {
  kind: 'secret.scan'
  resourceKind: 'SecretScan'
  filesScanned: number
  bytesScanned: number
  /** Files skipped because they are binary. */
  binaryFilesSkipped: number
  /** Rule ids the scan ran. */
  rules: string[]
  /** True when the git history was scanned too. */
  history: boolean
  commitsScanned: number
  findings: number
  allowedFindings: number
}

/** Evidence kinds of this domain by name; `evidence.ts` joins them into `EvidenceKinds`. */
export interface SecretEvidenceKinds {
  'secret.finding': SecretFinding
  'secret.scan': SecretScan
}

export const secretEvidenceKinds: readonly (keyof SecretEvidenceKinds)[] = ['secret.finding', 'secret.scan']
