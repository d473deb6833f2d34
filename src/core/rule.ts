import { z } from 'zod'
import { type Check, type Outcome, type ResultBuilder, severities } from './check.js'
import { deferredSchema } from './deferred-schema.js'
import type { IacResource } from './evidence-iac.js'
import type { K8sResource } from './evidence-kubernetes.js'

/** What a rule judges: an IaC resource (Terraform type) or a Kubernetes object of a catch-all kind. */
type RuleSubject = IacResource | K8sResource

/** A Kubernetes kind (`PodDisruptionBudget`) starts upper-case; a provider type (`aws_s3_bucket`) does not. */
const isKubernetesKind = (type: string) => /^[A-Z]/.test(type)

/**
 * The values a rule's paths read: a resource's attributes, or a Kubernetes object as its manifest
 * names fields (`spec.minAvailable`, `metadata.labels.team`). Undefined when the evidence kept none.
 */
function attributesOf(r: RuleSubject): Record<string, unknown> | undefined {
  if (r.kind === 'iac.resource') return r.attributes
  const metadata: Record<string, unknown> = { name: r.name, labels: r.labels }
  if (r.namespace !== undefined) metadata.namespace = r.namespace
  return { apiVersion: r.apiVersion, kind: r.resourceKind, metadata, spec: r.spec ?? {} }
}

const unknownOf = (r: RuleSubject): readonly string[] =>
  r.kind === 'iac.resource' ? (r.unknownAttributes ?? []) : []
const referencesOf = (r: RuleSubject): Record<string, string[]> | undefined =>
  r.kind === 'iac.resource' ? r.references : undefined
/**
 * True when a reference names the resource: by its address, or, for a CloudFormation resource
 * read under a Terraform type, as `type.LogicalId` (how the template reader types its references).
 */
const isNamed = (refs: readonly string[], r: RuleSubject): boolean =>
  refs.includes(r.name) ||
  (r.kind === 'iac.resource' &&
    r.equivalentType !== undefined &&
    refs.includes(`${r.equivalentType}.${r.name}`))

/**
 * Declarative rules: a `rule.yaml` beside the TypeScript checks, for the long tail of "this
 * attribute of that resource type must hold this value". A rule matches the generic resource model
 * (`iac.resource`: provider type, attributes, unknown paths, references) that Terraform plans and
 * source fill, and compiles to an ordinary Check, so the engine, reports and coverage treat it as
 * one. Logic that needs more than a condition tree stays in TypeScript.
 *
 * Conditions are three-valued: true, false or unknown. An attribute Terraform knows only after apply
 * makes a condition that needs it unknown, and an unknown verdict is `no-evidence` with the paths
 * named, never a pass.
 */

/** A literal, or a rule parameter by name (`{ param: minRetentionDays }`). */
const operand = deferredSchema(() => z.union([z.strictObject({ param: z.string().min(1) }), z.unknown()]))
type Operand = z.output<typeof operand>

const number = deferredSchema(() => z.union([z.number(), z.strictObject({ param: z.string().min(1) })]))

/** A regular expression; a leading `(?i)`, as Go and Python write it, makes it case-insensitive. */
function compilePattern(source: string): RegExp {
  return source.startsWith('(?i)') ? new RegExp(source.slice(4), 'i') : new RegExp(source)
}

/** A regular expression's source, refused when it does not compile (built inside a deferred schema). */
const patternSchema = () =>
  z.string().refine((s) => {
    try {
      compilePattern(s)
      return true
    } catch {
      return false
    }
  }, 'is not a valid regular expression')

const leafOperators = [
  'equals',
  'notEquals',
  'exists',
  'in',
  'notIn',
  'matches',
  'greaterOrEqual',
  'lessOrEqual',
  'cidrOpen',
  'portsInclude',
  'contains',
  'notEmpty',
] as const

