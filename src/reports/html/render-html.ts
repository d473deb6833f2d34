import { answerSupport } from '../../core/answer-support.js'
import type { AssessmentModel, ControlResult, CriterionResult, Gap } from '../../core/assessment.js'
import type { Finding } from '../../core/check.js'
import { durationInWords } from '../../core/dates.js'
import { escapeHtml } from '../../core/escape-markup.js'
import {
  categoryLabel,
  controlStatusLabel,
  coverageRows,
  coverageSentence,
  criterionStatusLabel,
  findingStatusLabel,
  gapStatusLabel,
  location,
  notAssessedRows,
  qualifiedName,
  readinessExplanation,
} from '../labels.js'
import { ledgerLine } from '../markdown/render-markdown.js'
import { renderSharedResponsibilitySection } from '../svg/shared-responsibility-section.js'

const e = escapeHtml

/** Escaped prose in which `backticked` spans (commands, YAML keys) are shown as code. */
function prose(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>')
}

// Colours chosen for WCAG AA contrast with the dark text drawn on them.
const styles = `
:root { --ink:#1b1f24; --muted:#57606a; --line:#d0d7de; --bg:#ffffff; --panel:#f6f8fa;
  --ready:#b7e4c7; --partial:#ffe8a3; --notready:#ffc9c9; --none:#e5e7eb; --na:#f1f3f5; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); margin: 0; }
header, main, footer { max-width: 1200px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; border-bottom: 1px solid var(--line); }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 20px; margin: 32px 0 12px; } h3 { font-size: 16px; margin: 20px 0 8px; }
.meta { color: var(--muted); margin: 0 0 16px; }
nav a { margin-right: 16px; color: #0550ae; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; margin: 20px 0; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card .value { font-size: 26px; font-weight: 650; } .card .label { color: var(--muted); font-size: 13px; }
.heatmap { display: grid; grid-template-columns: repeat(auto-fill, minmax(92px, 1fr)); gap: 6px; }
.cell { border-radius: 6px; padding: 6px 8px; border: 1px solid rgba(0,0,0,.08); font-size: 12px; }
.cell strong { display: block; font-size: 14px; }
.ready { background: var(--ready); } .partial { background: var(--partial); } .not-ready { background: var(--notready); }
.no-control { background: var(--none); } .not-applicable { background: var(--na); color: var(--muted); }
.legend span { display: inline-block; margin-right: 12px; font-size: 13px; }
.legend i { display: inline-block; width: 12px; height: 12px; border-radius: 3px; margin-right: 4px; vertical-align: -1px; border: 1px solid rgba(0,0,0,.1); }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin-bottom: 8px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--panel); position: sticky; top: 0; }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, monospace; word-break: break-all; }
.date { white-space: nowrap; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.s-pass, .s-ready { background: var(--ready); } .s-fail, .s-not-ready, .s-critical, .s-high { background: var(--notready); }
.s-partial, .s-medium, .s-error { background: var(--partial); } .s-no-evidence, .s-no-control, .s-low, .s-info, .s-not-applicable { background: var(--none); }
details { border: 1px solid var(--line); border-radius: 8px; margin: 8px 0; padding: 0 12px; }
details[open] { padding-bottom: 8px; } summary { cursor: pointer; padding: 8px 0; }
summary:focus-visible, a:focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
dt { font-weight: 600; margin-top: 6px; } dd { margin: 2px 0 6px 16px; }
footer { color: var(--muted); font-size: 13px; padding: 24px; border-top: 1px solid var(--line); margin-top: 32px; }
@media print { nav { display: none; } details { break-inside: avoid; } details:not([open]) > *:not(summary) { display: block; } }
`

function badge(kind: string, text: string): string {
  return `<span class="badge s-${e(kind)}">${e(text)}</span>`
}

