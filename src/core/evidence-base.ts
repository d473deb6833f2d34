import { z } from 'zod'
import { deferredSchema } from './deferred-schema.js'

/**
 * The pieces every evidence schema shares. Domain files (evidence-kubernetes.ts, evidence-aws.ts, …)
 * import only this file; evidence.ts joins the domains into the one registry, so the files never
 * import each other in a circle.
 *
 * Optional fields use `.exactOptional()`: the project compiles with `exactOptionalPropertyTypes`, and
 * the derived type must read `prop?: T` (absent, never `undefined`) like the interfaces it replaces.
 * Where a field's type admits `undefined` on purpose (scanner findings), it uses `.optional()`.
 */

/** A string a subject cannot do without (its kind, name, file): empty would make it unaddressable. */
export const nonEmpty = deferredSchema(() => z.string().min(1))

/** A line number (1-based; 0 where a source has no lines). */
export const lineNumber = deferredSchema(() => z.number().int().nonnegative())

/** Labels, annotations, tags: names to values. */
export const stringMap = deferredSchema(() => z.record(z.string(), z.string()))

/** Where a piece of evidence came from, precise enough for an auditor to open the file at the line. */
export const sourceLocationShape = {
  file: nonEmpty,
  line: lineNumber.exactOptional(),
}
export const sourceLocationSchema = deferredSchema(() => z.strictObject(sourceLocationShape))
export type SourceLocation = z.output<typeof sourceLocationSchema>

/** Fields every evidence item carries: what it describes and where it was read. */
export const evidenceBaseShape = {
  ...sourceLocationShape,
  /** The evidence kind, e.g. `k8s.workload`. */
  kind: nonEmpty,
  /** The kind of thing described, in the source's own words: `Deployment`, `Dockerfile`, `Workflow`. */
  resourceKind: nonEmpty,
  name: nonEmpty,
  namespace: z.string().exactOptional(),
}
export const evidenceBaseSchema = deferredSchema(() => z.strictObject(evidenceBaseShape))
export type EvidenceBase = z.output<typeof evidenceBaseSchema>

/**
 * The schema of one evidence kind: the base fields, the kind as a literal, then the kind's own fields
 * (which may narrow a base field, e.g. make `namespace` required or `resourceKind` an enum).
 * Strict: a field the schema does not name is refused, so a collector that grows a field without
 * its schema fails the registry test instead of pushing what the server cannot read.
 */
export function evidenceSchema<const K extends string, const S extends z.ZodRawShape>(kind: K, shape: S) {
  return evidenceBaseSchema.extend({ kind: z.literal(kind) }).extend(shape)
}

/** A domain's evidence kinds by name: what evidence.ts joins into the registry. */
export type EvidenceSchemas = Readonly<Record<string, z.ZodType<EvidenceBase>>>

/** The TypeScript types of a domain's kinds, derived from its schemas. */
export type EvidenceTypes<R extends EvidenceSchemas> = { -readonly [K in keyof R]: z.output<R[K]> }
