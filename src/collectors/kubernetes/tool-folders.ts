import { readFile } from 'node:fs/promises'
import path from 'node:path'
import yaml from 'js-yaml'
import { type CollectionError, kubernetesKinds } from '../../core/evidence.js'

/**
 * Helm charts and Kustomize overlays in a repository, found from the files a source walk listed.
 * Their objects exist only once `helm template` or `kustomize build` produced them, so a chart is
 * one cause and gets one message (not one per template), and so does an overlay (not one per
 * kustomization it builds on). A kustomization that only lists plain manifests transforms nothing:
 * its files are the objects, and they are read like any other manifest.
 */
export interface ToolFolders {
  /** Files not to read one by one: a chart's files, and the patches a kustomization applies. */
  skipped: Set<string>
  /** One per chart and per overlay that must be rendered before it can be assessed. */
  errors: CollectionError[]
}

const kustomizationFile = /^(kustomization\.ya?ml|Kustomization)$/

/** Keys a kustomization may hold and still produce exactly the objects of its resources. */
const plainKeys = new Set(['apiVersion', 'kind', 'metadata', 'resources', 'bases', 'sortOptions'])

interface Kustomization {
  /** Folder, relative to the config folder. */
  dir: string
  file: string
  isComponent: boolean
  /** Local folders it builds on (resources, bases, components). */
  builds: string[]
  /** Its resources are only local files and folders, and it changes nothing about them. */
  transformsNothing: boolean
  patches: string[]
}

const posix = path.posix

/** Finds the charts and overlays among `files` (relative to `root`, forward slashes). */
export async function findToolFolders(root: string, files: readonly string[]): Promise<ToolFolders> {
  const skipped = new Set<string>()
  const errors: CollectionError[] = []
  for (const chart of await findCharts(root, files)) {
    const inChart = files.filter((f) => isUnder(chart.dir, f) && /\.(ya?ml|tpl|json)$/i.test(f))
    for (const f of inChart) skipped.add(f)
    const templates = inChart.filter(
      (f) => isUnder(posix.join(chart.dir, 'templates'), f) && /\.ya?ml$/i.test(f),
    ).length
    errors.push({
      file: chart.file,
      line: 1,
      message: `Helm chart ${chart.name} (${templates} template file${templates === 1 ? '' : 's'}): its objects exist only once the chart is rendered, so none of its files is read as a manifest`,
      hint: `render it and add the output as a source: helm template ${chart.name} ${chart.dir} -f ${posix.join(chart.dir, 'values.yaml')} > rendered/${chart.name}.yaml`,
      // Its objects went unread, so no Kubernetes check may judge the estate from the rest alone.
      kinds: [...kubernetesKinds],
    })
  }
  const kustomizations = await readKustomizations(root, files)
  const byDir = new Map(kustomizations.map((k) => [k.dir, k]))
  const referenced = new Set(kustomizations.flatMap((k) => k.builds))
  for (const k of kustomizations) for (const patch of k.patches) skipped.add(patch)
  for (const k of kustomizations) {
    if (k.isComponent || referenced.has(k.dir) || producesPlainObjects(k, byDir, new Set())) continue
    const bases = basesOf(k, byDir, new Set())
    errors.push({
      file: k.file,
      line: 1,
      message: `Kustomize overlay${bases.length === 0 ? '' : ` (building on ${bases.join(', ')})`}: the objects it produces exist only once it is built; the plain manifests of its bases are read as they are`,
      hint: `build it and add the output as a source: kustomize build ${k.dir} > rendered/${posix.basename(k.dir)}.yaml (or kubectl kustomize ${k.dir})`,
      kinds: [...kubernetesKinds],
    })
  }
  return { skipped, errors }
}

function isUnder(dir: string, file: string): boolean {
  return dir === '' || dir === '.' ? true : file.startsWith(`${dir}/`)
}

