/**
 * IAM policy documents, read once for every AWS source. The account API returns a document
 * URL-encoded, the CLI prints it decoded, a Terraform plan holds the JSON text `jsonencode` wrote and a
 * CloudFormation template holds a YAML object; all of them mean the same grammar, so they go through
 * one reader and come out in one shape. Checks see that shape only and never the source's spelling.
 *
 * Normalized: `Statement` is always a list; `Action`, `Resource`, their `Not` forms, principal ids and
 * condition values are always lists of strings; `"Principal": "*"` is written as `{ AWS: ["*"] }`, its
 * meaning in IAM. Not normalized: the case of action names (`s3:GetObject` vs `S3:getobject`), which
 * IAM matches case-insensitively; checks compare them, the document keeps them as written.
 *
 * A document that does not follow the grammar is `unreadable`, with the reason: never an empty list of
 * statements, which a check would read as "grants nothing".
 */
import { z } from 'zod'
import { deferredSchema } from './deferred-schema.js'

/** Principal ids by type (`AWS`, `Service`, `Federated`, `CanonicalUser`); `"*"` is `{ AWS: ["*"] }`. */
export const iamPrincipalsSchema = deferredSchema(() => z.record(z.string(), z.array(z.string())))
export type IamPrincipals = z.infer<typeof iamPrincipalsSchema>

/** One condition: `StringEquals` on `aws:SourceVpc` with its values, numbers and booleans as text. */
export const iamConditionSchema = deferredSchema(() =>
  z.strictObject({
    operator: z.string(),
    key: z.string(),
    values: z.array(z.string()),
  }),
)
export type IamCondition = z.infer<typeof iamConditionSchema>

/** One statement, every list field present (empty when the document has none). */
export const iamPolicyStatementSchema = deferredSchema(() =>
  z.strictObject({
    sid: z.string().exactOptional(),
    effect: z.enum(['Allow', 'Deny']),
    /** `Action` entries as written (`s3:GetObject`, `*`, `iam:*`). */
    actions: z.array(z.string()),
    /** `NotAction` entries: with Allow, everything except these. */
    notActions: z.array(z.string()),
    resources: z.array(z.string()),
    notResources: z.array(z.string()),
    /** `Principal`, in resource and trust policies; undefined in identity policies. */
    principals: iamPrincipalsSchema.exactOptional(),
    notPrincipals: iamPrincipalsSchema.exactOptional(),
    /** `Condition`, one entry per operator and key; empty when the statement has none. */
    conditions: z.array(iamConditionSchema),
  }),
)
export type IamPolicyStatement = z.infer<typeof iamPolicyStatementSchema>

/** A document that follows the policy grammar. */
export const readableIamPolicySchema = deferredSchema(() =>
  z.strictObject({
    readable: z.literal(true),
    /** `2012-10-17` or `2008-10-17`; undefined when the document does not say. */
    version: z.string().exactOptional(),
    statements: z.array(iamPolicyStatementSchema),
  }),
)
export type ReadableIamPolicy = z.infer<typeof readableIamPolicySchema>

/** A document that could not be read, and why: a check that needs it cannot tell. */
export const unreadableIamPolicySchema = deferredSchema(() =>
  z.strictObject({
    readable: z.literal(false),
    reason: z.string(),
  }),
)
export type UnreadableIamPolicy = z.infer<typeof unreadableIamPolicySchema>

/** The result of reading a policy document. */
export const iamPolicyDocumentSchema = deferredSchema(() =>
  z.discriminatedUnion('readable', [readableIamPolicySchema, unreadableIamPolicySchema]),
)
export type IamPolicyDocument = z.infer<typeof iamPolicyDocumentSchema>

// --- the grammar as written ------------------------------------------------------------------------

const stringList = deferredSchema(() =>
  z
    .union([z.string(), z.array(z.string())], { error: 'expected a string or a list of strings' })
    .transform((v) => (typeof v === 'string' ? [v] : v)),
)

const principalWritten = deferredSchema(() =>
  z
    .union([z.literal('*'), z.record(z.string(), stringList)], {
      error: 'expected "*" or an object of principal ids by type',
    })
    .transform((v): IamPrincipals => (v === '*' ? { AWS: ['*'] } : v)),
)

const conditionScalar = deferredSchema(() => z.union([z.string(), z.number(), z.boolean()]))
const conditionWritten = deferredSchema(() =>
  z
    .record(
      z.string(),
      z.record(z.string(), z.union([conditionScalar, z.array(conditionScalar)]), {
        error: 'expected an object of condition keys',
      }),
      { error: 'expected an object of condition operators' },
    )
    .transform((operators): IamCondition[] =>
      Object.entries(operators).flatMap(([operator, keys]) =>
        Object.entries(keys).map(([key, value]) => ({
          operator,
          key,
          values: (Array.isArray(value) ? value : [value]).map(String),
        })),
      ),
    ),
)

