import { answerSupport } from '../../core/answer-support.js'
import type { AssessmentModel } from '../../core/assessment.js'
import {
  categoryLabel,
  controlStatusLabel,
  coverageRows,
  coverageSentence,
  criterionStatusLabel,
  findingStatusLabel,
  gapStatusLabel,
  latestGapNote,
  location,
  notAssessedRows,
  qualifiedName,
  readinessExplanation,
} from '../labels.js'
import { renderSharedResponsibilityMarkdown } from '../svg/shared-responsibility-section.js'

/** Escapes text for a Markdown table cell. */
function cell(text: string | number): string {
  return String(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  if (rows.length === 0) return '_None._\n'
  return [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n')
}

/** Where the run is in the evidence ledger and the key that signed it, so an auditor can verify it. */
export function ledgerLine(ledger: NonNullable<AssessmentModel['ledger']>): string {
  const key = ledger.publicKey.replace(/-----(BEGIN|END) PUBLIC KEY-----|\s/g, '')
  return `Ledger: run ${ledger.runId}, signed with Ed25519 key ${ledger.publicKeyFingerprint} (public key ${key}); chain head ${ledger.chainHead}. Check: trustctl verify --key ${ledger.publicKeyFingerprint} --chain-head ${ledger.chainHead}`
}

/** The readiness report as Markdown: readable in a terminal, a pull request or a wiki. */
export function renderMarkdown(model: AssessmentModel): string {
  const s = model.summary
  const failing = model.findings.filter((f) => f.status === 'fail' || f.status === 'error')
  const parts = [
    `# SOC 2 readiness: ${model.system.name}`,
    '',
    `${model.organization} · as of ${model.asOf} · generated ${model.generatedAt} by trustctl ${model.tool.version}`,
    '',
    ...(model.ledger === undefined ? [] : [ledgerLine(model.ledger), '']),
    model.system.description,
    '',
    '## Summary',
    '',
    table(
      ['Measure', 'Value'],
      [
        ['Overall readiness', `${s.readiness}%`],
        ['Categories in scope', model.scope.categories.map((c) => categoryLabel[c] ?? c).join(', ')],
        ['Criteria in scope', s.criteria],
        ['Controls in scope', s.controls],
        [
          'Controls passing (by test / on attestations) / with exceptions / partly evidenced / no current evidence',
          `${s.controlsByStatus.pass} (${s.controlsPassingByTest} / ${s.controlsByStatus.pass - s.controlsPassingByTest}) / ${s.controlsByStatus.fail} / ${s.controlsByStatus.partial} / ${s.controlsByStatus['no-evidence']}`,
        ],
        [
          'Tests of controls passed / failed / not run',
          `${s.tests.passed} / ${s.tests.failed} / ${s.tests.noEvidence + s.tests.errors}`,
        ],
        [
          'Gaps (critical / high / medium / low)',
          `${s.gaps} (${s.gapsBySeverity.critical} / ${s.gapsBySeverity.high} / ${s.gapsBySeverity.medium} / ${s.gapsBySeverity.low})`,
        ],
        ['Inputs read / unreadable', `${model.inputs.length} / ${s.inputErrors}`],
      ],
    ),
    '',
    '## Readiness by criterion',
    '',
    readinessExplanation,
    '',
    table(
      ['Criterion', 'Category', 'Title', 'Status', 'Readiness', 'Controls'],
      model.criteria.map((c) => [
        c.id,
        categoryLabel[c.category] ?? c.category,
        c.title,
        criterionStatusLabel[c.status],
        `${c.readiness}%`,
        c.controls.length,
      ]),
    ),
    '',
    '## Gaps and remediation',
    '',
    table(
      ['Severity', 'Gap', 'Criteria', 'Owner', 'Due', 'Status', 'Remediation'],
      model.gaps.map((g) => [
        g.severity,
        g.title,
        g.criteria.join(', '),
        g.owner,
        g.dueDate,
        gapStatusLabel(g),
        [g.remediation, latestGapNote(g)].filter((t) => t !== '').join(' '),
      ]),
    ),
    '',
    ...renderSharedResponsibilityMarkdown(model),
    '## Controls',
    '',
    table(
      ['Control', 'Title', 'Owner', 'Status', 'Criteria', 'Tests'],
      model.controls.map((c) => [
        c.id,
        c.title,
        c.owner,
        controlStatusLabel[c.status],
        c.criteria.join(', '),
        c.tests.map((t) => `${t.check}: ${t.conclusion}`).join(' '),
      ]),
    ),
    '',
    '## Cloud-native controls and the traditional controls they meet',
    '',
    "The questions and answers are the control library's suggested answers: management confirms them before they are given to an auditor, and a control with exceptions needs its answer revisited.",
    '',
    ...model.controls
      .filter((c) => c.analogy !== undefined)
      .flatMap((c) => [
        `### ${c.id} — ${c.title}`,
        '',
        `- **What an auditor knows it as:** ${c.analogy?.traditional ?? ''}`,
        `- **How it is done here:** ${c.analogy?.cloudNative ?? ''}`,
        ...c.auditorQuestions.map(
          (qa) => `- **Q:** ${qa.question}\n  **A:** ${qa.answer} _${answerSupport(qa, c.tests)}_`,
        ),
        '',
      ]),
    '## Exceptions found by tests',
    '',
    table(
      ['Severity', 'Check', 'Subject', 'Location', 'Status', 'Detail', 'Criteria'],
      failing.map((f) => [
        f.severity,
        f.check,
        `${f.subject.kind} ${qualifiedName(f.subject)}`,
        location(f.subject),
        findingStatusLabel[f.status],
        f.message,
        f.criteria.join(', '),
      ]),
    ),
    '',
    '## Accepted exceptions',
    '',
    table(
      ['Check', 'Subject', 'Reason', 'Approved by', 'Expires', 'Status'],
      model.exceptions.map((x) => [
        x.check,
        `${x.subject.kind ?? ''} ${x.subject.namespace === undefined ? '' : `${x.subject.namespace}/`}${x.subject.name}`.trim(),
        x.reason,
        x.approvedBy,
        x.expires,
        x.status,
      ]),
    ),
    '',
    '## Controls not applicable',
    '',
    table(
      ['Control', 'Criteria', 'Why it does not apply'],
      model.scope.notApplicable.map((n) => [
        n.control,
        n.criteria.join(', '),
        n.justification || '(no reason given: a gap)',
      ]),
    ),
    '',
    '## Inputs that could not be read',
    '',
    table(
      ['Location', 'Problem', 'How to fix'],
      model.errors.map((e) => [location(e), e.message, e.hint ?? '']),
    ),
    '',
    ...(model.coverage === undefined
      ? []
      : [
          '## Coverage',
          '',
          coverageSentence(model.coverage),
          '',
          table(
            ['Source', 'Resource type', 'Collected', 'Assessed', 'Not assessed'],
            coverageRows(model.coverage),
          ),
          '',
          '### Resources not assessed',
          '',
          table(['Type', 'Where', 'Name', 'Why'], notAssessedRows(model.coverage)),
          '',
        ]),
    '## Evidence read',
    '',
    table(
      ['File', 'Collector', 'Items', 'SHA-256'],
      model.inputs.map((i) => [i.file, i.collector, i.items, i.sha256]),
    ),
    '',
  ]
  return parts.join('\n')
}
