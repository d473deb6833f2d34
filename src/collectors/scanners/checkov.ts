import { z } from 'zod'
import type { ScanMisconfiguration } from '../../core/evidence-scan.js'
import { type Importer, reportOf, targetOf } from './importer.js'
import { cleanText, normaliseSeverity, prune } from './normalise.js'
import { parseReport } from './parse-json.js'

const text = z.string().nullish()

const check = z.object({
  check_id: z.string(),
  check_name: text,
  check_result: z.object({ result: z.string() }),
  file_path: text,
  file_line_range: z.array(z.number()).nullish(),
  resource: text,
  severity: text,
})

const checks = z.array(check).nullish()

const block = z.object({
  check_type: z.string(),
  results: z.object({ passed_checks: checks, failed_checks: checks, skipped_checks: checks }).nullish(),
  summary: z.object({ checkov_version: text }).nullish(),
  repo_id: text,
})

/** Checkov prints one object for one framework, an array of them for several, `[]`-like summaries when none ran. */
const report = z.union([z.array(block), block])

const statuses: Readonly<Record<string, ScanMisconfiguration['status']>> = {
  PASSED: 'pass',
  FAILED: 'fail',
  SKIPPED: 'skip',
}

/** Checkov JSON (`checkov -o json`): passed, failed and skipped checks for each framework scanned. */
export const importCheckov: Importer = (document, context) => {
  const parsed = parseReport(report, document, context.file, 'Checkov')
  const blocks = Array.isArray(parsed) ? parsed : [parsed]
  const target = targetOf(blocks.find((b) => b.repo_id)?.repo_id, context)
  const findings = blocks.flatMap((b) =>
    [
      ...(b.results?.failed_checks ?? []),
      ...(b.results?.passed_checks ?? []),
      ...(b.results?.skipped_checks ?? []),
    ].map((c) => {
      const path = c.file_path?.replace(/^\//, '') ?? undefined
      const line = c.file_line_range?.[0]
      const result = c.check_result.result.toUpperCase()
      return prune<ScanMisconfiguration>({
        kind: 'scan.misconfiguration',
        resourceKind: 'Misconfiguration',
        name: `${c.check_id} ${c.resource ?? path ?? b.check_type}`,
        file: context.file,
        tool: 'checkov',
        ruleId: c.check_id,
        // Checkov leaves severity empty unless it is connected to its platform.
        severity: normaliseSeverity(c.severity),
        toolSeverity: c.severity ?? undefined,
        target,
        title: cleanText(c.check_name),
        resource: c.resource ?? undefined,
        location: path === undefined ? undefined : prune({ path, line }),
        status: statuses[result] ?? 'fail',
        toolStatus: result,
      })
    }),
  )
  const scanReport = reportOf(
    {
      format: 'checkov',
      tool: 'checkov',
      toolVersion: blocks.find((b) => b.summary?.checkov_version)?.summary?.checkov_version ?? undefined,
      target,
      targetType: 'repository',
      covers: ['misconfiguration'],
    },
    findings,
    context.file,
  )
  return [scanReport, ...findings]
}
