import { boundaryDiagram, type Diagram, dataFlowDiagram } from './diagrams.js'
import type { Block, Section } from './document.js'
import { callout, type DocumentContext, p, section } from './document-blocks.js'
import type { PackageTemplateKey } from './templates.js'

/** A callout asking management for what the configuration does not say yet. */
function missing({ t }: DocumentContext, what: PackageTemplateKey, key: string): Block {
  return callout('warning', t.paragraphs('description.missing', { what: t.say(what), key }))
}

/** A heading and a bulleted list, or the callout asking for the list. */
function listOrMissing(
  context: DocumentContext,
  items: readonly string[],
  missingKey: PackageTemplateKey,
  configKey: string,
  heading?: Block,
): Block[] {
  if (items.length === 0) return [missing(context, missingKey, configKey)]
  return [...(heading === undefined ? [] : [heading]), { type: 'list', items: [...items] }]
}

function services(context: DocumentContext): Section {
  const { f, t, config } = context
  return section('dc1-services', '3.1', 'Services provided', [
    p(f.assessment.system.description || t.say('description.services-default')),
    ...listOrMissing(
      context,
      config.package.services,
      'description.services-missing',
      'services',
      p(t.say('description.services')),
    ),
  ])
}

function commitments(context: DocumentContext): Section {
  const { t, config } = context
  return section('dc2-commitments', '3.2', 'Principal service commitments and system requirements', [
    p(t.say('description.commitments')),
    ...listOrMissing(
      context,
      config.package.commitments,
      'description.commitments-missing',
      'commitments',
      p(t.say('description.commitments-heading'), 'strong'),
    ),
    ...listOrMissing(
      context,
      config.package.systemRequirements,
      'description.requirements-missing',
      'systemRequirements',
      p(t.say('description.requirements-heading'), 'strong'),
    ),
  ])
}

function infrastructure({ f }: DocumentContext): Section {
  const c = f.components
  return section('dc3-infrastructure', '3.3.1', 'Infrastructure', [
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
  ])
}

const shownWorkloads = 200

function software({ f, t }: DocumentContext): Section {
  const c = f.components
  const blocks: Block[] = [
    p(t.say('description.software')),
    {
      type: 'table',
      columns: ['Namespace', 'Workload', 'Kind', 'Images'],
      widths: [2, 2, 1.3, 4],
      rows: c.workloads
        .slice(0, shownWorkloads)
        .map((w) => [w.namespace, w.name, w.kind, w.images.join(', ')]),
    },
  ]
  if (c.workloads.length > shownWorkloads)
    blocks.push(
      p(t.say('description.more-workloads', { count: c.workloads.length - shownWorkloads }), 'muted'),
    )
  if (c.images.length > 0)
    blocks.push({
      type: 'table',
      columns: ['Image build file', 'Base image'],
      widths: [3, 4],
      rows: c.images.map((i) => [i.file, i.base]),
    })
  if (c.pipelines.length > 0)
    blocks.push({
      type: 'table',
      columns: ['Delivery pipeline', 'Triggered by', 'Jobs'],
      widths: [3, 3, 1],
      rows: c.pipelines.map((pl) => [pl.file, pl.triggers.join(', '), String(pl.jobs)]),
    })
  return section('dc3-software', '3.3.2', 'Software', blocks)
}

/** The personnel facts from people evidence (roster, identity providers, the people checks). */
function personnel({ f, t }: DocumentContext): Block[] {
  const s = f.personnel
  if (s === undefined) return [p(t.say('description.personnel-missing'), 'muted')]
  const types = Object.entries(s.workforce.byType)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, n]) => `${n} ${type}${n === 1 ? '' : 's'}`)
  const blocks: Block[] = [
    p(
      t.say('description.personnel', {
        sources: s.workforce.sources.join(', ') || 'none collected',
        people: String(s.workforce.people),
        active: String(s.workforce.active),
        types: types.join(', ') || 'none',
        joiners: String(s.workforce.joiners),
        leavers: String(s.workforce.leavers),
        from: s.window.from,
        to: s.window.to,
      }),
    ),
  ]
  if (s.accounts.length > 0)
    blocks.push({
      type: 'table',
      columns: ['Identity provider', 'Accounts', 'Active', 'Active with MFA', 'MFA not shown'],
      widths: [2, 1, 1, 1, 1],
      rows: s.accounts.map((a) => [
        a.system,
        String(a.accounts),
        String(a.active),
        String(a.mfaEnrolled),
        String(a.mfaUnknown),
      ]),
    })
  blocks.push({
    type: 'table',
    columns: ['Personnel practice', 'Tested by', 'Population', 'Exceptions', 'Result'],
    widths: [3, 3, 1, 1, 4],
    rows: s.topics.map((x) => [x.topic, x.check, String(x.population), String(x.exceptions), x.result]),
  })
  return blocks
}

function people(context: DocumentContext): Section {
  const { config, t } = context
  const named = config.package.people
  return section('dc3-people', '3.3.3', 'People', [
    p(t.say('description.people')),
    {
      type: 'table',
      columns: ['Role', 'Owner'],
      widths: [1, 3],
      rows: Object.entries(config.owners).map(([role, person]) => [role, person ?? '']),
    },
    ...(named.length > 0
      ? [
          {
            type: 'table',
            columns: ['Role', 'Responsibility'],
            widths: [1, 3],
            rows: named.map((x) => [x.role, x.responsibility]),
          } satisfies Block,
        ]
      : []),
    ...personnel(context),
  ])
}

