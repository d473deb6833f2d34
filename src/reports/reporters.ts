import type { AssessmentModel } from '../core/assessment.js'
import type { PackageModel } from '../core/package/model.js'

/** One file a reporter writes: its path inside the output folder, its bytes and what it is. */
export interface ReportFile {
  path: string
  content: Buffer
  description: string
}

/**
 * A file written as it is made, a piece at a time (`chunks`, UTF-8 text), never held whole: the
 * readiness JSON of a large estate is half a gigabyte, nearly all findings read from their columns.
 */
export interface StreamedReportFile {
  path: string
  chunks: () => Iterable<string>
  description: string
}

/** What a readiness format renders: files made whole, or written as they are made. */
export type RenderedFile = ReportFile | StreamedReportFile

/**
 * One output format, registered once: `--format` validation and help, the server's media types and
 * the package's file list are all read from here. A format renders the readiness report from the
 * assessment, a part of the SOC 2 package from the package model, or both (md, html).
 */
export interface Reporter {
  /** The name `--format` takes. */
  id: string
  /** One line for help text. */
  description: string
  /** The media type of each file extension it writes, as the server sends them. */
  mediaTypes: Readonly<Record<string, string>>
  /** The readiness report (`trustctl report`), when this is a readiness format. */
  readiness?: (model: AssessmentModel) => Promise<RenderedFile[]>
  /** Its part of the SOC 2 package, when it is one. */
  package?: (pkg: PackageModel) => Promise<ReportFile[]>
}

const file = (path: string, content: string | Buffer, description: string): ReportFile => ({
  path,
  content: typeof content === 'string' ? Buffer.from(content, 'utf8') : content,
  description,
})

const json = 'application/json; charset=utf-8'

/**
 * Every format, in the order the package writes its files. Each renderer is imported when its format
 * is asked for: PDF and XLSX bring large libraries that `--help` or a text summary never needs.
 */
