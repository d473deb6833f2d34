import type { IacStateBackend } from '../../core/evidence-iac.js'
import {
  callFunction,
  functionCall,
  isPlainObject,
  literalOf,
  parseTraversal,
  ResourceValue,
  type Step,
  splitTemplate,
  traversalsIn,
  unknown,
} from './hcl-expression.js'
import type { GraphResource, ResourceReference } from './resource-graph.js'
import { taggableTypes } from './to-iac-resources.js'

/** A parsed `.tf` file: hcl2json's JSON plus the text, for line numbers. */
export interface HclFile {
  file: string
  text: string
  json: Record<string, unknown>
}

/** A value with the resources its expression referenced. */
interface Input {
  value: unknown
  refs: ResourceReference[]
}

interface Context {
  refs: ResourceReference[]
  each?: { key: unknown; value: unknown }
  countIndex?: number
  depth: number
}

interface Instance {
  key?: string | number
  each?: { key: unknown; value: unknown }
  countIndex?: number
}

type Body = Record<string, unknown>

/** Meta-arguments: Terraform's, not the provider's; never resource values. */
const metaArguments = new Set([
  'count',
  'for_each',
  'depends_on',
  'lifecycle',
  'provider',
  'provisioner',
  'connection',
  'dynamic',
])

const firstBody = (v: unknown): Body => {
  const first = Array.isArray(v) ? v[0] : v
  return isPlainObject(first) ? first : {}
}

/**
 * Loads the files of a called module: a local one (`source = "./modules/x"`) relative to the caller,
 * a remote one from where `terraform init` put it. `key` is the call path `a.b` Terraform records in
 * `.terraform/modules/modules.json`.
 */
export type ModuleLoader = (
  source: string,
  key: string,
) => Promise<{ files: HclFile[]; load: ModuleLoader } | undefined>

/**
 * One Terraform module (a folder of `.tf` files) evaluated statically, with its local child modules.
 * `prefix` is the module path (`module.archive`), empty for the root module.
 */
export class HclModule {
  private readonly variables = new Map<string, Body>()
  private readonly locals = new Map<string, unknown>()
  private readonly localCache = new Map<string, Promise<Input>>()
  private readonly resources = new Map<
    string,
    { mode: 'managed' | 'data'; type: string; name: string; body: Body; file: HclFile }
  >()
  private readonly moduleCalls = new Map<string, Body>()
  private readonly outputs = new Map<string, Body>()
  private readonly instanceCache = new Map<string, Promise<Instance[]>>()
  private readonly children = new Map<string, Promise<HclModule | undefined>>()
  private readonly providers: Body[] = []
  private readonly terraformBlocks: Body[] = []

  constructor(
    readonly files: readonly HclFile[],
    readonly prefix: string,
    private readonly inputs: ReadonlyMap<string, Input>,
    private readonly load: ModuleLoader,
  ) {
    for (const f of files) {
      const j = f.json
      for (const [name, blocks] of Object.entries(asRecord(j.variable)))
        this.variables.set(name, firstBody(blocks))
      for (const block of asArray(j.locals))
        for (const [k, v] of Object.entries(asRecord(block))) this.locals.set(k, v)
      for (const [mode, key] of [
        ['managed', 'resource'],
        ['data', 'data'],
      ] as const)
        for (const [type, byName] of Object.entries(asRecord(j[key])))
          for (const [name, blocks] of Object.entries(asRecord(byName)))
            this.resources.set(`${mode === 'data' ? 'data.' : ''}${type}.${name}`, {
              mode,
              type,
              name,
              body: firstBody(blocks),
              file: f,
            })
      for (const [name, blocks] of Object.entries(asRecord(j.module)))
        this.moduleCalls.set(name, firstBody(blocks))
      for (const [name, blocks] of Object.entries(asRecord(j.output)))
        this.outputs.set(name, firstBody(blocks))
      for (const [name, blocks] of Object.entries(asRecord(j.provider)))
        if (name === 'aws') for (const b of asArray(blocks)) if (isPlainObject(b)) this.providers.push(b)
      for (const block of asArray(j.terraform)) if (isPlainObject(block)) this.terraformBlocks.push(block)
    }
  }

  /** True when the module configures providers or a backend: it is applied on its own. */
  get isRoot(): boolean {
    return (
      this.providers.length > 0 ||
      this.terraformBlocks.some((t) => 'backend' in t || 'cloud' in t) ||
      this.files.some((f) => 'provider' in f.json)
    )
  }

