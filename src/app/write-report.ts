import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { AssessmentModel } from '../core/assessment.js'
import type { Config } from '../core/config.js'
import { ConfigError } from '../core/errors.js'
import { renderHtml } from '../reports/html/render-html.js'
import { renderJson } from '../reports/json/render-json.js'
import { renderMarkdown } from '../reports/markdown/render-markdown.js'
import {
  isPackageReportFormat,
  packageReportFormats,
  renderPackageReportFormats,
} from '../reports/package/report-formats.js'

const renderers = {
  md: { file: 'readiness.md', render: renderMarkdown },
  html: { file: 'readiness.html', render: renderHtml },
  json: { file: 'readiness.json', render: renderJson },
} as const

export type ReportFormat = keyof typeof renderers | (typeof packageReportFormats)[number]
export const reportFormats = [...Object.keys(renderers), ...packageReportFormats] as ReportFormat[]

/** Parses `md,html,json`; an unknown name is a usage error naming it. */
export function parseFormats(list: string): ReportFormat[] {
  const names = list
    .split(',')
    .map((f) => f.trim().toLowerCase())
    .filter(Boolean)
  for (const name of names) {
    if (!(name in renderers) && !isPackageReportFormat(name))
      throw new ConfigError(`--format: unknown report format '${name}' (use ${reportFormats.join(', ')})`)
  }
  return [...new Set(names)] as ReportFormat[]
}

/** Renders the model in each format and writes the files; returns their paths. */
export async function writeReports(
  model: AssessmentModel,
  formats: readonly ReportFormat[],
  outDir: string,
  config?: Config,
): Promise<string[]> {
  await mkdir(outDir, { recursive: true })
  const written: string[] = []
  for (const format of formats) {
    if (isPackageReportFormat(format)) continue
    const { file, render } = renderers[format]
    const target = path.join(outDir, file)
    await writeFile(target, render(model))
    written.push(target)
  }
  // PDF, OSCAL, SARIF, JUnit, XLSX and CSV render the SOC 2 package built from the model.
  for (const file of await renderPackageReportFormats(model, formats.filter(isPackageReportFormat), config)) {
    const target = path.join(outDir, file.path)
    await mkdir(path.dirname(target), { recursive: true })
    await writeFile(target, file.content)
    written.push(target)
  }
  return written
}