const leafSchema = deferredSchema(() =>
  z
    .strictObject({
      /** Dotted path into the attributes; a block (a list of one object) is entered without `.0`. */
      attribute: z.string().min(1),
      /** The value the provider uses when the attribute is not set (`false` for most switches). */
      default: z.unknown().optional(),
      /**
       * `unknown` when an unset attribute means something decided elsewhere (a subnet's public-IP
       * setting): the subject is no-evidence instead of judged on a guess.
       */
      ifUnset: z.enum(['unknown']).optional(),
      equals: operand.optional(),
      notEquals: operand.optional(),
      exists: z.boolean().optional(),
      in: z.union([z.array(z.unknown()), z.strictObject({ param: z.string().min(1) })]).optional(),
      notIn: z.union([z.array(z.unknown()), z.strictObject({ param: z.string().min(1) })]).optional(),
      matches: patternSchema().optional(),
      greaterOrEqual: number.optional(),
      lessOrEqual: number.optional(),
      /** True when the value (a CIDR or a list of them) holds an address range open to the internet. */
      cidrOpen: z.boolean().optional(),
      /** True when the value (`"22"`, `"20-30"`, `"*"`, `22`, or a list of them) covers the port. */
      portsInclude: number.optional(),
      /** True when the value (a list or a string) contains this element. */
      contains: operand.optional(),
      notEmpty: z.boolean().optional(),
    })
    .refine((leaf) => leafOperators.filter((op) => op in leaf).length === 1, {
      message: `needs exactly one operator of ${leafOperators.join(', ')}`,
    }),
)
type Leaf = z.output<typeof leafSchema>

const portRangeSchema = deferredSchema(() =>
  z.strictObject({
    portInRange: z.strictObject({
      /** Attribute holding the first port of the range (`from_port`). */
      from: z.string().min(1),
      /** Attribute holding the last port (`to_port`). */
      to: z.string().min(1),
      port: number,
      /** Attribute holding the protocol: `-1`/`all` opens every port whatever the range says. */
      protocol: z.string().min(1).optional(),
    }),
  }),
)

const relationSchema = deferredSchema(() =>
  z.strictObject({
    /** The related resource types (`aws_s3_bucket_public_access_block`). */
    type: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    /** The attribute of the related resource that refers to this one (`bucket`). */
    via: z.string().min(1),
    /**
     * Attributes of this resource whose known value the related one may name instead of a reference
     * (an existing bucket's name in `bucket = "acme-logs"`).
     */
    matchOn: z.array(z.string().min(1)).default(['id', 'bucket', 'name', 'arn']),
    /** What a related resource must satisfy; without it, one existing is enough. */
    where: z.lazy((): z.ZodType<Condition> => conditionSchema).optional(),
  }),
)

const referenceSchema = deferredSchema(() =>
  z.strictObject({
    /** This resource's attribute that names the other (`role`, `route_table_id`, `gateway_id`). */
    attribute: z.string().min(1),
    /** The types it must refer to (`aws_iam_role`); a data source of the type counts too. */
    type: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    /**
     * A literal value that names a resource of the type outside this code (`^igw-` for an internet
     * gateway id written as text). Without it, a literal is looked up among the resources by name.
     */
    valueMatches: patternSchema().optional(),
    /** Attributes of the referred resource a literal value may equal (a role's `name`). */
    matchOn: z.array(z.string().min(1)).default(['id', 'name', 'arn', 'bucket']),
    /**
     * What the referred resource must satisfy. A reference that leads outside this code then makes
     * the subject no-evidence: what the other resource holds cannot be seen.
     */
    where: z.lazy((): z.ZodType<Condition> => conditionSchema).optional(),
  }),
)

export type Condition =
  | Leaf
  | z.output<typeof portRangeSchema>
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { someOf: string; where: Condition }
  | { everyOf: string; where: Condition }
  | { related: z.output<typeof relationSchema> }
  | { refersTo: z.output<typeof referenceSchema> }

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
    z.strictObject({ someOf: z.string().min(1), where: conditionSchema }),
    z.strictObject({ everyOf: z.string().min(1), where: conditionSchema }),
    z.strictObject({ related: relationSchema }),
    z.strictObject({ refersTo: referenceSchema }),
    portRangeSchema,
    leafSchema,
  ]),
)

const parameterValue = deferredSchema(() =>
  z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]),
)

/** A `rule.yaml`, as written. */
export const ruleSchema = deferredSchema(() =>
  z.strictObject({
    id: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'must be <provider>/<rule-name> in kebab-case'),
    title: z.string().min(10),
    description: z.string().min(20),
    remediation: z.string().min(10),
    severity: z.enum(severities),
    /** The catalog controls this rule tests (`data-protection.data-encrypted-at-rest`). */
    controls: z.array(z.string().regex(/^[a-z-]+\.[a-z0-9-]+$/, 'must be a control id')).min(1),
    /** The provider resource types it judges: `aws_rds_cluster`, or a list. */
    resource: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    /** Parameters with their defaults; trustctl.yaml `checks.<id>` overrides them. */
    parameters: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/), parameterValue).default({}),
    /** Which resources of the type the rule applies to; the others are not subjects. */
    when: conditionSchema.optional(),
    /** What must hold for a pass. */
    assert: conditionSchema,
  }),
)
export type Rule = z.output<typeof ruleSchema>