  /** Every resource and data source instance of this module and its local child modules. */
  async graphResources(): Promise<GraphResource[]> {
    const out: GraphResource[] = []
    const defaultTags = await this.defaultTags()
    const regions = await this.providerRegions()
    for (const [address, r] of this.resources) {
      for (const instance of await this.instances(address)) {
        const ctx: Context = { refs: [], depth: 0 }
        if (instance.each !== undefined) ctx.each = instance.each
        if (instance.countIndex !== undefined) ctx.countIndex = instance.countIndex
        const values: Body = {}
        const references: Record<string, ResourceReference[]> = {}
        for (const [attr, raw] of Object.entries(r.body)) {
          if (metaArguments.has(attr)) continue
          const refs: ResourceReference[] = []
          values[attr] = await this.evaluate(raw, { ...ctx, refs })
          if (refs.length > 0) references[attr] = dedupe(refs)
        }
        // A dynamic block's content depends on its for_each: unknown as a whole.
        for (const name of Object.keys(asRecord(r.body.dynamic))) values[name] = unknown
        if (
          r.mode === 'managed' &&
          (taggableTypes.has(r.type) || 'tags' in values) &&
          defaultTags !== undefined
        )
          values.tags_all = mergeTags(defaultTags, values.tags)
        const unknownPaths: string[] = []
        const plain = toPlain(values, '', unknownPaths)
        const resource: GraphResource = {
          address: `${this.prefix === '' ? '' : `${this.prefix}.`}${address}${keySuffix(instance.key)}`,
          configAddress: this.qualify(address),
          moduleAddress: this.prefix,
          type: r.type,
          name: r.name,
          mode: r.mode,
          values: isPlainObject(plain) ? plain : {},
          unknown: unknownPaths,
          references,
          configured: Object.keys(r.body)
            .filter((k) => !metaArguments.has(k))
            .concat(Object.keys(asRecord(r.body.dynamic))),
          file: r.file.file,
        }
        if (instance.key !== undefined) resource.key = instance.key
        // `provider = aws.eu` is kept by hcl2json as the template "${aws.eu}".
        const alias =
          typeof r.body.provider === 'string' ? /aws\.([\w-]+)/.exec(r.body.provider)?.[1] : undefined
        const region = regions.get(alias ?? '')
        if (region !== undefined) resource.region = region
        const line = lineOf(r.file.text, r.mode === 'data' ? 'data' : 'resource', r.type, r.name)
        if (line !== undefined) resource.line = line
        out.push(resource)
      }
    }
    for (const name of this.moduleCalls.keys()) {
      const child = await this.child(name)
      if (child !== undefined) out.push(...(await child.graphResources()))
    }
    return out
  }

