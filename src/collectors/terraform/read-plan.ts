import type { IacChange, IacChangeAction } from '../../core/evidence-iac.js'
import { jsonDepth, maxJsonDepth } from '../../core/json-depth.js'
import { type GraphResource, moduleOf, type ResourceReference, stripKeys } from './resource-graph.js'

/**
 * Reads the JSON that `terraform show -json <planfile>` prints (and the state JSON `terraform show
 * -json` prints without a plan): planned values of every module, resource changes, what stays
 * unknown until apply, and the configuration references that tie resources together while their
 * ids are still unknown. Sensitive values are dropped here and never stored.
 */

/** Thrown for a file that is not a plan Terraform can have printed; the message names the place. */
export class PlanFormatError extends Error {
  readonly line: number | undefined
  constructor(message: string, line?: number) {
    super(message)
    this.line = line
  }
}

export interface ReadPlan {
  terraformVersion?: string
  formatVersion: string
  resources: GraphResource[]
  changes: IacChange[]
}

type Json = Record<string, unknown>

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v)
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
const asObject = (v: unknown): Json => (isObject(v) ? v : {})

/** Plan and state JSON format versions Terraform has printed: 0.1–0.2 (0.12–0.15) and 1.x (1.0 on). */
const supportedMajors = new Set(['0', '1'])

/** Parses plan text; `file` names it in errors and evidence. */
export function readPlan(text: string, file: string): ReadPlan {
  const doc = parseJson(text)
  if (!isObject(doc)) throw new PlanFormatError('not a Terraform plan: the top level is not a JSON object')
  const formatVersion = doc.format_version
  if (typeof formatVersion !== 'string') {
    const looksLikeTrivy = 'SchemaVersion' in doc || 'Results' in doc
    throw new PlanFormatError(
      looksLikeTrivy
        ? 'not a Terraform plan: this looks like a Trivy report (use type: trivy)'
        : 'not a Terraform plan: format_version is missing (expected the output of `terraform show -json <planfile>`)',
    )
  }
  const major = formatVersion.split('.')[0] ?? ''
  if (!supportedMajors.has(major))
    throw new PlanFormatError(
      `format_version "${formatVersion}" is not supported (trustctl reads plan format 0.x and 1.x, printed by Terraform 0.12 to 1.x)`,
    )
  const terraformVersion = typeof doc.terraform_version === 'string' ? doc.terraform_version : undefined
  const isPlan = 'planned_values' in doc || 'resource_changes' in doc
  const isState = isObject(doc.values)
  if (!isPlan && !isState)
    throw new PlanFormatError('not a Terraform plan: it has neither planned_values nor resource_changes')

  const changes = new Map<string, Json>()
  for (const [i, rc] of asArray(doc.resource_changes).entries()) {
    if (!isObject(rc) || typeof rc.address !== 'string')
      throw new PlanFormatError(`resource_changes[${i}]: an address is missing`)
    changes.set(rc.address, rc)
  }
  const configuration = asObject(doc.configuration)
  const config = new PlanConfiguration(
    asObject(configuration.root_module),
    asObject(configuration.provider_config),
    asObject(doc.variables),
  )
  const resources: GraphResource[] = []
  const root = isPlan
    ? asObject(asObject(doc.planned_values).root_module)
    : asObject(asObject(doc.values).root_module)
  collectModule(root, 'planned_values.root_module', file, changes, config, resources)
  // Data sources read while planning (aws_iam_policy_document…) live in prior_state only.
  const seen = new Set(resources.map((r) => r.address))
  const prior: GraphResource[] = []
  collectModule(
    asObject(asObject(asObject(doc.prior_state).values).root_module),
    'prior_state',
    file,
    new Map(),
    config,
    prior,
  )
  for (const r of prior) if (r.mode === 'data' && !seen.has(r.address)) resources.push(r)

  const result: ReadPlan = {
    formatVersion,
    resources,
    changes: [...changes.values()].flatMap((rc) => toChange(rc, file)),
  }
  if (terraformVersion !== undefined) result.terraformVersion = terraformVersion
  return result
}

