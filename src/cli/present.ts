import { categoryLabel, location } from '../app/rendering.js'
import type { AssessmentModel, Gap } from '../core/assessment.js'
import { severityRank } from '../core/check.js'

/** The short summary `assess` prints: what was in scope, what passed, what is left. */
export function formatSummary(
  model: AssessmentModel,
  extra: {
    store?: string
    reportDir?: string
    ignoredCacheEntries?: number
    untrustedCacheRuns?: readonly string[]
  } = {},
): string {
  const s = model.summary
  const lines = [
    `trustctl ${model.tool.version} — ${model.organization}, ${model.system.name}, as of ${model.asOf}`,
    `  scope       ${model.scope.categories.map((c) => categoryLabel[c] ?? c).join(', ')}: ${s.criteria} criteria`,
    `  controls    ${s.controls} in scope: ${s.controlsByStatus.pass} passing (${s.controlsPassingByTest} by automated test, ${s.controlsByStatus.pass - s.controlsPassingByTest} on attestations), ${s.controlsByStatus.fail} with exceptions, ${s.controlsByStatus.partial} partly evidenced, ${s.controlsByStatus['no-evidence']} without current evidence, ${s.controlsByStatus['not-applicable']} not applicable`,
    `  tests       ${s.tests.passed} passed, ${s.tests.failed} failed, ${s.tests.noEvidence} without evidence, ${s.tests.errors} errors (${s.findingsByStatus.fail} exceptions in ${s.findingsByStatus.pass + s.findingsByStatus.fail} subjects tested)`,
    `  gaps        ${s.gaps}: ${s.gapsBySeverity.critical} critical, ${s.gapsBySeverity.high} high, ${s.gapsBySeverity.medium} medium, ${s.gapsBySeverity.low} low`,
    `  readiness   ${s.readiness}%`,
    `  evidence    ${model.inputs.length} files read, ${model.errors.length} could not be read${reusedNote(model)}`,
  ]
  if (extra.store !== undefined) lines.push(`  stored in   ${extra.store}`)
  // A cache entry no signed run vouches for was edited or is stale: it was not used, and is said.
  if (extra.ignoredCacheEntries !== undefined && extra.ignoredCacheEntries > 0)
    lines.push(
      `  cache       ${extra.ignoredCacheEntries} cached parse ${extra.ignoredCacheEntries === 1 ? 'result' : 'results'} ignored: not backed by a signed run (inputs parsed again; run trustctl verify)`,
    )
  for (const reason of extra.untrustedCacheRuns ?? []) lines.push(`              ${reason}`)
  if (extra.reportDir !== undefined) lines.push(`  report      ${extra.reportDir}`)
  if (model.errors.length > 0) {
    lines.push('', 'Inputs that could not be read (the rest was assessed):')
    for (const error of model.errors.slice(0, 20)) {
      lines.push(`  ${location(error)}: ${error.message}`)
      if (error.hint !== undefined) lines.push(`    hint: ${error.hint}`)
    }
    if (model.errors.length > 20) lines.push(`  … and ${model.errors.length - 20} more (see the report)`)
  }
  return lines.join('\n')
}

/** The gap list as plain text, most severe first. */
export function formatGaps(gaps: readonly Gap[]): string {
  if (gaps.length === 0) return 'No gaps.'
  return [...gaps]
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity))
    .map((g) => {
      const lines = [
        `[${g.severity.toUpperCase()}] ${g.title}`,
        `  why:    ${g.criteria.length > 0 ? `criteria ${g.criteria.join(', ')}` : 'no criterion'}${g.controls.length > 0 ? ` via ${g.controls.join(', ')}` : ''}`,
        `  owner:  ${g.owner}    due: ${g.dueDate}`,
        `  fix:    ${g.remediation}`,
      ]
      for (const subject of (g.subjects ?? []).slice(0, 10)) {
        lines.push(
          `    - ${subject.kind} ${subject.namespace === undefined ? '' : `${subject.namespace}/`}${subject.name} (${location(subject)})`,
        )
      }
      if ((g.subjects?.length ?? 0) > 10) lines.push(`    … and ${(g.subjects?.length ?? 0) - 10} more`)
      return lines.join('\n')
    })
    .join('\n\n')
}

/** How many inputs an incremental run read back from the ledger instead of parsing them again. */
function reusedNote(model: AssessmentModel): string {
  const reused = model.inputs.filter((i) => i.reused === true).length
  return reused === 0 ? '' : ` (${reused} unchanged since an earlier run, not parsed again)`
}
