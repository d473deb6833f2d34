import type { AssessmentModel } from '../../core/assessment.js'
import { escapeHtml } from '../../core/escape-markup.js'
import { renderResponsibilitySvg } from './responsibility-matrix.js'

const e = escapeHtml

const thirdPartyGap = /^(vendor-|cuec-|policy-)/

const coverageBadge: Record<string, string> = {
  current: 'pass',
  bridged: 'pass',
  'not-required': 'not-applicable',
  'period-gap': 'partial',
  expired: 'fail',
  missing: 'fail',
}

function table(head: readonly string[], rows: readonly string[][]): string {
  return `<table><thead><tr>${head.map((h) => `<th scope="col">${e(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`
}

/**
 * The HTML report's "Shared responsibility" section: the matrix figure, the vendor register with
 * each report's status, the gaps third parties and policies raise, policy approvals and risks.
 * Cells are pre-escaped HTML; the badge classes are the report's own (s-pass, s-fail …).
 */
export function renderSharedResponsibilitySection(model: AssessmentModel): string {
  const tp = model.thirdParties
  if (tp === undefined) return ''
  const badge = (kind: string, text: string): string => `<span class="badge s-${e(kind)}">${e(text)}</span>`
  const services = tp.matrix.services
  const intro =
    services.length === 0
      ? '<p>No providers are declared in trustctl.yaml, so every control is ours alone.</p>'
      : `<p>${e(services.length)} services of ${e(new Set(services.map((s) => s.provider)).size)} providers are in use. Each box says who holds the control family: us, the provider (evidenced by its own report), or both. The full matrix, control by control, is in <code>trustctl matrix --format csv</code>.</p>`
  const figure =
    services.length === 0
      ? ''
      : `<figure>${renderResponsibilitySvg(tp.matrix, { title: `Shared responsibility: ${model.system.name}` })}<figcaption>Control families down; the service organization as a whole, then SaaS, PaaS and IaaS services in use, across.</figcaption></figure>`
  const vendors =
    tp.vendors.length === 0
      ? '<p>The vendor register is empty.</p>'
      : table(
          [
            'Vendor',
            'Criticality',
            'Subprocessor',
            'Report',
            'Opinion',
            'Covered through',
            'Status',
            'CUECs mapped',
            'Reviewed',
          ],
          tp.vendors.map((v) => [
            `${e(v.name)}${v.declared ? '' : ' <em>(provider, not in the register)</em>'}`,
            e(v.criticality),
            v.subprocessor ? 'yes' : 'no',
            v.report === undefined
              ? '—'
              : e(
                  `Type ${v.report.type}, ${v.report.periodStart === undefined ? '' : `${v.report.periodStart} to `}${v.report.periodEnd}${v.report.sha256 === undefined ? '' : `, sha256 ${v.report.sha256.slice(0, 12)}…`}`,
                ),
            v.report === undefined
              ? '—'
              : `${e(v.report.opinion)}${v.report.exceptions.length > 0 ? e(`, ${v.report.exceptions.length} exception(s)`) : ''}`,
            e(v.coveredThrough ?? '—'),
            badge(coverageBadge[v.coverage] ?? 'no-evidence', v.coverage),
            e(`${v.cuecs.filter((c) => c.status === 'mapped').length} of ${v.cuecs.length}`),
            v.report?.reviewedBy === undefined
              ? '—'
              : e(`${v.report.reviewedBy}, ${v.report.reviewedOn ?? ''}`),
          ]),
        )
  const gaps = model.gaps.filter((g) => thirdPartyGap.test(g.type))
  const gapTable =
    gaps.length === 0
      ? '<p>No gaps from third parties or policies.</p>'
      : table(
          ['Severity', 'Gap', 'Owner', 'Due', 'Remediation'],
          gaps.map((g) => [
            badge(g.severity, g.severity),
            e(g.title),
            e(g.owner),
            e(g.dueDate),
            e(g.remediation),
          ]),
        )
  const policies = table(
    ['Policy', 'Owner', 'Version', 'Approved', 'Next review', 'State'],
    tp.policies.map((p) => [
      e(p.title),
      e(p.owner),
      e(p.version),
      p.approval === undefined
        ? '—'
        : e(`${p.approval.date} by ${p.approval.approvedBy} (v${p.approval.version})`),
      e(p.nextReview ?? '—'),
      badge(p.state === 'current' ? 'pass' : p.state === 'review-overdue' ? 'partial' : 'fail', p.state),
    ]),
  )
  const risks =
    tp.risks.length === 0
      ? '<p>The risk register is empty.</p>'
      : table(
          ['Risk', 'Likelihood × impact', 'Treatment', 'Controls', 'Owner'],
          tp.risks.map((r) => [
            e(`${r.id} ${r.title}`),
            `${badge(r.level === 'high' ? 'high' : r.level === 'medium' ? 'medium' : 'low', `${r.score}`)} ${e(`${r.likelihood} × ${r.impact}`)}`,
            e(r.treatment),
            e(r.controls.join(', ') || '—'),
            e(r.owner ?? '—'),
          ]),
        )
  return `<section id="shared-responsibility" aria-labelledby="h-shared"><h2 id="h-shared">Shared responsibility</h2>
${intro}${figure}
<h3>Vendors and their reports</h3>${vendors}
<h3>Gaps from third parties and policies</h3>${gapTable}
<h3>Policies</h3>${policies}
<h3>Risk register</h3>${risks}</section>`
}

/** Escapes text for a Markdown table cell. */
const md = (text: string | number): string => String(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')

function mdTable(head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  if (rows.length === 0) return '_None._\n'
  return [
    `| ${head.map(md).join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(md).join(' | ')} |`),
  ].join('\n')
}

/**
 * The Markdown report's "Shared responsibility" lines: owner by family and service model, and the
 * vendor register (the figure itself is in the HTML report and `trustctl matrix --format svg`).
 */
export function renderSharedResponsibilityMarkdown(model: AssessmentModel): string[] {
  const tp = model.thirdParties
  if (tp === undefined) return []
  return [
    '## Shared responsibility',
    '',
    `Owner of each control family for the system as a whole and per service model in use (${tp.matrix.services.length} services). The full matrix: \`trustctl matrix --format csv\`.`,
    '',
    mdTable(
      ['Family', 'Overall', 'SaaS', 'PaaS', 'IaaS'],
      tp.matrix.families.map((f) => [f.family, f.overall, f.byModel.saas, f.byModel.paas, f.byModel.iaas]),
    ),
    '',
    '### Vendors and their reports',
    '',
    mdTable(
      ['Vendor', 'Criticality', 'Report', 'Opinion', 'Covered through', 'Status', 'CUECs mapped'],
      tp.vendors.map((v) => [
        v.name,
        v.criticality,
        v.report === undefined ? '—' : `Type ${v.report.type}, to ${v.report.periodEnd}`,
        v.report?.opinion ?? '—',
        v.coveredThrough ?? '—',
        v.coverage,
        `${v.cuecs.filter((c) => c.status === 'mapped').length} of ${v.cuecs.length}`,
      ]),
    ),
    '',
  ]
}