function parseJson(text: string): unknown {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const position = /position (\d+)/.exec(message)?.[1]
    const line = position === undefined ? undefined : text.slice(0, Number(position)).split('\n').length
    throw new PlanFormatError(`invalid JSON: ${message}`, line ?? text.split('\n').length)
  }
  if (jsonDepth(parsed) > maxJsonDepth)
    throw new PlanFormatError(`nested more than ${maxJsonDepth} levels deep: not a plan trustctl reads`, 1)
  return parsed
}

function collectModule(
  module: Json,
  where: string,
  file: string,
  changes: Map<string, Json>,
  config: PlanConfiguration,
  out: GraphResource[],
): void {
  for (const [i, raw] of asArray(module.resources).entries()) {
    if (!isObject(raw) || typeof raw.address !== 'string' || typeof raw.type !== 'string')
      throw new PlanFormatError(`${where}.resources[${i}]: address or type is missing`)
    const address = raw.address
    const change = asObject(changes.get(address)?.change)
    const values = withoutSensitive(asObject(raw.values), raw.sensitive_values ?? change.after_sensitive)
    const unknown: string[] = []
    unknownPaths(change.after_unknown, '', unknown)
    const mode = raw.mode === 'data' ? 'data' : 'managed'
    const resource: GraphResource = {
      address,
      configAddress: stripKeys(address),
      moduleAddress: moduleOf(address),
      type: raw.type,
      name: typeof raw.name === 'string' ? raw.name : address,
      mode,
      values,
      unknown,
      references: config.referencesOf(stripKeys(address)),
      file,
    }
    const configured = config.configuredOf(stripKeys(address))
    if (configured !== undefined) resource.configured = configured
    const region = config.regionOf(stripKeys(address))
    if (region !== undefined) resource.region = region
    if (typeof raw.index === 'string' || typeof raw.index === 'number') resource.key = raw.index
    out.push(resource)
  }
  for (const [i, child] of asArray(module.child_modules).entries())
    collectModule(asObject(child), `${where}.child_modules[${i}]`, file, changes, config, out)
}

/** Walks `after_unknown`: `true` marks a value Terraform knows only after apply. */
function unknownPaths(mask: unknown, prefix: string, out: string[]): void {
  if (mask === true) {
    if (prefix !== '') out.push(prefix)
    return
  }
  const entries = Array.isArray(mask)
    ? mask.map((v, i) => [String(i), v] as const)
    : Object.entries(asObject(mask))
  for (const [k, v] of entries) unknownPaths(v, prefix === '' ? k : `${prefix}.${k}`, out)
}

/** A copy of `values` without what `mask` (`sensitive_values`/`after_sensitive`) marks as sensitive. */
function withoutSensitive(values: unknown, mask: unknown): Json {
  return asObject(redact(values, mask))
}

function redact(value: unknown, mask: unknown): unknown {
  if (mask === true) return undefined
  if (Array.isArray(value)) {
    const m = Array.isArray(mask) ? mask : []
    return value.map((v, i) => redact(v, m[i]))
  }
  if (isObject(value)) {
    const m = asObject(mask)
    const out: Json = {}
    for (const [k, v] of Object.entries(value)) {
      const kept = redact(v, m[k])
      if (kept !== undefined) out[k] = kept
    }
    return out
  }
  return value
}

const knownActions = new Set<IacChangeAction>(['create', 'read', 'update', 'delete', 'no-op', 'forget'])