type Truth = true | false | 'unknown'

/**
 * A reason, or how to word it: most reasons are dropped (the other branch of an `any` decided), so
 * quoting a value waits until a message needs it.
 */
type Reason = string | (() => string)

const word = (reason: Reason): string => (typeof reason === 'string' ? reason : reason())

interface Verdict {
  truth: Truth
  /** What decided it, in words: `storage_encrypted is false`. */
  why: Reason[]
}

/** A resource's attributes as a condition sees them: values, unknown paths, and where it sits. */
interface Scope {
  values: unknown
  unknown: readonly string[]
  /** The dotted prefix of `values` inside the resource, for messages and unknown-path lookups. */
  prefix: string
  resource: RuleSubject
}

interface Env {
  params: Record<string, unknown>
  /** Every IaC resource, by type, for relations. */
  ofType: (type: string) => readonly RuleSubject[]
}

const show = (value: unknown): string => (value === undefined ? 'not set' : JSON.stringify(value))

/**
 * Resolves a dotted path. A block is a list of one object in Terraform's model; a path part that is
 * not a number enters such a list's only element, so rules read `versioning.enabled`.
 */
function resolve(scope: Scope, path: string): { value: unknown; concrete: string; unknown: boolean } {
  let current: unknown = scope.values
  const parts: string[] = []
  for (const part of path.split('.')) {
    // Policies and container definitions are JSON inside a string attribute: read into them.
    if (typeof current === 'string') current = parseJsonText(current)
    if (Array.isArray(current) && !/^\d+$/.test(part)) {
      if (current.length !== 1) {
        current = undefined
        break
      }
      parts.push('0')
      current = current[0]
    }
    parts.push(part)
    if (Array.isArray(current)) current = current[Number(part)]
    else if (current !== null && typeof current === 'object')
      current = (current as Record<string, unknown>)[part]
    else {
      current = undefined
      break
    }
  }
  const concrete = parts.join('.')
  // Unknown when the value, a block above it, or anything inside it is known only after apply: a
  // list with one unknown element may still hold the open CIDR.
  const unknown = scope.unknown.some(
    (u) => u === concrete || concrete.startsWith(`${u}.`) || u.startsWith(`${concrete}.`),
  )
  return { value: current, concrete, unknown }
}

const jsonTexts = new Map<string, unknown>()

/** The value of a JSON document held in a string, or undefined when the string is not one. */
function parseJsonText(text: string): unknown {
  const trimmed = text.trim()
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined
  if (jsonTexts.has(text)) return jsonTexts.get(text)
  let value: unknown
  try {
    value = JSON.parse(trimmed)
  } catch {
    value = undefined
  }
  if (jsonTexts.size > 1000) jsonTexts.clear()
  jsonTexts.set(text, value)
  return value
}

function operandValue(value: Operand, env: Env): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'param' in value) {
    const name = (value as { param: string }).param
    if (!(name in env.params)) throw new Error(`unknown parameter '${name}'`)
    return env.params[name]
  }
  return value
}

function sameValue(a: unknown, b: unknown): boolean {
  // Providers keep some switches as strings ("true") that source writes as values (true): the
  // provider reads both the same, so the rule does too.
  const scalar = (v: unknown) => typeof v === 'boolean' || typeof v === 'number'
  if ((typeof a === 'string' && scalar(b)) || (typeof b === 'string' && scalar(a)))
    return String(a) === String(b)
  return JSON.stringify(a) === JSON.stringify(b)
}

const openCidrs = new Set(['0.0.0.0/0', '::/0', '*', 'internet', 'any', '0.0.0.0'])

/** True when a port spec (`22`, `"22"`, `"20-30"`, `"*"`, a list of them) covers `port`. */
function portsCover(spec: unknown, port: number): boolean {
  if (Array.isArray(spec)) return spec.some((s) => portsCover(s, port))
  if (typeof spec === 'number') return spec === port
  if (typeof spec !== 'string') return false
  if (spec.trim() === '*' || spec.trim() === '') return spec.trim() === '*'
  const range = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(spec)
  if (range !== null) return Number(range[1]) <= port && port <= Number(range[2])
  return Number(spec) === port
}

