import type { Config } from '../config.js'
import { boundaryDiagram, dataFlowDiagram } from './diagrams.js'
import type { Block, PackageDocument, Section } from './document.js'
import type { PackageControl, PackageModel } from './model.js'

type Facts = Omit<PackageModel, 'document'>

const categoryTitle: Record<string, string> = {
  security: 'Security',
  availability: 'Availability',
  confidentiality: 'Confidentiality',
  'processing-integrity': 'Processing Integrity',
  privacy: 'Privacy',
}

function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}

function section(
  id: string,
  number: string,
  title: string,
  blocks: Block[],
  sections: Section[] = [],
): Section {
  return { id, number, title, blocks, sections }
}

const p = (text: string, emphasis?: 'strong' | 'muted'): Block =>
  emphasis === undefined ? { type: 'paragraph', text } : { type: 'paragraph', text, emphasis }

function missing(what: string, key: string): Block {
  return {
    type: 'callout',
    tone: 'warning',
    title: 'To be completed by management',
    paragraphs: [`${what} Add it under \`package.${key}\` in trustctl.yaml and write the package again.`],
  }
}

function categories(f: Facts): string {
  return listWords(f.assessment.scope.categories.map((c) => categoryTitle[c] ?? c))
}

function dateWords(f: Facts): { point: string; through: string } {
  return f.engagement.type === 1
    ? { point: f.periodText, through: f.periodText }
    : {
        point: `as of ${f.periodText.replace('for the period ', 'the end of the period ')}`,
        through: `throughout the period ${f.periodText.replace('for the period ', '')}`,
      }
}

function auditorSection(f: Facts, config: Pick<Config, 'package' | 'providers' | 'owners'>): Section {
  const type = f.engagement.type
  const rows: string[][] = [
    ['Addressee', `Management of ${f.organization}`],
    ['Service auditor (firm)', config.package.auditor?.firm ?? ''],
    ['Report type', `SOC 2 Type ${type}`],
    [
      'Subject matter',
      `Description of the ${f.system} system and the ${type === 1 ? 'suitability of design' : 'suitability of design and operating effectiveness'} of its controls`,
    ],
    [type === 1 ? 'As-of date' : 'Period', f.periodText.replace(/^(as of|for the period) /, '')],
    ['Trust services categories', categories(f)],
    [
      'Subservice organizations and method',
      listWords(f.subserviceOrganizations.map((s) => `${s.name} (${s.method})`)) || 'None',
    ],
    ['Opinion', ''],
    ['Basis for modification, if any', ''],
    ...(type === 2
      ? [['Description of tests of controls and results', 'Section 4 (tests by the service auditor)']]
      : []),
    ['Restricted use', ''],
    ['Auditor signature, city and state', ''],
    ['Report date', ''],
  ]
  return section('auditor-report', '1', "Independent service auditor's report", [
    {
      type: 'callout',
      tone: 'auditor',
      title: 'Reserved for the independent service auditor',
      paragraphs: [
        `This section is written and signed by the independent service auditor (a licensed CPA firm), not by ${f.organization} and not by trustctl. Nothing in this package is an opinion until the auditor issues one here.`,
        'The fields below are what the report usually states; management has pre-filled only the facts that come from the scope of the engagement, for the auditor to confirm.',
      ],
    },
    { type: 'table', columns: ['Field', 'To be completed by the service auditor'], widths: [2, 5], rows },
  ])
}

