import type { Control, OwnerRole } from '../catalog.js'
import type { Severity } from '../check.js'
import type { Config } from '../config.js'
import { ConfigError } from '../errors.js'
import type { Gap } from '../gap.js'
import { type Crosswalk, type CrosswalkResult, checkDeclared, evaluateCrosswalk } from './crosswalk.js'
import type { GapContext } from './gap-context.js'
import { computeMatrix, type ResponsibilityMatrix, resolveServices } from './matrix.js'
import { assessPolicies, type PolicyStatus, type PolicyTemplate } from './policies.js'
import type { ProviderCatalog } from './provider-profile.js'
import { assessRisks, type RiskEntry } from './risks.js'
import { assessVendors, cuecsByProvider, linkVendors, type VendorStatus } from './vendors.js'

export type { ThirdPartyGapType } from './gap-context.js'

/** Catalog data about third parties, policies and crosswalks, shipped and the user's own. */
export interface ThirdPartyLibrary {
  providers: ProviderCatalog
  policies: readonly PolicyTemplate[]
  crosswalks: readonly Crosswalk[]
  /** trustctl.yaml as the user knows it, to name in errors. */
  configFile?: string
}

/** The assessment's view of shared responsibility, vendors, policies, risks and crosswalks. */
export interface ThirdPartiesSection {
  matrix: ResponsibilityMatrix
  vendors: VendorStatus[]
  policies: PolicyStatus[]
  risks: RiskEntry[]
  /** For each framework the team declared existing controls in: what they already meet. */
  crosswalks: CrosswalkResult[]
}

/** A control as the assessment sees it: its owner at our end, and whether it is assessed. */
export interface AssessedControl {
  id: string
  family: string
  owner: string
  notApplicable?: unknown
}

/** Control families of the catalog: the part of each control id before the dot. */
export function controlFamilies(controls: readonly Pick<Control, 'id'>[]): Set<string> {
  return new Set(controls.map((c) => c.id.split('.')[0] ?? c.id))
}

/**
 * Shared responsibility, the vendor register, policies, risks and crosswalks for one assessment,
 * with the gaps they raise. Pure: the library and configuration are already loaded.
 */
export function assessThirdParties(input: {
  library: ThirdPartyLibrary
  config: Config
  catalogControls: readonly Control[]
  controls: readonly AssessedControl[]
  criteria: readonly string[]
  dueDate: (severity: Severity) => string
}): { section: ThirdPartiesSection; gaps: Gap[] } {
  const { library, config } = input
  const where = library.configFile ?? 'trustctl.yaml'
  const inScope = new Set(input.criteria)
  const allControlIds = new Set(input.catalogControls.map((c) => c.id))
  const families = controlFamilies(input.catalogControls)
  const context: GapContext = {
    asOf: config.scope.asOf,
    dueDate: input.dueDate,
    ownerOf: (role: OwnerRole) => config.owners[role] ?? role,
    criteriaOf: (id) =>
      input.catalogControls.find((c) => c.id === id)?.satisfies.soc2.filter((c) => inScope.has(c)) ?? [],
    where,
  }
  const assessed = input.controls.filter((c) => c.notApplicable === undefined)

  const { services, profiles } = resolveServices(config.providers, library.providers, where)
  const links = linkVendors(config.vendors, config.providers, services, profiles, where)
  const matrix = computeMatrix({
    entries: config.providers,
    catalog: library.providers,
    controls: assessed,
    families,
    allControlIds,
    cuecs: cuecsByProvider(config.vendors, links, services),
    where,
  })
  const vendors = assessVendors({
    vendors: config.vendors,
    entries: config.providers,
    links,
    cells: matrix.cells,
    services,
    allControlIds,
    assessedControlIds: new Set(assessed.map((c) => c.id)),
    context,
  })
  const policies = assessPolicies({ templates: library.policies, approvals: config.policies, context })
  const risks = assessRisks(config.risks, allControlIds, where)
  const crosswalks = Object.entries(config.crosswalks.existing).map(([id, declared]) => {
    const crosswalk = library.crosswalks.find((c) => c.id === id)
    if (crosswalk === undefined)
      throw new ConfigError(
        `${where}: crosswalks.existing.${id}: no crosswalk '${id}' (known: ${library.crosswalks.map((c) => c.id).join(', ')})`,
      )
    checkDeclared(
      crosswalk,
      declared.map((d, j) => ({ id: d, at: `${where}: crosswalks.existing.${id}[${j}]` })),
    )
    return evaluateCrosswalk(crosswalk, declared, input.criteria)
  })
  return {
    section: { matrix, vendors: vendors.vendors, policies: policies.policies, risks, crosswalks },
    gaps: [...vendors.gaps, ...policies.gaps],
  }
}

/**
 * The controls and criteria in scope as trustctl.yaml sets them, without evaluating any evidence:
 * what `trustctl matrix`, `vendors` and `policies` need (the same rules as the assessment).
 */
export function scopeWithoutEvidence(
  catalog: { criteria: ReadonlyMap<string, { id: string; category: string }>; controls: readonly Control[] },
  config: Config,
): { criteria: string[]; controls: AssessedControl[] } {
  const criteria = [...catalog.criteria.values()]
    .filter((c) => (config.scope.categories as readonly string[]).includes(c.category))
    .map((c) => c.id)
  const inScope = new Set(criteria)
  const controls = catalog.controls
    .filter((c) => c.satisfies.soc2.some((id) => inScope.has(id)))
    .map((c): AssessedControl => {
      const reason = config.controls[c.id]?.notApplicable
      return {
        id: c.id,
        family: c.id.split('.')[0] ?? c.id,
        owner: config.controls[c.id]?.owner ?? config.owners[c.owner] ?? c.owner,
        ...(typeof reason === 'string' && reason.trim() !== '' ? { notApplicable: reason } : {}),
      }
    })
  return { criteria, controls }
}