function evaluateLeaf(leaf: Leaf, scope: Scope, env: Env): Verdict {
  const at = resolve(scope, leaf.attribute)
  const name = scope.prefix === '' ? leaf.attribute : `${scope.prefix}.${leaf.attribute}`
  if (at.unknown) {
    // An attribute written as a reference to another resource (`kms_key_id = aws_kms_key.x.arn`)
    // is unknown until apply, but it will be set: that much is known.
    const refs = scope.prefix === '' ? referencesOf(scope.resource)?.[leaf.attribute] : undefined
    // Asked only whether it is set, the reference answers either way (`exists: false` is false).
    const setQuestion = leaf.exists ?? leaf.notEmpty
    if (setQuestion !== undefined && refs !== undefined && refs.length > 0)
      return {
        truth: setQuestion,
        why: [`${name} is set from ${refs.join(', ')} (its value is known after apply)`],
      }
    return { truth: 'unknown', why: [`${name} is known only after apply`] }
  }
  const value = at.value === undefined || at.value === null ? leaf.default : at.value
  const set = value !== undefined && value !== null
  if (!set && leaf.ifUnset === 'unknown')
    return { truth: 'unknown', why: [`${name} is not set, so the value is decided outside this code`] }
  const why: Reason[] = [() => `${name} is ${show(value)}`]
  const verdict = (truth: boolean): Verdict => ({ truth, why })
  if ('exists' in leaf) return verdict(set === leaf.exists)
  if ('notEmpty' in leaf) {
    const filled =
      set &&
      !(typeof value === 'string' && value.trim() === '') &&
      !(Array.isArray(value) && value.length === 0) &&
      !(typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0)
    return verdict(filled === leaf.notEmpty)
  }
  if ('equals' in leaf) return verdict(sameValue(value, operandValue(leaf.equals, env)))
  if ('notEquals' in leaf) return verdict(!sameValue(value, operandValue(leaf.notEquals, env)))
  if ('in' in leaf || 'notIn' in leaf) {
    const list = operandValue('in' in leaf ? leaf.in : leaf.notIn, env)
    if (!Array.isArray(list)) throw new Error(`${leaf.attribute}: in/notIn needs a list`)
    const found = list.some((v) => sameValue(value, v))
    return verdict('in' in leaf ? found : !found)
  }
  if ('matches' in leaf) {
    // A list (IAM actions, log types) matches when one of its elements does.
    const pattern = compilePattern(leaf.matches ?? '')
    const list = Array.isArray(value) ? value : [value]
    return verdict(list.some((v) => typeof v === 'string' && pattern.test(v)))
  }
  if ('greaterOrEqual' in leaf || 'lessOrEqual' in leaf) {
    const limit = Number(operandValue('greaterOrEqual' in leaf ? leaf.greaterOrEqual : leaf.lessOrEqual, env))
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
    if (typeof n !== 'number' || Number.isNaN(n)) return verdict(false)
    return verdict('greaterOrEqual' in leaf ? n >= limit : n <= limit)
  }
  if ('cidrOpen' in leaf) {
    const list = Array.isArray(value) ? value : [value]
    const open = list.some((v) => typeof v === 'string' && openCidrs.has(v.trim().toLowerCase()))
    return verdict(open === leaf.cidrOpen)
  }
  if ('portsInclude' in leaf) return verdict(portsCover(value, Number(operandValue(leaf.portsInclude, env))))
  if ('contains' in leaf) {
    const wanted = operandValue(leaf.contains, env)
    if (Array.isArray(value)) return verdict(value.some((v) => sameValue(v, wanted)))
    return verdict(typeof value === 'string' && typeof wanted === 'string' && value.includes(wanted))
  }
  throw new Error(`${leaf.attribute}: no operator`)
}

function combine(verdicts: Verdict[], mode: 'all' | 'any'): Verdict {
  // One false decides `all`; one true decides `any`.
  const decisive = mode === 'any'
  const hit = verdicts.filter((v) => v.truth === decisive)
  if (hit.length > 0) return { truth: decisive, why: hit.flatMap((v) => v.why) }
  const unknown = verdicts.filter((v) => v.truth === 'unknown')
  if (unknown.length > 0) return { truth: 'unknown', why: unknown.flatMap((v) => v.why) }
  return { truth: !decisive, why: verdicts.flatMap((v) => v.why) }
}

