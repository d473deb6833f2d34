import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { catalogRoot } from '../catalog/load-catalog.js'
import { loadPackageTemplates } from '../catalog/load-package-templates.js'
import type { AssessmentModel } from '../core/assessment.js'
import type { Config } from '../core/config.js'
import { parseReportFormats, renderReports, reportPackage } from '../reports/render-reports.js'
import { writeChunksToFile } from './write-chunks.js'

export { reportFormatsHelp } from '../reports/render-reports.js'

/** Parses `md,html,json` against the reporter registry; an unknown name is a usage error naming it. */
export const parseFormats = parseReportFormats

/** Renders the model in each format through the reporter registry and writes the files; returns their paths. */
export async function writeReports(
  model: AssessmentModel,
  formats: readonly string[],
  outDir: string,
  config?: Config,
): Promise<string[]> {
  await mkdir(outDir, { recursive: true })
  const files = await renderReports({
    model,
    formats,
    // The package formats need the package's wording, read from the catalog only when asked for.
    packageOf: async () => reportPackage(model, await loadPackageTemplates(catalogRoot()), config),
  })
  const written: string[] = []
  for (const file of files) {
    const target = path.join(outDir, file.path)
    await mkdir(path.dirname(target), { recursive: true })
    if ('chunks' in file) await writeChunksToFile(target, file.chunks())
    else await writeFile(target, file.content)
    written.push(target)
  }
  return written
}
