import { z } from 'zod'
import { deferredSchema } from './deferred-schema.js'
import { CatalogError } from './errors.js'
import type { PackageTemplates } from './package/templates.js'

export const categoryIds = [
  'security',
  'availability',
  'confidentiality',
  'processing-integrity',
  'privacy',
] as const
export type CategoryId = (typeof categoryIds)[number]

export const ownerRoles = [
  'leadership',
  'security',
  'platform',
  'engineering',
  'people',
  'compliance',
  'legal',
  'it',
  'product',
  'support',
  'privacy',
] as const
export type OwnerRole = (typeof ownerRoles)[number]

export const controlFrequencies = [
  'continuous',
  'per-event',
  'daily',
  'weekly',
  'monthly',
  'quarterly',
  'annual',
] as const

/** ISO 8601 duration limited to what review cycles use: years, months, weeks, days. */
export const isoDuration = deferredSchema(() =>
  z.string().regex(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$/, 'must be an ISO 8601 duration such as P3M or P1Y'),
)

const criterionId = deferredSchema(() =>
  z.string().regex(/^(CC[1-9]|A1|C1|PI1|P[1-8])\.\d+$/, 'must be a criterion id such as CC6.1'),
)

export const criterionSchema = deferredSchema(() =>
  z.strictObject({
    id: criterionId,
    category: z.enum(categoryIds),
    series: z.string(),
    cosoPrinciple: z.number().int().min(1).max(17).optional(),
    pointsOfFocus: z.number().int().min(0),
    title: z.string().min(3),
    summary: z.string().min(20),
  }),
)
export type Criterion = z.infer<typeof criterionSchema>

export const frameworkSchema = deferredSchema(() =>
  z.strictObject({
    id: z.string(),
    title: z.string(),
    categories: z.array(
      z.strictObject({
        id: z.enum(categoryIds),
        title: z.string(),
        optional: z.boolean(),
        summary: z.string(),
      }),
    ),
    series: z.array(z.strictObject({ id: z.string(), title: z.string() })),
    criteria: z.array(criterionSchema),
  }),
)
export type Framework = z.infer<typeof frameworkSchema>

export const controlSchema = deferredSchema(() =>
  z
    .strictObject({
      id: z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, 'must be <family>.<name> in kebab-case'),
      title: z.string().min(10),
      statement: z.string().min(20),
      type: z.enum(['preventive', 'detective', 'corrective']),
      owner: z.enum(ownerRoles),
      frequency: z.enum(controlFrequencies),
      satisfies: z.strictObject({ soc2: z.array(criterionId).min(1) }),
      testedBy: z.array(z.string()).default([]),
      manualEvidence: z
        .array(
          z.strictObject({
            id: z.string().regex(/^[a-z0-9-]+$/),
            title: z.string().min(10),
            every: isoDuration,
          }),
        )
        .default([]),
      analogy: z
        .strictObject({ traditional: z.string().min(10), cloudNative: z.string().min(10) })
        .optional(),
      auditorQuestions: z
        .array(
          z.strictObject({
            question: z.string().min(10),
            answer: z.string().min(10),
            /**
             * The tests (of this control's testedBy) whose passing result shows what the answer claims.
             * Without them the package says the answer is for management to confirm.
             */
            evidence: z.array(z.string()).min(1).optional(),
          }),
        )
        .default([]),
    })
    .refine(
      (c) => c.auditorQuestions.every((q) => (q.evidence ?? []).every((id) => c.testedBy.includes(id))),
      {
        message: 'an auditor answer cites as evidence only tests of the same control (testedBy)',
        path: ['auditorQuestions'],
      },
    )
    .refine((c) => c.testedBy.length > 0 || c.manualEvidence.length > 0, {
      message: 'a control needs testedBy checks or manualEvidence, or nobody can show it operates',
      path: ['testedBy'],
    })
    .refine((c) => c.testedBy.length === 0 || c.analogy !== undefined, {
      message: 'a control with a cloud-native implementation (testedBy) explains it with an analogy',
      path: ['analogy'],
    })
    .refine(
      (c) => c.analogy === undefined || (c.auditorQuestions.length >= 2 && c.auditorQuestions.length <= 3),
      {
        message: 'a control with an analogy answers two or three auditor questions',
        path: ['auditorQuestions'],
      },
    ),
)
export type Control = z.infer<typeof controlSchema>

/** The catalog as loaded: criteria and controls, cross-checked against each other and the checks. */
export interface Catalog {
  framework: Framework
  criteria: ReadonlyMap<string, Criterion>
  controls: readonly Control[]
  /** The SOC 2 package's prose (catalog/package), when loaded from the catalog folder. */
  packageTemplates?: PackageTemplates
}

/** A check as the catalog sees it: its id, and for declarative rules the controls it says it tests. */
export interface CatalogCheck {
  id: string
  controls?: readonly string[]
}

/**
 * Cross-checks loaded catalog content: criterion ids exist, checks exist, manual evidence ids are
 * unique. Every problem is listed at once, each naming its file.
 */
export function buildCatalog(
  framework: Framework,
  controls: readonly { file: string; control: Control }[],
  checkIds: ReadonlySet<string>,
  checks: readonly CatalogCheck[] = [],
): Catalog {
  const problems: string[] = []
  // A rule names the controls it tests in its rule.yaml; join it into their testedBy here, so the
  // rest of the catalog sees one mapping whichever side wrote it.
  const ruleTests = new Map<string, string[]>()
  for (const check of checks)
    check.controls?.forEach((controlId, i) => {
      if (!controls.some((c) => c.control.id === controlId))
        problems.push(`checks/${check.id}/rule.yaml: controls[${i}]: unknown control ${controlId}`)
      ruleTests.set(controlId, [...(ruleTests.get(controlId) ?? []), check.id])
    })
  const criteria = new Map(framework.criteria.map((c) => [c.id, c]))
  const evidenceIds = new Map<string, string>()
  const controlIds = new Set<string>()
  for (const { file, control } of controls) {
    if (controlIds.has(control.id)) problems.push(`${file}: id ${control.id} is used by another control`)
    controlIds.add(control.id)
    control.satisfies.soc2.forEach((id, i) => {
      if (!criteria.has(id)) problems.push(`${file}: satisfies.soc2[${i}]: unknown criterion ${id}`)
    })
    control.testedBy.forEach((id, i) => {
      if (!checkIds.has(id)) problems.push(`${file}: testedBy[${i}]: unknown check ${id}`)
    })
    control.manualEvidence.forEach((evidence, i) => {
      const other = evidenceIds.get(evidence.id)
      if (other !== undefined)
        problems.push(`${file}: manualEvidence[${i}].id: ${evidence.id} is already used in ${other}`)
      evidenceIds.set(evidence.id, file)
    })
  }
  if (problems.length > 0)
    throw new CatalogError(`the catalog has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`)
  const joined = controls.map(({ control }) => {
    const extra = (ruleTests.get(control.id) ?? []).filter((id) => !control.testedBy.includes(id))
    return extra.length === 0 ? control : { ...control, testedBy: [...control.testedBy, ...extra] }
  })
  return {
    framework,
    criteria,
    controls: joined.sort((a, b) => a.id.localeCompare(b.id)),
  }
}
