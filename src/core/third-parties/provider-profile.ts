import { z } from 'zod'
import { responsibilityOwners, serviceModels } from '../config-third-parties.js'
import { deferredSchema } from '../deferred-schema.js'
import { CatalogError, ConfigError } from '../errors.js'

/** What a provider does for one control family, and what it leaves to us, in our own words. */
export const responsibilitySchema = deferredSchema(() =>
  z
    .strictObject({
      owner: z.enum(responsibilityOwners),
      provider: z.string().min(10).optional(),
      customer: z.string().min(10).optional(),
    })
    .refine((r) => r.owner === 'us' || r.provider !== undefined, {
      message: 'say what the provider does (provider:) when it owns or shares the family',
      path: ['provider'],
    })
    .refine((r) => r.owner === 'provider' || r.customer !== undefined, {
      message: 'say what stays with us (customer:) when we own or share the family',
      path: ['customer'],
    }),
)
export type Responsibility = z.infer<typeof responsibilitySchema>

const familyResponsibilities = deferredSchema(() => z.record(z.string(), responsibilitySchema))

const slug = deferredSchema(() =>
  z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a kebab-case id such as aws or cloud-sql'),
)

export const providerServiceSchema = deferredSchema(() =>
  z.strictObject({
    id: slug,
    name: z.string().min(2),
    model: z.enum(serviceModels),
    aliases: z.array(z.string().min(1)).default([]),
    responsibilities: familyResponsibilities.default({}),
    /** Single controls that differ from their family's split on this service. */
    controls: familyResponsibilities.default({}),
  }),
)
export type ProviderService = z.infer<typeof providerServiceSchema>

export const providerProfileSchema = deferredSchema(() =>
  z.strictObject({
    id: slug,
    name: z.string().min(2),
    aliases: z.array(z.string().min(1)).default([]),
    /** Set in a user's file to change a shipped profile of the same id instead of adding one. */
    override: z.boolean().default(false),
    /** Assurance reports the provider usually offers its customers (names only). */
    assurance: z.array(z.string().min(1)).default([]),
    /** Family defaults for every service of this provider; a service's own entries win. */
    responsibilities: familyResponsibilities.default({}),
    /** Single controls that differ from their family's split, for every service of the provider. */
    controls: familyResponsibilities.default({}),
    services: z.array(providerServiceSchema).default([]),
  }),
)
export type ProviderProfile = z.infer<typeof providerProfileSchema>

/** The default split of each control family for each service model, before any profile. */
export const serviceModelBaselineSchema = deferredSchema(() =>
  z.strictObject({
    models: z.strictObject({
      iaas: familyResponsibilities,
      paas: familyResponsibilities,
      saas: familyResponsibilities,
    }),
    /** Single controls whose split on a service model differs from their family's. */
    controls: z
      .strictObject({
        iaas: familyResponsibilities.default({}),
        paas: familyResponsibilities.default({}),
        saas: familyResponsibilities.default({}),
      })
      .default({ iaas: {}, paas: {}, saas: {} }),
  }),
)
export type ServiceModelBaseline = z.infer<typeof serviceModelBaselineSchema>

/** A profile file as read, with the name to cite in errors. */
export interface ProfileFile {
  file: string
  profile: ProviderProfile
}

/** The provider profiles in force: shipped ones merged with the user's additions and overrides. */
export interface ProviderCatalog {
  baseline: ServiceModelBaseline
  profiles: ReadonlyMap<string, ProviderProfile>
  /** Where each profile (and each overriding file) came from. */
  sources: ReadonlyMap<string, string[]>
}

/** Every family a file names must be a control family of the catalog, and every service id unique. */
export function checkProfile(
  entry: ProfileFile,
  families: ReadonlySet<string>,
  controlIds: ReadonlySet<string>,
): string[] {
  const problems: string[] = []
  const { file, profile } = entry
  const known = [...families].sort().join(', ')
  for (const family of Object.keys(profile.responsibilities)) {
    if (!families.has(family))
      problems.push(`${file}: responsibilities.${family}: unknown control family (known: ${known})`)
  }
  const checkControls = (controls: Record<string, unknown>, at: string): void => {
    for (const id of Object.keys(controls))
      if (!controlIds.has(id)) problems.push(`${file}: ${at}.${id}: no such control`)
  }
  checkControls(profile.controls, 'controls')
  const ids = new Set<string>()
  profile.services.forEach((service, i) => {
    if (ids.has(service.id)) problems.push(`${file}: services[${i}].id: '${service.id}' is listed twice`)
    ids.add(service.id)
    checkControls(service.controls, `services[${i}].controls`)
    for (const family of Object.keys(service.responsibilities)) {
      if (!families.has(family))
        problems.push(
          `${file}: services[${i}].responsibilities.${family}: unknown control family (known: ${known})`,
        )
    }
  })
  return problems
}

