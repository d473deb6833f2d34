import { readdir, readFile } from 'node:fs/promises'
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

/** Lists YAML files below a folder, sorted, so load order (and any error) is the same everywhere. */
async function listYaml(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort()
}

/**
 * Loads the framework and control library and validates every file against its schema, naming the
 * file and key path of each problem. A control's id must be `<family folder>.<file name>`.
 */
export async function loadCatalog(
  checks: ReadonlySet<string> | readonly CatalogCheck[],
  root = catalogRoot(),
): Promise<Catalog> {
  const list: readonly CatalogCheck[] = Array.isArray(checks) ? checks : []
  const checkIds: ReadonlySet<string> = Array.isArray(checks)
    ? new Set(list.map((c) => c.id))
    : (checks as ReadonlySet<string>)
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
  return {
    ...buildCatalog(framework, controls, checkIds, list),
    packageTemplates: await loadPackageTemplates(root),
  }
}
