import { createHash } from 'node:crypto'
import { readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import type { EvidenceKind } from '../../core/evidence.js'
import { type ScanFormat, scanEvidenceSchemas, scanFormats } from '../../core/evidence-scan.js'
import { defineSourceCollector, emptyCollection, type FileCollection } from '../source-collector.js'
import { importCheckov } from './checkov.js'
import { importCycloneDx } from './cyclonedx.js'
import { detectFormat } from './detect-format.js'
import { importGitleaks } from './gitleaks.js'
import { importGrype } from './grype.js'
import type { ImportContext, Importer, ScanEvidence } from './importer.js'
import { looksLikeJsonLines, parseJson, parseJsonLines } from './parse-json.js'
import { importProwlerAsff, importProwlerOcsf } from './prowler.js'
import { importSarif } from './sarif.js'
import { ScanReportError } from './scan-report-error.js'
import { importTrivy } from './trivy.js'
import { importTrufflehog } from './trufflehog.js'

const importers: Readonly<Record<ScanFormat, Importer>> = {
  trivy: importTrivy,
  grype: importGrype,
  sarif: importSarif,
  checkov: importCheckov,
  gitleaks: importGitleaks,
  trufflehog: importTrufflehog,
  'prowler-ocsf': importProwlerOcsf,
  'prowler-asff': importProwlerAsff,
  cyclonedx: importCycloneDx,
}

/** `prowler` accepts either of Prowler's JSON outputs; the shape decides which. */
const formatOption = z.enum(['auto', 'prowler', ...scanFormats]).default('auto')

const options = z.strictObject({
  type: z.literal('scan-report'),
  /** A report file, or a folder read recursively for `.json`, `.sarif`, `.ndjson` and `.jsonl` files. */
  path: z.string().min(1),
  format: formatOption,
  /** What was scanned, for reports that do not say (gitleaks, Checkov, SARIF without provenance). */
  target: z.string().min(1).optional(),
})

type Options = z.output<typeof options>

const reportFile = /\.(json|sarif|ndjson|jsonl)$/i

/**
 * A report that could not be read may have held findings of any kind (an old Trivy report its critical
 * vulnerabilities, a SARIF log its errors): every scan check reads its failure as a test left
 * incomplete, never as a clean result drawn from the reports that were read.
 */
const unreadKinds = Object.keys(scanEvidenceSchemas) as EvidenceKind[]

async function listReports(absolute: string): Promise<string[]> {
  if (!(await stat(absolute)).isDirectory()) return [absolute]
  const entries = await readdir(absolute, { withFileTypes: true, recursive: true })
  return entries
    .filter((e) => e.isFile() && reportFile.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort()
}

/** Parses a report's text: one JSON document, or JSON lines as TruffleHog prints them. */
function parseText(text: string, file: string): unknown {
  if (/\.(ndjson|jsonl)$/i.test(file)) return parseJsonLines(text, file)
  try {
    return parseJson(text, file)
  } catch (error) {
    if (looksLikeJsonLines(text)) return parseJsonLines(text, file)
    throw error
  }
}

function importerFor(document: unknown, file: string, format: Options['format']): Importer {
  if (format !== 'auto' && format !== 'prowler') return importers[format]
  const detected = detectFormat(document, file)
  if (detected === 'trivy-legacy') return importTrivy
  if (detected !== undefined && (format === 'auto' || detected.startsWith('prowler')))
    return importers[detected]
  throw new ScanReportError(
    `${file}: cannot tell which scanner wrote this report${format === 'prowler' ? ' (expected Prowler OCSF or ASFF)' : ''}`,
    { hint: `set format: to one of ${scanFormats.join(', ')}` },
  )
}

/**
 * Reads, parses and imports one report file. `screenText` is handed the report's bytes and text
 * while they are in hand (SourceContext.screenText), before the parse.
 */
export async function importReport(
  absolute: string,
  context: ImportContext,
  format: Options['format'] = 'auto',
  screenText?: (bytes: Uint8Array, text: string) => void,
): Promise<{ evidence: ScanEvidence[]; sha256: string; bytes: number }> {
  let bytes: Buffer | undefined = await readFile(absolute)
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const size = bytes.length
  const text = bytes.toString('utf8')
  screenText?.(bytes, text)
  // Let the buffer go before parsing: on a 100 MB report the parse is what needs the memory.
  bytes = undefined
  const document = parseText(text, context.file)
  return { evidence: importerFor(document, context.file, format)(document, context), sha256, bytes: size }
}

/**
 * Imports a report already parsed (a repository walk sniffed it), or undefined when no known scanner
 * wrote it: the walk then leaves the file alone, as some other JSON.
 */
export function importParsedReport(document: unknown, context: ImportContext): ScanEvidence[] | undefined {
  const detected = detectFormat(document, context.file)
  if (detected === undefined) return undefined
  const importer = detected === 'trivy-legacy' ? importTrivy : importers[detected]
  return importer(document, context)
}

/** Parses report text: one JSON document, or JSON lines as TruffleHog prints them. */
export const parseReportText = parseText

export const scanReportCollector = defineSourceCollector<Options>({
  type: 'scan-report',
  summary: 'Scanner reports: Trivy, Grype, SARIF, Checkov, gitleaks, TruffleHog, Prowler, CycloneDX',
  options,
  async collect(source, context) {
    const collection: FileCollection = emptyCollection()
    const absolute = path.resolve(context.root, source.path)
    const relative = (file: string): string => path.relative(context.root, file).split(path.sep).join('/')
    let files: string[]
    try {
      files = await listReports(absolute)
    } catch {
      collection.errors.push({
        file: source.path,
        message: `${context.where}.path: no such file or folder`,
        kinds: [...unreadKinds],
      })
      return collection
    }
    for (const file of files) {
      const name = relative(file)
      try {
        const imported = await importReport(
          file,
          { file: name, now: context.now, target: source.target, fingerprintSalt: context.fingerprintSalt },
          source.format,
          context.screenText === undefined
            ? undefined
            : (bytes, text) => context.screenText?.(name, bytes, text),
        )
        // A loop, not push(...items): a 100 MB report holds more items than a call takes arguments.
        for (const item of imported.evidence) collection.evidence.push(item)
        collection.inputs.push({
          file: name,
          collector: 'scan-report',
          sha256: imported.sha256,
          bytes: imported.bytes,
          items: imported.evidence.length,
        })
      } catch (error) {
        // One bad report never stops the others.
        const message = error instanceof Error ? error.message : String(error)
        const hint = error instanceof ScanReportError ? error.hint : undefined
        collection.errors.push(
          hint === undefined
            ? { file: name, message, kinds: [...unreadKinds] }
            : { file: name, message, hint, kinds: [...unreadKinds] },
        )
      }
    }
    return collection
  },
})