function toChange(rc: Json, file: string): IacChange[] {
  const address = String(rc.address)
  if (rc.mode === 'data') return []
  const change = asObject(rc.change)
  const actions = asArray(change.actions).filter((a): a is IacChangeAction =>
    knownActions.has(a as IacChangeAction),
  )
  const item: IacChange = {
    kind: 'iac.change',
    resourceKind: typeof rc.type === 'string' ? rc.type : 'unknown',
    name: address,
    file,
    actions,
  }
  if (typeof rc.action_reason === 'string') item.actionReason = rc.action_reason
  const replacePaths = asArray(change.replace_paths).map((p) => asArray(p).map(String).join('.'))
  if (replacePaths.length > 0) item.replacePaths = replacePaths
  const before = tagsOf(withoutSensitive(change.before, change.before_sensitive))
  const after = tagsOf(withoutSensitive(change.after, change.after_sensitive))
  if (before !== undefined) item.tagsBefore = before
  if (after !== undefined) item.tagsAfter = after
  return [item]
}

/** `tags_all` (provider default tags merged in) or `tags`, string values only. */
export function tagsOf(values: Json): Record<string, string> | undefined {
  const raw = isObject(values.tags_all) ? values.tags_all : isObject(values.tags) ? values.tags : undefined
  if (raw === undefined) return undefined
  const tags: Record<string, string> = {}
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') tags[k] = v
  return tags
}

/**
 * The `configuration` section: expressions of every resource, module call and output, indexed by
 * configuration address, so a reference can be followed through `var.` and `module.` hops.
 */
class PlanConfiguration {
  private readonly modules = new Map<string, Json>()

  constructor(
    root: Json,
    private readonly providers: Json,
    private readonly variables: Json,
  ) {
    this.index(root, '')
  }

  /** The region of the provider configuration a resource uses: a literal or a root variable's value. */
  regionOf(configAddress: string): string | undefined {
    const key = this.resourceAt(configAddress)?.provider_config_key
    const region = asObject(
      asObject(asObject(this.providers[typeof key === 'string' ? key : 'aws']).expressions).region,
    )
    if (typeof region.constant_value === 'string') return region.constant_value
    const [ref] = asArray(region.references)
    const name = typeof ref === 'string' ? /^var\.([\w-]+)$/.exec(ref)?.[1] : undefined
    const value = name === undefined ? undefined : asObject(this.variables[name]).value
    return typeof value === 'string' ? value : undefined
  }

  private index(module: Json, path: string): void {
    this.modules.set(path, module)
    for (const [name, call] of Object.entries(asObject(module.module_calls)))
      this.index(asObject(asObject(call).module), path === '' ? `module.${name}` : `${path}.module.${name}`)
  }

  private resourceAt(configAddress: string): Json | undefined {
    const modulePath = moduleOf(configAddress)
    const local = configAddress.slice(modulePath === '' ? 0 : modulePath.length + 1)
    const found = asArray(this.modules.get(modulePath)?.resources).find(
      (r) => isObject(r) && r.address === local,
    )
    return isObject(found) ? found : undefined
  }

  /** The attributes and blocks the configuration writes for a resource; undefined without configuration. */
  configuredOf(configAddress: string): string[] | undefined {
    const resource = this.resourceAt(configAddress)
    return resource === undefined ? undefined : Object.keys(asObject(resource.expressions))
  }

  /** Attribute → referenced resources for the resource at `configAddress`. */
  referencesOf(configAddress: string): Record<string, ResourceReference[]> {
    const modulePath = moduleOf(configAddress)
    const resource = this.resourceAt(configAddress)
    if (resource === undefined) return {}
    const forEachTargets = this.follow(collectRefs(resource.for_each_expression), modulePath, 0)
    const out: Record<string, ResourceReference[]> = {}
    for (const [attribute, expression] of Object.entries(asObject(resource.expressions))) {
      const raw = collectRefs(expression)
      const refs = this.follow(raw, modulePath, 0)
      // `for_each = aws_s3_bucket.b` with `bucket = each.value.id`: the instance with the same key.
      if (raw.some((r) => r === 'each.value' || r.startsWith('each.value.')))
        refs.push(...forEachTargets.map((t) => ({ target: t.target, key: 'same' as const })))
      if (refs.length > 0) out[attribute] = refs
    }
    return out
  }

