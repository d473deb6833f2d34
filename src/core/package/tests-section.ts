import type { AssessmentModel } from '../assessment.js'
import type { Block, Section } from './document.js'
import { callout, type DocumentContext, p, section } from './document-blocks.js'
import type { PackageControl } from './model.js'

/** How a control is tested, in the words of the traditional control an auditor knows. */
function analogyBlocks({ t }: DocumentContext, control: PackageControl): Block[] {
  if (control.analogy === undefined) return []
  const blocks: Block[] = [
    callout(
      'info',
      t.paragraphs('tests.analogy', {
        traditional: control.analogy.traditional,
        cloudNative: control.analogy.cloudNative,
      }),
    ),
  ]
  const automated = control.tests.find((test) => test.kind === 'automated')
  if (automated !== undefined)
    blocks.push(p(t.say('tests.test-case'), 'strong'), {
      type: 'list',
      ordered: true,
      items: automated.procedure,
    })
  if (control.auditorQuestions.length > 0)
    blocks.push(p(t.say('tests.auditor-questions'), 'strong'), {
      type: 'list',
      items: control.auditorQuestions.map((q) => `${q.question} — ${q.answer} ${q.support}`),
    })
  return blocks
}

function exceptionBlocks({ t }: DocumentContext, control: PackageControl): Block[] {
  if (control.exceptions.length === 0) return []
  const listed = control.exceptions.filter((e) => e.accepted === undefined).length
  return [
    p(
      t.say('tests.exceptions', {
        count: control.exceptionCount,
        listedFirst: control.exceptionCount > listed,
      }),
      'strong',
    ),
    {
      type: 'table',
      columns: ['Test', 'Item', 'Where', 'Detail'],
      widths: [2.2, 2.4, 2.4, 4],
      rows: control.exceptions.map((e) => [
        e.test,
        e.subject,
        e.location,
        e.accepted === undefined
          ? e.detail
          : `${e.detail} Approved by ${e.accepted.approvedBy} until ${e.accepted.expires}.`,
      ]),
    },
  ]
}

const shownEvidence = 12

function evidenceBlocks({ f, t }: DocumentContext, control: PackageControl): Block[] {
  const blocks: Block[] = []
  if (control.evidence.length > 0) {
    const shown = control.evidence.slice(0, shownEvidence)
    blocks.push({
      type: 'table',
      columns: ['Evidence file', 'SHA-256'],
      widths: [3, 5],
      rows: shown.map((e) => [e.file, e.sha256]),
      ...(control.evidence.length > shown.length
        ? { caption: t.say('tests.more-evidence', { count: control.evidence.length - shown.length }) }
        : {}),
    })
  }
  if (f.ledger !== undefined)
    blocks.push(p(t.say('tests.ledger-hashes', { key: (f.ledger.keyId ?? '').slice(0, 16) }), 'muted'))
  return blocks
}

function controlBlocks(context: DocumentContext, control: PackageControl): Block[] {
  const { t } = context
  const blocks: Block[] = [
    { type: 'heading', text: `${control.id} — ${control.title}` },
    p(control.statement),
    {
      type: 'fields',
      rows: [
        ['Owner', control.owner],
        ['Type and frequency', `${control.type}, ${control.frequency}`],
        ['Criteria', control.criteria.join(', ')],
        ['Result', control.result],
      ],
    },
  ]
  if (control.notApplicable !== undefined)
    return [...blocks, p(t.say('tests.not-applicable', { reason: control.notApplicable }), 'muted')]
  blocks.push({
    type: 'table',
    columns: ['Test performed', 'Population', 'Sample', 'Result'],
    widths: [4, 3, 2.2, 2],
    rows: control.tests.map((test) => [
      `${test.what}. ${test.kind === 'automated' ? t.say('tests.automated-test') : test.how}`,
      test.population,
      test.sample,
      test.result,
    ]),
  })
  blocks.push(...analogyBlocks(context, control), ...exceptionBlocks(context, control))
  if (control.response !== undefined) blocks.push(p(t.say('tests.response'), 'strong'), p(control.response))
  return [...blocks, ...evidenceBlocks(context, control)]
}

