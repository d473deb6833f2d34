// A person's acceptance of a policy made in trustctl itself (the dashboard), as the ledger records it
// and as the assessment reads it. Pure: the app layer reads and appends the records.
import { z } from 'zod'
import { deferredSchema } from './deferred-schema.js'
import type { PolicyAcceptance } from './evidence-people.js'
import { sha256 } from './ledger.js'
import { lookupKey } from './people.js'
import type { PolicyTemplate } from './third-parties/policies.js'

/** One signed acceptance: who, which policy, which version of which text, when. */
export const policyAcceptanceRecordSchema = deferredSchema(() =>
  z.strictObject({
    email: z.string().min(1),
    policyId: z.string().min(1),
    title: z.string().min(1),
    /** The policy's declared version (`1.0`): what a check's policy register and CSV exports name. */
    version: z.string().min(1),
    /** sha256 of the policy text trustctl served: proves which words were accepted under that version. */
    textHash: z.string().regex(/^[0-9a-f]{64}$/),
    acceptedAt: z.string().min(1),
  }),
)
export type PolicyAcceptanceRecord = z.output<typeof policyAcceptanceRecordSchema>

/** What a person accepts when they accept a policy now: its id, title, version and text hash. */
export function currentPolicyVersion(template: PolicyTemplate): {
  policyId: string
  title: string
  version: string
  textHash: string
} {
  return {
    policyId: template.meta.id,
    title: template.meta.title,
    version: template.meta.version,
    textHash: sha256(template.body),
  }
}

/**
 * The earlier acceptance by this person of this exact version and text, if any: accepting twice
 * records nothing new (the first acceptance is the one that counts for a deadline).
 */
export function findAcceptance(
  records: readonly PolicyAcceptanceRecord[],
  email: string,
  current: { policyId: string; version: string; textHash: string },
): PolicyAcceptanceRecord | undefined {
  return records.find(
    (r) =>
      lookupKey(r.email) === lookupKey(email) &&
      r.policyId === current.policyId &&
      r.version === current.version &&
      r.textHash === current.textHash,
  )
}

/** The ledger id of an acceptance: one per person, policy, version and text. */
export const acceptanceId = (record: PolicyAcceptanceRecord): string =>
  `${lookupKey(record.email)}:${record.policyId}:${record.version}:${record.textHash.slice(0, 12)}`

/** An acceptance as policy-acceptance evidence, joined to people by email like a CSV export row. */
export function acceptanceEvidence(record: PolicyAcceptanceRecord, observedAt: string): PolicyAcceptance {
  return {
    kind: 'people.policy-acceptance',
    resourceKind: 'PolicyAcceptance',
    name: `${record.email} ${record.policyId} ${record.version}`,
    file: `ledger:policy-acceptance/${acceptanceId(record)}`,
    email: record.email,
    policy: record.title,
    policyId: record.policyId,
    version: record.version,
    acceptedAt: record.acceptedAt,
    system: 'trustctl',
    observedAt,
  }
}
