import path from 'node:path'
import { CatalogError } from '../core/errors.js'
import {
  checkBaseline,
  mergeProviderProfiles,
  type ProfileFile,
  type ProviderCatalog,
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

/** The file of the service-model defaults, beside the provider profiles. */
export const baselineFile = 'service-models.yaml'

async function readProfile(file: string, label: string, owner: FileOwner): Promise<ProfileFile> {
  const data = parseYaml(await readText(file, label, owner), label, owner)
  return { file: label, profile: validateData(providerProfileSchema, data, label, owner) }
}

/** The shipped provider profiles (catalog/providers/*.yaml) and the service-model defaults. */
export async function loadShippedProviders(
  catalogDir: string,
  families: ReadonlySet<string>,
  controlIds: ReadonlySet<string>,
): Promise<{ baseline: ServiceModelBaseline; profiles: ProfileFile[] }> {
  const dir = path.join(catalogDir, 'providers')
  const label = (file: string): string => `catalog/providers/${path.basename(file)}`
  const baselinePath = path.join(dir, baselineFile)
  const baseline = validateData(
    serviceModelBaselineSchema,
    parseYaml(await readText(baselinePath, label(baselinePath), 'catalog'), label(baselinePath), 'catalog'),
    label(baselinePath),
    'catalog',
  )
  checkBaseline(baseline, label(baselinePath), families, controlIds)
  const profiles: ProfileFile[] = []
  for (const file of await listFiles(dir, ['.yaml', '.yml'])) {
    if (path.basename(file) === baselineFile) continue
    const entry = await readProfile(file, label(file), 'catalog')
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
