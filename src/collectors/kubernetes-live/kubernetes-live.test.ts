import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import yaml from 'js-yaml'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import secretManifestsCheck from '../../../checks/kubernetes/secret-manifests-hold-no-plaintext/check.js'
import { evaluateCheck } from '../../core/engine.js'
import type { EvidenceItem, K8sNode, K8sSecret } from '../../core/evidence.js'
import { groupEvidence } from '../../core/evidence.js'
import { parseManifests } from '../kubernetes/parse-manifests.js'
import { collectSources } from '../registry.js'
import { builtInResources, policyGroups } from './resources.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const repoRoot = path.resolve(here, '../../..')
/** Recorded API server answers: `<request path>.json`, and `<path>.continue.json` for the second page. */
const recorded = path.join(here, 'testdata', 'cluster')
const now = new Date('2026-11-28T12:00:00Z')
const secretValue = 'c3VwZXItc2VjcmV0LXBhc3N3b3JkLTQ4Mjc='

const notFound = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'the server could not find the requested resource',
  reason: 'NotFound',
  details: {},
  code: 404,
}

function readRecorded(requestPath: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(path.join(recorded, `${requestPath.slice(1)}.json`), 'utf8'))
  } catch {
    return undefined
  }
}

/**
 * Answers like kube-apiserver from the recorded responses: list pages with `continue` tokens, a
 * namespaced path served from the all-namespaces list, a Status body for 404 and forbidden kinds.
 */
class FakeApiServer {
  server: Server = createServer((req, res) => this.answer(req, res))
  requests: { method: string; url: string; authorization?: string }[] = []
  forbidden = new Set<string>()
  /** Kinds the server never answers for, as a hung or black-holed API server would. */
  silent = new Set<string>()

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url)
    const auth = req.headers.authorization
    this.requests.push({
      method: req.method ?? '',
      url: url.pathname + url.search,
      ...(auth ? { authorization: auth } : {}),
    })
    const send = (status: number, body: unknown) => {
      res.writeHead(status, {
        'content-type': 'application/json',
        'audit-id': '5d1c6b0e-4f3a-4c2e-9d0b-8e7f6a5b4c3d',
      })
      res.end(JSON.stringify(body))
    }
    // `/apis/apps/v1/namespaces/payments/deployments` is served from `/apis/apps/v1/deployments`.
    const scoped = /^(\/api\/v1|\/apis\/[^/]+\/[^/]+)\/namespaces\/([^/]+)\/([^/]+)$/.exec(url.pathname)
    const listPath = scoped ? `${scoped[1]}/${scoped[3]}` : url.pathname
    const resource = listPath.split('/').at(-1) ?? ''
    if (this.silent.has(resource)) return
    if (this.forbidden.has(resource)) {
      send(403, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `${resource} is forbidden: User "system:serviceaccount:trustctl:collector" cannot list resource "${resource}" in API group "" at the cluster scope`,
        reason: 'Forbidden',
        details: { kind: resource },
        code: 403,
      })
      return
    }
    const first = readRecorded(listPath)
    if (first === undefined) {
      send(404, notFound)
      return
    }
    const token = url.searchParams.get('continue')
    let body = first
    if (token !== null) {
      const expected = (first.metadata as { continue?: string }).continue
      const next = readRecorded(`${listPath}.continue`)
      if (token !== expected || next === undefined) {
        send(410, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410 })
        return
      }
      body = next
    }
    if (scoped && Array.isArray(body.items)) {
      const items = (body.items as { metadata: { namespace?: string } }[]).filter(
        (i) => i.metadata.namespace === scoped[2],
      )
      body = { ...body, items }
    }
    send(200, body)
  }
}

const withoutLocation = (items: readonly EvidenceItem[]) =>
  items
    .map(({ file: _file, line: _line, ...rest }) => JSON.stringify(rest))
    .sort()
    .map((s) => JSON.parse(s) as unknown)

