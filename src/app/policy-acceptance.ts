// Policy acceptances made in trustctl (the dashboard): each is one signed single-record run in the
// ledger, appended the way access-review steps are, so an acceptance is as tamper-evident as evidence.
import { NotFoundError, StoreError } from '../core/errors.js'
import type { PolicyAcceptance } from '../core/evidence-people.js'
import { sha256 } from '../core/ledger.js'
import {
  acceptanceEvidence,
  acceptanceId,
  currentPolicyVersion,
  findAcceptance,
  type PolicyAcceptanceRecord,
  policyAcceptanceRecordSchema,
} from '../core/policy-acceptance.js'
import type { AssessmentStore } from '../core/store.js'
import type { PolicyTemplate } from '../core/third-parties/policies.js'
import { recordSingleEntryRun } from '../store/ledger-operations.js'
import type { ReviewContext } from './access-review.js'
import { keepTrustFiles } from './ledger-trust.js'
import { toolVersion } from './version.js'

/**
 * Every acceptance the ledger holds, from sealed runs only: one whose run never got its signed
 * manifest was not recorded. A blob that does not hash to its record is an altered store.
 */
export async function ledgerPolicyAcceptances(store: AssessmentStore): Promise<PolicyAcceptanceRecord[]> {
  const sealed = new Set((await store.runs()).filter((r) => r.status === 'complete').map((r) => r.id))
  const records: PolicyAcceptanceRecord[] = []
  for await (const { record, blob } of store.scan({ kinds: ['policy-acceptance'] })) {
    if (!sealed.has(record.runId)) continue
    if (blob === undefined || sha256(blob) !== record.contentHash)
      throw new StoreError(
        `policy-acceptance record ${record.seq} does not match its blob; the store was altered`,
      )
    const parsed = policyAcceptanceRecordSchema.safeParse(JSON.parse(Buffer.from(blob).toString('utf8')))
    if (!parsed.success)
      throw new StoreError(
        `policy-acceptance record ${record.seq} is not an acceptance this trustctl reads`,
        {
          cause: parsed.error,
        },
      )
    records.push(parsed.data)
  }
  return records
}

/** The template a policy id names, or a not-found error listing none of the text. */
export function findPolicy(policies: readonly PolicyTemplate[], id: string): PolicyTemplate {
  const found = policies.find((p) => p.meta.id === id)
  if (found === undefined) throw new NotFoundError(`no policy '${id}' in the catalog`)
  return found
}

/**
 * Records that `email` accepts the current version of a policy, signed. Accepting a version already
 * accepted records nothing and returns the first acceptance (`created: false`).
 */
export async function acceptPolicy(
  context: ReviewContext,
  input: { email: string; policy: PolicyTemplate; at: string },
): Promise<{ acceptance: PolicyAcceptanceRecord; created: boolean; runId?: number }> {
  const current = currentPolicyVersion(input.policy)
  const earlier = findAcceptance(await ledgerPolicyAcceptances(context.store), input.email, current)
  if (earlier !== undefined) return { acceptance: earlier, created: false }
  const acceptance: PolicyAcceptanceRecord = { email: input.email, ...current, acceptedAt: input.at }
  const { runId } = await recordSingleEntryRun(
    context.store,
    {
      kind: 'policy-acceptance',
      id: acceptanceId(acceptance),
      source: 'trustctl policy acceptance',
      content: acceptance,
      at: input.at,
    },
    context.signer,
    toolVersion(),
  )
  // The anchor must name the newest head, or cutting this acceptance off would go unnoticed.
  await keepTrustFiles(context.loaded, context.store, context.notify)
  return { acceptance, created: true, runId }
}

/** The ledger's acceptances as policy-acceptance evidence for an assessment run at `now`. */
export async function policyAcceptanceEvidence(
  store: AssessmentStore,
  now: Date,
): Promise<PolicyAcceptance[]> {
  const at = now.toISOString()
  return (await ledgerPolicyAcceptances(store)).map((r) => acceptanceEvidence(r, at))
}