  /** Where this root module keeps state; undefined for a child module. */
  async stateBackend(folder: string, file: string): Promise<IacStateBackend | undefined> {
    if (!this.isRoot) return undefined
    const item: IacStateBackend = {
      kind: 'iac.state-backend',
      resourceKind: 'TerraformRootModule',
      name: folder,
      file,
      backend: 'local',
      settings: {},
      unknown: [],
    }
    for (const block of this.terraformBlocks) {
      const cloud = asArray(block.cloud)[0]
      if (isPlainObject(cloud)) item.backend = 'cloud'
      for (const [type, bodies] of Object.entries(asRecord(block.backend))) {
        item.backend = type
        for (const [k, raw] of Object.entries(firstBody(bodies))) {
          const v = await this.evaluate(raw, { refs: [], depth: 0 })
          if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
            // Credentials are never kept, even when someone wrote them in a backend block.
            if (!/key$|secret|token|password|sas|access/i.test(k) || k === 'kms_key_id' || k === 'key')
              item.settings[k] = v
          } else if (v === unknown) item.unknown.push(k)
        }
      }
    }
    const f = this.files.find((x) => /\b(backend|cloud)\s*"?[\w-]*"?\s*\{/.test(x.text)) ?? this.files[0]
    if (f !== undefined) {
      item.file = f.file
      const index = f.text.search(/\b(backend\s+"[\w-]+"|cloud)\s*\{/)
      if (index >= 0) item.line = f.text.slice(0, index).split('\n').length
    }
    return item
  }

  private qualify(address: string): string {
    return this.prefix === '' ? address : `${this.prefix}.${address}`
  }

  private async defaultTags(): Promise<unknown> {
    const provider = this.providers.find((p) => !('alias' in p)) ?? this.providers[0]
    if (provider === undefined) return this.inputs.get('__default_tags')?.value
    const block = firstBody(provider.default_tags)
    return 'tags' in block ? this.evaluate(block.tags, { refs: [], depth: 0 }) : undefined
  }

  /** Region of each AWS provider configuration by alias ('' for the default), when static. */
  private async providerRegions(): Promise<Map<string, string>> {
    const out = new Map<string, string>()
    for (const p of this.providers) {
      const region = await this.evaluate(p.region, { refs: [], depth: 0 })
      const alias = typeof p.alias === 'string' ? p.alias : ''
      if (typeof region === 'string') out.set(alias, region)
    }
    const inherited = this.inputs.get('__region')?.value
    if (!out.has('') && typeof inherited === 'string') out.set('', inherited)
    return out
  }

  private async child(name: string): Promise<HclModule | undefined> {
    let pending = this.children.get(name)
    if (pending === undefined) {
      pending = (async () => {
        const call = this.moduleCalls.get(name) ?? {}
        const source = call.source
        if (typeof source !== 'string') return undefined
        const key = [...this.prefix.matchAll(/module\.([^.]+)/g)]
          .map((m) => m[1])
          .concat(name)
          .join('.')
        const loaded = await this.load(source, key)
        if (loaded === undefined) return undefined
        const inputs = new Map<string, Input>()
        for (const [k, raw] of Object.entries(call)) {
          if (['source', 'version', 'count', 'for_each', 'providers', 'depends_on'].includes(k)) continue
          const refs: ResourceReference[] = []
          inputs.set(k, { value: await this.evaluate(raw, { refs, depth: 0 }), refs })
        }
        // Provider configurations (and their default tags) are inherited by child modules.
        inputs.set('__default_tags', { value: await this.defaultTags(), refs: [] })
        inputs.set('__region', { value: (await this.providerRegions()).get(''), refs: [] })
        return new HclModule(loaded.files, this.qualify(`module.${name}`), inputs, loaded.load)
      })()
      this.children.set(name, pending)
    }
    return pending
  }

  /** The instances of a resource: `count` and `for_each` expanded when their value is known. */
  private instances(address: string): Promise<Instance[]> {
    let cached = this.instanceCache.get(address)
    if (cached === undefined) {
      cached = (async (): Promise<Instance[]> => {
        const body = this.resources.get(address)?.body ?? {}
        if ('count' in body) {
          const n = await this.evaluate(body.count, { refs: [], depth: 0 })
          if (typeof n !== 'number') return [{}]
          return Array.from({ length: Math.max(0, Math.floor(n)) }, (_, i) => ({ key: i, countIndex: i }))
        }
        if ('for_each' in body) {
          const v = await this.evaluate(body.for_each, { refs: [], depth: 0 })
          if (v instanceof ResourceValue && v.key === undefined) {
            const local = this.prefix === '' ? v.target : v.target.slice(this.prefix.length + 1)
            const targets = this.resources.has(local) ? await this.instances(local) : []
            return targets.flatMap((t): Instance[] =>
              t.key === undefined
                ? []
                : [{ key: t.key, each: { key: t.key, value: new ResourceValue(v.target, t.key) } }],
            )
          }
          if (Array.isArray(v) && v.every((k) => typeof k === 'string'))
            return (v as string[]).map((k) => ({ key: k, each: { key: k, value: k } }))
          if (isPlainObject(v))
            return Object.entries(v).map(([k, value]) => ({ key: k, each: { key: k, value } }))
          return [{ each: { key: unknown, value: unknown } }]
        }
        return [{}]
      })()
      this.instanceCache.set(address, cached)
    }
    return cached
  }

  /** Evaluates a value as hcl2json gives it: literals as they are, strings as templates. */
  async evaluate(raw: unknown, ctx: Context): Promise<unknown> {
    if (ctx.depth > 20) return unknown
    if (typeof raw === 'string') return this.template(raw, ctx)
    if (Array.isArray(raw)) return Promise.all(raw.map((v) => this.evaluate(v, ctx)))
    if (isPlainObject(raw)) {
      const out: Body = {}
      for (const [k, v] of Object.entries(raw)) out[k] = await this.evaluate(v, ctx)
      return out
    }
    return raw
  }

  private async template(text: string, ctx: Context): Promise<unknown> {
    const parts = splitTemplate(text)
    if (parts === undefined) {
      await this.collectReferences(text, ctx)
      return unknown
    }
    const [only] = parts
    if (parts.length === 1 && only !== undefined && 'expression' in only)
      return this.expression(only.expression, ctx)
    let out = ''
    let known = true
    for (const part of parts) {
      if ('literal' in part) {
        out += part.literal
        continue
      }
      const v = await this.expression(part.expression, ctx)
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out += String(v)
      else known = false
    }
    return known ? out : unknown
  }

  private async expression(expression: string, ctx: Context): Promise<unknown> {
    const literal = literalOf(expression)
    if (literal !== undefined) return literal.value
    if (/^"[\s\S]*"$/.test(expression) && !expression.slice(1, -1).includes('"'))
      return this.template(expression.slice(1, -1), ctx)
    const traversal = parseTraversal(expression)
    if (traversal !== undefined) return this.traverse(traversal.root, traversal.steps, ctx)
    const call = functionCall(expression)
    if (call !== undefined) {
      const args = await parseArguments(call.args)
      if (args !== undefined) {
        const values = await Promise.all(args.map((a) => this.evaluate(a, { ...ctx, depth: ctx.depth + 1 })))
        return callFunction(call.name, values)
      }
    }
    await this.collectReferences(expression, ctx)
    return unknown
  }

  /** Records the references of an expression that cannot be evaluated (conditionals, for-loops…). */
  private async collectReferences(expression: string, ctx: Context): Promise<void> {
    for (const t of traversalsIn(expression)) {
      const parsed = parseTraversal(t)
      if (parsed !== undefined) await this.traverse(parsed.root, parsed.steps, ctx)
    }
  }

  private async traverse(root: string, steps: Step[], ctx: Context): Promise<unknown> {
    const [first, ...rest] = steps
    const name = first !== undefined && 'attr' in first ? first.attr : undefined
    switch (root) {
      case 'var': {
        if (name === undefined) return unknown
        const input = this.inputs.get(name)
        if (input !== undefined) {
          ctx.refs.push(...input.refs)
          return applySteps(input.value, rest)
        }
        const declared = this.variables.get(name)
        if (declared !== undefined && 'default' in declared)
          return applySteps(
            await this.evaluate(declared.default, { refs: ctx.refs, depth: ctx.depth + 1 }),
            rest,
          )
        return unknown
      }
      case 'local': {
        if (name === undefined || !this.locals.has(name)) return unknown
        let cached = this.localCache.get(name)
        if (cached === undefined) {
          const refs: ResourceReference[] = []
          cached = this.evaluate(this.locals.get(name), { refs, depth: ctx.depth + 1 }).then((value) => ({
            value,
            refs,
          }))
          this.localCache.set(name, cached)
        }
        const local = await cached
        ctx.refs.push(...local.refs)
        return applySteps(local.value, rest)
      }
      case 'each': {
        if (ctx.each === undefined) return unknown
        if (name === 'key') return ctx.each.key
        if (name !== 'value') return unknown
        const value = ctx.each.value
        if (value instanceof ResourceValue) {
          ctx.refs.push({ target: value.target, key: 'same' })
          return unknown
        }
        return applySteps(value, rest)
      }
      case 'count':
        return name === 'index' && ctx.countIndex !== undefined ? ctx.countIndex : unknown
      case 'module': {
        const output = rest[0]
        if (name === undefined || output === undefined || !('attr' in output)) return unknown
        const child = await this.child(name)
        if (child === undefined) return unknown
        const body = child.outputs.get(output.attr)
        if (body === undefined) return unknown
        return applySteps(
          await child.evaluate(body.value, { refs: ctx.refs, depth: ctx.depth + 1 }),
          rest.slice(1),
        )
      }
      case 'data': {
        const resourceName = rest[0]
        if (name === undefined || resourceName === undefined || !('attr' in resourceName)) return unknown
        return this.resourceReference(`data.${name}.${resourceName.attr}`, rest.slice(1), ctx)
      }
      case 'path':
      case 'terraform':
      case 'self':
        return unknown
      default:
        if (name === undefined) return unknown
        return this.resourceReference(`${root}.${name}`, rest, ctx)
    }
  }

  /** `aws_s3_bucket.b[0].bucket`: records the reference; the value when it is written literally. */
  private async resourceReference(address: string, steps: Step[], ctx: Context): Promise<unknown> {
    const resource = this.resources.get(address)
    if (resource === undefined) return unknown
    const reference: ResourceReference = { target: this.qualify(address) }
    let rest = steps
    const [first] = steps
    if (first !== undefined && 'index' in first) {
      const key = indexKey(first.index)
      if (key !== undefined) reference.key = key
      rest = steps.slice(1)
    }
    ctx.refs.push(reference)
    const [attr, ...after] = rest
    if (attr === undefined) return new ResourceValue(reference.target, reference.key)
    const counted = 'count' in resource.body || 'for_each' in resource.body
    if (counted || !('attr' in attr) || !(attr.attr in resource.body) || metaArguments.has(attr.attr))
      return unknown
    return applySteps(
      await this.evaluate(resource.body[attr.attr], { refs: [], depth: ctx.depth + 1 }),
      after,
    )
  }
}

/** Parses the argument list of a function call with the HCL parser itself. */
async function parseArguments(args: string): Promise<unknown[] | undefined> {
  try {
    const parsed = await parseHcl('expression.tf', `__args = [${args}]\n`)
    const list = (parsed as Body).__args
    return Array.isArray(list) ? list : undefined
  } catch {
    return undefined
  }
}

function indexKey(index: string): string | number | 'same' | undefined {
  if (/^\d+$/.test(index)) return Number(index)
  if (/^"(?:[^"\\]|\\.)*"$/.test(index)) return JSON.parse(index) as string
  if (index === 'count.index' || index === 'each.key') return 'same'
  return undefined
}