function evaluateCondition(condition: Condition, scope: Scope, env: Env): Verdict {
  if ('all' in condition)
    return combine(
      condition.all.map((c) => evaluateCondition(c, scope, env)),
      'all',
    )
  if ('any' in condition)
    return combine(
      condition.any.map((c) => evaluateCondition(c, scope, env)),
      'any',
    )
  if ('not' in condition) {
    const inner = evaluateCondition(condition.not, scope, env)
    return { truth: inner.truth === 'unknown' ? 'unknown' : !inner.truth, why: inner.why }
  }
  if ('someOf' in condition || 'everyOf' in condition) return evaluateEach(condition, scope, env)
  if ('related' in condition) return evaluateRelated(condition.related, scope, env)
  if ('refersTo' in condition) return evaluateReference(condition.refersTo, scope, env)
  if ('portInRange' in condition) {
    const { from, to, port, protocol } = condition.portInRange
    const wanted = Number(operandValue(port, env))
    const p = protocol === undefined ? undefined : resolve(scope, protocol)
    if (
      p !== undefined &&
      !p.unknown &&
      (String(p.value) === '-1' || String(p.value).toLowerCase() === 'all')
    )
      return { truth: true, why: [`${protocol} is ${show(p.value)} (every port)`] }
    const a = resolve(scope, from)
    const b = resolve(scope, to)
    if (a.unknown || b.unknown || p?.unknown === true)
      return { truth: 'unknown', why: [`the port range (${from}–${to}) is known only after apply`] }
    const lo = Number(a.value)
    const hi = Number(b.value)
    const covers = !Number.isNaN(lo) && !Number.isNaN(hi) && lo <= wanted && wanted <= hi
    return { truth: covers, why: [() => `ports ${show(a.value)}–${show(b.value)}`] }
  }
  return evaluateLeaf(condition, scope, env)
}

function evaluateEach(
  condition: { someOf: string; where: Condition } | { everyOf: string; where: Condition },
  scope: Scope,
  env: Env,
): Verdict {
  const path = 'someOf' in condition ? condition.someOf : condition.everyOf
  const at = resolve(scope, path)
  const name = scope.prefix === '' ? path : `${scope.prefix}.${path}`
  // A known list with unknown parts inside is walked: each element answers for what it knows.
  if (at.unknown && !Array.isArray(at.value))
    return { truth: 'unknown', why: [`${name} is known only after apply`] }
  const list = Array.isArray(at.value)
    ? at.value
    : at.value === undefined || at.value === null
      ? []
      : [at.value]
  const verdicts = list.map((element, i) => {
    const inner = `${at.concrete}.${i}.`
    const unknown = scope.unknown.filter((u) => u.startsWith(inner)).map((u) => u.slice(inner.length))
    return evaluateCondition(
      condition.where,
      { values: element, unknown, prefix: `${name}[${i}]`, resource: scope.resource },
      env,
    )
  })
  if (verdicts.length === 0) {
    const why = [`${name} is empty`]
    return { truth: 'everyOf' in condition, why }
  }
  return combine(verdicts, 'someOf' in condition ? 'any' : 'all')
}

const folderOf = (file: string): string => file.slice(0, Math.max(0, file.lastIndexOf('/')))
const isTerraformSource = (file: string): boolean => /\.tf(\.json)?$/.test(file)

/**
 * Resources that can refer to each other: those of one plan, one template, or one Terraform module
 * read as source (the `.tf` files of one folder, whose addresses are unique across its files), so a
 * bucket in `s3.tf` and its public-access block in `s3-policies.tf` are related. Two plans in one
 * folder stay apart: the same address in each is a different resource.
 */
function sameModule(a: string, b: string): boolean {
  return a === b || (isTerraformSource(a) && isTerraformSource(b) && folderOf(a) === folderOf(b))
}

