import { readFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadChecks } from '../checks/load-checks.js'
import { catalogRoot, loadCatalog } from '../src/catalog/load-catalog.js'
import { frontMatter, loadPolicies } from '../src/catalog/load-policies.js'
import { baselineFile, loadShippedProviders } from '../src/catalog/load-providers.js'
import { listFiles, parseYaml } from '../src/catalog/read-data-file.js'
import { yamlSnapshotText } from '../src/catalog/yaml-snapshot.js'
import type { Catalog } from '../src/core/catalog.js'
import { controlFamilies } from '../src/core/third-parties/index.js'
import { policyMetaSchema } from '../src/core/third-parties/policies.js'
import {
  providerProfileSchema,
  serviceModelBaselineSchema,
} from '../src/core/third-parties/provider-profile.js'

// The build's snapshots of the shipped provider profiles, service-model defaults and policy front
// matter as their schemas returned them (scripts/build-catalog-snapshot.ts), as a run reads them.
const root = catalogRoot()
const read = (file: string): string => readFileSync(file, 'utf8')
let catalog: Catalog
let profileTexts: string[]
let baselineText: string
let frontTexts: string[]
const none = new Map<string, string>()

/** The snapshot as the build writes it, read back as a run does (readYamlSnapshot). */
function snapshotOf(texts: readonly string[], validate: (text: string) => unknown): Map<string, string> {
  const outer = JSON.parse(yamlSnapshotText(texts, validate)) as { body: string }
  return new Map(Object.entries(JSON.parse(outer.body) as Record<string, string>))
}
const parsed = (text: string): unknown => parseYaml(text, 'snapshot', 'user')

beforeAll(async () => {
  catalog = await loadCatalog(await loadChecks(), root, null)
  const providers = await listFiles(path.join(root, 'providers'), ['.yaml'])
  profileTexts = providers.filter((f) => path.basename(f) !== baselineFile).map(read)
  baselineText = read(path.join(root, 'providers', baselineFile))
  const policies = await listFiles(path.join(root, 'policies'), ['.md'])
  frontTexts = policies.map((f) => frontMatter.exec(read(f))?.[1] ?? '')
})

describe('the shipped provider profiles from the build snapshot', () => {
  const load = (snapshot: { profiles: Map<string, string>; baseline: Map<string, string> }) => {
    const families = controlFamilies(catalog.controls)
    return loadShippedProviders(root, families, new Set(catalog.controls.map((c) => c.id)), snapshot)
  }
  const asBuilt = {
    profiles: () => snapshotOf(profileTexts, (t) => providerProfileSchema.parse(parsed(t))),
    baseline: () => snapshotOf([baselineText], (t) => serviceModelBaselineSchema.parse(parsed(t))),
  }

  it('are the profiles and defaults validating every file gives', async () => {
    const snapshot = { profiles: asBuilt.profiles(), baseline: asBuilt.baseline() }
    expect(snapshot.profiles.size).toBe(profileTexts.length)
    expect(snapshot.baseline.size).toBe(1)
    expect(await load(snapshot)).toEqual(await load({ profiles: none, baseline: none }))
  })

  it('are taken from the snapshot for an unchanged text (not parsed nor validated again)', async () => {
    const profiles = snapshotOf(profileTexts, (t) => ({
      ...providerProfileSchema.parse(parsed(t)),
      name: 'From the snapshot',
    }))
    const loaded = await load({ profiles, baseline: asBuilt.baseline() })
    expect(new Set(loaded.profiles.map((p) => p.profile.name))).toEqual(new Set(['From the snapshot']))
  })

  it('validate a text the snapshot does not hold (an edited file), and check ids at load', async () => {
    // A snapshot of other texts: every file is parsed and validated as without one.
    const other = snapshotOf(
      profileTexts.map((t) => `${t}\n# edited\n`),
      (t) => providerProfileSchema.parse(parsed(t)),
    )
    expect(await load({ profiles: other, baseline: none })).toEqual(
      await load({ profiles: none, baseline: none }),
    )
    const renamed = snapshotOf(profileTexts, (t) => ({
      ...providerProfileSchema.parse(parsed(t)),
      id: 'other',
    }))
    await expect(load({ profiles: renamed, baseline: none })).rejects.toThrow(
      /must be '.+' \(the file name\)/,
    )
  })
})

describe('the shipped policy front matter from the build snapshot', () => {
  const asBuilt = () => snapshotOf(frontTexts, (t) => policyMetaSchema.parse(parsed(t)))

  it('is the front matter validating every file gives', async () => {
    const snapshot = asBuilt()
    expect(snapshot.size).toBe(frontTexts.length)
    expect(await loadPolicies(root, catalog.controls, snapshot)).toEqual(
      await loadPolicies(root, catalog.controls, none),
    )
  })

  it('is taken from the snapshot for an unchanged text, and still checked against the catalog', async () => {
    const titled = snapshotOf(frontTexts, (t) => ({
      ...policyMetaSchema.parse(parsed(t)),
      title: 'Snapshot',
    }))
    const loaded = await loadPolicies(root, catalog.controls, titled)
    expect(new Set(loaded.map((p) => p.meta.title))).toEqual(new Set(['Snapshot']))
    const unknown = snapshotOf(frontTexts, (t) => ({
      ...policyMetaSchema.parse(parsed(t)),
      controls: ['no.such-control'],
    }))
    await expect(loadPolicies(root, catalog.controls, unknown)).rejects.toThrow(/no such control/)
  })
})
