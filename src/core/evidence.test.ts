import { describe, expect, it } from 'vitest'
import { ValidationError } from './errors.js'
import {
  type EvidenceItem,
  evidenceIssues,
  evidenceKinds,
  evidenceSchemas,
  groupEvidence,
  isEvidenceKind,
  type K8sWorkload,
  parseEvidence,
} from './evidence.js'

const workload: K8sWorkload = {
  kind: 'k8s.workload',
  resourceKind: 'Deployment',
  name: 'api',
  namespace: 'prod',
  file: 'deploy/api.yaml',
  line: 1,
  labels: { app: 'api' },
  podLabels: { app: 'api' },
  hostNetwork: false,
  hostPID: false,
  hostIPC: false,
  containers: [
    {
      name: 'api',
      image: 'ghcr.io/acme/api:1.2.3',
      init: false,
      runAsNonRoot: true,
      capabilities: { add: [], drop: ['ALL'] },
      env: [{ name: 'DB_PASSWORD', source: 'secret', hasLiteralValue: false, literalLooksLikeSecret: false }],
      envFromSecrets: [],
      resources: { requests: { cpu: '100m' }, limits: {} },
    },
  ],
  secretVolumes: [],
  hostPathVolumes: [],
}

/** The workload with one field replaced (or removed, for `undefined`), as an untyped value. */
function withField(path: (string | number)[], value: unknown): unknown {
  const copy: unknown = structuredClone(workload)
  let at: unknown = copy
  for (const key of path.slice(0, -1)) at = (at as Record<string | number, unknown>)[key]
  const last = path.at(-1) ?? ''
  const target = at as Record<string | number, unknown>
  if (value === undefined) delete target[last]
  else target[last] = value
  return copy
}

describe('the evidence registry', () => {
  it('lists every kind once, the registry keys in order', () => {
    expect(evidenceKinds).toEqual(Object.keys(evidenceSchemas))
    expect(new Set(evidenceKinds).size).toBe(evidenceKinds.length)
    expect(evidenceKinds).toEqual(expect.arrayContaining(['k8s.workload', 'aws.s3-bucket', 'scan.report']))
    expect(isEvidenceKind('k8s.workload')).toBe(true)
    expect(isEvidenceKind('toString')).toBe(false)
  })

  it('gives every kind a schema that insists on its own kind', () => {
    for (const kind of evidenceKinds) {
      const other = kind === 'k8s.workload' ? 'k8s.namespace' : 'k8s.workload'
      const result = evidenceSchemas[kind].safeParse({ kind: other, resourceKind: 'X', name: 'x', file: 'f' })
      expect(result.success, kind).toBe(false)
    }
  })

  it('groups evidence by kind, with an empty list for every kind it has none of', () => {
    const grouped = groupEvidence([workload])
    expect(grouped['k8s.workload']).toEqual([workload])
    expect(grouped['aws.s3-bucket']).toEqual([])
    expect(Object.keys(grouped)).toEqual([...evidenceKinds])
  })
})

describe('parseEvidence', () => {
  it('returns valid evidence as it is, also after a JSON round trip', () => {
    expect(parseEvidence(workload)).toEqual(workload)
    const travelled: EvidenceItem = parseEvidence(JSON.parse(JSON.stringify(workload)))
    expect(travelled).toEqual(workload)
  })

  it.each([
    ['an unknown kind', ['kind'], 'k8s.spaceship', 'items[3].kind', 'unknown evidence kind "k8s.spaceship"'],
    ['a missing kind', ['kind'], undefined, 'items[3].kind', 'required: the evidence kind'],
    ['a missing required field', ['hostPID'], undefined, 'items[3].hostPID', 'expected boolean'],
    ['an empty name', ['name'], '', 'items[3].name', '>=1'],
    [
      'a wrong enum value',
      ['containers', 0, 'env', 0, 'source'],
      'vault',
      'items[3].containers[0].env[0].source',
      '"secret"',
    ],
    [
      'a wrong type deep inside',
      ['containers', 0, 'capabilities', 'drop'],
      'ALL',
      'items[3].containers[0].capabilities.drop',
      'expected array',
    ],
    [
      'a field the kind does not have',
      ['containers', 0, 'runAsRoot'],
      false,
      'items[3].containers[0].runAsRoot',
      'not a field',
    ],
    ['an optional number set to null', ['replicas'], null, 'items[3].replicas', 'expected number'],
    ['a line that is no line', ['line'], -2, 'items[3].line', '>=0'],
  ] as const)('refuses %s, naming the item path and field', (_, path, value, where, message) => {
    const bad = withField([...path], value)
    const issues = evidenceIssues(bad, 'items[3]')
    expect(issues).toEqual([{ path: where, message: expect.stringContaining(message) }])
    let thrown: unknown
    try {
      parseEvidence(bad, 'items[3]')
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(ValidationError)
    expect(thrown).toMatchObject({ code: 'validation', issues, message: expect.stringContaining(where) })
  })

  it('refuses what is no object at all', () => {
    for (const value of [null, 'k8s.workload', [workload], 42])
      expect(evidenceIssues(value, 'body.items[0].evidence')).toEqual([
        { path: 'body.items[0].evidence', message: 'expected an evidence object' },
      ])
  })

  it('lists every problem of an item, not only the first', () => {
    const bad = { ...workload, hostPID: 'no', containers: 'none', extra: 1 }
    expect(evidenceIssues(bad).map((i) => i.path)).toEqual(
      expect.arrayContaining(['evidence.hostPID', 'evidence.containers', 'evidence.extra']),
    )
  })

  it('takes a permissions field that JSON dropped as "not set", and refuses a wrong one', () => {
    const workflow = {
      kind: 'ci.workflow',
      resourceKind: 'GitHubWorkflow',
      name: 'ci',
      file: '.github/workflows/ci.yml',
      triggers: ['push'],
      jobs: [{ id: 'build', line: 3, steps: [] }],
    }
    expect(evidenceIssues(workflow)).toEqual([])
    expect(evidenceIssues({ ...workflow, permissions: 'read-some' }).map((i) => i.path)).toEqual([
      'evidence.permissions',
    ])
  })
})
