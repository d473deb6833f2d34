import type {
  InclusionMethod,
  ProviderEntry,
  ProviderOverride,
  ResponsibilityOwner,
  ServiceModel,
} from '../config-third-parties.js'
import { serviceModels } from '../config-third-parties.js'
import { didYouMean } from '../did-you-mean.js'
import { ConfigError } from '../errors.js'
import {
  findProfile,
  findService,
  type ProviderCatalog,
  type ProviderProfile,
  type Responsibility,
} from './provider-profile.js'

/** One service of one provider that the system runs on. */
export interface ServiceInUse {
  /** The providers entry's name as written in trustctl.yaml. */
  provider: string
  /** Profile id when a profile matched, else the entry's name. */
  providerId: string
  profile?: string
  service: string
  serviceId: string
  model: ServiceModel
  method: InclusionMethod
  /** Index of the providers entry, for error messages and overrides. */
  entry: number
}

/**
 * Whether a control's evidence for this service comes through the provider: inherited means our
 * auditor relies on the provider's own report (carve-out); tested means our auditor tests the
 * provider's controls (inclusive); none means the control is ours alone for this service.
 */
export type Inheritance = 'inherited' | 'tested' | 'none'

export type ResponsibilitySource = 'model-baseline' | 'provider-profile' | 'service-profile' | 'override'

/** One box of the responsibility matrix: a control, as it applies to what runs on one service. */
export interface MatrixCell {
  control: string
  family: string
  provider: string
  providerId: string
  service: string
  serviceId: string
  model: ServiceModel
  owner: ResponsibilityOwner
  inheritance: Inheritance
  /**
   * Key into the matrix's `duties`: what the provider does and what stays with us. Shared by every
   * cell the same profile entry decides, so the words are stored once, not once per control.
   */
  duty?: string
  /** Who produces the evidence: our control owner, the provider's report, or both. */
  evidenceBy: string[]
  source: ResponsibilitySource
  /** Why, when a trustctl.yaml override decided the owner. */
  reason?: string
  /** Complementary user entity controls of this provider's report that we meet with this control. */
  cuecs: string[]
}

export type ModelColumn = ResponsibilityOwner | 'not-used'

/** A row of the matrix figure: one family, its owner overall and per service model. */
export interface FamilySummary {
  family: string
  overall: ResponsibilityOwner
  byModel: Record<ServiceModel, ModelColumn>
}

/** What the provider does, and what stays with us, as a profile entry states it. */
export interface Duty {
  provider?: string
  customer?: string
}

export interface ResponsibilityMatrix {
  services: ServiceInUse[]
  cells: MatrixCell[]
  duties: Record<string, Duty>
  families: FamilySummary[]
  /** Each control's owner across every service in use. */
  controls: { control: string; family: string; owner: ResponsibilityOwner }[]
}

/** What the matrix needs to know about a control in scope. */
export interface MatrixControl {
  id: string
  family: string
  /** The person (or role) who owns it at our end. */
  owner: string
}

/** Resolves trustctl.yaml's providers to services with their model; unknown services are errors. */
export function resolveServices(
  entries: readonly ProviderEntry[],
  catalog: ProviderCatalog,
  where: string,
): { services: ServiceInUse[]; profiles: (ProviderProfile | undefined)[] } {
  const services: ServiceInUse[] = []
  const profiles: (ProviderProfile | undefined)[] = []
  entries.forEach((entry, i) => {
    const twin = entries.findIndex((e) => e.name.trim().toLowerCase() === entry.name.trim().toLowerCase())
    if (twin !== i)
      throw new ConfigError(
        `${where}: providers[${i}].name: '${entry.name}' is already providers[${twin}]; merge the two`,
      )
    const profile =
      entry.profile === undefined ? findProfile(catalog, entry.name) : catalog.profiles.get(entry.profile)
    if (entry.profile !== undefined && profile === undefined) {
      throw new ConfigError(
        `${where}: providers[${i}].profile: no provider profile '${entry.profile}' (known: ${[...catalog.profiles.keys()].sort().join(', ')})`,
        { hint: 'add a profile with providerFiles, or leave profile out and give model and services' },
      )
    }
    profiles.push(profile)
    const base = {
      provider: entry.name,
      providerId: profile?.id ?? entry.name,
      ...(profile === undefined ? {} : { profile: profile.id }),
      method: entry.method,
      entry: i,
    }
    if (profile === undefined) {
      const names = entry.services.length > 0 ? entry.services : [entry.name]
      for (const name of names) services.push({ ...base, service: name, serviceId: name, model: entry.model })
      return
    }
    if (entry.services.length === 0) {
      throw new ConfigError(
        `${where}: providers[${i}].services: list the services of ${profile.name} in use (known: ${profile.services.map((s) => s.name).join(', ')})`,
      )
    }
    const seen = new Set<string>()
    entry.services.forEach((name, j) => {
      const service = findService(profile, name)
      if (service === undefined) {
        throw new ConfigError(
          `${where}: providers[${i}].services[${j}]: '${name}' is not a service of ${profile.name} (known: ${profile.services.map((s) => s.name).join(', ')})`,
          {
            hint: 'use a service name or alias from the profile, or add the service in a providerFiles file',
          },
        )
      }
      if (seen.has(service.id))
        throw new ConfigError(`${where}: providers[${i}].services[${j}]: ${service.name} is listed twice`)
      seen.add(service.id)
      services.push({ ...base, service: service.name, serviceId: service.id, model: service.model })
    })
  })
  return { services, profiles }
}