function applySteps(value: unknown, steps: Step[]): unknown {
  let current = value
  for (const step of steps) {
    if (current === unknown || current instanceof ResourceValue) return unknown
    const key = 'attr' in step ? step.attr : (literalOf(step.index)?.value ?? undefined)
    if (key === undefined) return unknown
    if (Array.isArray(current) && typeof key === 'number') current = current[key]
    else if (isPlainObject(current) && (typeof key === 'string' || typeof key === 'number'))
      current = current[String(key)]
    else return unknown
    if (current === undefined) return unknown
  }
  return current
}

/** Replaces unknown markers by absent values (null in lists, as plans print them) and lists their paths. */
function toPlain(value: unknown, path: string, out: string[]): unknown {
  if (value === unknown || value instanceof ResourceValue) {
    out.push(path)
    return undefined
  }
  if (Array.isArray(value)) return value.map((v, i) => toPlain(v, join(path, String(i)), out) ?? null)
  if (isPlainObject(value)) {
    const obj: Body = {}
    for (const [k, v] of Object.entries(value)) {
      const plain = toPlain(v, join(path, k), out)
      if (plain !== undefined) obj[k] = plain
    }
    return obj
  }
  return value
}

const join = (path: string, key: string) => (path === '' ? key : `${path}.${key}`)

