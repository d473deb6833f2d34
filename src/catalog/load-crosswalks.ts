import path from 'node:path'
import { CatalogError, ConfigError } from '../core/errors.js'
import {
  type Crosswalk,
  type CrosswalkFile,
  crosswalkFromCsv,
  crosswalkFromFile,
  crosswalkFromValidated,
} from '../core/third-parties/crosswalk.js'
import { displayPath, type FileOwner, listFiles, parseYaml, readText } from './read-data-file.js'
import { shippedSnapshot, shippedSnapshotFile, snapshotParse } from './yaml-snapshot.js'

/**
 * The shipped crosswalks as the schema returned them at build time, by the hash of their text
 * (`npm run build` writes it beside the built loader; a run from source has none). A shipped file
 * with a recorded text is not validated again (the largest, ~28 kB, was most of loading them); any
 * other text (edited, added, a user's file) is. Criteria and ids are checked at every load.
 */
export const validatedCrosswalksFile = shippedSnapshotFile('crosswalks-snapshot.json')

async function readCrosswalk(
  file: string,
  label: string,
  owner: FileOwner,
  criteria: ReadonlySet<string>,
  /** Validated shipped texts by hash; only consulted for the catalog's own files. */
  snapshot?: ReadonlyMap<string, string>,
): Promise<Crosswalk> {
  const text = await readText(file, label, owner)
  if (file.toLowerCase().endsWith('.csv')) return crosswalkFromCsv(text, label, criteria)
  const shipped =
    owner === 'catalog' && snapshot !== undefined
      ? (snapshotParse(text, snapshot) as CrosswalkFile | undefined)
      : undefined
  if (shipped !== undefined) return crosswalkFromValidated(shipped, label, criteria)
  return crosswalkFromFile(parseYaml(text, label, owner), label, criteria)
}

/** The shipped id-to-id mappings (catalog/crosswalks/*.yaml); the file name is the crosswalk id. */
export async function loadShippedCrosswalks(
  catalogDir: string,
  criteria: ReadonlySet<string>,
  snapshot: ReadonlyMap<string, string> = shippedSnapshot(validatedCrosswalksFile),
): Promise<Crosswalk[]> {
  const out: Crosswalk[] = []
  for (const file of await listFiles(path.join(catalogDir, 'crosswalks'), ['.yaml', '.yml'])) {
    const label = `catalog/crosswalks/${path.basename(file)}`
    const crosswalk = await readCrosswalk(file, label, 'catalog', criteria, snapshot)
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
