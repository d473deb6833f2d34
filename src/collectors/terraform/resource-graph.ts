/**
 * The common model every infrastructure-as-code reader produces (Terraform plan, Terraform source,
 * CloudFormation): resources with their known values, the attribute paths that are unknown, and the
 * references between them. The AWS mapping works on this model only, so it is written once.
 */

/** A reference from one attribute to another resource, as configuration expresses it. */
export interface ResourceReference {
  /** Configuration address of the target, without instance keys: `module.logs.aws_s3_bucket.this`. */
  target: string
  /**
   * Which instance of the target: an explicit key (`aws_s3_bucket.b[0]`), `same` when the key is the
   * referrer's own (`count.index`, `each.key`), or undefined when none is written.
   */
  key?: string | number | 'same'
}

export interface GraphResource {
  /** Full address with module and instance keys: `module.logs.aws_s3_bucket.this["audit"]`. */
  address: string
  /** Address without any instance keys, as configuration names it. */
  configAddress: string
  /** The module instance path (`module.a["x"].module.b`), empty for the root module. */
  moduleAddress: string
  type: string
  name: string
  /** The `count` index or `for_each` key of this instance. */
  key?: string | number
  mode: 'managed' | 'data'
  /** Values known before apply; sensitive values are already removed. */
  values: Record<string, unknown>
  /** Attribute paths whose value is unknown until apply or could not be resolved, dotted (`rule.0.x`). */
  unknown: string[]
  /** Top-level attribute name → the resources its expression references. */
  references: Record<string, ResourceReference[]>
  /**
   * Top-level attributes and blocks written in configuration, when known. An attribute the provider
   * computes when unset (a bucket's inline encryption, a group's inline rules) is unknown in a plan
   * only because nothing was written.
   */
  configured?: string[]
  file: string
  line?: number
  /** The AWS region of the provider configuration the resource uses, when known statically. */
  region?: string
}

/** Resources by type, with lookups across references; built once per plan, folder or template. */
export class ResourceGraph {
  readonly resources: readonly GraphResource[]
  /**
   * Resources read into another resource's evidence item (a bucket's versioning, a group's rule
   * resources, a policy's attachments) → the name of that item, so coverage counts them with it.
   */
  readonly readInto = new Map<GraphResource, string>()
  private readonly byConfigAddress = new Map<string, GraphResource[]>()

  constructor(resources: readonly GraphResource[]) {
    this.resources = resources
    for (const r of resources) {
      const list = this.byConfigAddress.get(r.configAddress) ?? []
      list.push(r)
      this.byConfigAddress.set(r.configAddress, list)
    }
  }

  ofType(type: string): GraphResource[] {
    return this.resources.filter((r) => r.type === type && r.mode === 'managed')
  }

  /**
   * The resources of `types` that `from.attribute` points at: through configuration references
   * first (they hold while ids are unknown at plan time), then by known value (an existing bucket's
   * name in `bucket = "acme-logs"`) against the target attributes named in `matchOn`.
   */
  targets(
    from: GraphResource,
    attribute: string,
    types: readonly string[],
    matchOn: readonly string[] = ['id'],
  ): GraphResource[] {
    const found = new Set<GraphResource>()
    for (const ref of from.references[attribute] ?? []) {
      const candidates = (this.byConfigAddress.get(ref.target) ?? []).filter((c) => types.includes(c.type))
      for (const c of pickInstances(from, ref, candidates)) found.add(c)
    }
    if (found.size > 0) return [...found]
    const value = from.values[attribute]
    const wanted = typeof value === 'string' ? [value] : Array.isArray(value) ? value : []
    for (const v of wanted) {
      if (typeof v !== 'string' || v === '') continue
      for (const type of types)
        for (const candidate of this.ofType(type))
          if (matchOn.some((key) => candidate.values[key] === v)) found.add(candidate)
    }
    return [...found]
  }

