import { type Document, isMap, isSeq, LineCounter, parseAllDocuments } from 'yaml'
import type { CiWorkflow, CollectionError, WorkflowJob, WorkflowStep } from '../../core/evidence.js'
import { nameLooksLikeSecret, redactSecrets } from '../../core/secrets.js'
import { parseShell } from '../shell/parse-shell.js'
import { type PipelineInclude, readIncludes } from './read-includes.js'
import { createYamlReader, type Entry, maxDepth, type YamlReader } from './yaml-reader.js'

export interface GitLabCiParseResult {
  evidence: CiWorkflow[]
  errors: CollectionError[]
}

/** Top-level keys that configure the pipeline rather than name a job (`pages` is a job). */
const reservedKeys = new Set([
  'stages',
  'variables',
  'default',
  'include',
  'workflow',
  'image',
  'services',
  'before_script',
  'after_script',
  'cache',
])

interface ScriptLine {
  text: string
  line: number
}

interface Rule {
  /** Values compared with `$CI_PIPELINE_SOURCE ==` in `if:`. */
  sources: string[]
  allowFailure: boolean
  never: boolean
}

/** A job's keywords as written (only those the evidence needs), before `extends` and defaults apply. */
interface JobSpec {
  script?: ScriptLine[]
  beforeScript?: ScriptLine[]
  afterScript?: ScriptLine[]
  image?: string
  /** `services:` images (a name, or `name:` of the mapping form), with their lines. */
  services?: { image: string; line: number }[]
  /** `true`/`false` as written, or `exit_codes: [1, 137]` for the mapping form. */
  allowFailure?: string
  variables?: Record<string, string>
  rules?: Rule[]
  when?: string
  /** Pipeline sources named by the legacy `only:` keyword. */
  only?: string[]
  inheritDefault?: boolean | string[]
  inheritVariables?: boolean | string[]
  triggerIncludes?: PipelineInclude[]
  extends: string[]
}

interface Defaults {
  image?: string
  beforeScript?: ScriptLine[]
  afterScript?: ScriptLine[]
}

/**
 * Reads a GitLab CI pipeline (`.gitlab-ci.yml`) into the same `ci.workflow` evidence as a GitHub workflow,
 * so that the CI checks judge both. Each job becomes a job whose steps are its script lines (after
 * `extends:`, `!reference`, anchors and `default:` are resolved); `include:` entries are kept as they
 * are written, since their content lives elsewhere.
 */
export function parseGitLabCi(text: string, file: string): GitLabCiParseResult {
  const lineCounter = new LineCounter()
  const documents = parseAllDocuments(text, { lineCounter, uniqueKeys: false })
  const list = Array.isArray(documents) ? documents : []
  const syntaxErrors = list.flatMap((document) =>
    document.errors.map((error) => ({
      file,
      line: error.linePos?.[0].line ?? 1,
      message: `invalid YAML: ${error.message.split('\n')[0]}`,
    })),
  )
  if (syntaxErrors.length > 0) return { evidence: [], errors: syntaxErrors }
  const errors: CollectionError[] = []
  const document = pipelineDocument(list, file, errors)
  if (document === undefined) return { evidence: [], errors }
  const reader = createYamlReader(document, lineCounter, file, errors)
  const root = reader.entries(document.contents)
  if (root === undefined) {
    errors.push({ file, line: 1, message: 'a pipeline must be a mapping of jobs and keywords' })
    return { evidence: [], errors }
  }

  const specs = new Map<string, JobSpec | undefined>()
  const resolve = (name: string, chain: readonly string[]): JobSpec | undefined => {
    if (specs.has(name)) return specs.get(name)
    const entry = root.get(name)
    if (entry === undefined) return undefined // defined in an included file this collector cannot see
    if (chain.includes(name) || chain.length > maxDepth) {
      const child = chain.at(-1) ?? name
      const problem = chain.includes(name)
        ? `circular (${[...chain, name].join(' → ')})`
        : 'nested too deeply'
      reader.error(root.get(child)?.key, `${labelOf(child)}.extends: ${problem}`)
      return undefined
    }
    const own = readSpec(entry.value, labelOf(name), reader)
    if (own === undefined) return undefined
    // extends: a reverse deep merge, later parents over earlier ones and the job over all of them.
    let merged: JobSpec = { extends: [] }
    for (const parent of own.extends) {
      const inherited = resolve(parent, [...chain, name])
      if (inherited !== undefined) merged = mergeSpecs(merged, inherited)
    }
    merged = mergeSpecs(merged, own)
    specs.set(name, merged)
    return merged
  }

  const defaults = readDefaults(root, reader)
  const globalVariables = readVariables(root.get('variables')?.value, reader)
  const jobs: WorkflowJob[] = []
  const includes = readIncludes(root.get('include')?.value, 'include', reader)
  const triggers = readRules(entryOf(root.get('workflow')?.value, 'rules', reader), reader)
    .filter((rule) => !rule.never)
    .flatMap((rule) => rule.sources)
  for (const [id, entry] of root) {
    if (reservedKeys.has(id) || id.startsWith('.')) continue
    if (!isMap(reader.deref(entry.value))) {
      reader.error(entry.key, `jobs.${id}: expected a mapping`)
      continue
    }
    const spec = resolve(id, [])
    if (spec === undefined) continue
    jobs.push(toJob(id, reader.lineOf(entry.key), spec, defaults, globalVariables))
    includes.push(...(spec.triggerIncludes ?? []))
    for (const rule of spec.rules ?? []) if (!rule.never) triggers.push(...rule.sources)
    triggers.push(...(spec.only ?? []))
  }

  const workflow: CiWorkflow = {
    kind: 'ci.workflow',
    resourceKind: 'GitLabPipeline',
    name: file,
    file,
    line: 1,
    // Pipelines run on push unless the rules name other sources.
    triggers: triggers.length === 0 ? ['push'] : [...new Set(triggers)],
    permissions: undefined,
    jobs,
    includes: uniqueIncludes(includes).sort((a, b) => a.line - b.line),
  }
  return { evidence: [workflow], errors: dedupe(errors) }
}

