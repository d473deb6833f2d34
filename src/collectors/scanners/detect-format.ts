import type { ScanFormat } from '../../core/evidence-scan.js'

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const has = (value: Record<string, unknown>, ...keys: string[]): boolean => keys.every((k) => k in value)

/** Tells an array report's tool from its first element. */
function detectArray(items: readonly unknown[], file: string): ScanFormat | 'trivy-legacy' | undefined {
  const first = items[0]
  if (first === undefined) {
    // An empty array is what gitleaks, TruffleHog and Prowler write when they find nothing; only the
    // file name can tell them apart.
    const name = file.toLowerCase()
    if (name.includes('gitleaks')) return 'gitleaks'
    if (name.includes('trufflehog')) return 'trufflehog'
    if (name.includes('ocsf')) return 'prowler-ocsf'
    return undefined
  }
  if (!isObject(first)) return undefined
  if (has(first, 'RuleID', 'File')) return 'gitleaks'
  if (has(first, 'DetectorName', 'SourceMetadata')) return 'trufflehog'
  if (has(first, 'status_code', 'finding_info')) return 'prowler-ocsf'
  if (has(first, 'SchemaVersion', 'GeneratorId', 'AwsAccountId')) return 'prowler-asff'
  if (has(first, 'check_type')) return 'checkov'
  if (has(first, 'Target') && ('Vulnerabilities' in first || 'Type' in first)) return 'trivy-legacy'
  return undefined
}

/**
 * Tells which tool wrote a parsed report by its shape, so one folder may hold reports of many tools.
 * `trivy-legacy` is the bare array Trivy printed before schema version 2.
 */
export function detectFormat(document: unknown, file: string): ScanFormat | 'trivy-legacy' | undefined {
  if (Array.isArray(document)) return detectArray(document, file)
  if (!isObject(document)) return undefined
  if (has(document, 'SchemaVersion') && ('Results' in document || 'ArtifactName' in document)) return 'trivy'
  if (has(document, 'matches') && ('descriptor' in document || 'source' in document)) return 'grype'
  if (has(document, 'runs') && ('version' in document || '$schema' in document)) return 'sarif'
  if (document.bomFormat === 'CycloneDX') return 'cyclonedx'
  if (has(document, 'check_type', 'results')) return 'checkov'
  if (Array.isArray(document.Findings)) return 'prowler-asff'
  return undefined
}
