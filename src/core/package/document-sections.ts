import { descriptionSection } from './description-section.js'
import type { Block, PackageDocument, Section } from './document.js'
import {
  callout,
  categories,
  type DocumentContext,
  documentContext,
  listWords,
  p,
  periodValue,
  section,
} from './document-blocks.js'
import { otherSection } from './other-section.js'
import type { PackageTemplates } from './templates.js'
import { testsSection } from './tests-section.js'

function auditorSection({ f, config, t }: DocumentContext): Section {
  const type = f.engagement.type
  const rows: string[][] = [
    ['Addressee', t.say('auditor-report.addressee')],
    ['Service auditor (firm)', config.package.auditor?.firm ?? ''],
    ['Report type', `SOC 2 Type ${type}`],
    ['Subject matter', t.say('auditor-report.subject-matter')],
    [type === 1 ? 'As-of date' : 'Period', periodValue(f)],
    ['Trust services categories', categories(f)],
    [
      'Subservice organizations and method',
      listWords(f.subserviceOrganizations.map((s) => `${s.name} (${s.method})`)) ||
        t.say('auditor-report.no-subservice'),
    ],
    ['Opinion', ''],
    ['Basis for modification, if any', ''],
    ...(type === 2
      ? [['Description of tests of controls and results', t.say('auditor-report.tests-by-auditor')]]
      : []),
    ['Restricted use', ''],
    ['Auditor signature, city and state', ''],
    ['Report date', ''],
  ]
  return section('auditor-report', '1', "Independent service auditor's report", [
    callout('auditor', t.paragraphs('auditor-report.reserved')),
    { type: 'table', columns: ['Field', 'To be completed by the service auditor'], widths: [2, 5], rows },
  ])
}

/** The controls with exceptions or without evidence, and the deviations management accepted. */
function knownExceptions({ f }: DocumentContext): string[][] {
  const rows: string[][] = []
  for (const c of f.controls) {
    if (c.status === 'fail' || c.status === 'no-evidence' || c.status === 'error' || c.status === 'partial')
      rows.push([
        `${c.title} (${c.id})`,
        `${c.result}${c.exceptionCount > 0 ? `: ${c.exceptionCount} exception${c.exceptionCount === 1 ? '' : 's'}` : ''}`,
      ])
  }
  for (const e of f.assessment.exceptions.filter((x) => x.status === 'applied'))
    rows.push([
      `${e.subject.kind ?? 'Subject'} ${e.subject.namespace === undefined ? '' : `${e.subject.namespace}/`}${e.subject.name} (test ${e.check})`,
      `Deviation accepted by ${e.approvedBy} until ${e.expires}`,
    ])
  return rows
}

/** Who else's controls the assertion leans on: carved-out and included subservice organizations. */
function subserviceParagraphs({ f, t }: DocumentContext): Block[] {
  const carved = f.subserviceOrganizations.filter((s) => s.method === 'carve-out')
  const inclusive = f.subserviceOrganizations.filter((s) => s.method === 'inclusive')
  return [
    ...(carved.length > 0
      ? [p(t.say('assertion.carve-out', { carved: listWords(carved.map((s) => s.name)) }))]
      : []),
    ...(inclusive.length > 0
      ? [p(t.say('assertion.inclusive', { inclusive: listWords(inclusive.map((s) => s.name)) }))]
      : []),
  ]
}

function signature({ f, config, t }: DocumentContext): Block {
  const management = config.package.management
  return {
    type: 'signature',
    lines: [
      `Name:${management === undefined ? '' : ` ${management.name}`}`,
      `Title:${management === undefined ? '' : ` ${management.title}`}`,
      t.say('assertion.on-behalf-of', { organization: f.organization }),
      'Signature:',
      'Date:',
    ],
  }
}

function assertionSection(context: DocumentContext): Section {
  const { f, config, t } = context
  const exceptions = knownExceptions(context)
  const [draftTitle = '', ...draft] = t.paragraphs('assertion.draft')
  const incidents = config.package.incidents.length
  const blocks: Block[] = [
    callout('draft', [
      draftTitle,
      ...draft,
      t.say(exceptions.length > 0 ? 'assertion.draft-with-exceptions' : 'assertion.draft-without-exceptions'),
    ]),
    p(t.say('assertion.responsibility')),
    ...subserviceParagraphs(context),
    p(t.say('assertion.user-entity-controls')),
    p(t.say('assertion.confirm'), 'strong'),
    {
      type: 'list',
      ordered: true,
      items: [
        t.say('assertion.confirm-description'),
        t.say('assertion.confirm-design'),
        ...(f.engagement.type === 2 ? [t.say('assertion.confirm-operation')] : []),
      ],
    },
    p(t.say('assertion.known-exceptions'), 'strong'),
    exceptions.length === 0
      ? p(t.say('assertion.no-known-exceptions'))
      : {
          type: 'table',
          columns: ['Control or item', 'What the tests found'],
          widths: [5, 3],
          rows: exceptions,
        },
    p(
      incidents === 0
        ? t.say('assertion.incidents-none')
        : t.say('assertion.incidents-declared', { count: incidents }),
    ),
    signature(context),
  ]
  return section('assertion', '2', "Management's assertion", blocks)
}

/** Lays out the five sections of the package from the facts, in the words of the templates. */
export function renderDocument(
  f: DocumentContext['f'],
  config: DocumentContext['config'],
  templates: PackageTemplates,
): PackageDocument {
  const context = documentContext(f, config, templates)
  const { t } = context
  const type = f.engagement.type
  return {
    title: `SOC 2 Type ${type} Report`,
    subtitle: t.say('cover.subtitle'),
    organization: f.organization,
    status: t.say('cover.status'),
    cover: [
      ['Service organization', f.organization],
      ['System', f.system],
      ['Report', `SOC 2 Type ${type}`],
      [type === 1 ? 'As of' : 'Period', periodValue(f)],
      ['Trust services categories', categories(f)],
      ['Service auditor', config.package.auditor?.firm ?? t.say('cover.auditor-to-be-engaged')],
      ['Prepared', f.generatedAt.slice(0, 10)],
    ],
    sections: [
      auditorSection(context),
      assertionSection(context),
      descriptionSection(context),
      testsSection(context),
      otherSection(context),
    ],
  }
}
