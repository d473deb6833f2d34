import { z } from 'zod'
import { calendarDate } from './calendar-date.js'

const criterionList = z
  .array(z.string().regex(/^(CC[1-9]|A1|C1|PI1|P[1-8])\.\d+$/, 'must be a criterion id such as CC6.1'))
  .default([])

/**
 * What only people know about the system: the inputs of the SOC 2 package (`trustctl package`).
 * Everything is optional so a first run still yields a package; what is missing is named in it.
 */
export const packageConfigSchema = z.strictObject({
  /** DC1: the services the system provides, one sentence each. */
  services: z.array(z.string().min(3)).default([]),
  /** DC2: what the organisation promises customers (contracts, terms, trust page). */
  commitments: z.array(z.string().min(3)).default([]),
  /** DC2: what the system must do to keep those promises (availability targets, retention...). */
  systemRequirements: z.array(z.string().min(3)).default([]),
  /** DC3 people: roles and what they do for the system. */
  people: z.array(z.strictObject({ role: z.string().min(1), responsibility: z.string().min(3) })).default([]),
  /** DC3 procedures: the written procedures that operate the system. */
  procedures: z
    .array(z.strictObject({ name: z.string().min(1), description: z.string().min(3) }))
    .default([]),
  /** DC3 data: categories of data the system processes and how they are classified. */
  data: z
    .array(
      z.strictObject({
        category: z.string().min(1),
        description: z.string().min(3),
        classification: z.string().optional(),
      }),
    )
    .default([]),
  /** DC4: significant incidents, as of the date (Type 1) or during the period (Type 2). */
  incidents: z
    .array(
      z.strictObject({
        date: calendarDate,
        title: z.string().min(3),
        nature: z.string().min(3),
        effect: z.string().min(3),
        disposition: z.string().min(3),
      }),
    )
    .default([]),
  /** DC9 (Type 2): significant changes to the system or its controls during the period. */
  changes: z.array(z.strictObject({ date: calendarDate, description: z.string().min(3) })).default([]),
  /** DC6: controls the design assumes each customer operates; defaults are written when empty. */
  userEntityControls: z
    .array(z.strictObject({ control: z.string().min(10), criteria: criterionList }))
    .default([]),
  /**
   * DC7: per provider, the method (carve-out by default) and the controls assumed of it; when a
   * provider is not listed here, the controls assumed of its service model are used.
   */
  subserviceOrganizations: z
    .array(
      z.strictObject({
        provider: z.string().min(1),
        method: z.enum(['carve-out', 'inclusive']).default('carve-out'),
        controlsAssumed: z
          .array(z.strictObject({ control: z.string().min(10), criteria: criterionList }))
          .default([]),
      }),
    )
    .default([]),
  /** Management's response to the exceptions of a control, by control id. */
  responses: z.record(z.string(), z.string().min(10)).default({}),
  /** Who signs management's assertion. */
  management: z.strictObject({ name: z.string().min(1), title: z.string().min(1) }).optional(),
  /** The service auditor, when engaged; the auditor's report itself is theirs to write. */
  auditor: z.strictObject({ firm: z.string().min(1), contact: z.string().optional() }).optional(),
})

export type PackageConfig = z.infer<typeof packageConfigSchema>

/** The package section when trustctl.yaml has none. */
export const emptyPackageConfig: PackageConfig = packageConfigSchema.parse({})
