import type { AssessmentModel } from '../core/assessment.js'
import { ConfigError } from '../core/errors.js'
import { buildPackage, type PackageSettings } from '../core/package/build-package.js'
import type { PackageModel } from '../core/package/model.js'
import type { PackageTemplates } from '../core/package/templates.js'
import { type Reporter, type ReportFile, reporters } from './reporters.js'

/**
 * `trustctl report` formats: the readiness formats, then the package parts that render on their own
 * from the assessment (a format that is both renders the readiness report there).
 */
const reportReporters = [
  ...reporters.filter((r) => r.readiness !== undefined),
  ...reporters.filter((r) => r.readiness === undefined && r.package !== undefined),
]

/** The names `trustctl report --format` accepts. */
export const reportFormats: readonly string[] = reportReporters.map((r) => r.id)

/** The help text of `trustctl report --format`. */
export const reportFormatsHelp = `comma-separated: ${reportFormats.join(', ')}`

/** Parses `md,html,json`; an unknown name is a usage error naming it. */
export function parseReportFormats(list: string): string[] {
  const names = list
    .split(',')
    .map((f) => f.trim().toLowerCase())
    .filter(Boolean)
  for (const name of names) {
    if (!reportFormats.includes(name))
      throw new ConfigError(`--format: unknown report format '${name}' (use ${reportFormats.join(', ')})`)
  }
  return [...new Set(names)]
}

/**
 * Renders `trustctl report`: the readiness formats in the order asked, then the package parts asked
 * for, in package order, from one package built only if one is needed.
 */
export async function renderReports(input: {
  model: AssessmentModel
  formats: readonly string[]
  packageOf: () => PackageModel | Promise<PackageModel>
}): Promise<ReportFile[]> {
  const chosen = input.formats
    .map((id) => reportReporters.find((r) => r.id === id))
    .filter((r): r is Reporter => r !== undefined)
  const files = chosen.flatMap((r) => r.readiness?.(input.model) ?? [])
  const parts = reporters.filter((r) => r.readiness === undefined && chosen.includes(r))
  if (parts.length === 0) return files
  return [...files, ...(await renderParts(await input.packageOf(), parts))]
}

async function renderParts(pkg: PackageModel, parts: readonly Reporter[]): Promise<ReportFile[]> {
  const files: ReportFile[] = []
  for (const part of parts) files.push(...((await part.package?.(pkg)) ?? []))
  return files
}

/** Renders the chosen parts (all by default) of the SOC 2 package, in package order. */
export function renderPackageFiles(pkg: PackageModel, only?: readonly string[]): Promise<ReportFile[]> {
  return renderParts(
    pkg,
    reporters.filter((r) => r.package !== undefined && (only === undefined || only.includes(r.id))),
  )
}

/**
 * The package `trustctl report` renders its package formats from: Type 1 as of the model's date,
 * built from the model alone (the system components need the evidence, which `trustctl package` has).
 */
export function reportPackage(
  model: AssessmentModel,
  templates: PackageTemplates,
  settings?: PackageSettings,
): PackageModel {
  return buildPackage({
    model,
    ...(settings === undefined ? {} : { config: settings }),
    templates,
    evidence: [],
    engagement: { type: 1, asOf: model.asOf },
  })
}
