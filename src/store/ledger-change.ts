import type { SignedManifest, Signer } from '../core/ledger-manifest.js'
import type { AssessmentStore } from '../core/store.js'
import type { Role } from '../core/team.js'
import { recordSingleEntryRun } from './ledger-operations.js'

/** Who made a change: a signed-in person, an API token, or an administrator at the command line. */
export interface ChangeActor {
  kind: 'user' | 'token' | 'system'
  id: number
  /** Email for a person, token name for a token. */
  name: string
  role: Role
}

/** A change made to the team server's state, as its `change` record keeps it. */
export interface ChangeRequest {
  actor: ChangeActor
  /** What was done, as `<thing>.<verb>`: `gap.update`, `user.create`. */
  action: string
  /** The id of what changed (a gap id, a vendor name, a user email). */
  target: string
  before?: unknown
  after: unknown
  /** When it was made (ISO 8601). */
  at: string
}

/** Keys whose values are secrets or stand in for them: never written to the ledger, whoever passes them. */
const secretKeys = new Set(['password', 'secret', 'tokenhash', 'passwordhash', 'idhash', 'csrftoken'])

/** A copy of a value without any property named like a secret, at any depth. */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [key, inner] of Object.entries(value)) {
    if (!secretKeys.has(key.toLowerCase())) out[key] = withoutSecrets(inner)
  }
  return out
}

/** The content of a change record: who, what, when, and the state before and after. */
export function changeContent(change: ChangeRequest): Record<string, unknown> {
  const { kind, id, name, role } = change.actor
  return {
    actor: { kind, id, name, role },
    action: change.action,
    target: change.target,
    ...(change.before === undefined ? {} : { before: withoutSecrets(change.before) }),
    after: withoutSecrets(change.after) ?? null,
    at: change.at,
  }
}

/**
 * Appends one `change` record as a signed run of its own, so the history of who changed what through
 * the server is as tamper-evident as the evidence. Callers pass password-free objects; secrets are
 * stripped here too, in case one slips through.
 */
export async function recordChange(
  store: AssessmentStore,
  change: ChangeRequest,
  signer: Signer,
  toolVersion: string,
): Promise<{ runId: number; manifest: SignedManifest }> {
  return recordSingleEntryRun(
    store,
    {
      kind: 'change',
      id: `${change.action}:${change.target}`,
      source: `server:${change.actor.kind}:${change.actor.name}`,
      content: changeContent(change),
      at: change.at,
    },
    signer,
    toolVersion,
  )
}
