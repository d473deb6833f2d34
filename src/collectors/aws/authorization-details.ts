/**
 * `GetAccountAuthorizationDetails` read item by item. The response lists every user, group, role and
 * managed policy of the account; validating it whole would let one odd item (a field an API version
 * leaves out) drop all of them, and with them every IAM verdict. Each item is validated on its own:
 * a bad one is named (list, index, name) and left out, the rest is kept.
 */
import type { z } from 'zod'
import type { EvidenceKind } from '../../core/evidence.js'
import * as api from './schemas.js'

type Details = z.output<typeof api.getAccountAuthorizationDetails>

/** An item that could not be read, and the evidence kinds its absence leaves incomplete. */
export interface DetailProblem {
  message: string
  kinds: EvidenceKind[]
}

const lists = {
  UserDetailList: { schema: api.userDetail, name: 'UserName', kinds: ['aws.iam-user', 'aws.iam-policy'] },
  GroupDetailList: { schema: api.groupDetail, name: 'GroupName', kinds: ['aws.iam-policy'] },
  RoleDetailList: { schema: api.roleDetail, name: 'RoleName', kinds: ['aws.iam-policy'] },
  Policies: { schema: api.managedPolicyDetail, name: 'Arn', kinds: ['aws.iam-policy'] },
} as const

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The item's own name, when it has one, so the error says which user or policy was left out. */
function nameOf(item: unknown, key: string): string {
  if (!isRecord(item)) return ''
  const name = item[key] ?? item.PolicyName ?? item.Arn
  return typeof name === 'string' ? ` (${name})` : ''
}

/** Reads the response list by list and item by item; throws only when it is no such response at all. */
export function readAuthorizationDetails(response: unknown): { data: Details; problems: DetailProblem[] } {
  if (!isRecord(response))
    throw new Error('not a GetAccountAuthorizationDetails response: expected an object at the top level')
  const problems: DetailProblem[] = []
  const data: Record<string, unknown[]> = {}
  for (const [list, { schema, name, kinds }] of Object.entries(lists)) {
    const items = response[list]
    if (items === undefined) continue
    if (!Array.isArray(items)) {
      problems.push({ message: `${list}: expected a list`, kinds: [...kinds] })
      data[list] = []
      continue
    }
    const kept: unknown[] = []
    items.forEach((item, index) => {
      const parsed = schema.safeParse(item)
      if (parsed.success) {
        kept.push(parsed.data)
        return
      }
      const issue = parsed.error.issues[0]
      const at = issue?.path.length ? `.${issue.path.join('.')}` : ''
      problems.push({
        message: `${list}[${index}]${nameOf(item, name)}${at}: ${issue?.message ?? 'invalid'}; this item was left out`,
        kinds: [...kinds],
      })
    })
    data[list] = kept
  }
  // Each list was validated above; the whole-response schema now only restates their types.
  return { data: api.getAccountAuthorizationDetails.parse({ ...response, ...data }), problems }
}
