import { z } from 'zod'
import { calendarDate } from './calendar-date.js'
import { isoDuration } from './catalog.js'

// The parts of trustctl.yaml about third parties, policies, crosswalks and risks. Kept apart from
// config.ts so that file stays readable; config.ts spreads `thirdPartyConfigShape` into its schema.

export const serviceModels = ['iaas', 'paas', 'saas'] as const
export type ServiceModel = (typeof serviceModels)[number]

export const responsibilityOwners = ['us', 'shared', 'provider'] as const
/** Who holds a control for the part of the system a service runs: we, the provider, or both. */
export type ResponsibilityOwner = (typeof responsibilityOwners)[number]

/** How our auditor treats a provider: rely on its own report (carve-out) or test it (inclusive). */
export const inclusionMethods = ['carve-out', 'inclusive'] as const
export type InclusionMethod = (typeof inclusionMethods)[number]

const providerOverrideSchema = z
  .strictObject({
    /** A control family (access, physical …) or one control id (access.sso-with-mfa-enforced). */
    family: z.string().min(1).optional(),
    control: z.string().min(1).optional(),
    /** One service of the provider; without it the override applies to all its services in use. */
    service: z.string().min(1).optional(),
    owner: z.enum(responsibilityOwners),
    reason: z.string().min(10, 'say why the default responsibility does not hold (at least a sentence)'),
  })
  .refine((o) => (o.family === undefined) !== (o.control === undefined), {
    message: 'name exactly one of family or control',
    path: ['family'],
  })
export type ProviderOverride = z.infer<typeof providerOverrideSchema>

export const providerEntrySchema = z.strictObject({
  name: z.string().min(1),
  /** A provider profile id (aws, okta …); without it the name is matched against profile names. */
  profile: z.string().min(1).optional(),
  /**
   * The provider's service model. A profile states the model of each of its services, which wins;
   * this one is used for providers without a profile.
   */
  model: z.enum(serviceModels),
  services: z.array(z.string().min(1)).default([]),
  method: z.enum(inclusionMethods).default('carve-out'),
  overrides: z.array(providerOverrideSchema).default([]),
})
export type ProviderEntry = z.infer<typeof providerEntrySchema>

export const vendorCriticalities = ['critical', 'high', 'medium', 'low'] as const
export type VendorCriticality = (typeof vendorCriticalities)[number]

const vendorReportSchema = z
  .strictObject({
    type: z.union([z.literal(1), z.literal(2)]),
    periodStart: calendarDate.optional(),
    periodEnd: calendarDate,
    opinion: z.enum(['unqualified', 'qualified', 'adverse', 'disclaimer']),
    /** Exceptions the auditor noted, in our own summary. */
    exceptions: z.array(z.string().min(1)).default([]),
    reviewedBy: z.string().min(1).optional(),
    reviewedOn: calendarDate.optional(),
    bridgeLetter: z.strictObject({ periodEnd: calendarDate, file: z.string().optional() }).optional(),
    /** Where the report is kept (a path or a document-system reference); never its content. */
    file: z.string().min(1).optional(),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256')
      .optional(),
    /** Reports are confidential: a copy is kept in the store only when this is true. */
    storeReport: z.boolean().default(false),
    /** Complementary user entity controls: duties the report puts back on us. */
    cuecs: z
      .array(
        z.strictObject({
          id: z.string().min(1),
          text: z.string().min(10, 'summarise the duty in our own words (at least a sentence)'),
          mappedTo: z.string().min(1).optional(),
        }),
      )
      .default([]),
    /** Complementary subservice organization controls the vendor assumes of its own providers. */
    csocs: z.array(z.strictObject({ organization: z.string().min(1), text: z.string().min(10) })).default([]),
  })
  .refine((r) => r.type === 1 || r.periodStart !== undefined, {
    message: 'a type 2 report covers a period: give periodStart',
    path: ['periodStart'],
  })
  .refine((r) => r.periodStart === undefined || r.periodStart <= r.periodEnd, {
    message: 'must not be after periodEnd',
    path: ['periodStart'],
  })
export type VendorReport = z.infer<typeof vendorReportSchema>

export const vendorSchema = z.strictObject({
  name: z.string().min(1),
  /** The providers entry (name or profile id) this vendor is, when it is also a provider. */
  provider: z.string().min(1).optional(),
  services: z.array(z.string().min(1)).default([]),
  model: z.enum(serviceModels).optional(),
  dataShared: z.array(z.string().min(1)).default([]),
  criticality: z.enum(vendorCriticalities),
  subprocessor: z.boolean().default(false),
  /** Who at our end looks after the vendor; defaults to the compliance owner. */
  owner: z.string().min(1).optional(),
  report: vendorReportSchema.optional(),
})
export type Vendor = z.infer<typeof vendorSchema>

export const policyApprovalSchema = z.strictObject({
  version: z.string().min(1),
  approvedBy: z.string().min(1),
  date: calendarDate,
  /** Review cycle; the template's own cycle when absent. */
  reviewEvery: isoDuration.optional(),
  reference: z.string().optional(),
})
export type PolicyApproval = z.infer<typeof policyApprovalSchema>

const riskLevel = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)])

export const riskSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be an id such as R-001'),
  title: z.string().min(5),
  /** 1 (rare) to 5 (almost certain). */
  likelihood: riskLevel,
  /** 1 (negligible) to 5 (severe). */
  impact: riskLevel,
  treatment: z.enum(['mitigate', 'accept', 'transfer', 'avoid']),
  controls: z.array(z.string().min(1)).default([]),
  owner: z.string().min(1).optional(),
  reviewedOn: calendarDate.optional(),
})
export type Risk = z.infer<typeof riskSchema>

export const crosswalkConfigSchema = z
  .strictObject({
    /** Mapping files the user holds a licence for (CSV or YAML), relative to trustctl.yaml. */
    mappings: z.array(z.string().min(1)).default([]),
    /** Controls already in place, per framework id (iso27001, nist80053, ccm, or a mapping's id). */
    existing: z.record(z.string(), z.array(z.string().min(1))).default({}),
  })
  .default({ mappings: [], existing: {} })

/** Keys spread into the trustctl.yaml schema. */
export const thirdPartyConfigShape = {
  providers: z.array(providerEntrySchema).default([]),
  /** Extra provider profile files (relative to trustctl.yaml) that add or override shipped ones. */
  providerFiles: z.array(z.string().min(1)).default([]),
  vendors: z.array(vendorSchema).default([]),
  crosswalks: crosswalkConfigSchema,
  /** Policy approvals, by policy id (catalog/policies/<id>.md). */
  policies: z.record(z.string(), policyApprovalSchema).default({}),
  risks: z.array(riskSchema).default([]),
}
