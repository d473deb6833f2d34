import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { parseManifests } from '../../collectors/kubernetes/parse-manifests.js'
import { resolveCheckRuns } from '../../core/assess.js'
import { parseConfig } from '../../core/config.js'
import { evaluateChecks } from '../../core/engine.js'
import { groupEvidence } from '../../core/evidence.js'
import { loadLibrary } from '../run-assessment.js'
import { renderAdmissionManifests } from './manifests.js'

const image = `ghcr.io/trustctl/trustctl@sha256:${'4'.repeat(64)}`
const caBundle = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'

/**
 * Checks that judge the whole cluster rather than these objects: runtime detection is a separate
 * product (Falco, Tetragon), and Nodes are registered by kubelets, not by these manifests.
 */
const aboutTheCluster = new Set([
  'kubernetes/runtime-threat-detection-deployed',
  'kubernetes/nodes-run-supported-versions',
])

function config() {
  return parseConfig(
    {
      version: 1,
      organization: 'Acme',
      system: { name: 'Shop' },
      scope: { categories: ['security'], asOf: '2026-11-30' },
      checks: {
        'kubernetes/workload-image-from-allowed-registry': {
          params: { allowedRegistries: ['ghcr.io/trustctl'] },
        },
        // The documented way to name an engine the check does not know: trustctl's own webhook.
        'kubernetes/admission-policy-engine-deployed': {
          params: { engines: [{ name: 'trustctl admission', image: 'trustctl/trustctl' }] },
        },
      },
    },
    'trustctl.yaml',
  )
}

describe('trustctl admission manifests', () => {
  const loaded = config()
  const text = renderAdmissionManifests({
    namespace: 'trustctl',
    image,
    caBundle,
    config: loaded,
    databasePort: 5432,
  })
  const parsed = parseManifests(text, 'admission.yaml')

  it('renders the webhook, its Service, PDB, NetworkPolicies, RBAC and configuration', () => {
    expect(parsed.errors).toEqual([])
    const kinds = parsed.evidence.map((e) => `${e.resourceKind}/${e.name}`).sort()
    expect(kinds).toEqual(
      expect.arrayContaining([
        'Deployment/trustctl-admission',
        'Namespace/trustctl',
        'NetworkPolicy/default-deny',
        'NetworkPolicy/trustctl-admission',
        'PodDisruptionBudget/trustctl-admission',
        'Service/trustctl-admission',
        'ServiceAccount/trustctl-admission',
        'ValidatingWebhookConfiguration/trustctl-admission',
      ]),
    )
    expect(text).toContain(`caBundle: ${Buffer.from(caBundle).toString('base64')}`)
    expect(text).toContain('replicas: 2')
    expect(text).toContain('sideEffects: NoneOnDryRun')
    // The ConfigMap's trustctl.yaml is a valid configuration with the team's check params.
    const configMap = parse(text.split('\n---\n').find((doc) => doc.includes('kind: ConfigMap')) ?? '')
    const shipped = parseConfig(parse(configMap.data['trustctl.yaml']), 'configmap')
    expect(shipped.store).toMatchObject({ backend: 'postgres', key: '/etc/trustctl/ledger-key/key.pem' })
    expect(shipped.checks).toEqual(loaded.checks)
  })

  it("passes every one of trustctl's own Kubernetes checks that judges objects", async () => {
    const { checks } = await loadLibrary()
    const ids = new Set(
      checks.filter((c) => c.id.startsWith('kubernetes/') && !aboutTheCluster.has(c.id)).map((c) => c.id),
    )
    const findings = evaluateChecks(resolveCheckRuns(checks, ids, loaded), groupEvidence(parsed.evidence))
    const bad = findings.filter((f) => f.status !== 'pass' && f.status !== 'not-applicable')
    expect(bad).toEqual([])
    const passed = new Set(findings.filter((f) => f.status === 'pass').map((f) => f.check))
    // Not a vacuous pass: the hardening, availability, network and admission checks each passed.
    for (const id of [
      'kubernetes/workload-runs-as-non-root',
      'kubernetes/workload-has-read-only-root-filesystem',
      'kubernetes/deployment-runs-multiple-replicas',
      'kubernetes/namespace-has-default-deny-network-policy',
      'kubernetes/namespace-enforces-pod-security-standard',
      'kubernetes/admission-policy-engine-deployed',
      'kubernetes/workload-does-not-automount-service-account-token',
      'kubernetes/workload-image-is-pinned',
    ])
      expect(passed, id).toContain(id)
  })

  it('refuses an image not pinned by digest', () => {
    expect(() =>
      renderAdmissionManifests({
        namespace: 'trustctl',
        image: 'ghcr.io/trustctl/trustctl:0.1.0',
        caBundle,
        config: loaded,
        databasePort: 5432,
      }),
    ).toThrow(/pin the image by digest/)
  })
})