function procedures(context: DocumentContext): Section {
  const { f, config, t } = context
  const written = config.package.procedures
  return section('dc3-procedures', '3.3.4', 'Procedures', [
    written.length > 0
      ? {
          type: 'table',
          columns: ['Procedure', 'What it governs'],
          widths: [1, 3],
          rows: written.map((x) => [x.name, x.description]),
        }
      : missing(context, 'description.procedures-missing', 'procedures'),
    p(t.say('description.procedures-automated', { pipelines: f.components.pipelines.length })),
  ])
}

function data(context: DocumentContext): Section {
  const categories = context.config.package.data
  return section('dc3-data', '3.3.5', 'Data', [
    categories.length > 0
      ? {
          type: 'table',
          columns: ['Data category', 'Description', 'Classification'],
          widths: [2, 5, 1.5],
          rows: categories.map((d) => [d.category, d.description, d.classification ?? '']),
        }
      : missing(context, 'description.data-missing', 'data'),
  ])
}

function figure(diagram: Diagram, caption: string): Block {
  return { type: 'figure', svg: diagram.svg, width: diagram.width, height: diagram.height, caption }
}

function components(context: DocumentContext): Section {
  const { f, t } = context
  const boundary = boundaryDiagram(f.system, f.components)
  const flow = dataFlowDiagram(f.system, f.components)
  return section(
    'dc3-components',
    '3.3',
    'Components of the system',
    [
      p(t.say('description.components')),
      figure(boundary, t.say('description.boundary-caption')),
      figure(flow, t.say('description.flow-caption')),
    ],
    [infrastructure(context), software(context), people(context), procedures(context), data(context)],
  )
}

function incidents({ config, t }: DocumentContext): Section {
  const declared = config.package.incidents
  return section('dc4-incidents', '3.4', 'Significant incidents', [
    declared.length === 0
      ? p(t.say('description.incidents-none'))
      : {
          type: 'table',
          columns: ['Date', 'Incident', 'Nature', 'Effect', 'Disposition'],
          widths: [1.2, 2, 3, 3, 3],
          rows: declared.map((i) => [i.date, i.title, i.nature, i.effect, i.disposition]),
        },
  ])
}

function criteria({ f, t }: DocumentContext): Section {
  return section('dc5-criteria', '3.5', 'Applicable criteria and related controls', [
    p(t.say('description.criteria')),
    {
      type: 'table',
      columns: ['Criterion', 'What it requires (summary)', 'Controls'],
      widths: [1, 6, 1],
      rows: f.assessment.criteria.map((cr) => [cr.id, cr.title, String(cr.controls.length)]),
    },
  ])
}

function userEntityControls({ f, t }: DocumentContext): Section {
  return section('dc6-cuecs', '3.6', 'Complementary user entity controls', [
    p(t.say('description.user-entity-controls')),
    {
      type: 'table',
      columns: ['Control assumed of user entities', 'Related criteria'],
      widths: [5, 1.5],
      rows: f.userEntityControls.map((u) => [u.control, u.criteria.join(', ')]),
    },
  ])
}

function subserviceOrganizations({ f, t }: DocumentContext): Section {
  const organizations = f.subserviceOrganizations
  return section(
    'dc7-subservice',
    '3.7',
    'Subservice organizations',
    [
      organizations.length === 0
        ? p(t.say('description.subservice-none'))
        : {
            type: 'table',
            columns: ['Subservice organization', 'Services used', 'Model', 'Method'],
            widths: [2, 3, 1, 1.3],
            rows: organizations.map((s) => [s.name, s.services.join(', '), s.model.toUpperCase(), s.method]),
          },
      p(t.say('description.subservice-carve-out')),
    ],
    organizations.map((s, i) =>
      section(`dc7-${i + 1}`, `3.7.${i + 1}`, `${s.name}: controls assumed`, [
        {
          type: 'table',
          columns: ['Types of controls assumed of the subservice organization', 'Related criteria'],
          widths: [5, 1.5],
          rows: s.controlsAssumed.map((a) => [a.control, a.criteria.join(', ')]),
        },
      ]),
    ),
  )
}

function notRelevant({ f, t }: DocumentContext): Section {
  return section('dc8-not-relevant', '3.8', 'Criteria not relevant to the system', [
    f.notRelevant.length === 0
      ? p(t.say('description.not-relevant-none'))
      : {
          type: 'table',
          columns: ['Criteria or control', 'Why not relevant'],
          widths: [2, 4],
          rows: f.notRelevant.map((n) => [n.subject, n.reason]),
        },
  ])
}

function changes({ f, config, t }: DocumentContext): Section {
  const declared = config.package.changes
  return section('dc9-changes', '3.9', 'Significant changes during the period', [
    f.engagement.type === 1
      ? p(t.say('description.changes-type1'))
      : declared.length === 0
        ? p(t.say('description.changes-none'))
        : {
            type: 'table',
            columns: ['Date', 'Change'],
            widths: [1, 5],
            rows: declared.map((ch) => [ch.date, ch.description]),
          },
  ])
}

/** Section 3: management's description of the system, by description criteria DC1 to DC9. */
export function descriptionSection(context: DocumentContext): Section {
  return section(
    'description',
    '3',
    `Description of the ${context.f.system} system`,
    [p(context.t.say('description.intro'))],
    [
      services(context),
      commitments(context),
      components(context),
      incidents(context),
      criteria(context),
      userEntityControls(context),
      subserviceOrganizations(context),
      notRelevant(context),
      changes(context),
    ],
  )
}