/** Outermost charts only: a subchart under `charts/` is rendered with its parent. */
async function findCharts(
  root: string,
  files: readonly string[],
): Promise<{ dir: string; file: string; name: string }[]> {
  const chartFiles = files
    .filter((f) => posix.basename(f) === 'Chart.yaml')
    .sort((a, b) => a.length - b.length)
  const charts: { dir: string; file: string; name: string }[] = []
  for (const file of chartFiles) {
    const dir = posix.dirname(file)
    if (charts.some((c) => c.dir !== dir && isUnder(c.dir, file))) continue
    charts.push({ dir, file, name: (await chartName(root, file)) ?? posix.basename(dir) })
  }
  return charts
}

async function chartName(root: string, file: string): Promise<string | undefined> {
  try {
    const doc: unknown = yaml.load(await readFile(path.join(root, file), 'utf8'))
    return isRecord(doc) && typeof doc.name === 'string' && /^[\w.-]+$/.test(doc.name) ? doc.name : undefined
  } catch {
    return undefined
  }
}

/** Each readable kustomization; an unreadable one is left to the manifest reader, which says why. */
async function readKustomizations(root: string, files: readonly string[]): Promise<Kustomization[]> {
  const out: Kustomization[] = []
  for (const file of files.filter((f) => kustomizationFile.test(posix.basename(f)))) {
    let doc: unknown
    try {
      doc = yaml.load(await readFile(path.join(root, file), 'utf8'))
    } catch {
      continue
    }
    if (!isRecord(doc)) continue
    const dir = posix.dirname(file)
    const local = (entry: unknown): string | undefined =>
      typeof entry === 'string' && !isRemote(entry) ? posix.normalize(posix.join(dir, entry)) : undefined
    const references = [...list(doc.resources), ...list(doc.bases), ...list(doc.components)]
    const builds = references.flatMap((r) => {
      const target = local(r)
      return target !== undefined && !/\.(ya?ml|json)$/i.test(target) ? [target] : []
    })
    const patches = [
      ...list(doc.patchesStrategicMerge).map(local),
      ...[...list(doc.patches), ...list(doc.patchesJson6902)].map((p) =>
        isRecord(p) ? local(p.path) : undefined,
      ),
    ].filter((p): p is string => p !== undefined)
    out.push({
      dir,
      file,
      isComponent: doc.kind === 'Component',
      builds,
      transformsNothing:
        Object.entries(doc).every(([key, value]) => plainKeys.has(key) || isEmpty(value)) &&
        references.every((r) => local(r) !== undefined),
      patches,
    })
  }
  return out
}

/** True when building `k` yields exactly the objects of its files (and its bases' files). */
function producesPlainObjects(
  k: Kustomization,
  byDir: ReadonlyMap<string, Kustomization>,
  visiting: Set<string>,
): boolean {
  if (!k.transformsNothing || k.isComponent || visiting.has(k.dir)) return false
  visiting.add(k.dir)
  // A folder that is no kustomization of this source cannot be judged here: not plain.
  return k.builds.every((dir) => {
    const base = byDir.get(dir)
    return base !== undefined && producesPlainObjects(base, byDir, visiting)
  })
}

/** The folders an overlay builds on, directly or through other overlays, in order. */
function basesOf(k: Kustomization, byDir: ReadonlyMap<string, Kustomization>, seen: Set<string>): string[] {
  const out: string[] = []
  for (const dir of k.builds) {
    if (seen.has(dir)) continue
    seen.add(dir)
    out.push(dir)
    const base = byDir.get(dir)
    if (base !== undefined) out.push(...basesOf(base, byDir, seen))
  }
  return out
}

/** A remote base (`github.com/org/repo//path?ref=v1`, `https://…`) is fetched by kustomize, not here. */
function isRemote(entry: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ||
    /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(entry) ||
    entry.includes('?ref=')
  )
}

/** `components:` with every entry commented out is null: it changes nothing. */
function isEmpty(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    (Array.isArray(value) && value.length === 0) ||
    (isRecord(value) && Object.keys(value).length === 0)
  )
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