function mergeTags(defaults: unknown, tags: unknown): unknown {
  if (defaults === unknown || tags === unknown) return unknown
  const d = isPlainObject(defaults) ? defaults : {}
  const t = isPlainObject(tags) ? tags : {}
  return { ...d, ...t }
}

function keySuffix(key: string | number | undefined): string {
  return key === undefined ? '' : typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(key)}]`
}

function dedupe(refs: ResourceReference[]): ResourceReference[] {
  const seen = new Set<string>()
  return refs.filter((r) => {
    const id = `${r.target}#${String(r.key)}`
    if (seen.has(id)) return false
    seen.add(id)
    return true
  })
}

function lineOf(text: string, keyword: string, type: string, name: string): number | undefined {
  const re = new RegExp(`^\\s*${keyword}\\s+"${escapeRegExp(type)}"\\s+"${escapeRegExp(name)}"`, 'm')
  const m = re.exec(text)
  return m === null
    ? undefined
    : text.slice(0, m.index + m[0].length - m[0].trimStart().length).split('\n').length
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const asRecord = (v: unknown): Body => (isPlainObject(v) ? v : {})
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])

/** @cdktf/hcl2json (a WebAssembly build of the HCL parser) loads with the first Terraform file read. */
async function parseHcl(file: string, text: string): Promise<unknown> {
  const { parse } = await import('@cdktf/hcl2json')
  return parse(file, text)
}
