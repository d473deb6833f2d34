// Validates the shipped catalog once, at build time, and writes the validated data with each source
// file's hash to dist/src/catalog/catalog-snapshot.json: at run time an unchanged catalog is used from
// it without YAML parsing or schema validation; any changed file makes the run validate as before.
// It also writes dist/src/catalog/yaml-snapshot.json, the parsed crosswalks, provider profiles and
// policy front matter by text hash: an unchanged one is read from JSON (and still validated), and
// dist/src/catalog/crosswalks-snapshot.json, the shipped crosswalks as validated (not validated again).
import { writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { buildCatalogSnapshotText, catalogSnapshotFile } from '../src/catalog/catalog-snapshot.js'
import { catalogRoot, readCatalogSources } from '../src/catalog/load-catalog.js'
import { validatedCrosswalksFile } from '../src/catalog/load-crosswalks.js'
import { frontMatter, validatedPoliciesFile } from '../src/catalog/load-policies.js'
import { baselineFile, validatedBaselineFile, validatedProfilesFile } from '../src/catalog/load-providers.js'
import { listFiles, parseYaml } from '../src/catalog/read-data-file.js'
import { yamlSnapshotFile, yamlSnapshotText } from '../src/catalog/yaml-snapshot.js'
import { crosswalkFileSchema } from '../src/core/third-parties/crosswalk.js'
import { policyMetaSchema } from '../src/core/third-parties/policies.js'
import {
  providerProfileSchema,
  serviceModelBaselineSchema,
} from '../src/core/third-parties/provider-profile.js'

writeFileSync(catalogSnapshotFile, await buildCatalogSnapshotText(catalogRoot(), readCatalogSources))
console.log(`validated the catalog into ${catalogSnapshotFile}`)

/** The YAML texts the catalog loaders parse with the catalog as owner, besides the catalog itself. */
async function shippedYamlTexts(root: string): Promise<string[]> {
  const read = (files: string[]): Promise<string[]> => Promise.all(files.map((f) => readFile(f, 'utf8')))
  const yamlFiles = [
    ...(await listFiles(path.join(root, 'crosswalks'), ['.yaml', '.yml'])),
    ...(await listFiles(path.join(root, 'providers'), ['.yaml', '.yml'])),
  ]
  const policies = await read(await listFiles(path.join(root, 'policies'), ['.md']))
  const fronts = policies.map((text) => frontMatter.exec(text.replace(/^\uFEFF/, ''))?.[1])
  return [...(await read(yamlFiles)), ...fronts.filter((t): t is string => t !== undefined)]
}

const texts = await shippedYamlTexts(catalogRoot())
// Parsed as a user's file would be: the snapshot's own lookup is for the catalog owner only.
writeFileSync(
  yamlSnapshotFile,
  yamlSnapshotText(texts, (text) => parseYaml(text, 'snapshot', 'user')),
)
console.log(`parsed ${texts.length} crosswalk, provider and policy text(s) into ${yamlSnapshotFile}`)

// The shipped crosswalks as the schema returns them (a text it refuses is left out and fails at run time).
const crosswalks = await Promise.all(
  (await listFiles(path.join(catalogRoot(), 'crosswalks'), ['.yaml', '.yml'])).map((f) =>
    readFile(f, 'utf8'),
  ),
)
writeFileSync(
  validatedCrosswalksFile,
  yamlSnapshotText(crosswalks, (text) => crosswalkFileSchema.parse(parseYaml(text, 'snapshot', 'user'))),
)
console.log(`validated ${crosswalks.length} crosswalk(s) into ${validatedCrosswalksFile}`)

// The shipped provider profiles, service-model defaults and policy front matter as their schemas
// return them, likewise (load-providers.ts, load-policies.ts).
const providerFiles = await listFiles(path.join(catalogRoot(), 'providers'), ['.yaml', '.yml'])
const readAll = (files: string[]): Promise<string[]> => Promise.all(files.map((f) => readFile(f, 'utf8')))
const profiles = await readAll(providerFiles.filter((f) => path.basename(f) !== baselineFile))
const baseline = await readAll(providerFiles.filter((f) => path.basename(f) === baselineFile))
writeFileSync(
  validatedProfilesFile,
  yamlSnapshotText(profiles, (text) => providerProfileSchema.parse(parseYaml(text, 'snapshot', 'user'))),
)
writeFileSync(
  validatedBaselineFile,
  yamlSnapshotText(baseline, (text) => serviceModelBaselineSchema.parse(parseYaml(text, 'snapshot', 'user'))),
)
const policyFronts = (await readAll(await listFiles(path.join(catalogRoot(), 'policies'), ['.md']))).flatMap(
  (text) => frontMatter.exec(text.replace(/^\uFEFF/, ''))?.[1] ?? [],
)
writeFileSync(
  validatedPoliciesFile,
  yamlSnapshotText(policyFronts, (text) => policyMetaSchema.parse(parseYaml(text, 'snapshot', 'user'))),
)
console.log(
  `validated ${profiles.length} provider profile(s), the service-model defaults and ${policyFronts.length} policy front matter(s)`,
)