/** The pipeline document: the only one, or the one after a `spec:` header (CI/CD component inputs). */
function pipelineDocument(
  documents: Document[],
  file: string,
  errors: CollectionError[],
): Document | undefined {
  // A trailing `---` leaves an empty document behind; it says nothing.
  const written = documents.filter((document) => document.contents !== null)
  const [first, second] = written
  const header =
    first !== undefined &&
    isMap(first.contents) &&
    first.contents.items.length === 1 &&
    first.contents.has('spec')
  if (first === undefined) {
    errors.push({ file, line: 1, message: 'a pipeline must be a mapping of jobs and keywords' })
    return undefined
  }
  if (written.length === 1) return first
  if (written.length === 2 && header && second !== undefined) return second
  errors.push({
    file,
    line: 1,
    message: 'expected one YAML document, or a `spec:` header and one document',
  })
  return undefined
}

function labelOf(name: string): string {
  return name.startsWith('.') ? name : `jobs.${name}`
}

function entryOf(node: unknown, key: string, reader: YamlReader): unknown {
  return reader.entries(node)?.get(key)?.value
}

function readSpec(node: unknown, label: string, reader: YamlReader): JobSpec | undefined {
  const fields = reader.entries(node)
  return fields === undefined ? undefined : readFields(fields, label, reader)
}

function readFields(fields: ReadonlyMap<string, Entry>, label: string, reader: YamlReader): JobSpec {
  const value = (key: string): unknown => fields.get(key)?.value
  const spec: JobSpec = { extends: readNames(value('extends'), reader) }
  if (fields.has('script')) spec.script = readScript(value('script'), `${label}.script`, reader)
  if (fields.has('before_script')) {
    spec.beforeScript = readScript(value('before_script'), `${label}.before_script`, reader)
  }
  if (fields.has('after_script')) {
    spec.afterScript = readScript(value('after_script'), `${label}.after_script`, reader)
  }
  const image = readImage(value('image'), reader)
  if (image !== undefined) spec.image = image
  const services = value('services')
  if (isSeq(services))
    spec.services = services.items.flatMap((item) => {
      const name = readImage(reader.deref(item), reader)
      return name === undefined ? [] : [{ image: name, line: reader.lineOf(item) }]
    })
  const allowFailure = readAllowFailure(value('allow_failure'), reader)
  if (allowFailure !== undefined) spec.allowFailure = allowFailure
  if (fields.has('variables')) spec.variables = readVariables(value('variables'), reader)
  if (fields.has('rules')) spec.rules = readRules(value('rules'), reader)
  const when = reader.text(value('when'))
  if (when !== undefined) spec.when = when
  if (fields.has('only')) spec.only = readOnly(value('only'), reader)
  const inherit = reader.entries(value('inherit'))
  const inheritDefault = readInherit(inherit?.get('default')?.value, reader)
  if (inheritDefault !== undefined) spec.inheritDefault = inheritDefault
  const inheritVariables = readInherit(inherit?.get('variables')?.value, reader)
  if (inheritVariables !== undefined) spec.inheritVariables = inheritVariables
  const trigger = reader.entries(value('trigger'))
  if (trigger?.has('include')) {
    spec.triggerIncludes = readIncludes(trigger.get('include')?.value, `${label}.trigger.include`, reader)
  }
  return spec
}