/** The baseline must say something about every family for every model, or a cell has no answer. */
export function checkBaseline(
  baseline: ServiceModelBaseline,
  file: string,
  families: ReadonlySet<string>,
  controlIds: ReadonlySet<string>,
) {
  const problems: string[] = []
  for (const model of serviceModels) {
    for (const id of Object.keys(baseline.controls[model]))
      if (!controlIds.has(id)) problems.push(`${file}: controls.${model}.${id}: no such control`)
    const entries = baseline.models[model]
    for (const family of families) {
      if (entries[family] === undefined) problems.push(`${file}: models.${model}.${family}: missing`)
    }
    for (const family of Object.keys(entries)) {
      if (!families.has(family)) problems.push(`${file}: models.${model}.${family}: unknown control family`)
    }
  }
  if (problems.length > 0) throw new CatalogError(problems.join('\n'))
}

/**
 * Merges the shipped profiles with the user's files. A user file adds a provider, or changes a
 * shipped one when it says `override: true`. Two user files that set the same service or family of
 * the same provider are ambiguous: which one wins would depend on file order, so it is an error.
 */
export function mergeProviderProfiles(
  baseline: ServiceModelBaseline,
  shipped: readonly ProfileFile[],
  user: readonly ProfileFile[],
  families: ReadonlySet<string>,
  controlIds: ReadonlySet<string>,
): ProviderCatalog {
  const problems = [...shipped, ...user].flatMap((entry) => checkProfile(entry, families, controlIds))
  const profiles = new Map<string, ProviderProfile>()
  const sources = new Map<string, string[]>()
  for (const { file, profile } of shipped) {
    if (profiles.has(profile.id))
      problems.push(`${file}: id: '${profile.id}' is already used by ${sources.get(profile.id)?.[0] ?? ''}`)
    profiles.set(profile.id, profile)
    sources.set(profile.id, [file])
  }
  const shippedIds = new Set(profiles.keys())
  // Which user file set which key, so an overlap can name both files.
  const setBy = new Map<string, string>()
  for (const { file, profile } of user) {
    const existing = profiles.get(profile.id)
    if (existing === undefined) {
      if (profile.override)
        problems.push(`${file}: override: there is no provider '${profile.id}' to override`)
      profiles.set(profile.id, profile)
      sources.set(profile.id, [file])
      continue
    }
    if (!profile.override) {
      const where = sources.get(profile.id)?.join(', ') ?? ''
      problems.push(
        shippedIds.has(profile.id)
          ? `${file}: id: provider '${profile.id}' is already defined in ${where}; set override: true to change it`
          : `${file}: id: provider '${profile.id}' is also defined in ${where}; merge the two files`,
      )
      continue
    }
    const claim = (key: string, path: string): void => {
      const other = setBy.get(`${profile.id}/${key}`)
      if (other !== undefined && other !== file)
        problems.push(`${file}: ${path}: also set for provider '${profile.id}' in ${other}; keep one`)
      setBy.set(`${profile.id}/${key}`, file)
    }
    const services = [...existing.services]
    profile.services.forEach((service, i) => {
      claim(`service:${service.id}`, `services[${i}]`)
      const at = services.findIndex((s) => s.id === service.id)
      if (at === -1) services.push(service)
      else services[at] = service
    })
    for (const family of Object.keys(profile.responsibilities))
      claim(`family:${family}`, `responsibilities.${family}`)
    for (const id of Object.keys(profile.controls)) claim(`control:${id}`, `controls.${id}`)
    profiles.set(profile.id, {
      ...existing,
      aliases: [...new Set([...existing.aliases, ...profile.aliases])],
      assurance: profile.assurance.length > 0 ? profile.assurance : existing.assurance,
      responsibilities: { ...existing.responsibilities, ...profile.responsibilities },
      controls: { ...existing.controls, ...profile.controls },
      services,
    })
    sources.set(profile.id, [...(sources.get(profile.id) ?? []), file])
  }
  if (problems.length > 0) {
    const message = `${problems.length} problem(s) in provider profiles:\n  ${problems.join('\n  ')}`
    // A user's file is configuration they can fix; a shipped file is a defect of the catalog.
    throw user.length > 0 ? new ConfigError(message) : new CatalogError(message)
  }
  return { baseline, profiles, sources }
}

const normalise = (text: string): string => text.trim().toLowerCase().replace(/\s+/g, ' ')

/** The profile whose id, name or an alias is this name, if any. */
export function findProfile(catalog: ProviderCatalog, name: string): ProviderProfile | undefined {
  const wanted = normalise(name)
  return [...catalog.profiles.values()].find(
    (p) => p.id === wanted || normalise(p.name) === wanted || p.aliases.some((a) => normalise(a) === wanted),
  )
}

/** The service of a profile whose id, name or an alias is this name, if any. */
export function findService(profile: ProviderProfile, name: string): ProviderService | undefined {
  const wanted = normalise(name)
  return profile.services.find(
    (s) => s.id === wanted || normalise(s.name) === wanted || s.aliases.some((a) => normalise(a) === wanted),
  )
}