const statementWritten = deferredSchema(() =>
  z
    .object({
      Sid: z.string().optional(),
      Effect: z.enum(['Allow', 'Deny'], { error: 'expected "Allow" or "Deny"' }),
      Action: stringList.optional(),
      NotAction: stringList.optional(),
      Resource: stringList.optional(),
      NotResource: stringList.optional(),
      Principal: principalWritten.optional(),
      NotPrincipal: principalWritten.optional(),
      Condition: conditionWritten.optional(),
    })
    // IAM rejects a statement with both or neither: reading one as the other could widen the grant.
    .refine((s) => (s.Action === undefined) !== (s.NotAction === undefined), {
      error: 'a statement needs exactly one of Action and NotAction',
    })
    .refine((s) => s.Resource === undefined || s.NotResource === undefined, {
      error: 'a statement cannot have both Resource and NotResource',
    })
    .refine((s) => s.Principal === undefined || s.NotPrincipal === undefined, {
      error: 'a statement cannot have both Principal and NotPrincipal',
    })
    .transform(
      (s): IamPolicyStatement => ({
        ...(s.Sid === undefined || s.Sid === '' ? {} : { sid: s.Sid }),
        effect: s.Effect,
        actions: s.Action ?? [],
        notActions: s.NotAction ?? [],
        resources: s.Resource ?? [],
        notResources: s.NotResource ?? [],
        ...(s.Principal === undefined ? {} : { principals: s.Principal }),
        ...(s.NotPrincipal === undefined ? {} : { notPrincipals: s.NotPrincipal }),
        conditions: s.Condition ?? [],
      }),
    ),
)

/** JSON `null` (Terraform's `jsonencode` of an unset attribute) means the key is absent. */
const withoutNulls = (v: unknown): unknown =>
  isPlainObject(v) ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null)) : v

const documentWritten = deferredSchema(() =>
  z.object(
    {
      Version: z.string().optional(),
      Statement: z.preprocess(
        (v) => (isPlainObject(v) ? [v] : v),
        z.array(z.preprocess(withoutNulls, statementWritten), {
          error: (issue) =>
            issue.input === undefined ? 'missing' : 'expected a statement or a list of them',
        }),
      ),
    },
    { error: 'the document is not a JSON object' },
  ),
)

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** `Statement[1].Condition.StringEquals` from a zod issue path. */
function pathOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, part) =>
      typeof part === 'number' ? `${text}[${part}]` : text === '' ? String(part) : `${text}.${String(part)}`,
    '',
  )
}

/** The decoded JSON of a document given as text: JSON itself, or URL-encoded JSON as the IAM API returns it. */
function decodeText(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  let json = text
  if (!text.trimStart().startsWith('{')) {
    try {
      json = decodeURIComponent(text)
    } catch {
      return { ok: false, reason: 'the document is neither JSON nor URL-encoded JSON' }
    }
  }
  try {
    return { ok: true, value: JSON.parse(json) }
  } catch (error) {
    return {
      ok: false,
      reason: `the document is not JSON (${error instanceof Error ? error.message : String(error)})`,
    }
  }
}

/**
 * Reads an IAM policy document given as an object, as JSON text, or as URL-encoded JSON text, into the
 * normalized shape; a document off the grammar is `unreadable` with the first problem found.
 */
export function readIamPolicy(document: unknown): IamPolicyDocument {
  let value = document
  if (typeof document === 'string') {
    const decoded = decodeText(document)
    if (!decoded.ok) return { readable: false, reason: decoded.reason }
    value = decoded.value
  }
  const parsed = documentWritten.safeParse(value)
  if (!parsed.success) {
    const [issue] = parsed.error.issues
    const where = issue === undefined ? '' : pathOf(issue.path)
    const message = issue?.message ?? 'the document does not follow the IAM policy grammar'
    return { readable: false, reason: where === '' ? message : `${where}: ${message}` }
  }
  return {
    readable: true,
    ...(parsed.data.Version === undefined ? {} : { version: parsed.data.Version }),
    statements: parsed.data.Statement,
  }
}

/** True when a statement lets anyone (`"*"`) in: the public-access test of resource policies. */
export function allowsAnyone(statement: IamPolicyStatement): boolean {
  return statement.effect === 'Allow' && (statement.principals?.AWS ?? []).includes('*')
}