/** `over` wins key by key; `variables` merge deeply, as GitLab merges hashes in `extends`. */
function mergeSpecs(base: JobSpec, over: JobSpec): JobSpec {
  const merged: JobSpec = { ...base, ...over, extends: [] }
  if (base.variables !== undefined || over.variables !== undefined) {
    merged.variables = { ...base.variables, ...over.variables }
  }
  return merged
}

function readDefaults(root: ReadonlyMap<string, Entry>, reader: YamlReader): Defaults {
  // `default:` wins over the deprecated top-level `image:`, `before_script:` and `after_script:`.
  const own = readSpec(root.get('default')?.value, 'default', reader)
  const globalKeys = ['image', 'before_script', 'after_script']
  const global = readFields(new Map([...root].filter(([key]) => globalKeys.includes(key))), '', reader)
  const defaults: Defaults = {}
  const image = own?.image ?? global.image
  if (image !== undefined) defaults.image = image
  const beforeScript = own?.beforeScript ?? global.beforeScript
  if (beforeScript !== undefined) defaults.beforeScript = beforeScript
  const afterScript = own?.afterScript ?? global.afterScript
  if (afterScript !== undefined) defaults.afterScript = afterScript
  return defaults
}

function inherits(setting: boolean | string[] | undefined, key: string): boolean {
  if (setting === undefined || setting === true) return true
  if (setting === false) return false
  return setting.includes(key)
}

function toJob(
  id: string,
  line: number,
  spec: JobSpec,
  defaults: Defaults,
  globalVariables: Record<string, string>,
): WorkflowJob {
  const fromDefault = (key: string): boolean => inherits(spec.inheritDefault, key)
  const image = spec.image ?? (fromDefault('image') ? defaults.image : undefined)
  const beforeScript = spec.beforeScript ?? (fromDefault('before_script') ? defaults.beforeScript : undefined)
  const afterScript = spec.afterScript ?? (fromDefault('after_script') ? defaults.afterScript : undefined)
  const inherited = Object.fromEntries(
    Object.entries(globalVariables).filter(([name]) => inherits(spec.inheritVariables, name)),
  )
  const env = redactVariables({ ...inherited, ...spec.variables })
  const lines = [...(beforeScript ?? []), ...(spec.script ?? []), ...(afterScript ?? [])]
  const steps = lines.map((entry): WorkflowStep => {
    const run = redactSecrets(entry.text)
    return {
      run,
      // GitLab runs each script entry in the job's shell (bash or sh on Linux runners).
      script: parseShell(run),
      with: image === undefined ? {} : { image: redactSecrets(image) },
      env: { ...env },
      line: entry.line,
    }
  })
  const job: WorkflowJob = { id, line, permissions: undefined, steps }
  // A trigger job (no script) runs no image; every other job runs in its image and services.
  const images = [
    ...(image === undefined || steps.length === 0
      ? []
      : [{ image: redactSecrets(image), role: 'container' as const, line }]),
    ...(spec.services ?? []).map((s) => ({
      image: redactSecrets(s.image),
      role: 'service' as const,
      line: s.line,
    })),
  ]
  if (images.length > 0) job.images = images
  const continueOnError = failureAllowed(spec)
  if (continueOnError !== undefined) job.continueOnError = continueOnError
  return job
}

/**
 * Whether a failing job fails the pipeline, as `continue-on-error` says it for GitHub. A manual job
 * allows failure unless it says otherwise (GitLab's default); a rule that sets `allow_failure: true`
 * counts, since whenever that rule matches a failure stops nothing.
 */
function failureAllowed(spec: JobSpec): string | undefined {
  if (spec.rules?.some((rule) => rule.allowFailure && !rule.never)) return 'true'
  if (spec.allowFailure !== undefined) return spec.allowFailure
  if (spec.when === 'manual') return 'true'
  return undefined
}

/** Script lines: a string, or a list of strings nested through anchors and `!reference` tags. */
function readScript(node: unknown, path: string, reader: YamlReader, depth = 0): ScriptLine[] {
  const value = reader.deref(node)
  if (value === null || value === undefined || depth > maxDepth) return []
  if (reader.isReference(value)) return readScript(reader.reference(value), path, reader, depth + 1)
  if (isSeq(value)) {
    return value.items.flatMap((item, index) => {
      const entry = reader.deref(item)
      if (isSeq(entry) || reader.text(entry) !== undefined) {
        return readScript(entry, `${path}[${index}]`, reader, depth + 1)
      }
      // `- echo key: value` unquoted is a mapping, which GitLab rejects as well.
      reader.error(entry, `${path}[${index}]: expected a string`)
      return []
    })
  }
  const text = reader.text(value)
  if (text !== undefined) return [{ text, line: reader.lineOf(value) }]
  reader.error(value, `${path}: expected a string or a list of strings`)
  return []
}

