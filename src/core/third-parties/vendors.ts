import type { ProviderEntry, Vendor, VendorCriticality } from '../config-third-parties.js'
import { addDuration } from '../dates.js'
import { didYouMean } from '../did-you-mean.js'
import { ConfigError } from '../errors.js'
import type { Gap } from '../gap.js'
import type { GapContext } from './gap-context.js'
import type { MatrixCell, ServiceInUse } from './matrix.js'
import { findService, type ProviderProfile } from './provider-profile.js'

/** How far a vendor's report reaches toward our as-of date. */
export const reportCoverages = [
  'current',
  'bridged',
  'period-gap',
  'expired',
  'missing',
  'not-required',
] as const
export type ReportCoverage = (typeof reportCoverages)[number]

export interface CuecStatus {
  id: string
  text: string
  mappedTo?: string
  /** mapped: one of our in-scope controls meets it; otherwise it is a gap until it is. */
  status: 'mapped' | 'unmapped' | 'not-assessed'
}

export interface VendorStatus {
  name: string
  /** The providers entry this vendor is, when it is one. */
  provider?: string
  services: string[]
  model?: string
  dataShared: string[]
  criticality: VendorCriticality
  subprocessor: boolean
  owner: string
  /** False for a provider we rely on that has no vendors entry in trustctl.yaml. */
  declared: boolean
  /** Whether we need a current report: a critical or high vendor, or a provider whose controls we inherit. */
  reportRequired: boolean
  coverage: ReportCoverage
  /** The last day the report (with any bridge letter) speaks for. */
  coveredThrough?: string
  report?: {
    type: 1 | 2
    periodStart?: string
    periodEnd: string
    opinion: string
    exceptions: string[]
    reviewedBy?: string
    reviewedOn?: string
    bridgeLetterEnd?: string
    file?: string
    sha256?: string
    stored: boolean
  }
  cuecs: CuecStatus[]
  csocs: { organization: string; text: string }[]
  /** Ids of the gaps this vendor raised. */
  gaps: string[]
}

/** A report older than this (after its period end) is too old to rely on, bridge letter or not. */
export const reportShelfLife = 'P12M'

const requiredCriticality: readonly VendorCriticality[] = ['critical', 'high']

const key = (text: string): string => text.trim().toLowerCase()

/**
 * Finds which providers entry each vendor is (by its `provider`, else by name), and checks the
 * services it names against the provider's profile.
 */
export function linkVendors(
  vendors: readonly Vendor[],
  entries: readonly ProviderEntry[],
  services: readonly ServiceInUse[],
  profiles: readonly (ProviderProfile | undefined)[],
  where: string,
): (number | undefined)[] {
  return vendors.map((vendor, i) => {
    const wanted = key(vendor.provider ?? vendor.name)
    const entry = entries.findIndex(
      (e, j) =>
        key(e.name) === wanted ||
        services.some((s) => s.entry === j && key(s.providerId) === wanted) ||
        (profiles[j]?.aliases.some((a) => key(a) === wanted) ?? false) ||
        key(profiles[j]?.name ?? '') === wanted,
    )
    if (vendor.provider !== undefined && entry === -1)
      throw new ConfigError(
        `${where}: vendors[${i}].provider: no providers entry '${vendor.provider}' (providers: ${entries.map((e) => e.name).join(', ') || 'none'})`,
      )
    const profile = entry === -1 ? undefined : profiles[entry]
    if (profile !== undefined) {
      vendor.services.forEach((name, j) => {
        if (findService(profile, name) === undefined)
          throw new ConfigError(
            `${where}: vendors[${i}].services[${j}]: '${name}' is not a service of ${profile.name} (known: ${profile.services.map((s) => s.name).join(', ')})`,
          )
      })
    }
    return entry === -1 ? undefined : entry
  })
}

/** CUEC ids by provider id and the control they are mapped to, for the matrix. */
export function cuecsByProvider(
  vendors: readonly Vendor[],
  links: readonly (number | undefined)[],
  services: readonly ServiceInUse[],
): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>()
  vendors.forEach((vendor, i) => {
    const entry = links[i]
    const providerId = services.find((s) => s.entry === entry)?.providerId
    if (providerId === undefined) return
    const byControl = out.get(providerId) ?? new Map<string, string[]>()
    for (const cuec of vendor.report?.cuecs ?? []) {
      if (cuec.mappedTo === undefined) continue
      byControl.set(cuec.mappedTo, [...(byControl.get(cuec.mappedTo) ?? []), cuec.id])
    }
    out.set(providerId, byControl)
  })
  return out
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
}

/**
 * The vendor register as of the as-of date, with its gaps: a required report missing, too old, or
 * not reaching the as-of date without a bridge letter; a modified opinion nobody reviewed; a duty
 * the report puts on us (CUEC) that no control of ours meets.
 */
