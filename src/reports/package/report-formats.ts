import type { AssessmentModel } from '../../core/assessment.js'
import { buildPackage, type PackageSettings } from '../../core/package/build-package.js'
import { type PackageFile, packageParts } from './package-files.js'

/** `trustctl report --format` names that render a part of the SOC 2 package. */
export const packageReportFormats = ['pdf', 'oscal', 'sarif', 'junit', 'xlsx', 'csv'] as const
export type PackageReportFormat = (typeof packageReportFormats)[number]

export function isPackageReportFormat(name: string): name is PackageReportFormat {
  return (packageReportFormats as readonly string[]).includes(name)
}

/**
 * Renders package formats for `trustctl report`: a Type 1 package as of the model's date, built
 * from the model alone (the system components need the evidence, which `trustctl package` has).
 */
export async function renderPackageReportFormats(
  model: AssessmentModel,
  formats: readonly PackageReportFormat[],
  settings?: PackageSettings,
): Promise<PackageFile[]> {
  if (formats.length === 0) return []
  const pkg = buildPackage({
    model,
    ...(settings === undefined ? {} : { config: settings }),
    evidence: [],
    engagement: { type: 1, asOf: model.asOf },
  })
  const files: PackageFile[] = []
  for (const part of packageParts)
    if ((formats as readonly string[]).includes(part.name)) files.push(...(await part.render(pkg)))
  return files
}
