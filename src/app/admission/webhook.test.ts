import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyStore } from '../../store/ledger-operations.js'
import { SqliteStore } from '../../store/sqlite/sqlite-store.js'
import { loadConfig } from '../load-config.js'
import { loadLibrary } from '../run-assessment.js'
import { admissionChecks, checksNotRunAtAdmission } from './judge.js'
import { type OpenWebhook, openWebhook } from './open-webhook.js'

const testdata = path.join(import.meta.dirname, 'testdata')
const fixture = (name: string): string => readFileSync(path.join(testdata, name), 'utf8')

interface Answer {
  status: number
  body: Record<string, unknown>
}

/** POSTs over TLS, trusting only the CA the webhook printed (as the API server does with caBundle). */
function post(
  webhook: OpenWebhook,
  pathname: string,
  body: string | Buffer,
  method = 'POST',
): Promise<Answer> {
  const url = new URL(pathname, webhook.server.url)
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: webhook.tls.caBundle,
        servername: 'localhost',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
        )
      },
    )
    req.on('error', reject)
    req.end(method === 'GET' ? undefined : body)
  })
}

const response = (answer: Answer) =>
  answer.body.response as {
    uid: string
    allowed: boolean
    status?: { code: number; message: string }
    warnings?: string[]
  }

describe('admission webhook over TLS', () => {
  let dir: string
  let webhook: OpenWebhook
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-admission-'))
    writeFileSync(
      path.join(dir, 'trustctl.yaml'),
      [
        'version: 1',
        'organization: Acme Analytics',
        'system: { name: Shop }',
        'scope: { categories: [security], asOf: 2026-11-30 }',
        'checks:',
        '  kubernetes/workload-image-from-allowed-registry:',
        '    params: { allowedRegistries: [ghcr.io/acme] }',
        'exceptions:',
        '  - check: kubernetes/workload-shares-no-host-namespaces',
        '    subject: { name: node-exporter, namespace: monitoring }',
        '    reason: node-exporter reads host network counters; reviewed by the platform team.',
        '    approvedBy: cto@acme.example.com',
        '    expires: 2099-01-01',
        'admission: { maxRequestBytes: 65536, flushSeconds: 60 }',
        '',
      ].join('\n'),
    )
    webhook = await openWebhook({
      loaded: await loadConfig(undefined, dir),
      env: { TRUSTCTL_SIGNING_KEY: path.join(dir, 'keys', 'ledger.pem') },
      host: '127.0.0.1',
      port: 0,
      dnsNames: ['localhost', '127.0.0.1'],
      notify: () => {},
    })
  }, 60_000)
  afterAll(async () => {
    await webhook?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('made its own CA and a serving certificate beside the store', () => {
    expect(webhook.tls.generated).toBe(true)
    expect(webhook.tls.files.cert).toBe(path.join(dir, '.trustctl', 'admission-tls', 'tls.crt'))
    expect(webhook.tls.caBundle).toContain('BEGIN CERTIFICATE')
    expect(webhook.tls.caBundle).not.toBe(webhook.tls.cert)
  })

  it('answers GET /healthz', async () => {
    const answer = await post(webhook, '/healthz', '', 'GET')
    expect(answer.status).toBe(200)
    expect(answer.body.status).toBe('ok')
  })

  it('denies a privileged root Pod, naming each failing check and how to fix it', async () => {
    const answer = await post(webhook, '/validate', fixture('pod-create-privileged.json'))
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' })
    const r = response(answer)
    expect(r.uid).toBe('9b7f4c3a-2e1d-4c5b-8a9f-0e1d2c3b4a59')
    expect(r.allowed).toBe(false)
    expect(r.status?.code).toBe(403)
    expect(r.status?.message).toContain('kubernetes/workload-is-not-privileged (critical)')
    expect(r.status?.message).toContain('kubernetes/workload-shares-no-host-namespaces (high)')
    expect(r.status?.message).toContain('kubernetes/workload-runs-as-non-root (high)')
    expect(r.status?.message).toMatch(/Fix: /)
    // Medium checks warn by default: the image is unpinned and not from an approved registry.
    expect(r.warnings?.some((w) => w.startsWith('kubernetes/workload-image-is-pinned'))).toBe(true)
  })

  it('allows a hardened Deployment with no warnings', async () => {
    const r = response(await post(webhook, '/validate', fixture('deployment-create-hardened.json')))
    expect(r).toEqual({ uid: '0df28fbd-5f5f-11e8-bc74-36e6bb280816', allowed: true })
  })

  it('allows with a warning when only a warn-mode check fails', async () => {
    const r = response(await post(webhook, '/validate', fixture('deployment-update-writable-root.json')))
    expect(r.allowed).toBe(true)
    expect(r.warnings).toHaveLength(1)
    expect(r.warnings?.[0]).toMatch(/^kubernetes\/workload-has-read-only-root-filesystem: /)
  })

  it('judges a dry run the same way', async () => {
    const r = response(await post(webhook, '/validate', fixture('pod-create-privileged-dry-run.json')))
    expect(r.uid).toBe('e8d7c6b5-a4f3-4e2d-9c1b-0a9f8e7d6c5b')
    expect(r.allowed).toBe(false)
  })

  it('honours an accepted exception and leaves excluded namespaces alone', async () => {
    const review = JSON.parse(fixture('pod-create-privileged.json'))
    const pod = review.request.object
    pod.spec.containers[0].securityContext = {
      privileged: false,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    }
    pod.spec.securityContext = { seccompProfile: { type: 'RuntimeDefault' } }
    pod.spec.containers[0].resources = { limits: { cpu: '100m', memory: '64Mi' } }
    pod.spec.containers[0].image = `ghcr.io/acme/node-exporter@sha256:${'a'.repeat(64)}`
    pod.metadata.name = review.request.name = 'node-exporter'
    pod.metadata.namespace = review.request.namespace = 'monitoring'
    review.request.uid = 'exception-1'
    const excepted = response(await post(webhook, '/validate', JSON.stringify(review)))
    expect(excepted.status?.message ?? '').not.toContain('shares-no-host-namespaces')
    expect(excepted.allowed).toBe(true)

    const system = JSON.parse(fixture('pod-create-privileged.json'))
    system.request.namespace = 'kube-system'
    system.request.uid = 'kube-system-1'
    expect(response(await post(webhook, '/validate', JSON.stringify(system)))).toEqual({
      uid: 'kube-system-1',
      allowed: true,
    })
  })

  it('allows kinds it has no checks for, with a warning', async () => {
    const review = JSON.parse(fixture('deployment-create-hardened.json'))
    review.request.uid = 'crd-1'
    review.request.kind = { group: 'argoproj.io', version: 'v1alpha1', kind: 'Rollout' }
    review.request.object.apiVersion = 'argoproj.io/v1alpha1'
    review.request.object.kind = 'Rollout'
    const r = response(await post(webhook, '/validate', JSON.stringify(review)))
    expect(r.allowed).toBe(true)
    expect(r.warnings?.[0]).toContain('no checks for Rollout')
  })

  it('answers malformed reviews with 400 and what is wrong, and keeps serving', async () => {
    const notJson = await post(webhook, '/validate', '{"apiVersion": "admission.k8s.io/v1", ')
    expect(notJson.status).toBe(400)
    expect(notJson.body.error).toMatch(/^the body is not JSON/)
    const v1beta1 = JSON.parse(fixture('pod-create-privileged.json'))
    v1beta1.apiVersion = 'admission.k8s.io/v1beta1'
    const old = await post(webhook, '/validate', JSON.stringify(v1beta1))
    expect(old.status).toBe(400)
    expect(old.body.error).toContain('apiVersion: must be admission.k8s.io/v1')
    const noUid = JSON.parse(fixture('pod-create-privileged.json'))
    delete noUid.request.uid
    expect((await post(webhook, '/validate', JSON.stringify(noUid))).body.error).toContain('request.uid')
    const badObject = JSON.parse(fixture('pod-create-privileged.json'))
    badObject.request.uid = 'bad-object-1'
    badObject.request.object.spec.containers = 'not a list'
    const unreadable = response(await post(webhook, '/validate', JSON.stringify(badObject)))
    expect(unreadable.allowed).toBe(false)
    expect(unreadable.status?.message).toContain('spec.containers: expected a list')
    expect((await post(webhook, '/healthz', '', 'GET')).status).toBe(200)
  })

  it('refuses an oversized review with 413, without reading it', async () => {
    const review = JSON.parse(fixture('pod-create-privileged.json'))
    review.request.object.metadata.annotations = { big: 'x'.repeat(70_000) }
    const answer = await post(webhook, '/validate', JSON.stringify(review))
    expect(answer.status).toBe(413)
    expect(answer.body.error).toContain('65536 bytes')
  })

  it('appends every decision but the dry run to the ledger in signed batches', async () => {
    await webhook.log.flush()
    const store = new SqliteStore(path.join(dir, '.trustctl', 'trustctl.db'))
    try {
      const decisions: {
        uid: string
        verdict: string
        user: { username: string }
        checks: { check: string; status: string }[]
      }[] = []
      for await (const { blob } of store.scan({ kinds: ['admission'] }))
        decisions.push(JSON.parse(Buffer.from(blob ?? new Uint8Array()).toString('utf8')))
      const uids = decisions.map((d) => d.uid)
      expect(uids).toContain('9b7f4c3a-2e1d-4c5b-8a9f-0e1d2c3b4a59')
      expect(uids).toContain('0df28fbd-5f5f-11e8-bc74-36e6bb280816')
      expect(uids).toContain('kube-system-1')
      expect(uids).not.toContain('e8d7c6b5-a4f3-4e2d-9c1b-0a9f8e7d6c5b')
      const denied = decisions.find((d) => d.uid === '9b7f4c3a-2e1d-4c5b-8a9f-0e1d2c3b4a59')
      expect(denied).toMatchObject({ verdict: 'denied', user: { username: 'jane@acme.example.com' } })
      expect(decisions.find((d) => d.uid === 'kube-system-1')?.verdict).toBe('excluded')
      // The hardened Deployment was allowed because the checks passed on it, not because none ran.
      const hardened = decisions.find((d) => d.uid === '0df28fbd-5f5f-11e8-bc74-36e6bb280816')
      expect(hardened?.verdict).toBe('allowed')
      const statuses = new Set(hardened?.checks.map((c) => c.status))
      expect([...statuses].sort()).toEqual(['pass'])
      expect(hardened?.checks.length).toBeGreaterThanOrEqual(20)
      const report = await verifyStore(store)
      expect(report.ok).toBe(true)
    } finally {
      await store.close()
    }
  })
})

describe('checks at the door', () => {
  it('every Kubernetes check is either run at admission or listed with the reason it is not', async () => {
    const { checks } = await loadLibrary()
    const kubernetes = checks.filter((c) => c.id.startsWith('kubernetes/')).map((c) => c.id)
    for (const id of Object.keys(checksNotRunAtAdmission)) expect(kubernetes).toContain(id)
    const admitted = admissionChecks(checks).map((c) => c.id)
    expect(admitted.length + Object.keys(checksNotRunAtAdmission).length).toBe(kubernetes.length)
    expect(admitted).toContain('kubernetes/workload-is-not-privileged')
  })
})