interface IndexedOverride {
  override: ProviderOverride
  path: string
  serviceId: string | undefined
}

/** Checks every override names a known family, control and service, and that none overlap. */
function indexOverrides(
  entries: readonly ProviderEntry[],
  services: readonly ServiceInUse[],
  families: ReadonlySet<string>,
  controlIds: ReadonlySet<string>,
  where: string,
): Map<string, IndexedOverride> {
  const index = new Map<string, IndexedOverride>()
  entries.forEach((entry, i) => {
    entry.overrides.forEach((override, j) => {
      const path = `providers[${i}].overrides[${j}]`
      if (override.family !== undefined && !families.has(override.family))
        throw new ConfigError(
          `${where}: ${path}.family: unknown control family '${override.family}' (known: ${[...families].sort().join(', ')})`,
        )
      if (override.control !== undefined && !controlIds.has(override.control))
        throw new ConfigError(
          `${where}: ${path}.control: no such control '${override.control}'${didYouMean(override.control, controlIds)}`,
        )
      let serviceId: string | undefined
      if (override.service !== undefined) {
        const wanted = override.service.trim().toLowerCase()
        const match = services.find(
          (s) =>
            s.entry === i && (s.serviceId.toLowerCase() === wanted || s.service.toLowerCase() === wanted),
        )
        if (match === undefined)
          throw new ConfigError(
            `${where}: ${path}.service: '${override.service}' is not a service of ${entry.name} in use (in use: ${services
              .filter((s) => s.entry === i)
              .map((s) => s.service)
              .join(', ')})`,
          )
        serviceId = match.serviceId
      }
      const target =
        override.control === undefined ? `family:${override.family}` : `control:${override.control}`
      const key = `${i}|${target}|${serviceId ?? '*'}`
      const other = index.get(key)
      if (other !== undefined)
        throw new ConfigError(
          `${where}: ${path}: overlaps ${other.path} (both set ${target.replace(':', ' ')} for ${serviceId ?? `every service of ${entry.name}`}); keep one`,
        )
      index.set(key, { override, path, serviceId })
    })
  })
  return index
}

function evidenceBy(owner: ResponsibilityOwner, service: ServiceInUse, controlOwner: string): string[] {
  const theirs =
    service.method === 'inclusive'
      ? `${service.provider}: its controls, tested by our service auditor (inclusive)`
      : `${service.provider}: its SOC 2 report (carve-out), reviewed by us`
  if (owner === 'us') return [`${controlOwner} (control owner)`]
  if (owner === 'provider') return [theirs]
  return [`${controlOwner} (control owner), for our part`, theirs]
}

/** Combines owners: the same everywhere stays, anything mixed is shared. */
export function combineOwners(owners: readonly ResponsibilityOwner[]): ResponsibilityOwner {
  const first = owners[0]
  if (first === undefined) return 'us'
  return owners.every((o) => o === first) ? first : 'shared'
}

/**
 * The responsibility matrix: every control in scope × every service in use, with its owner, how
 * it is inherited and who produces the evidence. The most specific statement wins: a trustctl.yaml
 * override for the control, then for its family; the profile's entry for the service, then for the
 * provider; then the default of the service model.
 */