/** Related resources: those whose `via` attribute refers to this resource (or names it by value). */
function evaluateRelated(relation: z.output<typeof relationSchema>, scope: Scope, env: Env): Verdict {
  const self = scope.resource
  const types = typeof relation.type === 'string' ? [relation.type] : relation.type
  const names = relation.matchOn
    .map((key) => attributesOf(self)?.[key])
    .filter((v): v is string => typeof v === 'string' && v !== '')
  const related = types
    .flatMap((t) => env.ofType(t))
    .filter((r) => sameModule(r.file, self.file))
    .filter((r) => {
      const refs = referencesOf(r)?.[relation.via]
      if (refs !== undefined && refs.length > 0) return isNamed(refs, self)
      const value = attributesOf(r)?.[relation.via]
      return typeof value === 'string' && names.includes(value)
    })
  const label = types.join(' or ')
  if (related.length === 0) return { truth: false, why: [`no ${label} refers to it`] }
  if (relation.where === undefined) return { truth: true, why: [`${related[0]?.name} refers to it`] }
  const where = relation.where
  const verdicts = related.map((r) => {
    const v = evaluateCondition(
      where,
      { values: attributesOf(r) ?? {}, unknown: unknownOf(r), prefix: '', resource: r },
      env,
    )
    return { truth: v.truth, why: v.why.map((w) => () => `${r.name}: ${word(w)}`) }
  })
  return combine(verdicts, 'any')
}

/** `aws_iam_role` of `module.app.aws_iam_role.this["a"]` or `data.aws_iam_role.x`. */
function typeOfAddress(address: string): string | undefined {
  const parts = address.replace(/\[[^\]]*\]/g, '').split('.')
  return parts.length >= 2 ? parts[parts.length - 2] : undefined
}

/**
 * Resources this one refers to through `attribute`: by the references the configuration wrote, or
 * by a literal value equal to a resource's name or id. Inside a block (`route[0]`) the references
 * are known only for the whole block, so they decide only when all of them agree.
 */
