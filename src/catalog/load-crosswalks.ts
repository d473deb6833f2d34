import path from 'node:path'
import { CatalogError, ConfigError } from '../core/errors.js'
import { type Crosswalk, crosswalkFromCsv, crosswalkFromFile } from '../core/third-parties/crosswalk.js'
import { displayPath, type FileOwner, listFiles, parseYaml, readText } from './read-data-file.js'

async function readCrosswalk(
  file: string,
  label: string,
  owner: FileOwner,
  criteria: ReadonlySet<string>,
): Promise<Crosswalk> {
  const text = await readText(file, label, owner)
  if (file.toLowerCase().endsWith('.csv')) return crosswalkFromCsv(text, label, criteria)
  return crosswalkFromFile(parseYaml(text, label, owner), label, criteria)
}

/** The shipped id-to-id mappings (catalog/crosswalks/*.yaml); the file name is the crosswalk id. */
export async function loadShippedCrosswalks(
  catalogDir: string,
  criteria: ReadonlySet<string>,
): Promise<Crosswalk[]> {
  const out: Crosswalk[] = []
  for (const file of await listFiles(path.join(catalogDir, 'crosswalks'), ['.yaml', '.yml'])) {
    const label = `catalog/crosswalks/${path.basename(file)}`
    const crosswalk = await readCrosswalk(file, label, 'catalog', criteria)
    const expected = path.basename(file).replace(/\.ya?ml$/, '')
    if (crosswalk.id !== expected)
      throw new CatalogError(`${label}: id: '${crosswalk.id}' must be '${expected}' (the file name)`)
    out.push(crosswalk)
  }
  return out
}

/**
 * Adds the user's mapping files (CSV or YAML, relative to trustctl.yaml). A user mapping with the
 * id of a shipped one replaces it (a licensed full mapping supersedes the shipped subset); two user
 * files with the same id are ambiguous and refused.
 */
export async function loadCrosswalks(
  shipped: readonly Crosswalk[],
  userFiles: readonly string[],
  root: string,
  criteria: ReadonlySet<string>,
): Promise<Crosswalk[]> {
  const byId = new Map(shipped.map((c) => [c.id, c]))
  const fromUser = new Map<string, string>()
  for (const file of userFiles) {
    const absolute = path.resolve(root, file)
    const crosswalk = await readCrosswalk(absolute, displayPath(absolute, root) || file, 'user', criteria)
    const other = fromUser.get(crosswalk.id)
    if (other !== undefined)
      throw new ConfigError(
        `${crosswalk.file}: maps '${crosswalk.framework}' (id ${crosswalk.id}), as ${other} does; keep one file per framework`,
      )
    fromUser.set(crosswalk.id, crosswalk.file)
    byId.set(crosswalk.id, crosswalk)
  }
  return [...byId.values()]
}