export function computeMatrix(input: {
  entries: readonly ProviderEntry[]
  catalog: ProviderCatalog
  controls: readonly MatrixControl[]
  families: ReadonlySet<string>
  allControlIds: ReadonlySet<string>
  /** CUEC ids mapped to our controls, by provider id then control id. */
  cuecs?: ReadonlyMap<string, ReadonlyMap<string, string[]>>
  where: string
}): ResponsibilityMatrix {
  const { services, profiles } = resolveServices(input.entries, input.catalog, input.where)
  const overrides = indexOverrides(input.entries, services, input.families, input.allControlIds, input.where)
  const cells: MatrixCell[] = []
  const duties: Record<string, Duty> = {}
  for (const control of input.controls) {
    for (const service of services) {
      const profile = profiles[service.entry]
      const profileService = profile?.services.find((s) => s.id === service.serviceId)
      const find = (target: string): IndexedOverride | undefined =>
        overrides.get(`${service.entry}|${target}|${service.serviceId}`) ??
        overrides.get(`${service.entry}|${target}|*`)
      const override = find(`control:${control.id}`) ?? find(`family:${control.family}`)
      const where = `${service.providerId}/${service.serviceId}`
      const fromProfile: [Responsibility | undefined, ResponsibilitySource, string][] = [
        [profileService?.controls[control.id], 'service-profile', `${where}/${control.id}`],
        [profile?.controls[control.id], 'provider-profile', `${service.providerId}/*/${control.id}`],
        [
          input.catalog.baseline.controls[service.model][control.id],
          'model-baseline',
          `${service.model}/${control.id}`,
        ],
        [profileService?.responsibilities[control.family], 'service-profile', `${where}/${control.family}`],
        [
          profile?.responsibilities[control.family],
          'provider-profile',
          `${service.providerId}/*/${control.family}`,
        ],
        [
          input.catalog.baseline.models[service.model][control.family],
          'model-baseline',
          `${service.model}/${control.family}`,
        ],
      ]
      const [stated, source, dutyKey] = fromProfile.find(([r]) => r !== undefined) ?? [
        undefined,
        'model-baseline',
        '',
      ]
      const owner = override?.override.owner ?? stated?.owner ?? 'us'
      const cell: MatrixCell = {
        control: control.id,
        family: control.family,
        provider: service.provider,
        providerId: service.providerId,
        service: service.service,
        serviceId: service.serviceId,
        model: service.model,
        owner,
        inheritance: owner === 'us' ? 'none' : service.method === 'inclusive' ? 'tested' : 'inherited',
        evidenceBy: evidenceBy(owner, service, control.owner),
        source: override === undefined ? source : 'override',
        cuecs: input.cuecs?.get(service.providerId)?.get(control.id) ?? [],
      }
      // The profile's words hold only when the owner is the profile's; an override states its own reason.
      if (stated !== undefined && override === undefined) {
        duties[dutyKey] ??= {
          ...(stated.provider === undefined ? {} : { provider: stated.provider }),
          ...(stated.customer === undefined ? {} : { customer: stated.customer }),
        }
        cell.duty = dutyKey
      }
      if (override !== undefined) cell.reason = override.override.reason
      cells.push(cell)
    }
  }
  return {
    services,
    cells,
    duties,
    families: summariseFamilies(cells, new Set(input.controls.map((c) => c.family))),
    controls: summariseControls(cells, input.controls),
  }
}

function summariseFamilies(cells: readonly MatrixCell[], families: ReadonlySet<string>): FamilySummary[] {
  return [...families].sort().map((family) => {
    const inFamily = cells.filter((c) => c.family === family)
    const byModel = Object.fromEntries(
      serviceModels.map((model) => {
        const owners = inFamily.filter((c) => c.model === model).map((c) => c.owner)
        return [model, owners.length === 0 ? 'not-used' : combineOwners(owners)]
      }),
    ) as Record<ServiceModel, ModelColumn>
    return { family, overall: combineOwners(inFamily.map((c) => c.owner)), byModel }
  })
}

function summariseControls(cells: readonly MatrixCell[], controls: readonly MatrixControl[]) {
  return controls.map((control) => ({
    control: control.id,
    family: control.family,
    owner: combineOwners(cells.filter((c) => c.control === control.id).map((c) => c.owner)),
  }))
}
