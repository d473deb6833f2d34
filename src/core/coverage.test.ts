import { describe, expect, it } from 'vitest'
import type { AssessmentModel } from './assessment.js'
import type { Finding, Subject } from './check.js'
import { assessCoverage } from './coverage.js'
import type { EvidenceItem } from './evidence.js'
import type { IacResource } from './evidence-iac.js'
import { FindingsColumns } from './findings-columns.js'

type ModelFinding = AssessmentModel['findings'][number]

const resource = (type: string, name: string, partOf?: string): IacResource => ({
  kind: 'iac.resource',
  resourceKind: type,
  name: `${type}.${name}`,
  file: 'main.tf',
  line: 3,
  tool: 'terraform',
  taggable: true,
  tags: {},
  tagsUnknown: false,
  ...(partOf === undefined ? {} : { partOf }),
})

const finding = (check: string, kind: string, name: string, file = 'main.tf'): Finding => ({
  check,
  severity: 'high',
  status: 'pass',
  subject: { kind, name, file },
  message: 'ok',
})

const checks = [
  { id: 'terraform/resources-carry-required-tags', reads: ['iac.resource'] },
  { id: 'aws/bucket-encrypted', reads: ['aws.s3-bucket'] },
  {
    id: 'kubernetes/namespace-has-default-deny-network-policy',
    reads: ['k8s.namespace', 'k8s.network-policy'],
  },
]

