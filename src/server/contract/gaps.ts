import { z } from 'zod'
import { ownerRoles } from '../../core/catalog.js'
import { severities } from '../../core/check.js'
import { remediationStatuses } from '../../core/team.js'
import { calendarDate, commaEnum, listOf } from './common.js'
import { endpoint, json } from './endpoint.js'

const tag = 'Gaps'

export const gapSchema = z.object({
  id: z.string(),
  type: z.string(),
  severity: z.enum(severities),
  title: z.string(),
  /** Why it matters: the criteria it leaves unmet. */
  criteria: z.array(z.string()),
  controls: z.array(z.string()),
  ownerRole: z.enum(ownerRoles),
  owner: z.string(),
  dueDate: z.string(),
  /** What to do about it. */
  remediation: z.string(),
  /** Subjects that failed, for failing tests. */
  subjects: z
    .array(
      z.object({
        kind: z.string(),
        name: z.string(),
        namespace: z.string().optional(),
        file: z.string(),
        line: z.number().int().optional(),
      }),
    )
    .optional(),
})
export type Gap = z.output<typeof gapSchema>

/** Where a gap stands in the remediation workflow: the saved item, else the assessment's own owner and date. */
export const remediationSchema = z.object({
  owner: z.string(),
  dueDate: z.string(),
  status: z.enum(remediationStatuses),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
})
export type Remediation = z.output<typeof remediationSchema>
export type RemediationStatus = Remediation['status']

/** A row of the gaps board: the gap with its workflow state in place of its remediation text. */
export const gapRowSchema = gapSchema.extend({ remediation: remediationSchema, comments: z.number().int() })
export type GapRow = z.output<typeof gapRowSchema>

export const commentSchema = z.object({
  id: z.number().int(),
  gapId: z.string(),
  author: z.string(),
  body: z.string(),
  createdAt: z.string(),
})
export type RemediationComment = z.output<typeof commentSchema>

export const gapDetailSchema = z.object({
  gap: gapSchema,
  remediation: remediationSchema,
  comments: z.array(commentSchema),
})
export type GapDetail = z.output<typeof gapDetailSchema>

const gapParams = z.object({ id: z.string().min(1).max(300) })

export const listGaps = endpoint({
  method: 'GET',
  url: '/api/gaps',
  operationId: 'listGaps',
  summary: 'Gaps of the latest assessment with their remediation state (filters: status, owner, severity)',
  tag,
  permission: 'gaps:read',
  query: z.object({
    status: commaEnum(remediationStatuses),
    owner: z.string().max(200).optional(),
    severity: commaEnum(severities),
  }),
  response: json(listOf(gapRowSchema)),
})

export const getGap = endpoint({
  method: 'GET',
  url: '/api/gaps/:id',
  operationId: 'getGap',
  summary: 'A gap, its remediation state and its comments',
  tag,
  permission: 'gaps:read',
  params: gapParams,
  response: json(gapDetailSchema),
})

export const updateGap = endpoint({
  method: 'PATCH',
  url: '/api/gaps/:id',
  operationId: 'updateGap',
  summary: "Assigns a gap's owner, due date or status (recorded in the ledger as gap.update)",
  tag,
  permission: 'gaps:write',
  params: gapParams,
  body: z
    .strictObject({
      owner: z.string().trim().min(1).max(200).optional(),
      dueDate: calendarDate.optional(),
      status: z.enum(remediationStatuses).optional(),
    })
    .refine((b) => b.owner !== undefined || b.dueDate !== undefined || b.status !== undefined, {
      message: 'give at least one of owner, dueDate, status',
    }),
  response: json(z.object({ gap: gapSchema, remediation: remediationSchema })),
})

export const commentOnGap = endpoint({
  method: 'POST',
  url: '/api/gaps/:id/comments',
  operationId: 'commentOnGap',
  summary: 'Adds a comment to a gap (recorded in the ledger as gap.comment)',
  tag,
  permission: 'gaps:write',
  params: gapParams,
  body: z.strictObject({ body: z.string().trim().min(1).max(4000) }),
  response: json(commentSchema),
})
