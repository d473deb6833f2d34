import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import type { CollectionError, EvidenceItem } from '../../core/evidence.js'
import {
  defineSourceCollector,
  emptyCollection,
  type FileCollection,
  type ParseCache,
  type ParsedInput,
  parseCacheKey,
} from '../source-collector.js'
import { type HclFile, HclModule, type ModuleLoader } from './hcl-module.js'
import { type InputFile, inputRecord, listInputs, readInput } from './read-inputs.js'
import { ResourceGraph } from './resource-graph.js'
import { toAwsEvidence } from './to-aws-evidence.js'
import { toIacResources } from './to-iac-resources.js'

const options = z.strictObject({
  type: z.literal('terraform'),
  /** A folder of `.tf` files (a module), or a folder of modules walked recursively, or one file. */
  path: z.string().min(1),
})

export const isTerraformFile = (name: string): boolean => name.endsWith('.tf') || isVariablesFile(name)
const isVariablesFile = (name: string) => name === 'terraform.tfvars' || name.endsWith('.auto.tfvars')

/** Parses one file; a syntax error becomes a collection error naming the file and line. */
async function parseFile(input: InputFile): Promise<HclFile | CollectionError> {
  try {
    const json = (await parseHcl(input.file, input.text)) as Record<string, unknown>
    return { file: input.file, text: input.text, json }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    // hcl2json reports `parse config: [main.tf:12,3-4: Invalid expression; …]`.
    const detail = /\[[^:\]]*:(\d+),\d+(?:-[\d,]+)?: ([^\]]*)\]/.exec(message)
    const out: CollectionError = { file: input.file, message: `HCL syntax error: ${detail?.[2] ?? message}` }
    if (detail?.[1] !== undefined) out.line = Number(detail[1])
    return out
  }
}

/**
 * Reads Terraform source: each folder of `.tf` files is a module; folders that another folder calls
 * as a local module (`source = "./modules/x"`) are evaluated as part of their caller, the others as
 * root modules with their `terraform.tfvars` / `*.auto.tfvars`.
 *
 * What it makes of the files depends on them all together (a module reads its callers' inputs and
 * its tfvars), so an unchanged re-run is recognised by the whole set: every file's path and bytes, in
 * order. When the parse cache holds the result for that set, nothing is parsed (the HCL parser is
 * WebAssembly, ~0.3 s of a small repository's run). A set whose evaluation read a file outside it
 * (a module `terraform init` installed, a local module outside the source path) is not cached: its
 * result depends on more than the key says.
 */
export async function collectTerraformSource(
  root: string,
  sourcePath: string,
  /** The files to read (absolute), when a repository walk already listed them. */
  listed?: readonly string[],
  cache?: ParseCache,
): Promise<FileCollection> {
  const files = listed ?? (await listInputs(root, sourcePath, isTerraformFile))
  const inputs: InputFile[] = []
  for (const absolute of files) inputs.push(await readInput(root, absolute))
  const key = cache === undefined ? undefined : await moduleSetKey(sourcePath, inputs)
  const cached = key === undefined ? undefined : await cache?.get(key)
  if (cached?.items?.length === inputs.length) return reusedCollection(cached, inputs, cached.items)
  const { collection, readOutside } = await evaluateModules(root, inputs)
  if (key !== undefined && !readOutside)
    cache?.set(key, {
      isManifest: true,
      evidence: collection.evidence,
      errors: collection.errors,
      items: collection.inputs.map((input) => input.items),
    })
  return collection
}

/**
 * The parse-cache key of a module set: its files' paths and content hashes in listing order (the
 * order fixes the order of the evidence). Undefined, so nothing is cached, when a folder of the set
 * holds modules `terraform init` installed: those are read from `.terraform/`, outside the set.
 */
async function moduleSetKey(sourcePath: string, inputs: readonly InputFile[]): Promise<string | undefined> {
  if (inputs.length === 0) return undefined
  for (const folder of new Set(inputs.map((input) => path.dirname(input.absolute))))
    if (await exists(path.join(folder, installedManifest))) return undefined
  const set = createHash('sha256')
  for (const input of inputs) set.update(`${input.file}\0${input.sha256}\n`)
  return parseCacheKey(
    'terraform',
    path.posix.normalize(sourcePath.split(path.sep).join('/')),
    set.digest('hex'),
  )
}

/** A cached module set's result, with this run's reading of each file (all unchanged, as the key says). */
function reusedCollection(
  cached: ParsedInput,
  inputs: readonly InputFile[],
  items: readonly number[],
): FileCollection {
  return {
    evidence: cached.evidence,
    errors: cached.errors,
    inputs: inputs.map((input, index) => ({
      ...inputRecord(input, 'terraform', items[index] ?? 0),
      reused: true,
    })),
  }
}

const installedManifest = path.join('.terraform', 'modules', 'modules.json')
const exists = (file: string): Promise<boolean> =>
  stat(file).then(
    () => true,
    () => false,
  )