/** The summary of results, and for a Type 2 what the period's population rests on. */
function testsIntro({ f, t }: DocumentContext): Block[] {
  const s = f.assessment.summary
  const intro: Block[] = [
    p(t.say('tests.intro')),
    {
      type: 'fields',
      rows: [
        ['Criteria in scope', String(f.assessment.criteria.length)],
        ['Controls', String(f.controls.length)],
        ['No exceptions noted', String(s.controlsByStatus.pass)],
        ['Exceptions noted', String(s.controlsByStatus.fail)],
        [
          'Partly evidenced or not tested',
          String(s.controlsByStatus.partial + s.controlsByStatus['no-evidence'] + s.controlsByStatus.error),
        ],
        ['Not applicable', String(s.controlsByStatus['not-applicable'])],
      ],
    },
  ]
  if (f.engagement.type === 2) {
    const runs = f.ledger?.runs ?? []
    intro.push(
      runs.length > 0
        ? callout('info', t.paragraphs('tests.period-runs', { runs: runs.length }))
        : callout('warning', t.paragraphs('tests.period-without-ledger')),
    )
  }
  return intro
}

/** Section 4: each criterion, the controls that meet it, and each control described once. */
export function testsSection(context: DocumentContext): Section {
  const { f, t } = context
  const byId = new Map(f.controls.map((c) => [c.id, c]))
  const described = new Set<string>()
  const criterionSections = f.assessment.criteria.map((criterion, i) => {
    const controls = criterion.controls
      .map((id) => byId.get(id))
      .filter((c): c is PackageControl => c !== undefined)
    const blocks: Block[] = [
      p(criterion.title, 'muted'),
      controls.length === 0
        ? callout('warning', t.paragraphs('tests.no-control'))
        : {
            type: 'table',
            columns: ['Control', 'Owner', 'Result'],
            widths: [5, 2.5, 2],
            rows: controls.map((c) => [
              `${c.id} — ${c.title}${described.has(c.id) ? ` ${t.say('tests.described-earlier')}` : ''}`,
              c.owner.replace(/\s*<[^>]*>/, ''),
              c.result,
            ]),
          },
    ]
    for (const control of controls) {
      if (described.has(control.id)) continue
      described.add(control.id)
      blocks.push(...controlBlocks(context, control))
    }
    return section(`criterion-${criterion.id}`, `4.${i + 1}`, `${criterion.id} ${criterion.title}`, blocks)
  })
  const coverage = f.assessment.coverage
  return section(
    'tests',
    '4',
    'Trust services criteria, controls, tests and results',
    testsIntro(context),
    coverage === undefined
      ? criterionSections
      : [...criterionSections, coverageSection(coverage, `4.${criterionSections.length + 1}`)],
  )
}

/**
 * The population the tests covered: every collected resource is either examined by a test or
 * listed here as not assessed, with where it is declared and why, so completeness can be judged.
 */
function coverageSection(coverage: NonNullable<AssessmentModel['coverage']>, number: string): Section {
  const notAssessed = coverage.byType.flatMap((g) =>
    g.notAssessedResources.map((r) => [
      `${g.source} ${g.resourceKind}`,
      r.line === undefined ? r.file : `${r.file}:${r.line}`,
      r.namespace === undefined ? r.name : `${r.namespace}/${r.name}`,
      r.reason,
    ]),
  )
  return section('coverage', number, 'Coverage of the collected resources', [
    p(
      coverage.notAssessed === 0
        ? `Every one of the ${coverage.resources} resources collected was examined by at least one test.`
        : `${coverage.assessed} of the ${coverage.resources} resources collected were examined by at least one test. The ${coverage.notAssessed} not assessed are listed below with where they are declared and why; no test result above covers them.`,
    ),
    {
      type: 'table',
      columns: ['Source', 'Resource type', 'Collected', 'Assessed', 'Not assessed'],
      widths: [2, 4, 1.5, 1.5, 1.5],
      rows: coverage.byType.map((g) => [
        g.source,
        g.resourceKind,
        String(g.count),
        String(g.assessed),
        String(g.notAssessed),
      ]),
    },
    ...(notAssessed.length === 0
      ? []
      : [
          p('Resources not assessed', 'strong'),
          {
            type: 'table' as const,
            columns: ['Type', 'Where', 'Name', 'Why'],
            widths: [2.5, 3, 2.5, 4],
            rows: notAssessed,
          },
        ]),
  ])
}
