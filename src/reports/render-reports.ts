import type { AssessmentModel } from '../core/assessment.js'
import { buildPackage, type PackageSettings } from '../core/package/build-package.js'
import type { PackageModel } from '../core/package/model.js'
import type { PackageTemplates } from '../core/package/templates.js'
import { reportReporters } from './report-formats.js'
import { type RenderedFile, type Reporter, type ReportFile, reporters } from './reporters.js'

export { parseReportFormats, reportFormats, reportFormatsHelp } from './report-formats.js'

/**
 * Renders `trustctl report`: the readiness formats in the order asked, then the package parts asked
 * for, in package order, from one package built only if one is needed.
 */
export async function renderReports(input: {
  model: AssessmentModel
  formats: readonly string[]
  packageOf: () => PackageModel | Promise<PackageModel>
}): Promise<RenderedFile[]> {
  const chosen = input.formats
    .map((id) => reportReporters.find((r) => r.id === id))
    .filter((r): r is Reporter => r !== undefined)
  const files: RenderedFile[] = []
  for (const r of chosen) files.push(...((await r.readiness?.(input.model)) ?? []))
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