function heatmap(criteria: readonly CriterionResult[]): string {
  const bySeries = new Map<string, CriterionResult[]>()
  for (const c of criteria) bySeries.set(c.category, [...(bySeries.get(c.category) ?? []), c])
  const groups = [...bySeries].map(
    ([category, list]) => `<h3>${e(categoryLabel[category] ?? category)}</h3>
<div class="heatmap" role="list">${list
      .map(
        (c) =>
          `<div class="cell ${e(c.status)}" role="listitem" title="${e(`${c.id} ${c.title}: ${criterionStatusLabel[c.status]}, ${c.readiness}%`)}"><strong>${e(c.id)}</strong>${e(c.readiness)}% · ${e(criterionStatusLabel[c.status])}</div>`,
      )
      .join('')}</div>`,
  )
  const legend = (['ready', 'partial', 'not-ready', 'no-control', 'not-applicable'] as const)
    .map((s) => `<span><i class="${s}"></i>${e(criterionStatusLabel[s])}</span>`)
    .join('')
  return `<p>${e(readinessExplanation)}</p><p class="legend">${legend}</p>${groups.join('\n')}`
}

function gapRows(gaps: readonly Gap[]): string {
  if (gaps.length === 0) return '<p>No gaps.</p>'
  return `<table><thead><tr><th scope="col">Severity</th><th scope="col">Gap</th><th scope="col">Criteria</th><th scope="col">Owner</th><th scope="col">Due</th><th scope="col">Status</th><th scope="col">Remediation</th></tr></thead><tbody>${gaps
    .map(
      (g) =>
        `<tr><td>${badge(g.severity, g.severity)}</td><td>${e(g.title)}${
          g.subjects && g.subjects.length > 0
            ? `<details><summary>${e(g.subjects.length)} subject(s)</summary><ul>${g.subjects
                .map(
                  (s) =>
                    `<li>${e(s.kind)} <code>${e(qualifiedName(s))}</code> — <code>${e(location(s))}</code></li>`,
                )
                .join('')}</ul></details>`
            : ''
        }</td><td>${e(g.criteria.join(', '))}</td><td>${e(g.owner)}</td><td class="date">${e(g.dueDate)}</td><td>${e(gapStatusLabel(g))}</td><td>${prose(g.remediation)}${g.tracking === undefined || g.tracking.comments.length === 0 ? '' : `<ul class="notes">${g.tracking.comments.map((c) => `<li>${e(c.author)}, <span class="date">${e(c.at.slice(0, 10))}</span>: ${e(c.body)}</li>`).join('')}</ul>`}</td></tr>`,
    )
    .join('')}</tbody></table>`
}

const populationLimit = 200

/** The population a test covered, each subject with its result, so an auditor can re-perform it. */
function population(findings: readonly Finding[]): string {
  if (findings.length === 0) return ''
  const rows = findings
    .slice(0, populationLimit)
    .map(
      (f) =>
        `<tr><td>${badge(f.status, findingStatusLabel[f.status])}</td><td>${e(f.subject.kind)} <code>${e(qualifiedName(f.subject))}</code></td><td><code>${e(location(f.subject))}</code></td><td>${e(f.message)}</td></tr>`,
    )
    .join('')
  const more =
    findings.length > populationLimit
      ? `<p>… and ${findings.length - populationLimit} more in readiness.json.</p>`
      : ''
  return `<details><summary>Population: ${e(findings.length)} subject(s)</summary><table><thead><tr><th scope="col">Result</th><th scope="col">Subject</th><th scope="col">Location</th><th scope="col">Detail</th></tr></thead><tbody>${rows}</tbody></table>${more}</details>`
}

function controlDetails(control: ControlResult, findingsByCheck: ReadonlyMap<string, Finding[]>): string {
  const tests = control.tests
    .map(
      (t) =>
        `<li>${badge(t.status, findingStatusLabel[t.status])} <code>${e(t.check)}</code> — ${e(t.title)}. ${e(t.conclusion)}${population(findingsByCheck.get(t.check) ?? [])}</li>`,
    )
    .join('')
  const manual = control.manualEvidence
    .map(
      (m) =>
        `<li>${badge(m.status === 'current' ? 'pass' : m.status === 'overdue' ? 'partial' : 'fail', m.status)} ${e(m.title)} (every ${e(durationInWords(m.every))})${
          m.lastDate ? ` — last ${e(m.lastDate)} by ${e(m.by ?? '')}, next due ${e(m.dueDate ?? '')}` : ''
        }</li>`,
    )
    .join('')
  return `<details id="control-${e(control.id)}"><summary>${badge(control.status, controlStatusLabel[control.status])} <strong>${e(control.id)}</strong> — ${e(control.title)}</summary>
<p>${e(control.statement)}</p>
<p>Owner: ${e(control.owner)} · Type: ${e(control.type)} · Criteria: ${e(control.criteria.join(', '))}</p>
${
  control.analogy
    ? `<dl><dt>What an auditor knows it as</dt><dd>${prose(control.analogy.traditional)}</dd><dt>How it is done here</dt><dd>${prose(control.analogy.cloudNative)}</dd></dl>`
    : ''
}${
  control.auditorQuestions.length > 0
    ? `<h4>Questions an auditor may ask</h4><dl>${control.auditorQuestions.map((qa) => `<dt>${e(qa.question)}</dt><dd>${prose(qa.answer)} <em>${e(answerSupport(qa, control.tests))}</em></dd>`).join('')}</dl>`
    : ''
}
${control.notApplicable ? `<p>Not applicable: ${e(control.notApplicable.justification || 'no reason given')}</p>` : ''}
${tests ? `<h4>Tests of the control</h4><ul>${tests}</ul>` : ''}${manual ? `<h4>Evidence provided by people</h4><ul>${manual}</ul>` : ''}</details>`
}

