import type { Catalog } from '../core/catalog.js'
import type { Config } from '../core/config.js'
import type { Crosswalk } from '../core/third-parties/crosswalk.js'
import { controlFamilies, type ThirdPartyLibrary } from '../core/third-parties/index.js'
import type { PolicyTemplate } from '../core/third-parties/policies.js'
import type { ProfileFile, ServiceModelBaseline } from '../core/third-parties/provider-profile.js'
import { loadCrosswalks, loadShippedCrosswalks } from './load-crosswalks.js'
import { loadPolicies } from './load-policies.js'
import { loadProviderCatalog, loadShippedProviders } from './load-providers.js'

const controlIdsOf = (catalog: Catalog): Set<string> => new Set(catalog.controls.map((c) => c.id))

/** The shipped third-party catalog: provider profiles, policy templates and crosswalks. */
export interface ShippedThirdParties {
  baseline: ServiceModelBaseline
  profiles: ProfileFile[]
  policies: PolicyTemplate[]
  crosswalks: Crosswalk[]
}

/** Loads what ships in catalog/providers, catalog/policies and catalog/crosswalks. */
export async function loadShippedThirdParties(
  catalog: Catalog,
  catalogDir: string,
): Promise<ShippedThirdParties> {
  const families = controlFamilies(catalog.controls)
  const { baseline, profiles } = await loadShippedProviders(catalogDir, families, controlIdsOf(catalog))
  // Shipped profiles are merged once here too, so a defect in them fails at load, not at first use.
  await loadProviderCatalog({ baseline, profiles }, [], catalogDir, families, controlIdsOf(catalog))
  return {
    baseline,
    profiles,
    policies: await loadPolicies(catalogDir, catalog.controls),
    crosswalks: await loadShippedCrosswalks(catalogDir, new Set(catalog.criteria.keys())),
  }
}

/** The shipped catalog plus the user's provider and mapping files named in trustctl.yaml. */
export async function loadThirdPartyLibrary(
  shipped: ShippedThirdParties,
  catalog: Catalog,
  config: Config,
  root: string,
  configFile: string,
): Promise<ThirdPartyLibrary> {
  const families = controlFamilies(catalog.controls)
  return {
    providers: await loadProviderCatalog(
      shipped,
      config.providerFiles,
      root,
      families,
      controlIdsOf(catalog),
    ),
    policies: shipped.policies,
    crosswalks: await loadCrosswalks(
      shipped.crosswalks,
      config.crosswalks.mappings,
      root,
      new Set(catalog.criteria.keys()),
    ),
    configFile,
  }
}