function knownExceptions(f: Facts): string[][] {
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

function assertionSection(f: Facts, config: Pick<Config, 'package' | 'providers' | 'owners'>): Section {
  const type2 = f.engagement.type === 2
  const { point, through } = dateWords(f)
  const carved = f.subserviceOrganizations.filter((s) => s.method === 'carve-out')
  const inclusive = f.subserviceOrganizations.filter((s) => s.method === 'inclusive')
  const exceptions = knownExceptions(f)
  const blocks: Block[] = [
    {
      type: 'callout',
      tone: 'draft',
      title: "DRAFT — for management's review and signature",
      paragraphs: [
        'trustctl drafted this assertion from the facts recorded in this package. Management reviews every statement, corrects what is not so, and signs it; an unsigned assertion has no standing.',
        exceptions.length > 0
          ? `The tests found exceptions (listed below). Management decides, with the service auditor, whether they call for a modified assertion before signing.`
          : 'The tests found no exceptions; management still confirms each statement before signing.',
      ],
    },
    p(
      `We, the management of ${f.organization}, are responsible for the accompanying description of the ${f.system} system (“the description”) ${through}. We prepared it using the description criteria for a SOC 2 system description (DC 200), so that report users can understand the system and the controls we designed${type2 ? ', implemented and operated' : ' and implemented'} to meet our service commitments and system requirements under the trust services criteria for ${categories(f)} (“the applicable criteria”).`,
    ),
  ]
  if (carved.length > 0)
    blocks.push(
      p(
        `${f.organization} relies on subservice organizations: ${listWords(carved.map((s) => s.name))}. We present them using the carve-out method: the description covers our own controls only and leaves out theirs. Section 3.7 names, for each of them, the types of controls we assumed they operate when we designed ours; our controls meet the applicable criteria only together with those controls. This assertion does not extend to the subservice organizations' controls.`,
      ),
    )
  if (inclusive.length > 0)
    blocks.push(
      p(
        `The description includes the relevant controls of ${listWords(inclusive.map((s) => s.name))} (inclusive method); their management provides a separate assertion covering them.`,
      ),
    )
  blocks.push(
    p(
      `The description also states, in section 3.6, the complementary user entity controls: controls we assumed, in designing ours, that our customers operate. Our controls meet the applicable criteria only if those controls operate as well.`,
    ),
    p('We confirm, to the best of our knowledge and belief, that:', 'strong'),
    {
      type: 'list',
      ordered: true,
      items: [
        `the description presents the ${f.system} system as designed and implemented ${through}, in accordance with the description criteria;`,
        `the controls stated in the description were suitably designed ${point} to provide reasonable assurance that our service commitments and system requirements would be achieved under the applicable criteria, if the controls operated as described and if the subservice organizations and user entities applied the controls assumed of them;`,
        ...(type2
          ? [
              `the controls stated in the description operated effectively ${through} to provide that reasonable assurance, if the controls of the subservice organizations and user entities assumed in the design also operated effectively throughout that period.`,
            ]
          : []),
      ],
    },
    p('Exceptions known to management', 'strong'),
    exceptions.length === 0
      ? p('None known at the date of this assertion.')
      : {
          type: 'table',
          columns: ['Control or item', 'What the tests found'],
          widths: [5, 3],
          rows: exceptions,
        },
    p(
      `Significant incidents: ${config.package.incidents.length === 0 ? 'none declared (section 3.4).' : `${config.package.incidents.length} declared (section 3.4).`}`,
    ),
    {
      type: 'signature',
      lines: [
        `Name:${config.package.management === undefined ? '' : ` ${config.package.management.name}`}`,
        `Title:${config.package.management === undefined ? '' : ` ${config.package.management.title}`}`,
        `For and on behalf of ${f.organization}`,
        'Signature:',
        'Date:',
      ],
    },
  )
  return section('assertion', '2', "Management's assertion", blocks)
}

function descriptionSection(f: Facts, config: Pick<Config, 'package' | 'providers' | 'owners'>): Section {
  const pc = config.package
  const c = f.components
  const boundary = boundaryDiagram(f.system, c)
  const flow = dataFlowDiagram(f.system, c)
  const ownerRows = Object.entries(config.owners).map(([role, person]) => [role, person ?? ''])
  const subs: Section[] = [
    section('dc1-services', '3.1', 'Services provided', [
      p(f.assessment.system.description || `${f.system} is a system operated by ${f.organization}.`),
      ...(pc.services.length > 0
        ? [p('The system provides these services:'), { type: 'list', items: pc.services } as Block]
        : [missing('The services the system provides are not listed yet.', 'services')]),
    ]),
    section('dc2-commitments', '3.2', 'Principal service commitments and system requirements', [
      p(
        `${f.organization} makes commitments to its customers in contracts, terms of service and published policies, and sets system requirements that let it keep them. The requirements are met through the controls in section 4.`,
      ),
      ...(pc.commitments.length > 0
        ? [p('Principal service commitments', 'strong'), { type: 'list', items: pc.commitments } as Block]
        : [missing('The principal service commitments are not listed yet.', 'commitments')]),
      ...(pc.systemRequirements.length > 0
        ? [p('System requirements', 'strong'), { type: 'list', items: pc.systemRequirements } as Block]
        : [missing('The system requirements are not listed yet.', 'systemRequirements')]),
    ]),
    section(
      'dc3-components',
      '3.3',
      'Components of the system',
      [
        p(
          'The components below were read from the evidence collected for this package (deployment manifests, container build files, pipeline definitions, cloud resources) and from what management wrote in its configuration. The boundary diagram shows what is inside the system and what its subservice organizations provide; the data flow diagram shows how customer data and changes move through it.',
        ),
        {
          type: 'figure',
          svg: boundary.svg,
          width: boundary.width,
          height: boundary.height,
          caption: `Figure 1. System boundary of ${f.system}`,
        },
        {
          type: 'figure',
          svg: flow.svg,
          width: flow.width,
          height: flow.height,
          caption: `Figure 2. Data flows of ${f.system}`,
        },
      ],
      [
        section('dc3-infrastructure', '3.3.1', 'Infrastructure', [
          {
            type: 'table',
            columns: ['Component', 'What the evidence shows'],
            widths: [2, 5],
            rows: [
              [
                'Runtime platform',
                c.namespaces.length === 0
                  ? 'No Kubernetes workloads in the evidence'
                  : `Kubernetes: ${c.namespaces.length} namespaces, ${c.workloads.length} workloads`,
              ],
              ['Entry points', c.entryPoints.map((e) => e.host).join(', ') || 'None in the evidence'],
              [
                'Data stores',
                c.dataStores.map((d) => `${d.name} (${d.where})`).join(', ') || 'None in the evidence',
              ],
              [
                'Cloud and SaaS providers',
                c.providers
                  .map(
                    (pr) =>
                      `${pr.name} (${pr.model.toUpperCase()}${pr.services.length > 0 ? `: ${pr.services.join(', ')}` : ''})`,
                  )
                  .join('; ') || 'None declared',
              ],
              [
                'Evidence inventory',
                c.inventory.map((i) => `${i.kind}: ${i.count}`).join(', ') || 'No evidence collected',
              ],
            ],
          },
        ]),
        section('dc3-software', '3.3.2', 'Software', [
          p('Application workloads as deployed, and the container images built from the source repository.'),
          {
            type: 'table',
            columns: ['Namespace', 'Workload', 'Kind', 'Images'],
            widths: [2, 2, 1.3, 4],
            rows: c.workloads.slice(0, 200).map((w) => [w.namespace, w.name, w.kind, w.images.join(', ')]),
          },
          ...(c.workloads.length > 200
            ? [p(`And ${c.workloads.length - 200} more workloads, listed in the evidence files.`, 'muted')]
            : []),
          ...(c.images.length > 0
            ? [
                {
                  type: 'table',
                  columns: ['Image build file', 'Base image'],
                  widths: [3, 4],
                  rows: c.images.map((i) => [i.file, i.base]),
                } as Block,
              ]
            : []),
          ...(c.pipelines.length > 0
            ? [
                {
                  type: 'table',
                  columns: ['Delivery pipeline', 'Triggered by', 'Jobs'],
                  widths: [3, 3, 1],
                  rows: c.pipelines.map((pl) => [pl.file, pl.triggers.join(', '), String(pl.jobs)]),
                } as Block,
              ]
            : []),
        ]),
        section('dc3-people', '3.3.3', 'People', [
          p(
            'Control owners by role, as named in the configuration; each owns the controls of that role in section 4.',
          ),
          { type: 'table', columns: ['Role', 'Owner'], widths: [1, 3], rows: ownerRows },
          ...(pc.people.length > 0
            ? [
                {
                  type: 'table',
                  columns: ['Role', 'Responsibility'],
                  widths: [1, 3],
                  rows: pc.people.map((x) => [x.role, x.responsibility]),
                } as Block,
              ]
            : []),
        ]),
        section('dc3-procedures', '3.3.4', 'Procedures', [
          ...(pc.procedures.length > 0
            ? [
                {
                  type: 'table',
                  columns: ['Procedure', 'What it governs'],
                  widths: [1, 3],
                  rows: pc.procedures.map((x) => [x.name, x.description]),
                } as Block,
              ]
            : [missing('The written procedures are not listed yet.', 'procedures')]),
          p(
            `Automated procedures are part of the system itself: ${c.pipelines.length} delivery pipeline(s) build, test and deploy changes, and admission and policy controls in the runtime platform enforce configuration rules; section 4 tests both.`,
          ),
        ]),
        section('dc3-data', '3.3.5', 'Data', [
          ...(pc.data.length > 0
            ? [
                {
                  type: 'table',
                  columns: ['Data category', 'Description', 'Classification'],
                  widths: [2, 5, 1.5],
                  rows: pc.data.map((d) => [d.category, d.description, d.classification ?? '']),
                } as Block,
              ]
            : [missing('The categories of data the system processes are not listed yet.', 'data')]),
        ]),
      ],
    ),
    section('dc4-incidents', '3.4', 'Significant incidents', [
      pc.incidents.length === 0
        ? p(
            `Management declared no system incident ${dateWords(f).through} that resulted from controls not being suitably designed${f.engagement.type === 2 ? ' or operating effectively' : ''}, or that otherwise caused a significant failure to meet the service commitments and system requirements.`,
          )
        : {
            type: 'table',
            columns: ['Date', 'Incident', 'Nature', 'Effect', 'Disposition'],
            widths: [1.2, 2, 3, 3, 3],
            rows: pc.incidents.map((i) => [i.date, i.title, i.nature, i.effect, i.disposition]),
          },
    ]),
    section('dc5-criteria', '3.5', 'Applicable criteria and related controls', [
      p(
        `The trust services criteria for ${categories(f)} apply. The table lists each criterion in scope with the number of controls that address it; section 4 states each control, the tests performed and their results.`,
      ),
      {
        type: 'table',
        columns: ['Criterion', 'What it requires (summary)', 'Controls'],
        widths: [1, 6, 1],
        rows: f.assessment.criteria.map((cr) => [cr.id, cr.title, String(cr.controls.length)]),
      },
    ]),
    section('dc6-cuecs', '3.6', 'Complementary user entity controls', [
      p(
        `${f.organization}'s controls were designed on the assumption that each customer (user entity) operates the controls below. They are the customer's responsibility and are not tested in this package.`,
      ),
      {
        type: 'table',
        columns: ['Control assumed of user entities', 'Related criteria'],
        widths: [5, 1.5],
        rows: f.userEntityControls.map((u) => [u.control, u.criteria.join(', ')]),
      },
    ]),
    section(
      'dc7-subservice',
      '3.7',
      'Subservice organizations',
      [
        f.subserviceOrganizations.length === 0
          ? p('Management declared no subservice organizations.')
          : {
              type: 'table',
              columns: ['Subservice organization', 'Services used', 'Model', 'Method'],
              widths: [2, 3, 1, 1.3],
              rows: f.subserviceOrganizations.map((s) => [
                s.name,
                s.services.join(', '),
                s.model.toUpperCase(),
                s.method,
              ]),
            },
        p(
          `Under the carve-out method the description leaves out these organizations' controls. ${f.organization} monitors them by obtaining and reviewing their own assurance reports (section 5.1) and by operating the controls their reports expect of their customers.`,
        ),
      ],
      f.subserviceOrganizations.map((s, i) =>
        section(`dc7-${i + 1}`, `3.7.${i + 1}`, `${s.name}: controls assumed`, [
          {
            type: 'table',
            columns: ['Types of controls assumed of the subservice organization', 'Related criteria'],
            widths: [5, 1.5],
            rows: s.controlsAssumed.map((a) => [a.control, a.criteria.join(', ')]),
          },
        ]),
      ),
    ),
    section('dc8-not-relevant', '3.8', 'Criteria not relevant to the system', [
      f.notRelevant.length === 0
        ? p('Every applicable criterion is relevant to the system.')
        : {
            type: 'table',
            columns: ['Criteria or control', 'Why not relevant'],
            widths: [2, 4],
            rows: f.notRelevant.map((n) => [n.subject, n.reason]),
          },
    ]),
    section('dc9-changes', '3.9', 'Significant changes during the period', [
      f.engagement.type === 1
        ? p('Not applicable to a Type 1 report, which describes the system at a point in time.')
        : pc.changes.length === 0
          ? p('Management declared no significant changes to the system or its controls during the period.')
          : {
              type: 'table',
              columns: ['Date', 'Change'],
              widths: [1, 5],
              rows: pc.changes.map((ch) => [ch.date, ch.description]),
            },
    ]),
  ]
  return section(
    'description',
    '3',
    `Description of the ${f.system} system`,
    [
      p(
        `Management's description of the ${f.system} system ${dateWords(f).through}, organised by the description criteria DC1 to DC9.`,
      ),
    ],
    subs,
  )
}

function controlBlocks(control: PackageControl, f: Facts): Block[] {
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
  if (control.notApplicable !== undefined) {
    blocks.push(p(`Not applicable: ${control.notApplicable}`, 'muted'))
    return blocks
  }
  blocks.push({
    type: 'table',
    columns: ['Test performed', 'Population', 'Sample', 'Result'],
    widths: [4, 3, 2.2, 2],
    rows: control.tests.map((t) => [
      `${t.what}. ${t.kind === 'automated' ? 'Automated inspection of configuration.' : t.how}`,
      t.population,
      t.sample,
      t.result,
    ]),
  })
  if (control.analogy !== undefined) {
    blocks.push({
      type: 'callout',
      tone: 'info',
      title: 'For the auditor: the traditional control and how this meets it',
      paragraphs: [
        `Traditional control: ${control.analogy.traditional}`,
        `Here: ${control.analogy.cloudNative}`,
      ],
    })
    const automated = control.tests.find((t) => t.kind === 'automated')
    if (automated !== undefined) {
      blocks.push(p('Test case the auditor can follow', 'strong'), {
        type: 'list',
        ordered: true,
        items: automated.procedure,
      })
    }
    if (control.auditorQuestions.length > 0)
      blocks.push(p('Questions an auditor may ask', 'strong'), {
        type: 'list',
        items: control.auditorQuestions.map((q) => `${q.question} — ${q.answer}`),
      })
  }
  if (control.exceptions.length > 0) {
    blocks.push(
      p(
        `Exceptions (${control.exceptionCount} found${control.exceptionCount > control.exceptions.filter((e) => e.accepted === undefined).length ? '; the first are listed, all are in the controls matrix and SARIF file' : ''})`,
        'strong',
      ),
    )
    blocks.push({
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
    })
  }
  if (control.response !== undefined) blocks.push(p("Management's response", 'strong'), p(control.response))
  if (control.evidence.length > 0) {
    const shown = control.evidence.slice(0, 12)
    blocks.push({
      type: 'table',
      columns: ['Evidence file', 'SHA-256'],
      widths: [3, 5],
      rows: shown.map((e) => [e.file, e.sha256]),
      ...(control.evidence.length > shown.length
        ? { caption: `and ${control.evidence.length - shown.length} more in manifest.json` }
        : {}),
    })
  }
  if (f.ledger !== undefined)
    blocks.push(
      p(
        `These hashes are recorded in the signed evidence ledger (key ${(f.ledger.keyId ?? '').slice(0, 16)}…, section 5.4).`,
        'muted',
      ),
    )
  return blocks
}

function testsSection(f: Facts): Section {
  const type2 = f.engagement.type === 2
  const byId = new Map(f.controls.map((c) => [c.id, c]))
  const described = new Set<string>()
  const s = f.assessment.summary
  const intro: Block[] = [
    p(
      `For each criterion in scope, the controls ${f.organization} designed to meet it, the tests management performed with trustctl ${f.periodText}, and their results. Automated tests inspect every item in the evidence (no sampling); inspections of records cover the latest occurrence. The service auditor plans and performs their own tests; these results and the hashed evidence behind them are offered to support that work.`,
    ),
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
  if (type2)
    intro.push(
      f.ledger?.runs !== undefined && f.ledger.runs.length > 0
        ? {
            type: 'callout',
            tone: 'info',
            title: 'Operating effectiveness over the period',
            paragraphs: [
              `The evidence ledger recorded ${f.ledger.runs.length} signed assessment runs in the period; each automated test's population is every item in every one of those runs, and the results below are those of the period end.`,
            ],
          }
        : {
            type: 'callout',
            tone: 'warning',
            title: 'Operating effectiveness over the period needs the evidence ledger',
            paragraphs: [
              'This package holds the results as of the end of the period only. Testing that a control operated throughout the period needs the assessment runs recorded during it in the evidence ledger (signed, hash-chained runs); this package does not yet draw that population from the ledger. Until it does, the service auditor samples occurrences in the period from the systems themselves; the sample column states the sizes commonly used.',
            ],
          },
    )
  const criterionSections = f.assessment.criteria.map((criterion, i) => {
    const controls = criterion.controls
      .map((id) => byId.get(id))
      .filter((c): c is PackageControl => c !== undefined)
    const blocks: Block[] = [
      p(criterion.title, 'muted'),
      controls.length === 0
        ? {
            type: 'callout',
            tone: 'warning',
            title: 'No control',
            paragraphs: [
              'No control in the catalog meets this criterion; it is listed as a gap in section 5.3.',
            ],
          }
        : {
            type: 'table',
            columns: ['Control', 'Owner', 'Result'],
            widths: [5, 2.5, 2],
            rows: controls.map((c) => [
              `${c.id} — ${c.title}${described.has(c.id) ? ' (described earlier in this section)' : ''}`,
              c.owner.replace(/\s*<[^>]*>/, ''),
              c.result,
            ]),
          },
    ]
    for (const control of controls) {
      if (described.has(control.id)) continue
      described.add(control.id)
      blocks.push(...controlBlocks(control, f))
    }
    return section(`criterion-${criterion.id}`, `4.${i + 1}`, `${criterion.id} ${criterion.title}`, blocks)
  })
  return section(
    'tests',
    '4',
    'Trust services criteria, controls, tests and results',
    intro,
    criterionSections,
  )
}

function otherSection(f: Facts): Section {
  const tp = f.thirdParties
  const attestations: Block =
    tp !== undefined && tp.attestations.length > 0
      ? {
          type: 'table',
          columns: ['Vendor', 'Report', 'Period', 'Opinion', 'Bridge letter', 'Reviewed'],
          widths: [2, 2, 2, 1.5, 1.5, 1.3],
          rows: tp.attestations.map((a) => [
            a.vendor,
            a.report,
            a.period,
            a.opinion,
            a.bridgeLetter ?? '',
            a.reviewedOn ?? '',
          ]),
        }
      : {
          type: 'table',
          columns: ['Subservice organization', 'Report to obtain', 'Period', 'Opinion', 'Bridge letter'],
          widths: [2, 2, 2, 1.5, 1.5],
          rows: f.subserviceOrganizations.map((s) => [
            s.name,
            'SOC 2 Type 2',
            'not recorded',
            'not recorded',
            'not recorded',
          ]),
        }
  const responsibilityRows =
    tp !== undefined && tp.responsibilities.length > 0
      ? tp.responsibilities.map((r) => [r.control, r.responsibility, r.provider ?? '', r.note ?? ''])
      : criterionResponsibilities(f)
  const gaps = f.gaps
  const blocks5: Section[] = [
    section('attestations', '5.1', 'Third-party attestations', [
      p(
        'The assurance reports of the subservice organizations that management obtains and reviews; report users may request them from the vendors.',
      ),
      attestations,
      ...(tp === undefined
        ? [
            p(
              'Report periods, opinions and bridge letters are not recorded in trustctl yet; management completes them from the vendors’ reports.',
              'muted',
            ),
          ]
        : []),
      ...(tp !== undefined && tp.providerUserControls.length > 0
        ? [
            p('Controls the vendors’ reports expect of us', 'strong'),
            {
              type: 'table',
              columns: ['Vendor', 'Control expected of us', 'Addressed by'],
              widths: [1.5, 5, 2],
              rows: tp.providerUserControls.map((u) => [
                u.provider,
                u.control,
                u.addressedBy ?? 'not mapped',
              ]),
            } as Block,
          ]
        : []),
    ]),
    section('responsibility-matrix', '5.2', 'Responsibility matrix', [
      p(
        'Who operates the controls each criterion relies on: the organization, its subservice organizations (carved out) and its customers.',
      ),
      tp !== undefined && tp.responsibilities.length > 0
        ? {
            type: 'table',
            columns: ['Control', 'Responsibility', 'Provider', 'Note'],
            widths: [3, 1.5, 1.5, 3],
            rows: responsibilityRows,
          }
        : {
            type: 'table',
            columns: ['Criterion', 'Organization controls', 'Subservice organizations', 'User entities'],
            widths: [1, 1.4, 3, 1.2],
            rows: responsibilityRows,
          },
    ]),
    section('remediation', '5.3', 'Remediation plan for open gaps', [
      gaps.length === 0
        ? p('No open gaps.')
        : {
            type: 'table',
            columns: ['Gap', 'Severity', 'Criteria', 'Owner', 'Due', 'Remediation'],
            widths: [3, 1, 1.3, 1.8, 1.2, 4],
            rows: gaps.map((g) => [
              g.title,
              g.severity,
              g.criteria.join(', '),
              g.owner.replace(/\s*<[^>]*>/, ''),
              g.dueDate,
              firstSentence(g.remediation),
            ]),
          },
    ]),
    section('evidence', '5.4', 'Evidence index and integrity', [
      p(
        f.ledger === undefined
          ? 'Each evidence file read for this package and its SHA-256. The evidence ledger was not in use for this run, so the run is not signed; the hashes still let a reader confirm a file is the one tested.'
          : `Each evidence file read for this package and its SHA-256. The run is recorded in the evidence ledger and its manifest signed with ${f.ledger.algorithm}; \`trustctl verify\` with the key below proves nothing recorded was altered, removed or reordered.`,
      ),
      ...(f.ledger === undefined
        ? []
        : [
            {
              type: 'fields',
              rows: [
                ['Signature algorithm', f.ledger.algorithm],
                ['Key fingerprint (SHA-256)', f.ledger.keyId ?? ''],
                ['Chain head', f.ledger.head ?? ''],
                ['Public key', f.ledger.publicKey.replace(/-----(BEGIN|END) PUBLIC KEY-----|\s/g, '')],
              ],
            } as Block,
          ]),
      {
        type: 'table',
        columns: ['File', 'Read as', 'SHA-256'],
        widths: [3, 1.3, 5],
        rows: f.evidence.slice(0, 500).map((e) => [e.file, e.collector, e.sha256]),
      },
      ...(f.evidence.length > 500
        ? [p(`And ${f.evidence.length - 500} more files, in manifest.json.`, 'muted')]
        : []),
    ]),
    section('about', '5.5', 'About this package', [
      {
        type: 'fields',
        rows: [
          ['Generated', f.generatedAt],
          ['Generated by', `trustctl ${f.toolVersion}`],
          ['Configuration hash', f.configHash],
          [
            'Companion files',
            'OSCAL (system security plan, assessment results, plan of action and milestones), SARIF, JUnit XML, controls matrix and request list (XLSX, CSV), manifest.json',
          ],
        ],
      },
    ]),
  ]
  return section(
    'other',
    '5',
    'Other information provided by management',
    [
      p(
        "This section is provided by management for report users' information. The service auditor's opinion does not cover it.",
      ),
    ],
    blocks5,
  )
}

function firstSentence(text: string): string {
  const end = text.search(/\.\s/)
  return end === -1 ? text : text.slice(0, end + 1)
}

function criterionResponsibilities(f: Facts): string[][] {
  return f.assessment.criteria.map((criterion) => {
    const providers = f.subserviceOrganizations
      .filter((s) => s.controlsAssumed.some((a) => a.criteria.includes(criterion.id)))
      .map((s) => s.name)
    const users = f.userEntityControls.some((u) => u.criteria.includes(criterion.id))
    return [
      criterion.id,
      `${criterion.controls.length} control${criterion.controls.length === 1 ? '' : 's'}`,
      providers.join(', ') || '—',
      users ? 'Yes (section 3.6)' : '—',
    ]
  })
}

/** Lays out the five sections of the package from the facts. */
export function renderDocument(
  f: Facts,
  config: Pick<Config, 'package' | 'providers' | 'owners'>,
): PackageDocument {
  const type = f.engagement.type
  return {
    title: `SOC 2 Type ${type} Report`,
    subtitle: `${f.organization} — ${f.system}: description of the system and the ${type === 1 ? 'suitability of the design' : 'suitability of the design and operating effectiveness'} of its controls relevant to ${categories(f)}, ${f.periodText}`,
    organization: f.organization,
    status: "DRAFT — prepared by management with trustctl. Not an auditor's report.",
    cover: [
      ['Service organization', f.organization],
      ['System', f.system],
      ['Report', `SOC 2 Type ${type}`],
      [type === 1 ? 'As of' : 'Period', f.periodText.replace(/^(as of|for the period) /, '')],
      ['Trust services categories', categories(f)],
      ['Service auditor', config.package.auditor?.firm ?? 'to be engaged'],
      ['Prepared', f.generatedAt.slice(0, 10)],
    ],
    sections: [
      auditorSection(f, config),
      assertionSection(f, config),
      descriptionSection(f, config),
      testsSection(f),
      otherSection(f),
    ],
  }
}