function htmlTable(headers: readonly string[], rows: readonly string[][]): string {
  if (rows.length === 0) return '<p>None.</p>'
  return `<table><thead><tr>${headers.map((h) => `<th scope="col">${e(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`
}

/** What the tests examined and what they did not: the completeness question an auditor asks. */
function coverageSection(coverage: NonNullable<AssessmentModel['coverage']>): string {
  return `<section id="coverage" aria-labelledby="h-coverage"><h2 id="h-coverage">Coverage</h2><p>${e(coverageSentence(coverage))}</p>${htmlTable(
    ['Source', 'Resource type', 'Collected', 'Assessed', 'Not assessed'],
    coverageRows(coverage),
  )}<h3>Resources not assessed</h3>${htmlTable(['Type', 'Where', 'Name', 'Why'], notAssessedRows(coverage))}</section>`
}

/** The readiness report as one self-contained HTML file: no scripts, fonts or images from elsewhere. */
export function renderHtml(model: AssessmentModel): string {
  const s = model.summary
  const failing = model.findings.filter((f) => f.status === 'fail' || f.status === 'error')
  const findingsByCheck = new Map<string, Finding[]>()
  for (const f of model.findings) {
    const list = findingsByCheck.get(f.check)
    if (list === undefined) findingsByCheck.set(f.check, [f])
    else list.push(f)
  }
  const card = (value: string | number, label: string): string =>
    `<div class="card"><div class="value">${e(value)}</div><div class="label">${e(label)}</div></div>`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>SOC 2 readiness — ${e(model.system.name)}</title><style>${styles}</style></head>
<body>
<header>
<h1>SOC 2 readiness: ${e(model.system.name)}</h1>
<p class="meta">${e(model.organization)} · as of ${e(model.asOf)} · generated ${e(model.generatedAt)} by trustctl ${e(model.tool.version)}</p>
${model.ledger === undefined ? '' : `<p class="meta ledger">${e(ledgerLine(model.ledger))}</p>`}
<nav aria-label="Sections"><a href="#summary">Summary</a><a href="#criteria">Criteria</a><a href="#gaps">Gaps</a>${model.thirdParties === undefined ? '' : '<a href="#shared-responsibility">Shared responsibility</a>'}<a href="#controls">Controls</a><a href="#exceptions">Exceptions</a><a href="#inputs">Evidence</a></nav>
</header>
<main>
<section id="summary" aria-labelledby="h-summary"><h2 id="h-summary">Summary</h2>
<p>${e(model.system.description)}</p>
<div class="cards">
${card(`${s.readiness}%`, 'overall readiness')}
${card(s.criteria, `criteria in scope (${model.scope.categories.map((c) => categoryLabel[c] ?? c).join(', ')})`)}
${card(s.controls, 'controls in scope')}
${card(`${s.controlsByStatus.pass}`, `controls passing (${s.controlsPassingByTest} by automated test, ${s.controlsByStatus.pass - s.controlsPassingByTest} on attestations)`)}
${card(`${s.tests.passed} / ${s.tests.failed}`, 'tests passed / failed')}
${card(s.gaps, `gaps (${s.gapsBySeverity.critical} critical, ${s.gapsBySeverity.high} high)`)}
${card(`${model.inputs.length} / ${s.inputErrors}`, 'inputs read / unreadable')}
</div></section>
<section id="criteria" aria-labelledby="h-criteria"><h2 id="h-criteria">Readiness by criterion</h2>${heatmap(model.criteria)}</section>
<section id="gaps" aria-labelledby="h-gaps"><h2 id="h-gaps">Gaps and remediation</h2>${gapRows(model.gaps)}</section>
${renderSharedResponsibilitySection(model)}
<section id="controls" aria-labelledby="h-controls"><h2 id="h-controls">Controls</h2>${model.controls.map((c) => controlDetails(c, findingsByCheck)).join('\n')}</section>
<section id="exceptions" aria-labelledby="h-exceptions"><h2 id="h-exceptions">Exceptions found by tests</h2>
${
  failing.length === 0
    ? '<p>No exceptions.</p>'
    : `<table><thead><tr><th scope="col">Severity</th><th scope="col">Check</th><th scope="col">Subject</th><th scope="col">Location</th><th scope="col">Detail</th><th scope="col">Criteria</th></tr></thead><tbody>${failing
        .map(
          (f) =>
            `<tr><td>${badge(f.severity, f.severity)}</td><td><code>${e(f.check)}</code></td><td>${e(f.subject.kind)} <code>${e(qualifiedName(f.subject))}</code></td><td><code>${e(location(f.subject))}</code></td><td>${e(f.message)}</td><td>${e(f.criteria.join(', '))}</td></tr>`,
        )
        .join('')}</tbody></table>`
}</section>
${
  model.exceptions.length === 0
    ? ''
    : `<section id="accepted-exceptions" aria-labelledby="h-exc"><h2 id="h-exc">Accepted exceptions</h2><table><thead><tr><th scope="col">Check</th><th scope="col">Subject</th><th scope="col">Reason</th><th scope="col">Approved by</th><th scope="col">Expires</th><th scope="col">Status</th></tr></thead><tbody>${model.exceptions
        .map(
          (x) =>
            `<tr><td><code>${e(x.check)}</code></td><td>${e(x.subject.kind ?? '')} <code>${e(qualifiedName(x.subject))}</code></td><td>${e(x.reason)}</td><td>${e(x.approvedBy)}</td><td>${e(x.expires)}</td><td>${badge(x.status === 'applied' ? 'pass' : x.status === 'expired' ? 'fail' : 'no-evidence', x.status)}</td></tr>`,
        )
        .join('')}</tbody></table></section>`
}
${
  model.scope.notApplicable.length === 0
    ? ''
    : `<section id="not-applicable" aria-labelledby="h-na"><h2 id="h-na">Controls not applicable</h2><table><thead><tr><th scope="col">Control</th><th scope="col">Criteria</th><th scope="col">Why</th></tr></thead><tbody>${model.scope.notApplicable
        .map(
          (n) =>
            `<tr><td>${e(n.control)}</td><td>${e(n.criteria.join(', '))}</td><td>${e(n.justification || 'no reason given (a gap)')}</td></tr>`,
        )
        .join('')}</tbody></table></section>`
}
${model.coverage === undefined ? '' : coverageSection(model.coverage)}
<section id="inputs" aria-labelledby="h-inputs"><h2 id="h-inputs">Evidence read</h2>
${
  model.errors.length === 0
    ? ''
    : `<h3>Inputs that could not be read</h3><table><thead><tr><th scope="col">Location</th><th scope="col">Problem</th><th scope="col">How to fix</th></tr></thead><tbody>${model.errors
        .map(
          (x) =>
            `<tr><td><code>${e(location(x))}</code></td><td>${e(x.message)}</td><td>${prose(x.hint ?? '')}</td></tr>`,
        )
        .join('')}</tbody></table>`
}
<table><thead><tr><th scope="col">File</th><th scope="col">Collector</th><th scope="col">Items</th><th scope="col">SHA-256</th></tr></thead><tbody>${model.inputs
    .map(
      (i) =>
        `<tr><td><code>${e(i.file)}</code></td><td>${e(i.collector)}</td><td>${e(i.items)}</td><td><code>${e(i.sha256)}</code></td></tr>`,
    )
    .join('')}</tbody></table></section>
</main>
<footer>Criteria wording in this report is trustctl's own summary; the Trust Services Criteria are published by the AICPA. This is a readiness assessment, not an auditor's opinion.</footer>
</body></html>
`
}