function evaluateReference(reference: z.output<typeof referenceSchema>, scope: Scope, env: Env): Verdict {
  const types = typeof reference.type === 'string' ? [reference.type] : reference.type
  const label = types.join(' or ')
  const name = scope.prefix === '' ? reference.attribute : `${scope.prefix}.${reference.attribute}`
  const at = resolve(scope, reference.attribute)
  const topLevel = (scope.prefix.split(/[.[]/)[0] ?? '') || reference.attribute
  const refs = referencesOf(scope.resource)?.[topLevel] ?? []
  let targets: RuleSubject[]
  if (at.unknown) {
    if (refs.length === 0) return { truth: 'unknown', why: [`${name} is known only after apply`] }
    const ofType = refs.filter((r) => types.includes(typeOfAddress(r) ?? ''))
    if (ofType.length === 0)
      return { truth: false, why: [`${name} refers to ${refs.join(', ')}, not a ${label}`] }
    // A block's references cover all its elements: with others among them, this one may be either.
    if (scope.prefix !== '' && ofType.length < refs.length)
      return { truth: 'unknown', why: [`cannot tell which of ${refs.join(', ')} ${name} refers to`] }
    if (reference.where === undefined) return { truth: true, why: [`${name} refers to ${ofType.join(', ')}`] }
    targets = types
      .flatMap((t) => env.ofType(t))
      .filter((r) => sameModule(r.file, scope.resource.file) && isNamed(ofType, r))
    if (targets.length < ofType.length)
      return {
        truth: 'unknown',
        why: [`${name} refers to ${ofType.join(', ')}, which this code does not declare`],
      }
  } else {
    const value = at.value
    if (value === undefined || value === null) return { truth: false, why: [`${name} is not set`] }
    if (typeof value !== 'string') return { truth: false, why: [() => `${name} is ${show(value)}`] }
    if (reference.valueMatches !== undefined && compilePattern(reference.valueMatches).test(value))
      return reference.where === undefined
        ? { truth: true, why: [`${name} is ${show(value)}, a ${label}`] }
        : { truth: 'unknown', why: [`${name} names ${value}, which this code does not declare`] }
    targets = types
      .flatMap((t) => env.ofType(t))
      .filter((r) => sameModule(r.file, scope.resource.file))
      .filter((r) => reference.matchOn.some((key) => attributesOf(r)?.[key] === value))
    if (targets.length === 0)
      return reference.where === undefined
        ? { truth: false, why: [`${name} is ${show(value)}, no ${label} of this code`] }
        : { truth: 'unknown', why: [`${name} names ${value}, which this code does not declare`] }
    if (reference.where === undefined) return { truth: true, why: [`${name} names ${targets[0]?.name}`] }
  }
  const where = reference.where
  return combine(
    targets.map((r) => {
      const v = evaluateCondition(
        where,
        { values: attributesOf(r) ?? {}, unknown: unknownOf(r), prefix: '', resource: r },
        env,
      )
      return { truth: v.truth, why: v.why.map((w) => () => `${r.name}: ${word(w)}`) }
    }),
    'any',
  )
}

/** The schema of a rule without parameters (most rules): one, shared, as zod schemas never change. */
let noParameters: z.ZodObject | undefined

/** The zod schema of a rule's parameters, typed from their defaults. */
function parameterSchema(parameters: Rule['parameters']): z.ZodObject {
  // Building a schema per rule was half of compiling the 250 rules that take none.
  if (Object.keys(parameters).length === 0) {
    noParameters ??= z.strictObject({})
    return noParameters
  }
  const shape: Record<string, z.ZodType> = {}
  for (const [name, value] of Object.entries(parameters)) {
    shape[name] = Array.isArray(value)
      ? z.array(z.string()).default(value)
      : typeof value === 'number'
        ? z.number().default(value)
        : typeof value === 'boolean'
          ? z.boolean().default(value)
          : z.string().default(value)
  }
  return z.strictObject(shape)
}

const scopeOf = (r: RuleSubject): Scope => ({
  values: attributesOf(r) ?? {},
  unknown: unknownOf(r),
  prefix: '',
  resource: r,
})

function judge(rule: Rule, r: RuleSubject, env: Env, result: ResultBuilder): Outcome | undefined {
  // Source without attributes (CloudFormation tags only) cannot be judged by a rule: say so.
  if (attributesOf(r) === undefined)
    return result.undetermined(r, `the reader of ${r.file} keeps no attributes of ${r.resourceKind}`)
  if (rule.when !== undefined) {
    const applies = evaluateCondition(rule.when, scopeOf(r), env)
    if (applies.truth === false) return undefined
    if (applies.truth === 'unknown')
      return result.undetermined(
        r,
        `cannot tell whether the rule applies: ${applies.why.map(word).join('; ')}`,
      )
  }
  const verdict = evaluateCondition(rule.assert, scopeOf(r), env)
  const why = verdict.why.map(word).join('; ')
  if (verdict.truth === 'unknown') return result.undetermined(r, `cannot tell: ${why}`)
  return verdict.truth ? result.pass(r, why) : result.fail(r, why)
}

// Every rule of a run reads the same list: index it once per snapshot, not once per rule.
const typeIndexes = new WeakMap<readonly RuleSubject[], Map<string, RuleSubject[]>>()

function indexByType(resources: readonly RuleSubject[]): ReadonlyMap<string, readonly RuleSubject[]> {
  let index = typeIndexes.get(resources)
  if (index === undefined) {
    const built = new Map<string, RuleSubject[]>()
    index = built
    const add = (type: string, r: RuleSubject): void => {
      const list = built.get(type)
      if (list === undefined) built.set(type, [r])
      else list.push(r)
    }
    for (const r of resources) {
      add(r.resourceKind, r)
      // A CloudFormation resource read under Terraform's attribute names is judged by that type's rules.
      if (r.kind === 'iac.resource' && r.equivalentType !== undefined) add(r.equivalentType, r)
    }
    typeIndexes.set(resources, index)
  }
  return index
}

/** Compiles a validated rule into a Check the engine runs like any other. */
export function compileRule(rule: Rule): Check {
  const types = new Set(typeof rule.resource === 'string' ? [rule.resource] : rule.resource)
  return {
    id: rule.id,
    title: rule.title,
    description: rule.description,
    remediation: rule.remediation,
    severity: rule.severity,
    // Only the kinds its types come from, so a Kubernetes rule on an estate with no manifests is
    // no-evidence, not not-applicable.
    reads: [
      ...([...types].some((t) => !isKubernetesKind(t)) ? (['iac.resource'] as const) : []),
      ...([...types].some(isKubernetesKind) ? (['k8s.resource'] as const) : []),
    ],
    params: parameterSchema(rule.parameters),
    controls: rule.controls,
    judgesResources: true,
    evaluate({ evidence, params, result }) {
      const iac = indexByType(evidence['iac.resource'])
      const k8s = indexByType(evidence['k8s.resource'])
      const ofType = (t: string) => (isKubernetesKind(t) ? k8s : iac).get(t) ?? []
      const env: Env = { params, ofType }
      return [...types].flatMap((t) => ofType(t)).flatMap((r) => judge(rule, r, env, result) ?? [])
    },
  }
}