  /**
   * Every attribute's references resolved to resource addresses (any type), for the generic
   * resource model that declarative rules read.
   */
  resolvedReferences(from: GraphResource): Record<string, string[]> {
    const out: Record<string, string[]> = {}
    for (const [attribute, refs] of Object.entries(from.references)) {
      const addresses = new Set<string>()
      for (const ref of refs)
        for (const c of pickInstances(from, ref, this.byConfigAddress.get(ref.target) ?? []))
          addresses.add(c.address)
      if (addresses.size > 0) out[attribute] = [...addresses]
    }
    return out
  }

  /** Resources of `types` whose `attribute` points at `target` (the reverse of `targets`). */
  referrers(
    target: GraphResource,
    types: readonly string[],
    attribute: string,
    matchOn: readonly string[] = ['id'],
  ): GraphResource[] {
    const found = types
      .flatMap((type) => this.ofType(type))
      .filter((r) => this.targets(r, attribute, [target.type], matchOn).includes(target))
    for (const r of found) if (!this.readInto.has(r)) this.readInto.set(r, target.address)
    return found
  }
}

/** Picks the target instances a reference means, given count/for_each keys on either side. */
function pickInstances(
  from: GraphResource,
  ref: ResourceReference,
  candidates: GraphResource[],
): GraphResource[] {
  // Inside a module instance, prefer targets in the same module instance.
  const sameModule = candidates.filter((c) => c.moduleAddress === from.moduleAddress)
  const pool = sameModule.length > 0 ? sameModule : candidates
  if (ref.key === 'same') return pool.filter((c) => c.key === from.key)
  if (ref.key !== undefined) return pool.filter((c) => c.key === ref.key)
  if (pool.length === 1) return pool
  // `aws_s3_bucket.b.id` on a counted resource is an error in Terraform; on several instances it
  // can only mean the instance with the referrer's own key.
  const same = pool.filter((c) => c.key !== undefined && c.key === from.key)
  return same
}

/** Reads a value at a dotted path (`rule.0.apply_server_side_encryption_by_default.0.sse_algorithm`). */
export function valueAt(values: unknown, path: string): unknown {
  let current: unknown = values
  for (const part of path.split('.')) {
    if (Array.isArray(current)) current = current[Number(part)]
    else if (current !== null && typeof current === 'object')
      current = (current as Record<string, unknown>)[part]
    else return undefined
  }
  return current
}

/** True when the value at `path` is unknown as a whole (it, or a block above it, is unknown). */
export function isUnknown(resource: GraphResource, path: string): boolean {
  return resource.unknown.some((u) => u === path || path.startsWith(`${u}.`))
}

/** True when the value at `path` or any part inside it is unknown. */
export function hasUnknown(resource: GraphResource, path: string): boolean {
  return isUnknown(resource, path) || resource.unknown.some((u) => u.startsWith(`${path}.`))
}

/** Strips instance keys from an address: `module.a["x"].aws_s3_bucket.b[0]` → `module.a.aws_s3_bucket.b`. */
export function stripKeys(address: string): string {
  return address.replace(/\[(?:"(?:[^"\\]|\\.)*"|\d+)\]/g, '')
}

/** The module instance part of a resource address (`module.a["x"]` of `module.a["x"].aws_s3_bucket.b`). */
export function moduleOf(address: string): string {
  const parts = splitAddress(address)
  const out: string[] = []
  for (let i = 0; i + 1 < parts.length && parts[i] === 'module'; i += 2) out.push(`module.${parts[i + 1]}`)
  return out.join('.')
}

/** Splits an address on dots outside brackets and quotes. */
function splitAddress(address: string): string[] {
  const parts: string[] = []
  let current = ''
  let depth = 0
  let quoted = false
  for (let i = 0; i < address.length; i++) {
    const ch = address[i] as string
    if (quoted) {
      current += ch
      if (ch === '\\') current += address[++i] ?? ''
      else if (ch === '"') quoted = false
      continue
    }
    if (ch === '"') quoted = true
    if (ch === '[') depth++
    if (ch === ']') depth--
    if (ch === '.' && depth === 0) {
      parts.push(current)
      current = ''
    } else current += ch
  }
  parts.push(current)
  return parts
}
