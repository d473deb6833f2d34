import { z } from 'zod'
import { deferredSchema } from './deferred-schema.js'
import { type EvidenceTypes, evidenceSchema, lineNumber } from './evidence-base.js'

/**
 * Secrets found by the secrets scanner, kept only as a redacted preview and a salted fingerprint.
 * Collectors fill these shapes; checks read them. Evidence states facts only.
 */

/** Why a finding is allow-listed: the `allow:` entry of the source that matched it. */
export const secretAllowanceSchema = deferredSchema(() =>
  z.strictObject({
    by: z.enum(['path', 'fingerprint', 'pattern']),
    /** The entry as written (a glob, a fingerprint or a pattern). */
    entry: z.string(),
    reason: z.string().exactOptional(),
  }),
)
export type SecretAllowance = z.output<typeof secretAllowanceSchema>

/** One credential found in a file of the working tree or in a commit of the history. */
export const secretFindingSchema = deferredSchema(() =>
  evidenceSchema('secret.finding', {
    resourceKind: z.literal('Secret'),
    /** The rule that recognised it, e.g. `aws-access-key-id`. */
    rule: z.string(),
    ruleTitle: z.string(),
    line: lineNumber,
    column: z.number().int().nonnegative(),
    /** Set when the secret was found in the git history: the commit that added it. */
    commit: z.string().exactOptional(),
    /** A redacted preview, e.g. `AKIA…(20)`: never enough to use the secret. */
    preview: z.string(),
    /** HMAC-SHA256 of the secret under the store's salt: stable across runs, so it can be allow-listed. */
    fingerprint: z.string(),
    /** Set when an `allow:` entry of the source covers this finding. */
    allowed: secretAllowanceSchema.exactOptional(),
  }),
)
export type SecretFinding = z.output<typeof secretFindingSchema>

/** What one secrets scan covered: a clean scan is positive evidence, no scan is no evidence. */
export const secretScanSchema = deferredSchema(() =>
  evidenceSchema('secret.scan', {
    resourceKind: z.literal('SecretScan'),
    filesScanned: z.number().int().nonnegative(),
    bytesScanned: z.number().int().nonnegative(),
    /** Files skipped because they are binary. */
    binaryFilesSkipped: z.number().int().nonnegative(),
    /** Rule ids the scan ran. */
    rules: z.array(z.string()),
    /** True when the git history was scanned too. */
    history: z.boolean(),
    commitsScanned: z.number().int().nonnegative(),
    findings: z.number().int().nonnegative(),
    allowedFindings: z.number().int().nonnegative(),
  }),
)
export type SecretScan = z.output<typeof secretScanSchema>

/** Evidence kinds of this domain by name; `evidence.ts` joins them into the registry. */
export const secretEvidenceSchemas = {
  'secret.finding': secretFindingSchema,
  'secret.scan': secretScanSchema,
} as const
export type SecretEvidenceKinds = EvidenceTypes<typeof secretEvidenceSchemas>