/** Parses and evaluates a module set; `readOutside` says whether it read any file not in the set. */
async function evaluateModules(
  root: string,
  inputs: readonly InputFile[],
): Promise<{ collection: FileCollection; readOutside: boolean }> {
  const collection = emptyCollection()
  let readOutside = false
  const byFolder = new Map<string, HclFile[]>()
  const variableFiles = new Map<string, HclFile[]>()
  for (const input of inputs) {
    const parsed = await parseFile(input)
    if ('message' in parsed) {
      collection.errors.push(parsed)
      collection.inputs.push(inputRecord(input, 'terraform', 0))
      continue
    }
    const folder = path.dirname(input.absolute)
    const target = isVariablesFile(path.basename(input.absolute)) ? variableFiles : byFolder
    target.set(folder, [...(target.get(folder) ?? []), parsed])
    collection.inputs.push(inputRecord(input, 'terraform', 0))
  }

  const called = new Set<string>()
  for (const [folder, hclFiles] of byFolder)
    for (const f of hclFiles)
      for (const blocks of Object.values(asRecord(f.json.module)))
        for (const block of Array.isArray(blocks) ? blocks : [])
          if (typeof block?.source === 'string' && /^\.\.?\//.test(block.source))
            called.add(path.resolve(folder, block.source))

  const manifests = new Map<string, Promise<Map<string, string>>>()
  const loaderFor =
    (folder: string, depth: number, rootFolder: string): ModuleLoader =>
    async (source, key) => {
      if (depth > 8) return undefined
      // Modules `terraform init` installed (registry, git) are read where it put them.
      const modules = await installedModules(manifests, rootFolder)
      if (modules.size > 0) readOutside = true
      const installed = modules.get(key)
      if (installed === undefined && !/^\.\.?\//.test(source)) return undefined
      const dir = installed ?? path.resolve(folder, source)
      let childFiles = byFolder.get(dir)
      if (childFiles === undefined) {
        readOutside = true
        const found = await listInputs(root, path.relative(root, dir), (n) => n.endsWith('.tf')).catch(
          () => [],
        )
        childFiles = []
        for (const absolute of found.filter((f) => path.dirname(f) === dir)) {
          const parsed = await parseFile(await readInput(root, absolute))
          if ('message' in parsed) collection.errors.push(parsed)
          else childFiles.push(parsed)
        }
        byFolder.set(dir, childFiles)
      }
      return { files: childFiles, load: loaderFor(dir, depth + 1, rootFolder) }
    }

  for (const [folder, hclFiles] of [...byFolder]) {
    if (called.has(folder)) continue
    const variables = await variableValues(variableFiles.get(folder) ?? [])
    const module = new HclModule(hclFiles, '', variables, loaderFor(folder, 0, folder))
    const resources = await module.graphResources()
    const graph = new ResourceGraph(resources)
    const evidence: EvidenceItem[] = [
      ...toAwsEvidence(graph, 'terraform-hcl'),
      ...toIacResources(resources, graph.readInto, graph),
    ]
    const relativeFolder = path.relative(root, folder).split(path.sep).join('/') || '.'
    const backend = await module.stateBackend(relativeFolder, hclFiles[0]?.file ?? relativeFolder)
    if (backend !== undefined) evidence.push(backend)
    collection.evidence.push(...evidence)
    const first = collection.inputs.find((i) => hclFiles.some((f) => f.file === i.file))
    if (first !== undefined) first.items += evidence.length
  }
  return { collection, readOutside }
}

/** Module call path → folder, from the manifest `terraform init` writes; empty without one. */
function installedModules(
  manifests: Map<string, Promise<Map<string, string>>>,
  rootFolder: string,
): Promise<Map<string, string>> {
  let pending = manifests.get(rootFolder)
  if (pending === undefined) {
    pending = readFile(path.join(rootFolder, installedManifest), 'utf8')
      .then((text) => {
        const doc = JSON.parse(text) as { Modules?: { Key?: unknown; Dir?: unknown }[] }
        const out = new Map<string, string>()
        for (const m of doc.Modules ?? [])
          if (typeof m.Key === 'string' && m.Key !== '' && typeof m.Dir === 'string')
            out.set(m.Key, path.resolve(rootFolder, m.Dir))
        return out
      })
      .catch(() => new Map<string, string>())
    manifests.set(rootFolder, pending)
  }
  return pending
}

/** `terraform.tfvars` and `*.auto.tfvars`, later files winning as in Terraform (lexical order). */
async function variableValues(files: HclFile[]): Promise<Map<string, { value: unknown; refs: [] }>> {
  const out = new Map<string, { value: unknown; refs: [] }>()
  const ordered = [...files].sort((a, b) => {
    const rank = (f: HclFile) => (path.basename(f.file) === 'terraform.tfvars' ? 0 : 1)
    return rank(a) - rank(b) || a.file.localeCompare(b.file)
  })
  for (const f of ordered) for (const [k, v] of Object.entries(f.json)) out.set(k, { value: v, refs: [] })
  return out
}

const asRecord = (v: unknown): Record<string, Array<{ source?: unknown }> | undefined> =>
  v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, Array<{ source?: unknown }>>)
    : {}

export const terraformSourceCollector = defineSourceCollector({
  type: 'terraform',
  summary:
    'Terraform source (`.tf` files, local modules, tfvars): AWS resources resolved statically, tags, state backend',
  options,
  collect: (source, context) =>
    collectTerraformSource(context.root, source.path, undefined, context.parseCache),
})

/** @cdktf/hcl2json (a WebAssembly build of the HCL parser) loads with the first Terraform file read. */
async function parseHcl(file: string, text: string): Promise<unknown> {
  const { parse } = await import('@cdktf/hcl2json')
  return parse(file, text)
}
