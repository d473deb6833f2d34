import { categoryLabel, location } from '../app/rendering.js'
import { compareCriteria } from '../core/assess.js'
import type { AssessmentModel, Gap } from '../core/assessment.js'
import { severityRank } from '../core/check.js'
import { gapStatusLabel, latestGapNote } from '../core/labels.js'
import { groupByOwner, type RankedGap, type RemediationPlan } from '../core/plan.js'
import { plainStyle, type Style } from './style.js'

/** The short summary `assess` prints: what was in scope, what passed, what is left. */
export function formatSummary(
  model: AssessmentModel,
  extra: {
    store?: string
    reportDir?: string
    ignoredCacheEntries?: number
    untrustedCacheRuns?: readonly string[]
  } = {},
  style: Style = plainStyle,
): string {
  const s = model.summary
  const lines = [
    `trustctl ${model.tool.version} — ${model.organization}, ${model.system.name}, as of ${model.asOf}`,
    `  scope       ${model.scope.categories.map((c) => categoryLabel[c] ?? c).join(', ')}: ${s.criteria} criteria`,
    `  controls    ${s.controls} in scope: ${s.controlsByStatus.pass} passing (${s.controlsPassingByTest} by automated test, ${s.controlsByStatus.pass - s.controlsPassingByTest} on attestations), ${s.controlsByStatus.fail} with exceptions, ${s.controlsByStatus.partial} partly evidenced, ${s.controlsByStatus['no-evidence']} without current evidence, ${s.controlsByStatus['not-applicable']} not applicable`,
    `  tests       ${s.tests.passed} passed, ${s.tests.failed} failed, ${s.tests.noEvidence} without evidence, ${s.tests.errors} errors (${s.findingsByStatus.fail} exceptions in ${s.findingsByStatus.pass + s.findingsByStatus.fail} subjects tested)`,
    `  gaps        ${s.gaps}: ${s.gapsBySeverity.critical} critical, ${s.gapsBySeverity.high} high, ${s.gapsBySeverity.medium} medium, ${s.gapsBySeverity.low} low`,
    `  readiness   ${style.bold(`${s.readiness}%`)}`,
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

/** A gap's one-line headline with its owner-facing facts: severity, title, criteria, due date. */
function gapHeadline(g: Gap, style: Style): string {
  return `${style.severity(g.severity, `[${g.severity.toUpperCase()}]`)} ${g.title}`
}

/** "Start here": critical gaps, then the few that unblock the most, grouped by owner, for the end of `assess`. */
export function formatStartHere(
  groups: readonly { owner: string; gaps: readonly RankedGap[] }[],
  style: Style = plainStyle,
): string {
  if (groups.length === 0) return ''
  const lines = [
    '',
    `${style.bold('Start here')} (critical gaps, then those that unblock the most criteria; trustctl plan orders the rest):`,
  ]
  for (const group of groups) {
    lines.push(`  ${style.bold(group.owner)}`)
    for (const { gap, gain, unblocks } of group.gaps) {
      lines.push(`    ${gapHeadline(gap, style)}`)
      lines.push(
        `      ${gap.criteria.length > 0 ? gap.criteria.join(', ') : 'no criterion'}; readiness +${gain.toFixed(1)}${unblocks > 0 ? `, ${unblocks} ${unblocks === 1 ? 'criterion' : 'criteria'} ready` : ''}; due ${gap.dueDate}`,
      )
    }
  }
  return lines.join('\n')
}

/** The gap list grouped by owner, then by the first criterion each gap leaves unmet. */
export function formatGapsGrouped(gaps: readonly Gap[], style: Style = plainStyle): string {
  if (gaps.length === 0) return 'No gaps.'
  const byOwner = new Map<string, Gap[]>()
  for (const g of gaps) byOwner.set(g.owner, [...(byOwner.get(g.owner) ?? []), g])
  const out: string[] = []
  for (const [owner, owned] of [...byOwner].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(`${style.bold(owner)} (${owned.length} ${owned.length === 1 ? 'gap' : 'gaps'})`)
    const byCriterion = new Map<string, Gap[]>()
    for (const g of owned) {
      const first = [...g.criteria].sort(compareCriteria)[0] ?? 'no criterion'
      byCriterion.set(first, [...(byCriterion.get(first) ?? []), g])
    }
    for (const [criterion, listed] of [...byCriterion].sort(([a], [b]) => compareCriteria(a, b))) {
      out.push(`  ${criterion}`)
      for (const g of [...listed].sort((a, b) => severityRank(b.severity) - severityRank(a.severity))) {
        out.push(`    ${gapHeadline(g, style)}`)
        const others = g.criteria.filter((c) => c !== criterion)
        out.push(
          `      ${others.length > 0 ? `also ${others.join(', ')}; ` : ''}due ${g.dueDate}${g.controls.length > 0 ? `; via ${g.controls.join(', ')}` : ''}`,
        )
        out.push(`      fix: ${g.remediation}`)
        // What the team recorded on the server (status, the latest comment) travels with the gap.
        if (g.tracking !== undefined) {
          const note = latestGapNote(g)
          out.push(`      status: ${gapStatusLabel(g)}${note === '' ? '' : `. ${note}`}`)
        }
        for (const subject of (g.subjects ?? []).slice(0, 5))
          out.push(
            `        - ${subject.kind} ${subject.namespace === undefined ? '' : `${subject.namespace}/`}${subject.name} (${location(subject)})`,
          )
        if ((g.subjects?.length ?? 0) > 5) out.push(`        … and ${(g.subjects?.length ?? 0) - 5} more`)
      }
    }
    out.push('')
  }
  return out.join('\n').trimEnd()
}

/** `trustctl plan` as text: each cycle's gaps by owner and the readiness once they are closed. */
export function formatPlan(plan: RemediationPlan, style: Style = plainStyle): string {
  const lines = [`Now: ${plan.readiness}% ready, ${plan.criteriaReady} of ${plan.criteria} criteria ready.`]
  for (const cycle of plan.cycles) {
    lines.push(
      '',
      `${style.bold(`Cycle ${cycle.cycle}`)}: ${cycle.gaps.length} ${cycle.gaps.length === 1 ? 'gap' : 'gaps'} → ${cycle.readiness}% ready, ${cycle.criteriaReady} of ${plan.criteria} criteria ready once closed`,
    )
    for (const group of groupByOwner(cycle.gaps)) {
      lines.push(`  ${style.bold(group.owner)}`)
      for (const { gap } of group.gaps)
        lines.push(
          `    ${gapHeadline(gap, style)} (${gap.criteria.join(', ') || 'no criterion'}; due ${gap.dueDate})`,
        )
    }
  }
  if (plan.later.length > 0)
    lines.push(
      '',
      `Later cycles: ${plan.later.length} more ${plan.later.length === 1 ? 'gap' : 'gaps'} (without --cycles, plan orders them all).`,
    )
  if (plan.unprojected.length > 0) {
    lines.push(
      '',
      `Not reflected in readiness (${plan.unprojected.length}): closing these changes no test or control result the model rolls up, but they remain gaps:`,
    )
    for (const gap of plan.unprojected.slice(0, 15))
      lines.push(`  ${gapHeadline(gap, style)} (owner ${gap.owner})`)
    if (plan.unprojected.length > 15)
      lines.push(`  … and ${plan.unprojected.length - 15} more (trustctl gaps)`)
  }
  return lines.join('\n')
}