export function assessVendors(input: {
  vendors: readonly Vendor[]
  entries: readonly ProviderEntry[]
  links: readonly (number | undefined)[]
  cells: readonly MatrixCell[]
  services: readonly ServiceInUse[]
  allControlIds: ReadonlySet<string>
  assessedControlIds: ReadonlySet<string>
  context: GapContext
}): { vendors: VendorStatus[]; gaps: Gap[] } {
  const { context } = input
  const gaps: Gap[] = []
  // Providers whose controls we inherit through their own report (carve-out).
  const relied = new Set(
    input.cells
      .filter((c) => c.inheritance === 'inherited')
      .map(
        (c) => input.services.find((s) => s.provider === c.provider && s.serviceId === c.serviceId)?.entry,
      ),
  )
  const reportCriteria = context.criteriaOf('vendor.assurance-reports-reviewed')
  const cuecCriteria = context.criteriaOf('vendor.complementary-controls-mapped')
  const compliance = context.ownerOf('compliance')

  const statuses = input.vendors.map((vendor, i): VendorStatus => {
    const entry = input.links[i]
    const owner = vendor.owner ?? compliance
    const reportRequired =
      requiredCriticality.includes(vendor.criticality) || (entry !== undefined && relied.has(entry))
    const status: VendorStatus = {
      name: vendor.name,
      ...(entry === undefined ? {} : { provider: input.entries[entry]?.name ?? vendor.name }),
      services: vendor.services,
      ...(vendor.model === undefined ? {} : { model: vendor.model }),
      dataShared: vendor.dataShared,
      criticality: vendor.criticality,
      subprocessor: vendor.subprocessor,
      owner,
      declared: true,
      reportRequired,
      coverage: 'not-required',
      cuecs: [],
      csocs: vendor.report?.csocs ?? [],
      gaps: [],
    }
    const add = (gap: Omit<Gap, 'ownerRole' | 'owner' | 'dueDate'>): void => {
      const full: Gap = { ...gap, ownerRole: 'compliance', owner, dueDate: context.dueDate(gap.severity) }
      gaps.push(full)
      status.gaps.push(full.id)
    }
    const id = slug(vendor.name)
    const report = vendor.report
    if (report === undefined) {
      if (reportRequired) {
        status.coverage = 'missing'
        add({
          id: `vendor-report-missing:${id}`,
          type: 'vendor-report-missing',
          severity: 'high',
          title: `No assurance report on file for ${vendor.criticality} vendor ${vendor.name}`,
          criteria: reportCriteria,
          controls: ['vendor.assurance-reports-reviewed'],
          remediation: `Obtain ${vendor.name}'s latest SOC 2 Type 2 report (or an equivalent attestation), review it, and record it with \`trustctl vendors import <file> --vendor "${vendor.name}"\`.`,
        })
      }
      return status
    }
    status.report = {
      type: report.type,
      ...(report.periodStart === undefined ? {} : { periodStart: report.periodStart }),
      periodEnd: report.periodEnd,
      opinion: report.opinion,
      exceptions: report.exceptions,
      ...(report.reviewedBy === undefined ? {} : { reviewedBy: report.reviewedBy }),
      ...(report.reviewedOn === undefined ? {} : { reviewedOn: report.reviewedOn }),
      ...(report.bridgeLetter === undefined ? {} : { bridgeLetterEnd: report.bridgeLetter.periodEnd }),
      ...(report.file === undefined ? {} : { file: report.file }),
      ...(report.sha256 === undefined ? {} : { sha256: report.sha256 }),
      stored: report.storeReport,
    }
    const bridgeEnd = report.bridgeLetter?.periodEnd
    const coveredThrough =
      bridgeEnd !== undefined && bridgeEnd > report.periodEnd ? bridgeEnd : report.periodEnd
    status.coveredThrough = coveredThrough
    const expired = addDuration(report.periodEnd, reportShelfLife) < context.asOf
    // A report whose period starts after the as-of date says nothing about that date.
    const startsLater = report.periodStart !== undefined && report.periodStart > context.asOf
    status.coverage = expired
      ? 'expired'
      : startsLater
        ? 'period-gap'
        : report.periodEnd >= context.asOf
          ? 'current'
          : coveredThrough >= context.asOf
            ? 'bridged'
            : 'period-gap'
    if (reportRequired && status.coverage === 'expired') {
      add({
        id: `vendor-report-expired:${id}`,
        type: 'vendor-report-expired',
        severity: 'high',
        title: `${vendor.name}'s report ended ${report.periodEnd}, more than a year before ${context.asOf}${bridgeEnd === undefined ? ', with no bridge letter' : ''}`,
        criteria: reportCriteria,
        controls: ['vendor.assurance-reports-reviewed'],
        remediation: `Obtain ${vendor.name}'s current SOC 2 report; a report this old cannot be bridged. Record it with \`trustctl vendors import\`.`,
      })
    }
    if (reportRequired && status.coverage === 'period-gap') {
      add({
        id: `vendor-period-gap:${id}`,
        type: 'vendor-period-gap',
        severity: 'medium',
        title: startsLater
          ? `${vendor.name}'s report period starts ${report.periodStart ?? ''}, after ${context.asOf}: it does not cover that date`
          : `${vendor.name}'s report covers through ${coveredThrough}${bridgeEnd === undefined ? ' (no bridge letter)' : ' (bridge letter included)'}, not to ${context.asOf}`,
        criteria: reportCriteria,
        controls: ['vendor.assurance-reports-reviewed'],
        remediation: `Ask ${vendor.name} for a bridge letter reaching ${context.asOf} (or its next report), and record it under vendors[${i}].report.bridgeLetter.`,
      })
    }
    const modified = report.opinion !== 'unqualified'
    const reviewed = report.reviewedBy !== undefined && report.reviewedOn !== undefined
    if ((modified || report.exceptions.length > 0) && !reviewed) {
      add({
        id: `vendor-opinion-unreviewed:${id}`,
        type: 'vendor-opinion-unreviewed',
        severity: modified ? 'high' : 'medium',
        title: modified
          ? `${vendor.name}'s report carries a ${report.opinion} opinion that nobody has reviewed`
          : `${vendor.name}'s report notes ${report.exceptions.length} exception(s) that nobody has reviewed`,
        criteria: reportCriteria,
        controls: ['vendor.assurance-reports-reviewed'],
        remediation: `Review what the opinion and exceptions mean for the controls we inherit from ${vendor.name}, add any compensating control to the risk register, and record reviewedBy and reviewedOn in vendors[${i}].report.`,
      })
    }
    const seen = new Set<string>()
    report.cuecs.forEach((cuec, j) => {
      const path = `${context.where}: vendors[${i}].report.cuecs[${j}]`
      if (seen.has(cuec.id)) throw new ConfigError(`${path}.id: '${cuec.id}' is listed twice`)
      seen.add(cuec.id)
      if (cuec.mappedTo !== undefined && !input.allControlIds.has(cuec.mappedTo))
        throw new ConfigError(
          `${path}.mappedTo: no such control '${cuec.mappedTo}'${didYouMean(cuec.mappedTo, input.allControlIds)}`,
          {
            hint: 'map it to a control id of the library (trustctl explain <control-id>), or leave mappedTo out until one exists',
          },
        )
      const mapped = cuec.mappedTo !== undefined && input.assessedControlIds.has(cuec.mappedTo)
      status.cuecs.push({
        id: cuec.id,
        text: cuec.text,
        ...(cuec.mappedTo === undefined ? {} : { mappedTo: cuec.mappedTo }),
        status: mapped ? 'mapped' : cuec.mappedTo === undefined ? 'unmapped' : 'not-assessed',
      })
      if (mapped) return
      add({
        id: `cuec-unmapped:${id}:${cuec.id}`,
        type: 'cuec-unmapped',
        severity: 'medium',
        title:
          cuec.mappedTo === undefined
            ? `${vendor.name} ${cuec.id} is not met by any of our controls: ${cuec.text}`
            : `${vendor.name} ${cuec.id} is mapped to ${cuec.mappedTo}, which is not assessed (out of scope or not applicable)`,
        criteria: cuecCriteria,
        controls: ['vendor.complementary-controls-mapped'],
        remediation: `Map ${cuec.id} to the control that meets it (vendors[${i}].report.cuecs[${j}].mappedTo), or add such a control; until then the provider's controls cannot be relied on for this duty.`,
      })
    })
    return status
  })

  // A provider whose controls we inherit but which is not in the register: its report is missing.
  for (const entryIndex of [...relied].sort((a, b) => (a ?? 0) - (b ?? 0))) {
    if (entryIndex === undefined || input.links.includes(entryIndex)) continue
    const entry = input.entries[entryIndex]
    if (entry === undefined) continue
    const id = `vendor-report-missing:${slug(entry.name)}`
    statuses.push({
      name: entry.name,
      provider: entry.name,
      services: input.services.filter((s) => s.entry === entryIndex).map((s) => s.service),
      model: entry.model,
      dataShared: [],
      criticality: 'critical',
      subprocessor: false,
      owner: compliance,
      declared: false,
      reportRequired: true,
      coverage: 'missing',
      cuecs: [],
      csocs: [],
      gaps: [id],
    })
    gaps.push({
      id,
      type: 'vendor-report-missing',
      severity: 'high',
      title: `Controls are inherited from ${entry.name}, but it has no entry or report in the vendor register`,
      criteria: reportCriteria,
      controls: ['vendor.assurance-reports-reviewed', 'vendor.inventory-tiered-by-risk'],
      ownerRole: 'compliance',
      owner: compliance,
      dueDate: context.dueDate('high'),
      // Management reads this in the package's remediation plan: what to do, not which file to edit.
      remediation: `Add ${entry.name} to the vendor register with its current SOC 2 report, or treat the provider as inclusive instead of carved out.`,
    })
  }
  return { vendors: statuses, gaps }
}