  /** Turns raw reference strings into resource references, following var. and module. hops. */
  private follow(raw: string[], modulePath: string, depth: number): ResourceReference[] {
    if (depth > 10) return []
    const sameKey = raw.some((r) => r === 'count.index' || r === 'each.key' || r.startsWith('each.'))
    const prefix = modulePath === '' ? '' : `${modulePath}.`
    const out: ResourceReference[] = []
    const seen = new Set<string>()
    for (const ref of raw) {
      const parsed = parseReference(ref)
      if (parsed === undefined) continue
      if (parsed.kind === 'var') {
        out.push(...this.followVariable(parsed.name, modulePath, depth))
        continue
      }
      if (parsed.kind === 'output') {
        out.push(...this.followOutput(`${prefix}module.${parsed.module}`, parsed.name, depth))
        continue
      }
      const target = `${prefix}${parsed.target}`
      const id = `${target}#${String(parsed.key)}`
      // Terraform lists `x[0].id`, `x[0]` and `x`: keep the most specific.
      if (parsed.key === undefined && out.some((o) => o.target === target)) continue
      if (seen.has(id)) continue
      seen.add(id)
      const reference: ResourceReference = { target }
      const key = parsed.key ?? (sameKey ? 'same' : undefined)
      if (key !== undefined) reference.key = key
      const index = out.findIndex((o) => o.target === target && o.key === undefined)
      if (index >= 0 && reference.key !== undefined) out.splice(index, 1)
      out.push(reference)
    }
    return out
  }

  private followVariable(name: string, modulePath: string, depth: number): ResourceReference[] {
    if (modulePath === '') return []
    const parts = modulePath.split('.')
    const callName = parts[parts.length - 1] ?? ''
    const parentPath = parts.slice(0, -2).join('.')
    const parent = this.modules.get(parentPath)
    const call = asObject(asObject(parent?.module_calls)[callName])
    return this.follow(collectRefs(asObject(call.expressions)[name]), parentPath, depth + 1)
  }

  private followOutput(modulePath: string, name: string, depth: number): ResourceReference[] {
    const module = this.modules.get(modulePath)
    const output = asObject(asObject(module?.outputs)[name])
    return this.follow(collectRefs(output.expression), modulePath, depth + 1)
  }
}

/** Every `references` list inside an expression (nested blocks included). */
function collectRefs(expression: unknown): string[] {
  if (Array.isArray(expression)) return expression.flatMap(collectRefs)
  if (!isObject(expression)) return []
  if (Array.isArray(expression.references))
    return expression.references.filter((r): r is string => typeof r === 'string')
  return Object.entries(expression)
    .filter(([k]) => k !== 'constant_value')
    .flatMap(([, v]) => collectRefs(v))
}

type ParsedReference =
  | { kind: 'resource'; target: string; key?: string | number }
  | { kind: 'var'; name: string }
  | { kind: 'output'; module: string; name: string }

const ignoredRoots = new Set(['local', 'count', 'each', 'path', 'self', 'terraform'])

/** `aws_s3_bucket.b["x"].id` → target `aws_s3_bucket.b`, key `x`; `var.n`, `module.m.out` as such. */
export function parseReference(ref: string): ParsedReference | undefined {
  const match = /^(data\.)?([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)(\[(\d+|"(?:[^"\\]|\\.)*")\])?/.exec(ref)
  if (match === null) return undefined
  const [, data, first, second, , rawKey] = match
  if (first === undefined || second === undefined) return undefined
  if (data === undefined) {
    if (first === 'var') return { kind: 'var', name: second }
    if (first === 'module') {
      const output = /^module\.[\w-]+(?:\[[^\]]*\])?\.([A-Za-z_][\w-]*)/.exec(ref)?.[1]
      return output === undefined ? undefined : { kind: 'output', module: second, name: output }
    }
    if (ignoredRoots.has(first)) return undefined
  }
  const parsed: ParsedReference = { kind: 'resource', target: `${data ?? ''}${first}.${second}` }
  if (rawKey !== undefined)
    parsed.key = rawKey.startsWith('"') ? (JSON.parse(rawKey) as string) : Number(rawKey)
  return parsed
}
