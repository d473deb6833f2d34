import { createHash } from 'node:crypto'
import type { PackageModel } from '../../core/package/model.js'
import { renderControlsCsv, renderRequestListCsv } from '../csv/render-csv.js'
import { renderJunit } from '../junit/render-junit.js'
import { renderOscalAssessmentResults, renderOscalPoam, renderOscalSsp } from '../oscal/render-oscal.js'
import { renderPackagePdf } from '../pdf/render-pdf.js'
import { renderSarif } from '../sarif/render-sarif.js'
import { renderXlsx } from '../xlsx/render-xlsx.js'
import { renderPackageHtml } from './render-package-html.js'
import { documentFigures, renderPackageMarkdown } from './render-package-markdown.js'

/** One file of the package: its path inside the package folder, its bytes and what it is. */
export interface PackageFile {
  path: string
  content: Buffer
  description: string
}

/** A renderer of one or more package files; the benchmark times each on its own. */
export interface PackagePart {
  name: string
  render: (pkg: PackageModel) => Promise<PackageFile[]> | PackageFile[]
}

const file = (path: string, content: string | Buffer, description: string): PackageFile => ({
  path,
  content: typeof content === 'string' ? Buffer.from(content, 'utf8') : content,
  description,
})

/** Every part of the package in the order they are written. */
export const packageParts: PackagePart[] = [
  {
    name: 'pdf',
    render: async (pkg) => [
      file('soc2-package.pdf', await renderPackagePdf(pkg.document), 'The package document (PDF)'),
    ],
  },
  {
    name: 'html',
    render: (pkg) => [
      file('soc2-package.html', renderPackageHtml(pkg.document), 'The package document (single-file HTML)'),
    ],
  },
  {
    name: 'md',
    render: (pkg) => [
      file('soc2-package.md', renderPackageMarkdown(pkg.document), 'The package document (Markdown)'),
      ...documentFigures(pkg.document).map((f) => file(f.file, f.svg, f.caption)),
    ],
  },
  {
    name: 'oscal',
    render: (pkg) => [
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
    ],
  },
  {
    name: 'sarif',
    render: (pkg) => [
      file('results.sarif', renderSarif(pkg), 'SARIF 2.1.0 results for code-scanning dashboards'),
    ],
  },
  {
    name: 'junit',
    render: (pkg) => [
      file('junit.xml', renderJunit(pkg), 'JUnit XML: one suite per control, one case per test'),
    ],
  },
  {
    name: 'xlsx',
    render: async (pkg) => [
      file(
        'controls-matrix.xlsx',
        await renderXlsx(pkg),
        'Controls matrix, request list, exceptions and gaps (XLSX)',
      ),
    ],
  },
  {
    name: 'csv',
    render: (pkg) => [
      file('controls-matrix.csv', renderControlsCsv(pkg), 'Controls matrix (CSV)'),
      file('request-list.csv', renderRequestListCsv(pkg), 'Auditor request list (CSV)'),
    ],
  },
]

export function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex')
}

/** manifest.json: every file of the package with its size and SHA-256, and how it is signed. */
export interface PackageManifest {
  kind: 'trustctl-soc2-package'
  version: 1
  organization: string
  system: string
  engagement: PackageModel['engagement']
  generatedAt: string
  tool: string
  configHash: string
  files: { path: string; bytes: number; sha256: string; description: string }[]
  signature: { algorithm: string; signed: string; keyFingerprint: string; publicKey: string; value: string }
}

/** Builds the manifest of the files; the signature is added by whoever holds the key. */
export function packageManifest(
  pkg: PackageModel,
  files: readonly PackageFile[],
): Omit<PackageManifest, 'signature'> {
  return {
    kind: 'trustctl-soc2-package',
    version: 1,
    organization: pkg.organization,
    system: pkg.system,
    engagement: pkg.engagement,
    generatedAt: pkg.generatedAt,
    tool: `trustctl ${pkg.toolVersion}`,
    configHash: pkg.configHash,
    files: files.map((f) => ({
      path: f.path,
      bytes: f.content.length,
      sha256: sha256(f.content),
      description: f.description,
    })),
  }
}

/** Renders the chosen parts (all by default) of the package. */
export async function renderPackageFiles(
  pkg: PackageModel,
  only?: readonly string[],
): Promise<PackageFile[]> {
  const files: PackageFile[] = []
  for (const part of packageParts)
    if (only === undefined || only.includes(part.name)) files.push(...(await part.render(pkg)))
  return files
}