describe('assessCoverage', () => {
  const unmapped = [
    resource('aws_rds_cluster', 'main'),
    resource('aws_ebs_volume', 'data'),
    resource('aws_lambda_function', 'api'),
    resource('azurerm_storage_account', 'logs'),
    resource('google_sql_database_instance', 'db'),
  ]
  const bucket = resource('aws_s3_bucket', 'logs')
  const versioning = resource('aws_s3_bucket_versioning', 'logs', 'aws_s3_bucket.logs')
  const bucketItem = {
    kind: 'aws.s3-bucket',
    resourceKind: 'aws_s3_bucket',
    name: bucket.name,
    file: 'main.tf',
  }
  const evidence = [...unmapped, bucket, versioning, bucketItem] as EvidenceItem[]
  const findings = [
    ...[...unmapped, bucket, versioning].map((r) =>
      finding('terraform/resources-carry-required-tags', r.resourceKind, r.name),
    ),
    finding('aws/bucket-encrypted', 'aws_s3_bucket', bucket.name),
  ]

  it('counts a resource a declarative rule judged as assessed, and one it skipped as not', () => {
    const rule = { id: 'aws/rds-cluster-storage-encrypted', reads: ['iac.resource'], judgesResources: true }
    const judged = [...findings, finding(rule.id, 'aws_rds_cluster', 'aws_rds_cluster.main')]
    const coverage = assessCoverage(evidence, judged, [...checks, rule])
    const notAssessed = coverage.byType.filter((g) => g.notAssessed > 0).map((g) => g.resourceKind)
    expect(notAssessed).not.toContain('aws_rds_cluster')
    expect(notAssessed).toContain('aws_ebs_volume')
    // Without the flag, reading iac.resource is not judging it (the tag check reads every one).
    const asReader = assessCoverage(evidence, judged, [...checks, { id: rule.id, reads: rule.reads }])
    expect(asReader.byType.find((g) => g.resourceKind === 'aws_rds_cluster')?.notAssessed).toBe(1)
  })

  it('lists IaC types no check examines as not assessed, even when their tags were checked', () => {
    const coverage = assessCoverage(evidence, findings, checks)
    const notAssessed = coverage.byType.filter((g) => g.notAssessed > 0).map((g) => g.resourceKind)
    expect(notAssessed.sort()).toEqual([
      'aws_ebs_volume',
      'aws_lambda_function',
      'aws_rds_cluster',
      'azurerm_storage_account',
      'google_sql_database_instance',
    ])
    const rds = coverage.byType.find((g) => g.resourceKind === 'aws_rds_cluster')
    expect(rds?.notAssessedResources).toEqual([
      {
        name: 'aws_rds_cluster.main',
        file: 'main.tf',
        line: 3,
        reason: 'no check examines aws_rds_cluster resources (only their tags were checked)',
      },
    ])
  })

  it('gives the reason a type with nothing to judge stays not assessed, and counts it as not assessed', () => {
    const items = [
      resource('aws_internet_gateway', 'main'),
      resource('aws_nat_gateway', 'a'),
    ] as EvidenceItem[]
    const coverage = assessCoverage(items, [], checks)
    expect(coverage.notAssessed).toBe(2)
    const reasons = coverage.byType.flatMap((t) => t.notAssessedResources.map((r) => r.reason))
    expect(reasons[0]).toMatch(/internet gateway has no setting to judge/)
    expect(reasons[1]).toMatch(/NAT gateway has no setting to judge/)
  })

  it('counts a mapped resource and the parts read into it as assessed, and its AWS view once', () => {
    const coverage = assessCoverage(evidence, findings, checks)
    expect(coverage.resources).toBe(7)
    expect(coverage.assessed).toBe(2)
    expect(coverage.notAssessed).toBe(5)
    expect(coverage.byType.some((g) => g.evidenceKind === 'aws.s3-bucket')).toBe(false)
  })

  it('lists a part as not assessed when what it was read into was not examined', () => {
    const coverage = assessCoverage(evidence, findings.slice(0, -1), checks)
    const part = coverage.byType.find((g) => g.resourceKind === 'aws_s3_bucket_versioning')
    expect(part?.notAssessedResources[0]?.reason).toBe(
      'read into aws_s3_bucket.logs, which no check examined',
    )
  })

  it('says when no check in scope reads a kind, and counts supporting evidence as examined', () => {
    const items = [
      { kind: 'scan.component', resourceKind: 'Component', name: 'openssl', file: 'sbom.json' },
      { kind: 'k8s.namespace', resourceKind: 'Namespace', name: 'api', file: 'ns.yaml' },
      { kind: 'k8s.network-policy', resourceKind: 'NetworkPolicy', name: 'deny', file: 'np.yaml' },
    ] as EvidenceItem[]
    const coverage = assessCoverage(
      items,
      [finding('kubernetes/namespace-has-default-deny-network-policy', 'Namespace', 'api', 'ns.yaml')],
      checks,
    )
    expect(coverage.assessed).toBe(2)
    expect(coverage.byType[0]?.notAssessedResources[0]?.reason).toBe('no check in scope reads scan.component')
  })

  it('counts the same whatever order the findings of checks and kinds come in', () => {
    const items = [
      { kind: 'k8s.namespace', resourceKind: 'Namespace', name: 'a', file: 'k.yaml' },
      { kind: 'k8s.namespace', resourceKind: 'Namespace', name: 'b', file: 'k.yaml' },
      { kind: 'k8s.network-policy', resourceKind: 'NetworkPolicy', name: 'deny', file: 'k.yaml' },
      { kind: 'k8s.network-policy', resourceKind: 'NetworkPolicy', name: 'allow', file: 'k.yaml' },
    ] as EvidenceItem[]
    const reading = [
      { id: 'test/namespaces', reads: ['k8s.namespace'] },
      { id: 'test/policies', reads: ['k8s.network-policy'] },
    ]
    const all = [
      finding('test/namespaces', 'Namespace', 'a', 'k.yaml'),
      finding('test/namespaces', 'NetworkPolicy', 'deny', 'k.yaml'),
      finding('test/policies', 'NetworkPolicy', 'deny', 'k.yaml'),
      finding('test/policies', 'Namespace', 'b', 'k.yaml'),
      finding('test/namespaces', 'Cluster', 'all', 'k.yaml'),
    ]
    const orders = (list: Finding[]): Finding[][] =>
      list.length <= 1
        ? [list]
        : list.flatMap((f, i) =>
            orders([...list.slice(0, i), ...list.slice(i + 1)]).map((rest) => [f, ...rest]),
          )
    const expected = assessCoverage(items, all, reading)
    // `a` and `deny`, each named by a check that reads its kind; `b` only by one that does not.
    expect(expected.assessed).toBe(2)
    for (const order of orders(all)) expect(assessCoverage(items, order, reading)).toEqual(expected)
  })

  it('lists items a check passed over as not assessed only when it named other items of their kind', () => {
    const vuln = (name: string) => ({
      kind: 'scan.vulnerability',
      resourceKind: 'Vulnerability',
      name,
      file: 'r.json',
    })
    const items = [vuln('CVE-1 a@1'), vuln('CVE-2 b@1'), vuln('CVE-3 c@1')] as EvidenceItem[]
    const reading = [
      { id: 'scan/names-some', reads: ['scan.vulnerability'] },
      { id: 'scan/summary', reads: ['scan.vulnerability'] },
    ]
    const named = finding('scan/names-some', 'Vulnerability', 'CVE-1 a@1', 'r.json')
    const summary = finding('scan/summary', 'Image', 'api:1', 'r.json')
    // The summary check judged something else with every item: they are supporting evidence to it.
    expect(assessCoverage(items, [named, summary], reading).assessed).toBe(3)
    // Once the summary check also names an item, it passed over the others: they are not assessed.
    const both = assessCoverage(
      items,
      [named, summary, finding('scan/summary', 'Vulnerability', 'CVE-2 b@1', 'r.json')],
      reading,
    )
    expect(both.assessed).toBe(2)
    expect(both.byType[0]?.notAssessedResources).toEqual([
      {
        name: 'CVE-3 c@1',
        file: 'r.json',
        reason:
          'the checks that read scan.vulnerability (scan/names-some, scan/summary) reported nothing on it',
      },
    ])
  })

  it('counts an item named by a finding on a part of it, and only in its own file and namespace', () => {
    const ns = (name: string, file: string, namespace?: string): EvidenceItem =>
      ({
        kind: 'k8s.namespace',
        resourceKind: 'Namespace',
        name,
        file,
        ...(namespace === undefined ? {} : { namespace }),
      }) as EvidenceItem
    const evidence = [
      ns('api', 'ns.yaml'),
      ns('api', 'other.yaml'),
      ns('api web', 'ns.yaml'),
      ns('ap', 'ns.yaml'),
    ]
    const findings = [
      // `api web container app`: names `api web` and `api` (a prefix ending at a space), never `ap`.
      finding(
        'kubernetes/namespace-has-default-deny-network-policy',
        'Namespace',
        'api web container app',
        'ns.yaml',
      ),
    ]
    const coverage = assessCoverage(evidence, findings, checks)
    const group = coverage.byType.find((g) => g.evidenceKind === 'k8s.namespace')
    expect(group?.assessed).toBe(2)
    expect(group?.notAssessedResources.map((r) => `${r.file}:${r.name}`).sort()).toEqual([
      'ns.yaml:ap',
      'other.yaml:api',
    ])
  })

  it('counts an item as judged whichever subject object, shared or equal, its finding holds', () => {
    const ns = (name: string): EvidenceItem =>
      ({ kind: 'k8s.namespace', resourceKind: 'Namespace', name, file: 'ns.yaml' }) as EvidenceItem
    const evidence = [ns('api'), ns('web'), ns('db')]
    const judge = 'kubernetes/namespace-has-default-deny-network-policy'
    const other = 'aws/bucket-encrypted'
    // Findings about one item share its subject object (toSubject); a hand-made subject is an equal one.
    const web = { kind: 'Namespace', name: 'web', file: 'ns.yaml' }
    const on = (check: string, subject: Finding['subject']): Finding => ({
      ...finding(check, '', ''),
      subject,
    })
    const findings = [
      on(other, { kind: 'Namespace', name: 'api', file: 'ns.yaml' }),
      on(judge, { kind: 'Namespace', name: 'api', file: 'ns.yaml' }),
      on(other, web),
      on(judge, web),
      on(other, { kind: 'Namespace', name: 'db', file: 'ns.yaml' }),
    ]
    const group = assessCoverage(evidence, findings, checks).byType.find(
      (g) => g.evidenceKind === 'k8s.namespace',
    )
    expect(group?.assessed).toBe(2)
    expect(group?.notAssessedResources.map((r) => r.name)).toEqual(['db'])
  })

  it('reads findings given as any iterable, passing over them more than once, as it reads a list', () => {
    // assess() hands its findings as columns (findings-columns.ts), not a list of finding objects.
    const judged = [...findings, finding('kubernetes/x', 'Deployment', 'api web', 'deploy.yaml')]
    const iterable = { [Symbol.iterator]: () => judged[Symbol.iterator]() }
    const rule = { id: 'aws/rds-cluster-storage-encrypted', reads: ['iac.resource'], judgesResources: true }
    expect(assessCoverage(evidence, iterable, [...checks, rule])).toEqual(
      assessCoverage(evidence, judged, [...checks, rule]),
    )
  })

  it('stays linear: 30,000 items and as many findings in well under the seconds a quadratic pass took', () => {
    const evidence = Array.from(
      { length: 30_000 },
      (_, i) =>
        ({
          kind: 'k8s.namespace',
          resourceKind: 'Namespace',
          name: `ns-${i}`,
          file: `f${i % 100}.yaml`,
        }) as EvidenceItem,
    )
    const findings = evidence.map((e, i) =>
      finding('kubernetes/namespace-has-default-deny-network-policy', 'Namespace', `ns-${i}`, e.file),
    )
    const started = performance.now()
    const coverage = assessCoverage(evidence, findings, checks)
    expect(coverage.assessed).toBe(30_000)
    // The pass over every finding for every item took minutes at this size; the index takes well under
    // a second even on a loaded machine.
    expect(performance.now() - started).toBeLessThan(5_000)
  })

  it('reads findings columns as it reads the list: a subject shared by checks, naming items by prefix and across namespaces', () => {
    const workload = (name: string, namespace: string) => ({
      kind: 'k8s.workload',
      resourceKind: 'Deployment',
      name,
      file: 'app.yaml',
      namespace,
    })
    const items = [
      workload('web', 'a'),
      workload('web', 'b'),
      workload('api', 'a'),
      { kind: 'k8s.resource', resourceKind: 'ConfigMap', name: 'web', file: 'app.yaml', namespace: 'a' },
    ] as EvidenceItem[]
    const readers = [
      { id: 'kubernetes/one', reads: ['k8s.workload'] },
      { id: 'kubernetes/two', reads: ['k8s.workload'] },
    ]
    // One subject object for both checks (as toSubject shares it); without a namespace it names both webs.
    const shared: Subject = { kind: 'Deployment', name: 'web', file: 'app.yaml' }
    const sidecar: Subject = { kind: 'Deployment', name: 'web sidecar', file: 'app.yaml', namespace: 'b' }
    const list: ModelFinding[] = [
      ['kubernetes/one', shared],
      ['kubernetes/two', shared],
      ['kubernetes/two', sidecar],
      ['kubernetes/two', { kind: 'Evidence', name: 'k8s.workload', file: '' }],
    ].map(([check, subject]) => ({
      check: check as string,
      severity: 'high',
      status: 'pass',
      subject: subject as Subject,
      message: 'ok',
      controls: [],
      criteria: [],
    }))
    const columns = new FindingsColumns()
    for (const f of list) columns.push(f)
    const fromList = assessCoverage(items, list, readers)
    expect(assessCoverage(items, columns, readers)).toEqual(fromList)
    expect(fromList.resources).toBe(4)
    expect(fromList.assessed).toBe(2)
    const reasons = fromList.byType.flatMap((t) => t.notAssessedResources.map((r) => [r.name, r.reason]))
    expect(reasons).toEqual([
      ['web', 'no check in scope reads k8s.resource'],
      ['api', 'the checks that read k8s.workload (kubernetes/one, kubernetes/two) reported nothing on it'],
    ])
  })
})
