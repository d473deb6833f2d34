import { z } from 'zod'
import { policyAcceptanceRecordSchema } from '../../core/policy-acceptance.js'
import { endpoint, json } from './endpoint.js'

const tag = 'Policies'

/** A catalog policy as served now, and whether the caller accepted this version of its text. */
export const servedPolicySchema = z.object({
  id: z.string(),
  title: z.string(),
  version: z.string(),
  textHash: z.string(),
  /** When the signed-in person accepted this version; absent: not accepted (or a token asks). */
  acceptedAt: z.string().optional(),
})
export type ServedPolicy = z.output<typeof servedPolicySchema>
export type PolicyAcceptanceEntry = z.output<typeof policyAcceptanceRecordSchema>

export const listPolicyAcceptances = endpoint({
  method: 'GET',
  url: '/api/policies/acceptances',
  operationId: 'listPolicyAcceptances',
  summary:
    'The policies trustctl serves with their current version, and every acceptance recorded in the ledger (who accepted which version, when)',
  tag,
  permission: 'assessment:read',
  response: json(
    z.object({ policies: z.array(servedPolicySchema), items: z.array(policyAcceptanceRecordSchema) }),
  ),
})

export const acceptPolicy = endpoint({
  method: 'POST',
  url: '/api/policies/:id/acceptances',
  operationId: 'acceptPolicy',
  summary:
    'The signed-in person accepts the current version of a policy (signed into the ledger); accepting the same version again records nothing',
  tag,
  permission: 'self',
  params: z.object({ id: z.string().min(1).max(200) }),
  response: json(
    z.object({
      acceptance: policyAcceptanceRecordSchema,
      created: z.boolean(),
      runId: z.number().int().optional(),
    }),
  ),
})
