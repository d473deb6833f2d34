import { readFile } from 'node:fs/promises'
import path from 'node:path'
import yaml from 'js-yaml'
import type { z } from 'zod'
import {
  buildCatalog,
  type Catalog,
  type CatalogCheck,
  type Control,
  controlSchema,
  type Framework,
  frameworkSchema,
} from '../core/catalog.js'
import { CatalogError, formatPath } from '../core/errors.js'
import type { PackageTemplateKey } from '../core/package/templates.js'
import {
  type CatalogSnapshot,
  catalogFileHashes,
  listYaml,
  readCatalogSnapshot,
  sameHashes,
} from './catalog-snapshot.js'
import { loadPackageTemplates } from './load-package-templates.js'
import { packageRoot } from './package-root.js'

/** Where the shipped catalog lives. */
export function catalogRoot(): string {
  return path.join(packageRoot(), 'catalog')
}

async function readYaml(file: string, root: string): Promise<unknown> {
  const relative = path.relative(root, file)
  try {
    // JSON_SCHEMA keeps dates and other scalars as plain strings, as the schemas expect.
    return yaml.load(await readFile(file, 'utf8'), { filename: relative, schema: yaml.JSON_SCHEMA })
  } catch (error) {
    if (error instanceof yaml.YAMLException) {
      throw new CatalogError(`catalog/${relative}:${error.mark.line + 1}: invalid YAML: ${error.reason}`)
    }
    throw new CatalogError(`catalog/${relative}: cannot read: ${String(error)}`, { cause: error })
  }
}

function validate<S extends z.ZodType>(schema: S, data: unknown, where: string): z.output<S> {
  const result = schema.safeParse(data)
  if (result.success) return result.data
  const problems = result.error.issues.map(
    (i) => `${where}: ${formatPath(i.path) || '(top level)'}: ${i.message}`,
  )
  throw new CatalogError(problems.join('\n'))
}

/** The catalog's own files, validated but not yet cross-checked: the part a snapshot can hold. */
export interface CatalogSources {
  framework: Framework
  controls: { file: string; control: Control }[]
  packageTemplates: [PackageTemplateKey, readonly string[]][]
}

/**
 * Reads and validates the framework, the control library and the package prose, naming the file
 * and key path of each problem. A control's id must be `<family folder>.<file name>`.
 */
export async function readCatalogSources(root = catalogRoot()): Promise<CatalogSources> {
  const frameworkFile = path.join(root, 'frameworks', 'tsc-2017.yaml')
  const framework: Framework = validate(
    frameworkSchema,
    await readYaml(frameworkFile, root),
    'catalog/frameworks/tsc-2017.yaml',
  )
  const controlsDir = path.join(root, 'controls')
  const controls: { file: string; control: Control }[] = []
  for (const file of await listYaml(controlsDir)) {
    const relative = `catalog/${path.relative(root, file).split(path.sep).join('/')}`
    const control = validate(controlSchema, await readYaml(file, root), relative)
    const family = path.basename(path.dirname(file))
    const expectedId = `${family}.${path.basename(file).replace(/\.ya?ml$/, '')}`
    if (control.id !== expectedId)
      throw new CatalogError(`${relative}: id: '${control.id}' must be '${expectedId}' (folder.file)`)
    controls.push({ file: relative, control })
  }
  return { framework, controls, packageTemplates: [...(await loadPackageTemplates(root))] }
}

/**
 * The catalog from its sources: cross-checked against the checks (which change independently of
 * the catalog, so this part always runs) and with the lookup maps built.
 */
export function catalogFromSources(sources: CatalogSources, checks: CatalogChecks): Catalog {
  const list: readonly CatalogCheck[] = Array.isArray(checks) ? checks : []
  const checkIds: ReadonlySet<string> = Array.isArray(checks)
    ? new Set(list.map((c) => c.id))
    : (checks as ReadonlySet<string>)
  return {
    ...buildCatalog(sources.framework, sources.controls, checkIds, list),
    packageTemplates: new Map(sources.packageTemplates),
  }
}

type CatalogChecks = ReadonlySet<string> | readonly CatalogCheck[]

/**
 * Loads the catalog. When the build's snapshot matches every catalog file (same names, same
 * SHA-256), its already-validated data is used instead of parsing and validating ~120 files;
 * any difference (an edited, added or removed file, a damaged snapshot) validates as before.
 */
export async function loadCatalog(
  checks: CatalogChecks,
  root = catalogRoot(),
  snapshot: CatalogSnapshot | null | Promise<CatalogSnapshot | undefined> = readCatalogSnapshot(),
): Promise<Catalog> {
  const [validated, hashes] = await Promise.all([snapshot ?? undefined, catalogFileHashes(root)])
  const sources =
    validated !== undefined && hashes !== undefined && sameHashes(validated.files, hashes)
      ? validated.sources
      : await readCatalogSources(root)
  return catalogFromSources(sources, checks)
}
