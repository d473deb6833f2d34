import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { renderAdmissionManifests } from '../src/app/admission/manifests.js'
import { loadLibrary } from '../src/app/run-assessment.js'
import { parseDockerfile } from '../src/collectors/dockerfile/parse-dockerfile.js'
import { parseManifests } from '../src/collectors/kubernetes/parse-manifests.js'
import { resolveCheckRuns } from '../src/core/assess.js'
import { parseConfig } from '../src/core/config.js'
import { evaluateChecks } from '../src/core/engine.js'
import { type EvidenceItem, groupEvidence } from '../src/core/evidence.js'

const root = path.resolve(import.meta.dirname, '..')

/**
 * Checks about the cluster as a whole, not about these files: runtime detection (Falco, Tetragon) and
 * the policy engine are products installed beside trustctl, and Nodes are registered by kubelets.
 */
const aboutTheCluster = new Set([
  'kubernetes/runtime-threat-detection-deployed',
  'kubernetes/nodes-run-supported-versions',
])

const config = parseConfig(
  {
    version: 1,
    organization: 'Example Co',
    system: { name: 'Example Platform' },
    scope: { categories: ['security'], asOf: '2026-12-01' },
    checks: {
      'container/final-image-from-allowed-registry': { params: { allowedRegistries: ['gcr.io/distroless'] } },
      'kubernetes/workload-image-from-allowed-registry': {
        params: { allowedRegistries: ['ghcr.io/example'] },
      },
      // The documented way to name an engine the check does not know: trustctl's own webhook.
      'kubernetes/admission-policy-engine-deployed': {
        params: { engines: [{ name: 'trustctl admission', image: 'example/trustctl' }] },
      },
    },
  },
  'trustctl.yaml',
)

const webhookFile = path.join(root, 'deploy', 'admission-webhook.yaml')

/** deploy/admission-webhook.yaml as `trustctl admission manifests --cert-manager` writes it. */
function renderedWebhook(): string {
  return renderAdmissionManifests({
    namespace: 'trustctl-admission',
    image: `ghcr.io/example/trustctl@sha256:${'0'.repeat(63)}1`,
    caBundle: 'cert-manager',
    config,
    databasePort: 5432,
  })
}

// TRUSTCTL_UPDATE_DEPLOY=1 rewrites the committed file after a deliberate change to the renderer.
if (process.env.TRUSTCTL_UPDATE_DEPLOY === '1') writeFileSync(webhookFile, renderedWebhook())

function collect(): { evidence: EvidenceItem[]; errors: unknown[] } {
  const docker = parseDockerfile(readFileSync(path.join(root, 'Dockerfile'), 'utf8'), 'Dockerfile')
  const manifests = readdirSync(path.join(root, 'deploy'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => parseManifests(readFileSync(path.join(root, 'deploy', f), 'utf8'), `deploy/${f}`))
  return {
    evidence: [...docker.evidence, ...manifests.flatMap((m) => m.evidence)],
    errors: [...docker.errors, ...manifests.flatMap((m) => m.errors)],
  }
}

describe("the Dockerfile and deploy/ manifests pass trustctl's own checks", () => {
  const { evidence, errors } = collect()

  it('hold the webhook exactly as `trustctl admission manifests --cert-manager` renders it', () => {
    expect(readFileSync(webhookFile, 'utf8')).toBe(renderedWebhook())
  })

  it('are read without errors', () => {
    expect(errors).toEqual([])
    const kinds = evidence.map((e) => `${e.resourceKind}/${e.name}`)
    for (const wanted of [
      'Dockerfile/Dockerfile',
      'Deployment/trustctl-server',
      'CronJob/trustctl-collector',
    ])
      expect(kinds).toContain(wanted)
  })

  it('pass every container and Kubernetes check that judges them', async () => {
    const { checks } = await loadLibrary()
    const ids = new Set(
      checks
        .filter((c) => /^(container|kubernetes)\//.test(c.id) && !aboutTheCluster.has(c.id))
        .map((c) => c.id),
    )
    const findings = evaluateChecks(resolveCheckRuns(checks, ids, config), groupEvidence(evidence))
    expect(findings.filter((f) => f.status !== 'pass' && f.status !== 'not-applicable')).toEqual([])
    const passed = new Set(findings.filter((f) => f.status === 'pass').map((f) => f.check))
    // Not vacuous: the image recipe and the workloads were each judged and passed.
    for (const id of [
      'container/final-image-pinned-by-digest',
      'container/final-stage-runs-as-non-root',
      'container/final-stage-has-no-shell-or-tooling',
      'kubernetes/workload-runs-as-non-root',
      'kubernetes/namespace-has-default-deny-network-policy',
      'kubernetes/rbac-roles-avoid-wildcards',
      'kubernetes/ingress-terminates-tls',
      'kubernetes/workload-does-not-automount-service-account-token',
      'kubernetes/admission-policy-engine-deployed',
      'kubernetes/deployment-runs-multiple-replicas',
    ])
      expect(passed, id).toContain(id)
  })
})
