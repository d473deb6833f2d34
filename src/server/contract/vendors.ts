import { z } from 'zod'
import { vendorCriticalities } from '../../core/config-third-parties.js'
import { reportCoverages } from '../../core/third-parties/vendors.js'
import { calendarDate, listOf, runQuery } from './common.js'
import { endpoint, json } from './endpoint.js'

const tag = 'Vendors'

export const vendorReportSchema = z.object({
  type: z.union([z.literal(1), z.literal(2)]),
  periodStart: z.string().optional(),
  periodEnd: z.string(),
  opinion: z.string(),
  exceptions: z.array(z.string()),
  reviewedBy: z.string().optional(),
  reviewedOn: z.string().optional(),
  bridgeLetterEnd: z.string().optional(),
  file: z.string().optional(),
  sha256: z.string().optional(),
  stored: z.boolean(),
})
export type VendorReport = z.output<typeof vendorReportSchema>

export const vendorSchema = z.object({
  name: z.string(),
  provider: z.string().optional(),
  services: z.array(z.string()),
  model: z.string().optional(),
  dataShared: z.array(z.string()),
  criticality: z.enum(vendorCriticalities),
  subprocessor: z.boolean(),
  owner: z.string(),
  declared: z.boolean(),
  reportRequired: z.boolean(),
  coverage: z.enum(reportCoverages),
  coveredThrough: z.string().optional(),
  report: vendorReportSchema.optional(),
  cuecs: z.array(
    z.object({
      id: z.string(),
      text: z.string(),
      mappedTo: z.string().optional(),
      status: z.enum(['mapped', 'unmapped', 'not-assessed']),
    }),
  ),
  /** Complementary subservice organization controls: what the vendor relies on its own vendors for. */
  csocs: z.array(z.object({ organization: z.string(), text: z.string() })),
  gaps: z.array(z.string()),
})
export type Vendor = z.output<typeof vendorSchema>
export type ReportCoverage = Vendor['coverage']

/** A review date: a calendar date, or an ISO timestamp whose date part is kept. */
const reviewDate = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2}))?$/,
    'must be a date YYYY-MM-DD or an ISO timestamp',
  )
  .refine((s) => calendarDate.safeParse(s.slice(0, 10)).success, 'is not a real calendar date')

export const vendorReviewSchema = z.object({
  review: z.object({
    vendor: z.string(),
    reviewedBy: z.string(),
    reviewedOn: z.string(),
    exceptionsReviewed: z.boolean().optional(),
    notes: z.string().optional(),
    exceptions: z.array(z.string()),
  }),
})
export type VendorReview = z.output<typeof vendorReviewSchema>

export const listVendors = endpoint({
  method: 'GET',
  url: '/api/vendors',
  operationId: 'listVendors',
  summary: 'The vendor register of a run: each report, its coverage, CUECs and gaps',
  tag,
  permission: 'assessment:read',
  query: runQuery,
  response: json(listOf(vendorSchema)),
})

export const reviewVendor = endpoint({
  method: 'PATCH',
  url: '/api/vendors/:name/review',
  operationId: 'reviewVendor',
  summary: "Records the review of a vendor's report in trustctl.yaml (comments kept; vendor.review change)",
  tag,
  permission: 'vendors:write',
  params: z.object({ name: z.string().min(1).max(200) }),
  body: z.strictObject({
    reviewedBy: z.string().trim().min(1).max(200),
    reviewedAt: reviewDate,
    exceptionsReviewed: z.boolean().optional(),
    notes: z.string().trim().max(4000).optional(),
  }),
  response: json(vendorReviewSchema),
})