function readImage(node: unknown, reader: YamlReader): string | undefined {
  return reader.text(node) ?? reader.text(reader.entries(node)?.get('name')?.value)
}

function readAllowFailure(node: unknown, reader: YamlReader): string | undefined {
  const flag = reader.text(node)
  if (flag !== undefined) return flag
  const codes = reader.deref(reader.entries(node)?.get('exit_codes')?.value)
  const list = isSeq(codes) ? codes.items.flatMap((item) => reader.text(item) ?? []) : [reader.text(codes)]
  const written = list.flatMap((code) => code ?? [])
  return written.length === 0 ? undefined : `exit_codes: [${written.join(', ')}]`
}

/** `variables:` as name → value; the `{ value, description }` form gives its value. Not yet redacted. */
function readVariables(node: unknown, reader: YamlReader): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, entry] of reader.entries(node) ?? []) {
    const value = reader.text(entry.value) ?? reader.text(reader.entries(entry.value)?.get('value')?.value)
    if (value !== undefined) out[name] = value
  }
  return out
}

/**
 * Variable values, redacted like the GitHub collector's `env:`: known token shapes are masked anywhere, a
 * literal under a credential-like name is masked whole, and a plain `$VARIABLE` reference is kept, since
 * a CI/CD variable is where a secret belongs.
 */
function redactVariables(variables: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(variables)) {
    const reference = /^\s*\$(?:\{\w+\}|\w+)\s*$/.test(value)
    out[name] = nameLooksLikeSecret(name) && !reference ? '[REDACTED]' : redactSecrets(value)
  }
  return out
}

/** Rules, with `!reference` entries expanded in place. */
function readRules(node: unknown, reader: YamlReader, depth = 0): Rule[] {
  const value = reader.deref(node)
  if (depth > maxDepth) return []
  if (reader.isReference(value)) return readRules(reader.reference(value), reader, depth + 1)
  if (!isSeq(value)) return []
  return value.items.flatMap((item) => {
    const entry = reader.deref(item)
    if (isSeq(entry)) return readRules(entry, reader, depth + 1)
    const fields = reader.entries(entry)
    if (fields === undefined) return []
    const condition = reader.text(fields.get('if')?.value) ?? ''
    const sources = [...condition.matchAll(/\$\{?CI_PIPELINE_SOURCE\}?\s*==\s*(["'])(.*?)\1/g)].flatMap(
      (match) => match[2] ?? [],
    )
    return [
      {
        sources,
        allowFailure: reader.text(fields.get('allow_failure')?.value) === 'true',
        never: reader.text(fields.get('when')?.value) === 'never',
      },
    ]
  })
}

/** The legacy `only:` keywords, as the pipeline sources they stand for; a branch name means a push. */
const onlyKeywords: Record<string, string> = {
  branches: 'push',
  tags: 'push',
  pushes: 'push',
  merge_requests: 'merge_request_event',
  external_pull_requests: 'external_pull_request_event',
  schedules: 'schedule',
  triggers: 'trigger',
  pipelines: 'pipeline',
  api: 'api',
  web: 'web',
  chat: 'chat',
}

function readOnly(node: unknown, reader: YamlReader): string[] {
  const value = reader.deref(node)
  const refs = isSeq(value) ? value : reader.deref(reader.entries(value)?.get('refs')?.value)
  const names = isSeq(refs) ? refs.items.flatMap((item) => reader.text(item) ?? []) : []
  const single = reader.text(value)
  return [...names, ...(single === undefined ? [] : [single])].map((name) => onlyKeywords[name] ?? 'push')
}

function readNames(node: unknown, reader: YamlReader): string[] {
  const value = reader.deref(node)
  if (isSeq(value)) return value.items.flatMap((item) => reader.text(item) ?? [])
  const name = reader.text(value)
  return name === undefined ? [] : [name]
}

function readInherit(node: unknown, reader: YamlReader): boolean | string[] | undefined {
  const value = reader.deref(node)
  if (isSeq(value)) return readNames(value, reader)
  const flag = reader.text(value)
  if (flag === 'true') return true
  if (flag === 'false') return false
  return undefined
}

/** A child pipeline's includes arrive once per job that extends the template declaring them. */
function uniqueIncludes(includes: PipelineInclude[]): PipelineInclude[] {
  const seen = new Set<string>()
  return includes.filter((include) => {
    const key = JSON.stringify(include)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

function dedupe(errors: CollectionError[]): CollectionError[] {
  const seen = new Set<string>()
  return errors.filter((error) => {
    const key = `${error.line}:${error.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
