import type {
  ApiToken,
  AuditPeriod,
  PushReceipt,
  RemediationItem,
  Role,
  StoredUser,
  User,
} from '../core/team.js'
import type { FindingRow } from './team-finding-query.js'

/** Team store rows as both SQL backends keep them (snake_case columns), and back as domain objects. */

export const userColumns = 'id, email, name, role, password_hash, created_at, disabled, audit_from, audit_to'
export const tokenColumns =
  'id, name, role, token_hash, created_by, created_by_user_id, created_at, last_used_at, revoked, audit_from, audit_to, kinds'
/** The columns of team_finding, in insert order. */
export const findingColumnList: readonly (keyof FindingRow)[] = [
  'run_id',
  'ordinal',
  'check_id',
  'status',
  'severity',
  'severity_order',
  'subject_kind',
  'subject_name',
  'subject_name_lower',
  'namespace',
  'file',
  'line',
  'message',
  'controls',
  'criteria',
]

export interface UserRow {
  id: number
  email: string
  name: string
  role: string
  password_hash: string
  created_at: string
  disabled: number | boolean
  audit_from: string | null
  audit_to: string | null
}

export interface TokenRow {
  id: number | string
  name: string
  role: string
  token_hash: string
  created_by: string
  created_by_user_id: number | string | null
  created_at: string
  last_used_at: string | null
  revoked: number | boolean
  audit_from: string | null
  audit_to: string | null
  kinds: string | null
}

/**
 * A token's stored kinds: NULL is every kind; anything but a JSON array of strings allows none, so a
 * damaged row narrows a token rather than widening it.
 */
function kindsOf(stored: string | null): { kinds?: string[] } {
  if (stored === null) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(stored)
  } catch {
    return { kinds: [] }
  }
  return Array.isArray(parsed) && parsed.every((k) => typeof k === 'string')
    ? { kinds: parsed }
    : { kinds: [] }
}

function periodOf(row: { audit_from: string | null; audit_to: string | null }): {
  auditPeriod?: AuditPeriod
} {
  return row.audit_from === null || row.audit_to === null
    ? {}
    : { auditPeriod: { from: row.audit_from, to: row.audit_to } }
}

/** A stored user row as a user with its password hash. */
export function storedUserOf(row: UserRow): StoredUser {
  return {
    id: Number(row.id),
    email: row.email,
    name: row.name,
    role: row.role as Role,
    createdAt: row.created_at,
    disabled: Boolean(row.disabled),
    ...periodOf(row),
    passwordHash: row.password_hash,
  }
}

/** A user without the password hash: what leaves the store in lists. */
export function publicUser(user: StoredUser): User {
  const { passwordHash: _hash, ...rest } = user
  return rest
}

/** A stored token row as a token. */
export function tokenOf(row: TokenRow): ApiToken {
  return {
    id: Number(row.id),
    name: row.name,
    role: row.role as Role,
    tokenHash: row.token_hash,
    createdBy: row.created_by,
    ...(row.created_by_user_id === null ? {} : { createdByUserId: Number(row.created_by_user_id) }),
    createdAt: row.created_at,
    ...(row.last_used_at === null ? {} : { lastUsedAt: row.last_used_at }),
    revoked: Boolean(row.revoked),
    ...periodOf(row),
    ...kindsOf(row.kinds),
  }
}

/** A stored remediation row as an item. */
export function remediationOf(row: {
  gap_id: string
  owner: string | null
  due_date: string | null
  status: string
  updated_at: string
  updated_by: string
}): RemediationItem {
  return {
    gapId: row.gap_id,
    ...(row.owner === null ? {} : { owner: row.owner }),
    ...(row.due_date === null ? {} : { dueDate: row.due_date }),
    status: row.status as RemediationItem['status'],
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  }
}

/** A stored receipt row as a receipt. */
export function receiptOf(row: {
  key: string
  collector: string
  run_id: number | string
  items: number | string
  received_at: string
}): PushReceipt {
  return {
    key: row.key,
    collector: row.collector,
    runId: Number(row.run_id),
    items: Number(row.items),
    receivedAt: row.received_at,
  }
}