export const reporters: readonly Reporter[] = [
  {
    id: 'pdf',
    description: 'the package document as PDF',
    mediaTypes: { '.pdf': 'application/pdf' },
    package: async (pkg) => {
      const { renderPackagePdf } = await import('./pdf/render-pdf.js')
      return [file('soc2-package.pdf', await renderPackagePdf(pkg.document), 'The package document (PDF)')]
    },
  },
  {
    id: 'html',
    description: 'single-file HTML: the readiness report, or the package document',
    mediaTypes: { '.html': 'text/html; charset=utf-8' },
    readiness: async (model) => {
      const { renderHtml } = await import('./html/render-html.js')
      return [file('readiness.html', renderHtml(model), 'The readiness report (HTML)')]
    },
    package: async (pkg) => {
      const { renderPackageHtml } = await import('./package/render-package-html.js')
      return [
        file('soc2-package.html', renderPackageHtml(pkg.document), 'The package document (single-file HTML)'),
      ]
    },
  },
  {
    id: 'md',
    description: 'Markdown: the readiness report, or the package document with its SVG figures',
    mediaTypes: { '.md': 'text/markdown; charset=utf-8', '.svg': 'image/svg+xml; charset=utf-8' },
    readiness: async (model) => {
      const { renderMarkdown } = await import('./markdown/render-markdown.js')
      return [file('readiness.md', renderMarkdown(model), 'The readiness report (Markdown)')]
    },
    package: async (pkg) => {
      const { documentFigures, renderPackageMarkdown } = await import('./package/render-package-markdown.js')
      return [
        file('soc2-package.md', renderPackageMarkdown(pkg.document), 'The package document (Markdown)'),
        ...documentFigures(pkg.document).map((f) => file(f.file, f.svg, f.caption)),
      ]
    },
  },
  {
    id: 'oscal',
    description: 'OSCAL 1.2.1 (and 1.1.3) system security plan, assessment results and POA&M (JSON)',
    mediaTypes: { '.json': json },
    package: async (pkg) => {
      const { renderOscalAssessmentResults, renderOscalPoam, renderOscalSsp } = await import(
        './oscal/render-oscal.js'
      )
      return [
        file('oscal/system-security-plan.json', renderOscalSsp(pkg), 'OSCAL 1.2.1 system security plan'),
        file(
          'oscal/assessment-results.json',
          renderOscalAssessmentResults(pkg),
          'OSCAL 1.2.1 assessment results',
        ),
        file(
          'oscal/plan-of-action-and-milestones.json',
          renderOscalPoam(pkg),
          'OSCAL 1.2.1 plan of action and milestones',
        ),
        // The same three documents in OSCAL 1.1.3, for tools that do not read 1.2 yet (as the README says).
        file(
          'oscal/1.1.3/system-security-plan.json',
          renderOscalSsp(pkg, '1.1.3'),
          'OSCAL 1.1.3 system security plan',
        ),
        file(
          'oscal/1.1.3/assessment-results.json',
          renderOscalAssessmentResults(pkg, '1.1.3'),
          'OSCAL 1.1.3 assessment results',
        ),
        file(
          'oscal/1.1.3/plan-of-action-and-milestones.json',
          renderOscalPoam(pkg, '1.1.3'),
          'OSCAL 1.1.3 plan of action and milestones',
        ),
      ]
    },
  },
  {
    id: 'sarif',
    description: 'SARIF 2.1.0 results for code-scanning dashboards',
    mediaTypes: { '.sarif': 'application/sarif+json' },
    package: async (pkg) => {
      const { renderSarif } = await import('./sarif/render-sarif.js')
      return [file('results.sarif', renderSarif(pkg), 'SARIF 2.1.0 results for code-scanning dashboards')]
    },
  },
  {
    id: 'junit',
    description: 'JUnit XML: one suite per control, one case per test',
    mediaTypes: { '.xml': 'application/xml; charset=utf-8' },
    package: async (pkg) => {
      const { renderJunit } = await import('./junit/render-junit.js')
      return [file('junit.xml', renderJunit(pkg), 'JUnit XML: one suite per control, one case per test')]
    },
  },
  {
    id: 'xlsx',
    description: 'controls matrix, request list, exceptions and gaps (XLSX)',
    mediaTypes: { '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    package: async (pkg) => {
      const { renderXlsx } = await import('./xlsx/render-xlsx.js')
      return [
        file(
          'controls-matrix.xlsx',
          await renderXlsx(pkg),
          'Controls matrix, request list, exceptions and gaps (XLSX)',
        ),
      ]
    },
  },
  {
    id: 'csv',
    description: 'controls matrix and auditor request list (CSV)',
    mediaTypes: { '.csv': 'text/csv; charset=utf-8' },
    package: async (pkg) => {
      const { renderControlsCsv, renderRequestListCsv } = await import('./csv/render-csv.js')
      return [
        file('controls-matrix.csv', renderControlsCsv(pkg), 'Controls matrix (CSV)'),
        file('request-list.csv', renderRequestListCsv(pkg), 'Auditor request list (CSV)'),
      ]
    },
  },
  {
    id: 'json',
    description: 'the readiness result as JSON (the stable contract)',
    mediaTypes: { '.json': json },
    readiness: async (model) => {
      const { jsonChunks } = await import('./json/render-json.js')
      return [
        {
          path: 'readiness.json',
          chunks: () => jsonChunks(model),
          description: 'The readiness result (JSON)',
        },
      ]
    },
  },
]

const mediaTypes = new Map(reporters.flatMap((r) => Object.entries(r.mediaTypes)))

/** The media type of a file any reporter writes (by its extension); unknown ones are plain bytes. */
export function mediaTypeOf(fileName: string): string {
  const extension = /\.[^./\\]+$/.exec(fileName.toLowerCase())?.[0] ?? ''
  return mediaTypes.get(extension) ?? 'application/octet-stream'
}
