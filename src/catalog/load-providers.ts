import path from 'node:path'
import { CatalogError } from '../core/errors.js'
import {
  checkBaseline,
  mergeProviderProfiles,
  type ProfileFile,
  type ProviderCatalog,
  type ProviderProfile,
  providerProfileSchema,
  type ServiceModelBaseline,
  serviceModelBaselineSchema,
} from '../core/third-parties/provider-profile.js'
import {
  displayPath,
  type FileOwner,
  listFiles,
  parseYaml,
  readText,
  validateData,
} from './read-data-file.js'
import { shippedSnapshot, shippedSnapshotFile, snapshotParse } from './yaml-snapshot.js'

/** The file of the service-model defaults, beside the provider profiles. */
export const baselineFile = 'service-models.yaml'

/**
 * The shipped provider profiles and service-model defaults as their schemas returned them at build
 * time, by the hash of their text (`npm run build` writes them beside the built loader; a run from
 * source has none), as the crosswalks' (validatedCrosswalksFile): a shipped file with a recorded
 * text is not parsed nor validated again; any other text (edited, added, a user's file) is. Ids,
 * families and controls are checked against the catalog at every load.
 */
export const validatedProfilesFile = shippedSnapshotFile('providers-snapshot.json')
export const validatedBaselineFile = shippedSnapshotFile('service-models-snapshot.json')

async function readProfile(
  file: string,
  label: string,
  owner: FileOwner,
  /** Validated shipped texts by hash; only consulted for the catalog's own files. */
  snapshot?: ReadonlyMap<string, string>,
): Promise<ProfileFile> {
  const text = await readText(file, label, owner)
  const shipped =
    owner === 'catalog' && snapshot !== undefined
      ? (snapshotParse(text, snapshot) as ProviderProfile | undefined)
      : undefined
  if (shipped !== undefined) return { file: label, profile: shipped }
  const data = parseYaml(text, label, owner)
  return { file: label, profile: validateData(providerProfileSchema, data, label, owner) }
}

/** The shipped provider profiles (catalog/providers/*.yaml) and the service-model defaults. */
export async function loadShippedProviders(
  catalogDir: string,
  families: ReadonlySet<string>,
  controlIds: ReadonlySet<string>,
  snapshot: {
    profiles: ReadonlyMap<string, string>
    baseline: ReadonlyMap<string, string>
  } = { profiles: shippedSnapshot(validatedProfilesFile), baseline: shippedSnapshot(validatedBaselineFile) },
): Promise<{ baseline: ServiceModelBaseline; profiles: ProfileFile[] }> {
  const dir = path.join(catalogDir, 'providers')
  const label = (file: string): string => `catalog/providers/${path.basename(file)}`
  const baselinePath = path.join(dir, baselineFile)
  const baselineText = await readText(baselinePath, label(baselinePath), 'catalog')
  const baseline =
    (snapshotParse(baselineText, snapshot.baseline) as ServiceModelBaseline | undefined) ??
    validateData(
      serviceModelBaselineSchema,
      parseYaml(baselineText, label(baselinePath), 'catalog'),
      label(baselinePath),
      'catalog',
    )
  checkBaseline(baseline, label(baselinePath), families, controlIds)
  const profiles: ProfileFile[] = []
  for (const file of await listFiles(dir, ['.yaml', '.yml'])) {
    if (path.basename(file) === baselineFile) continue
    const entry = await readProfile(file, label(file), 'catalog', snapshot.profiles)
    const expected = path.basename(file).replace(/\.ya?ml$/, '')
    if (entry.profile.id !== expected)
      throw new CatalogError(`${entry.file}: id: '${entry.profile.id}' must be '${expected}' (the file name)`)
    profiles.push(entry)
  }
  return { baseline, profiles }
}

/**
 * The provider profiles in force: the shipped ones plus the user's providerFiles (paths relative to
 * trustctl.yaml), merged; errors name the user's file and key path.
 */
export async function loadProviderCatalog(
  shipped: { baseline: ServiceModelBaseline; profiles: readonly ProfileFile[] },
  userFiles: readonly string[],
  root: string,
  families: ReadonlySet<string>,
  controlIds: ReadonlySet<string>,
): Promise<ProviderCatalog> {
  const user: ProfileFile[] = []
  for (const file of userFiles) {
    const absolute = path.resolve(root, file)
    user.push(await readProfile(absolute, displayPath(absolute, root) || file, 'user'))
  }
  return mergeProviderProfiles(shipped.baseline, shipped.profiles, user, families, controlIds)
}