describe('kubernetes-live', () => {
  const api = new FakeApiServer()
  let dir: string
  let kubeconfig: string

  beforeAll(async () => {
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve))
    dir = await mkdtemp(path.join(os.tmpdir(), 'trustctl-k8s-'))
    kubeconfig = path.join(dir, 'kubeconfig')
    await writeFile(
      kubeconfig,
      yaml.dump({
        apiVersion: 'v1',
        kind: 'Config',
        // client-node sends a token over plain HTTP only when TLS checks are off; a real server is HTTPS.
        clusters: [{ name: 'fake', cluster: { server: api.url, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'reader', user: { token: 'kube-token-for-tests' } }],
        contexts: [
          { name: 'prod-eks', context: { cluster: 'fake', user: 'reader' } },
          { name: 'staging', context: { cluster: 'fake', user: 'reader', namespace: 'payments' } },
        ],
        'current-context': 'prod-eks',
      }),
    )
  })
  afterAll(async () => {
    api.server.closeAllConnections()
    await new Promise<void>((resolve) => api.server.close(() => resolve()))
    await rm(dir, { recursive: true, force: true })
  })
  afterEach(() => {
    api.requests = []
    api.forbidden.clear()
    api.silent.clear()
  })

  const collect = (
    settings: Record<string, unknown> = {},
    env: Record<string, string> = { KUBECONFIG: kubeconfig },
  ) => collectSources([{ type: 'kubernetes-live', ...settings }], { root: dir, now, env })

  it('lists every kind with read-only calls, following continue tokens', async () => {
    const collection = await collect()
    expect(collection.errors).toEqual([])
    expect(new Set(api.requests.map((r) => r.method))).toEqual(new Set(['GET']))
    expect(new Set(api.requests.map((r) => r.authorization))).toEqual(
      new Set(['Bearer kube-token-for-tests']),
    )
    const deploymentCalls = api.requests.filter((r) => r.url.startsWith('/apis/apps/v1/deployments'))
    expect(deploymentCalls).toHaveLength(2)
    expect(deploymentCalls[0]?.url).toContain('limit=500')
    expect(deploymentCalls[1]?.url).toMatch(/continue=eyJ2Ijoi/)
    const names = collection.evidence.map((e) => `${e.resourceKind}/${e.name}`)
    expect(names).toEqual(
      expect.arrayContaining([
        'Deployment/checkout',
        'Deployment/ledger-worker',
        'DaemonSet/aws-node',
        'CronJob/nightly-reconcile',
        'Pod/debug-shell',
        'Namespace/payments',
        'Node/ip-10-20-5-88.ec2.internal',
        'ClusterRoleBinding/oncall-admin',
        'ValidatingWebhookConfiguration/kyverno-resource-validating-webhook-cfg',
        'HorizontalPodAutoscaler/checkout',
        'ClusterPolicy/disallow-privileged-containers',
        'K8sRequiredLabels/namespaces-have-owner',
      ]),
    )
    // Pods and Jobs a controller made are judged through their controller.
    expect(names).not.toContain('Pod/checkout-6d9f7c8b5d-x7k2p')
    expect(names).not.toContain('Job/nightly-reconcile-29395200')
    const checkout = collection.evidence.find((e) => e.name === 'checkout' && e.resourceKind === 'Deployment')
    expect(checkout?.file).toBe('cluster://prod-eks/payments/Deployment/checkout')
    expect(checkout).not.toHaveProperty('line')
    expect(collection.evidence.find((e) => e.resourceKind === 'ClusterRole')?.file).toBe(
      'cluster://prod-eks/ClusterRole/cluster-admin',
    )
    expect(collection.evidence.find((e) => e.name === 'disallow-privileged-containers')).toMatchObject({
      kind: 'k8s.resource',
      policyMode: 'enforce',
    })
    expect(collection.evidence.find((e) => e.name === 'namespaces-have-owner')).toMatchObject({
      policyMode: 'audit',
    })
    expect(collection.inputs.find((i) => i.file === 'cluster://prod-eks/apps/v1/deployments')).toMatchObject({
      collector: 'kubernetes-live',
      items: 2,
    })
  })

  it('makes the same evidence the manifest collector makes from the same objects', async () => {
    const live = await collect()
    // The same objects as `kubectl get … -o yaml` writes them: kind and apiVersion on each item.
    const items: unknown[] = []
    for (const r of [
      ...builtInResources,
      { group: 'kyverno.io', version: 'v1', resource: 'clusterpolicies', kind: 'ClusterPolicy' },
      {
        group: 'constraints.gatekeeper.sh',
        version: 'v1beta1',
        resource: 'k8srequiredlabels',
        kind: 'K8sRequiredLabels',
      },
    ]) {
      const apiVersion = r.group === '' ? r.version : `${r.group}/${r.version}`
      const base = `/${r.group === '' ? 'api' : 'apis'}/${apiVersion}/${r.resource}`
      for (const page of [readRecorded(base), readRecorded(`${base}.continue`)]) {
        for (const item of (page?.items as Record<string, Record<string, Record<string, unknown>>>[]) ?? []) {
          // The collector drops the last-applied copy (it duplicates the object, and a Secret's values).
          delete item.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration']
          items.push({ apiVersion, kind: r.kind, ...item })
        }
      }
    }
    const manifest = parseManifests(yaml.dump({ apiVersion: 'v1', kind: 'List', items }), 'dump.yaml')
    expect(manifest.errors).toEqual([])
    expect(withoutLocation(live.evidence)).toEqual(withoutLocation(manifest.evidence))
  })

  it('keeps Secret key names and never a value', async () => {
    const collection = await collect()
    const secret = collection.evidence.find(
      (e): e is K8sSecret => e.kind === 'k8s.secret' && e.name === 'checkout-db',
    )
    expect(secret).toMatchObject({ keys: ['password', 'username'], hasValues: true, type: 'Opaque' })
    const everything = JSON.stringify(collection)
    expect(everything).not.toContain(secretValue)
    expect(everything).not.toContain('Y2hlY2tvdXQ=')
    expect(everything).not.toContain('last-applied-configuration')
  })

  it('leaves cluster Secrets out of the source-control plaintext check', async () => {
    const collection = await collect()
    const findings = evaluateCheck(
      { check: secretManifestsCheck, params: {} },
      groupEvidence(collection.evidence),
    )
    expect(findings.map((f) => [f.subject.name, f.status])).toEqual([
      ['checkout-db', 'not-applicable'],
      ['sh.helm.release.v1.checkout.v14', 'not-applicable'],
    ])
  })

  it('reads node versions as k8s.node evidence', async () => {
    const collection = await collect()
    const nodes = collection.evidence.filter((e): e is K8sNode => e.kind === 'k8s.node')
    expect(nodes.map((n) => [n.name, n.kubeletVersion, n.osImage, n.containerRuntimeVersion])).toEqual([
      [
        'ip-10-20-3-17.ec2.internal',
        'v1.32.9-eks-113cf36',
        'Amazon Linux 2023.9.20251020',
        'containerd://1.7.27',
      ],
      ['ip-10-20-5-88.ec2.internal', 'v1.28.15-eks-c39e0e4', 'Amazon Linux 2', 'containerd://1.7.11'],
    ])
    expect(nodes[0]).toMatchObject({
      kernelVersion: '6.1.155-176.282.amzn2023.x86_64',
      architecture: 'amd64',
    })
  })

  it('names a kind it may not list and still collects the others', async () => {
    api.forbidden.add('secrets')
    const collection = await collect()
    expect(collection.errors).toEqual([
      {
        file: 'cluster://prod-eks/v1/secrets',
        message:
          'list secrets (v1): forbidden: secrets is forbidden: User "system:serviceaccount:trustctl:collector" cannot list resource "secrets" in API group "" at the cluster scope',
        hint: 'grant list on secrets (docs/kubernetes-readonly-clusterrole.yaml)',
      },
    ])
    expect(collection.evidence.some((e) => e.kind === 'k8s.secret')).toBe(false)
    expect(collection.evidence.some((e) => e.name === 'ledger-worker')).toBe(true)
  })

  it('abandons a call the API server does not answer in time, and reads the rest', async () => {
    api.silent.add('cronjobs')
    const collection = await collect({ timeoutSeconds: 1 })
    expect(collection.errors).toEqual([
      {
        file: 'cluster://prod-eks/batch/v1/cronjobs',
        message: 'list cronjobs (batch/v1): no answer in time (the request was aborted)',
      },
    ])
    expect(collection.evidence.some((e) => e.resourceKind === 'HorizontalPodAutoscaler')).toBe(true)
  })

  it('reads only the namespaces it is given, and cluster-wide kinds as always', async () => {
    const collection = await collect({ namespaces: ['kube-system'] })
    expect(collection.errors).toEqual([])
    expect(
      api.requests.some((r) => r.url.startsWith('/apis/apps/v1/namespaces/kube-system/deployments')),
    ).toBe(true)
    expect(api.requests.some((r) => r.url.startsWith('/apis/apps/v1/deployments'))).toBe(false)
    const namespaced = collection.evidence.filter((e) => e.namespace !== undefined)
    expect(new Set(namespaced.map((e) => e.namespace))).toEqual(new Set(['kube-system']))
    expect(collection.evidence.filter((e) => e.kind === 'k8s.namespace').map((e) => e.name)).toEqual([
      'kube-system',
    ])
    expect(collection.evidence.some((e) => e.resourceKind === 'ClusterRole')).toBe(true)
  })

  it('uses the context it is told to, and lists the contexts when it does not exist', async () => {
    const chosen = await collect({ context: 'staging' })
    expect(chosen.evidence[0]?.file).toMatch(/^cluster:\/\/staging\//)
    const missing = await collect({ context: 'prod' })
    expect(missing.errors).toEqual([
      {
        file: 'sources[0]',
        message: 'kubernetes-live: sources[0].context: no context "prod" in the kubeconfig',
      },
    ])
  })

  it('fails with one clear error when the API server cannot be reached', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const file = path.join(dir, 'unreachable')
    await writeFile(file, readFileSync(kubeconfig, 'utf8').replace(api.url, `http://127.0.0.1:${port}`))
    const collection = await collect({ kubeconfig: file })
    expect(collection.evidence).toEqual([])
    expect(collection.errors).toHaveLength(1)
    expect(collection.errors[0]?.message).toMatch(
      new RegExp(
        `^kubernetes-live: cannot reach the API server http://127.0.0.1:${port} of context "prod-eks": .*ECONNREFUSED`,
      ),
    )
  })

  it('says where it looked when there is no kubeconfig', async () => {
    const collection = await collect({}, {})
    expect(collection.errors[0]?.message).toBe(
      'kubernetes-live: sources[0]: no kubeconfig found (kubeconfig setting, $KUBECONFIG, ~/.kube/config)',
    )
  })
})

describe('docs/kubernetes-readonly-clusterrole.yaml', () => {
  const role = yaml.load(
    readFileSync(path.join(repoRoot, 'docs', 'kubernetes-readonly-clusterrole.yaml'), 'utf8'),
    {
      json: true,
    },
  ) as { kind: string; rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] }
  const grants = (group: string, resource: string) =>
    role.rules.some(
      (r) =>
        r.apiGroups.includes(group) &&
        (r.resources.includes(resource) || r.resources.includes('*')) &&
        r.verbs.includes('list'),
    )

  it.each(builtInResources.map((r) => [r.group === '' ? 'core' : r.group, r.resource, r.group] as const))(
    'grants list on %s %s',
    (_label, resource, group) => {
      expect(grants(group, resource)).toBe(true)
    },
  )

  it('grants list on the policy engines the collector reads', () => {
    for (const { group, resources } of Object.values(policyGroups))
      for (const resource of resources) expect(grants(group, resource), `${group} ${resource}`).toBe(true)
  })

  it('grants nothing but reading', () => {
    expect(role.kind).toBe('ClusterRole')
    const verbs = new Set(role.rules.flatMap((r) => r.verbs))
    expect([...verbs].every((v) => ['get', 'list'].includes(v))).toBe(true)
  })
})
