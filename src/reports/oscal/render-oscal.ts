import { createHash } from 'node:crypto'
import type { PackageControl, PackageModel } from '../../core/package/model.js'
import { gapStatusLabel, latestGapNote } from '../labels.js'

/** OSCAL versions we write; the documents are valid against both official schemas. */
export type OscalVersion = '1.2.1' | '1.1.3'

// Our own namespace for name-based UUIDs: the same package content always gets the same UUIDs.
const namespace = Buffer.from('6f1c2a4e9b3d4c7a8e5f0a1b2c3d4e5f', 'hex')
const ns = 'urn:trustctl:oscal'

/** A version 5 (SHA-1, name-based) UUID, per RFC 9562, from our namespace and the given names. */
export function uuidFor(...names: string[]): string {
  const hash = createHash('sha1').update(namespace).update(names.join('\u0000')).digest()
  const bytes = hash.subarray(0, 16)
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** OSCAL control ids are lower case tokens: `CC6.1` → `cc6.1`. */
const controlId = (criterion: string) => criterion.toLowerCase()
/** One line of text, never empty: what OSCAL's markup-line fields require. */
const line = (text: string) => text.replace(/\s+/g, ' ').trim() || '(none)'
const prop = (name: string, value: string) => ({ name, ns, value: line(value) })

function metadata(pkg: PackageModel, title: string, version: OscalVersion) {
  const orgUuid = uuidFor('party', pkg.organization)
  return {
    title: line(title),
    'last-modified': pkg.generatedAt,
    version: `${pkg.toolVersion}+${pkg.configHash.slice(0, 12)}`,
    'oscal-version': version,
    roles: [
      { id: 'system-owner', title: 'System owner' },
      { id: 'control-owner', title: 'Control owner' },
    ],
    parties: [
      { uuid: orgUuid, type: 'organization', name: line(pkg.organization) },
      ...owners(pkg).map((name) => ({ uuid: uuidFor('party', name), type: 'person', name: line(name) })),
    ],
    'responsible-parties': [{ 'role-id': 'system-owner', 'party-uuids': [orgUuid] }],
  }
}

function owners(pkg: PackageModel): string[] {
  return [...new Set(pkg.controls.map((c) => c.owner))].sort()
}

function criteriaResource(pkg: PackageModel) {
  return {
    uuid: uuidFor('resource', 'tsc-2017'),
    title: 'Trust Services Criteria (2017, points of focus revised 2022)',
    description: `The SOC 2 criteria for ${pkg.assessment.scope.categories.join(', ')}, used as the control baseline.`,
  }
}

function implementationState(controls: readonly PackageControl[]): string {
  if (controls.length === 0) return 'planned'
  if (controls.every((c) => c.status === 'not-applicable')) return 'not-applicable'
  if (controls.every((c) => c.status === 'pass' || c.status === 'not-applicable')) return 'implemented'
  return 'partial'
}

function controlsOf(pkg: PackageModel): Map<string, PackageControl[]> {
  const byId = new Map(pkg.controls.map((c) => [c.id, c]))
  return new Map(
    pkg.assessment.criteria.map((cr) => [
      cr.id,
      cr.controls.map((id) => byId.get(id)).filter((c): c is PackageControl => c !== undefined),
    ]),
  )
}

/** The system security plan: characteristics, components and how each criterion is implemented. */
export function renderOscalSsp(pkg: PackageModel, version: OscalVersion = '1.2.1'): string {
  const resource = criteriaResource(pkg)
  const thisSystem = uuidFor('component', 'this-system')
  const components = [
    {
      uuid: thisSystem,
      type: 'this-system',
      title: line(pkg.system),
      description: pkg.assessment.system.description || pkg.system,
      status: { state: 'operational' },
    },
    ...pkg.subserviceOrganizations.map((s) => ({
      uuid: uuidFor('component', 'provider', s.name),
      type: 'service',
      title: line(s.name),
      description: `${s.model.toUpperCase()} provider${s.services.length > 0 ? ` of ${s.services.join(', ')}` : ''}; subservice organization presented with the ${s.method} method.`,
      props: [prop('service-model', s.model), prop('subservice-method', s.method)],
      status: { state: 'operational' },
    })),
    ...pkg.components.namespaces.map((n) => ({
      uuid: uuidFor('component', 'namespace', n.name),
      type: 'software',
      title: line(`Kubernetes namespace ${n.name}`),
      description: `${n.workloads} workload(s) deployed in namespace ${n.name}.`,
      status: { state: 'operational' },
    })),
  ]
  const byCriterion = controlsOf(pkg)
  const requirements = pkg.assessment.criteria.map((criterion) => {
    const controls = byCriterion.get(criterion.id) ?? []
    const providers = pkg.subserviceOrganizations.filter((s) =>
      s.controlsAssumed.some((a) => a.criteria.includes(criterion.id)),
    )
    return {
      uuid: uuidFor('implemented-requirement', criterion.id),
      'control-id': controlId(criterion.id),
      props: [prop('criterion', criterion.id)],
      'by-components': [
        {
          'component-uuid': thisSystem,
          uuid: uuidFor('by-component', criterion.id, 'this-system'),
          description:
            controls.length === 0
              ? 'No control of the organization addresses this criterion yet.'
              : controls.map((c) => `${c.id}: ${c.statement}`).join('\n\n'),
          props: [prop('responsibility', 'service-organization')],
          'implementation-status': { state: implementationState(controls) },
          'responsible-roles': [{ 'role-id': 'control-owner' }],
        },
        ...providers.map((s) => ({
          'component-uuid': uuidFor('component', 'provider', s.name),
          uuid: uuidFor('by-component', criterion.id, s.name),
          description: s.controlsAssumed
            .filter((a) => a.criteria.includes(criterion.id))
            .map((a) => a.control)
            .join('\n\n'),
          props: [prop('responsibility', `subservice-organization-${s.method}`)],
        })),
      ],
    }
  })
  const informationTypes =
    pkg.assessment.system.description !== '' || pkg.components.dataStores.length > 0
      ? [
          {
            title: 'Customer data',
            description: 'Data customers send to the service and the results derived from it.',
          },
        ]
      : [{ title: 'System data', description: 'Data processed by the system.' }]
  const ssp = {
    'system-security-plan': {
      uuid: uuidFor('ssp', pkg.organization, pkg.system),
      metadata: metadata(pkg, `System security plan: ${pkg.system}`, version),
      'import-profile': { href: `#${resource.uuid}` },
      'system-characteristics': {
        'system-ids': [{ id: pkg.system.toLowerCase().replace(/[^a-z0-9]+/g, '-') }],
        'system-name': line(pkg.system),
        description: pkg.assessment.system.description || pkg.system,
        props: pkg.assessment.scope.categories.map((c) => prop('trust-services-category', c)),
        'system-information': {
          'information-types': informationTypes.map((t) => ({
            uuid: uuidFor('information-type', t.title),
            ...t,
          })),
        },
        status: { state: 'operational' },
        'authorization-boundary': {
          description: `The ${pkg.system} system as described in section 3 of the SOC 2 package: ${pkg.components.namespaces.length} Kubernetes namespaces, ${pkg.components.pipelines.length} delivery pipelines and ${pkg.components.dataStores.length} data stores. Subservice organizations (${pkg.subserviceOrganizations.map((s) => s.name).join(', ') || 'none'}) are outside the boundary.`,
        },
      },
      'system-implementation': { components },
      'control-implementation': {
        description: `How ${pkg.organization} meets each trust services criterion in scope, ${pkg.periodText}.`,
        'implemented-requirements': requirements,
      },
      'back-matter': { resources: [resource] },
    },
  }
  return `${JSON.stringify(ssp, null, 2)}\n`
}

function resultStart(pkg: PackageModel): string {
  const start = pkg.engagement.type === 1 ? pkg.engagement.asOf : pkg.engagement.from
  return `${start}T00:00:00Z`
}

/** Assessment results: one observation per test, one finding per criterion, one risk per gap. */
export function renderOscalAssessmentResults(pkg: PackageModel, version: OscalVersion = '1.2.1'): string {
  const planResource = {
    uuid: uuidFor('resource', 'assessment-plan'),
    title: 'Assessment plan',
    description: 'The tests of controls defined in the trustctl catalog and run by `trustctl package`.',
  }
  const observations = pkg.controls.flatMap((control) =>
    control.tests.map((test) => ({
      uuid: uuidFor('observation', control.id, test.id),
      title: line(`${control.id}: ${test.what}`),
      description: `${test.how}\n\nPopulation: ${test.population}. Sample: ${test.sample}.`,
      props: [prop('control', control.id), prop('result', test.status)],
      methods: [test.kind === 'automated' ? 'TEST' : 'EXAMINE'],
      types: [test.status === 'pass' ? 'control-objective' : 'finding'],
      ...(test.evidence.length > 0
        ? {
            'relevant-evidence': test.evidence.slice(0, 50).map((e) => ({
              href: e.file,
              description: `Evidence file ${e.file}`,
              props: [prop('sha256', e.sha256)],
            })),
          }
        : {}),
      collected: pkg.generatedAt,
      remarks: test.result,
    })),
  )
  const risks = pkg.gaps.map((gap) => ({
    uuid: uuidFor('risk', gap.id),
    title: line(gap.title),
    description: `Criteria left unmet: ${gap.criteria.join(', ') || 'none'}. Controls: ${gap.controls.join(', ') || 'none'}.`,
    statement: gap.remediation || gap.title,
    props: [prop('severity', gap.severity), prop('gap-type', gap.type)],
    status: 'open',
    deadline: `${gap.dueDate}T23:59:59Z`,
  }))
  const byCriterion = controlsOf(pkg)
  const findings = pkg.assessment.criteria.map((criterion) => {
    const controls = byCriterion.get(criterion.id) ?? []
    const satisfied =
      controls.length > 0 && controls.every((c) => c.status === 'pass' || c.status === 'not-applicable')
    const gaps = pkg.gaps.filter((g) => g.criteria.includes(criterion.id))
    const observationUuids = controls.flatMap((c) => c.tests.map((t) => uuidFor('observation', c.id, t.id)))
    return {
      uuid: uuidFor('finding', criterion.id),
      title: line(`${criterion.id} ${criterion.title}`),
      description:
        controls.length === 0
          ? 'No control addresses this criterion.'
          : controls.map((c) => `${c.id}: ${c.result}`).join('\n'),
      props: [
        ...controls.map((c) => prop('control', c.id)),
        ...(version === '1.1.3' ? observationUuids.map((uuid) => prop('related-observation', uuid)) : []),
        ...(version === '1.1.3' ? gaps.map((g) => prop('related-risk', uuidFor('risk', g.id))) : []),
      ],
      target: {
        type: 'objective-id',
        'target-id': controlId(criterion.id),
        status: { state: satisfied ? 'satisfied' : 'not-satisfied', reason: satisfied ? 'pass' : 'fail' },
      },
      // The 1.1.3 schema cannot express related observations or risks (their items allow no
      // property at all), so there the links travel as props; 1.2.1 fixed it.
      ...(observationUuids.length === 0
        ? {}
        : version === '1.1.3'
          ? {}
          : { 'related-observations': observationUuids.map((uuid) => ({ 'observation-uuid': uuid })) }),
      ...(gaps.length === 0 || version === '1.1.3'
        ? {}
        : { 'related-risks': gaps.map((g) => ({ 'risk-uuid': uuidFor('risk', g.id) })) }),
    }
  })
  const result = {
    uuid: uuidFor('result', pkg.organization, pkg.system, resultStart(pkg)),
    title: line(`SOC 2 Type ${pkg.engagement.type} tests of controls, ${pkg.periodText}`),
    description: `Tests of the controls of ${pkg.system} performed by management with trustctl ${pkg.toolVersion}.`,
    start: resultStart(pkg),
    ...(pkg.engagement.type === 2 ? { end: `${pkg.engagement.to}T23:59:59Z` } : {}),
    'reviewed-controls': {
      'control-selections': [
        { 'include-controls': pkg.assessment.criteria.map((c) => ({ 'control-id': controlId(c.id) })) },
      ],
    },
    ...(observations.length > 0 ? { observations } : {}),
    ...(risks.length > 0 ? { risks } : {}),
    ...(findings.length > 0 ? { findings } : {}),
  }
  const ar = {
    'assessment-results': {
      uuid: uuidFor('assessment-results', pkg.organization, pkg.system, resultStart(pkg)),
      metadata: metadata(pkg, `Assessment results: ${pkg.system}, ${pkg.periodText}`, version),
      'import-ap': { href: `#${planResource.uuid}` },
      results: [result],
      'back-matter': { resources: [planResource] },
    },
  }
  return `${JSON.stringify(ar, null, 2)}\n`
}

/** The plan of action and milestones: every open gap with its owner, due date and remediation. */
export function renderOscalPoam(pkg: PackageModel, version: OscalVersion = '1.2.1'): string {
  const risks = pkg.gaps.map((gap) => ({
    uuid: uuidFor('risk', gap.id),
    title: line(gap.title),
    description: `Criteria left unmet: ${gap.criteria.join(', ') || 'none'}.`,
    statement: gap.remediation || gap.title,
    props: [prop('severity', gap.severity)],
    status: 'open',
    deadline: `${gap.dueDate}T23:59:59Z`,
    remediations: [
      {
        uuid: uuidFor('remediation', gap.id),
        lifecycle: 'planned',
        title: line(`Remediate: ${gap.title}`),
        description: gap.remediation || gap.title,
      },
    ],
  }))
  const items = pkg.gaps.map((gap) => ({
    uuid: uuidFor('poam-item', gap.id),
    title: line(gap.title),
    description: `${gap.remediation}\n\nOwner: ${gap.owner}. Due: ${gap.dueDate}. Status: ${gapStatusLabel(gap)}.${gap.tracking?.comments.length ? ` ${latestGapNote(gap)}` : ''}`,
    props: [
      prop('severity', gap.severity),
      prop('owner', gap.owner),
      prop('due-date', gap.dueDate),
      ...gap.controls.map((c) => prop('control', c)),
      ...gap.criteria.map((c) => prop('criterion', c)),
      ...(version === '1.1.3' ? [prop('related-risk', uuidFor('risk', gap.id))] : []),
    ],
    ...(version === '1.1.3' ? {} : { 'related-risks': [{ 'risk-uuid': uuidFor('risk', gap.id) }] }),
  }))
  const poam = {
    'plan-of-action-and-milestones': {
      uuid: uuidFor('poam', pkg.organization, pkg.system),
      metadata: metadata(pkg, `Plan of action and milestones: ${pkg.system}`, version),
      'system-id': { id: pkg.system.toLowerCase().replace(/[^a-z0-9]+/g, '-') },
      ...(risks.length > 0 ? { risks } : {}),
      // The schema needs at least one item; with no gap the plan says so in one closed item.
      'poam-items':
        items.length > 0
          ? items
          : [
              {
                uuid: uuidFor('poam-item', 'none'),
                title: 'No open gaps',
                description: `No gap was open ${pkg.periodText}.`,
              },
            ],
    },
  }
  return `${JSON.stringify(poam, null, 2)}\n`
}
