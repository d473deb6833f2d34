import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { trustctl } from './cli-harness.js'

describe('trustctl admission manifests', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-admission-cli-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(
    path.join(dir, 'trustctl.yaml'),
    'version: 1\norganization: Acme\nsystem: { name: Shop }\nscope: { categories: [security], asOf: 2026-11-30 }\n',
  )
  const image = `ghcr.io/trustctl/trustctl@sha256:${'5'.repeat(64)}`

  it('prints the resources with the generated CA, and how to create the TLS Secret', async () => {
    const run = await trustctl(dir, 'admission', 'manifests', '--image', image, '--namespace', 'guard')
    expect(run.stderr).toContain('create secret tls trustctl-admission-tls')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('kind: ValidatingWebhookConfiguration')
    expect(run.stdout).toMatch(/caBundle: [A-Za-z0-9+/]{100,}={0,2}\n/)
    expect(run.stdout).toContain('namespace: guard')
    // The same CA on a second run: the bundle in the cluster stays valid.
    const again = await trustctl(dir, 'admission', 'manifests', '--image', image, '--namespace', 'guard')
    expect(again.stdout).toBe(run.stdout)
  })

  it('refuses an unpinned image with exit code 2', async () => {
    const run = await trustctl(dir, 'admission', 'manifests', '--image', 'ghcr.io/trustctl/trustctl:latest')
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('pin the image by digest')
  })

  it('prints the ValidatingAdmissionPolicies and their bindings', async () => {
    const run = await trustctl(dir, 'admission', 'policies')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('kind: ValidatingAdmissionPolicy\n')
    expect(run.stdout).toContain('kind: ValidatingAdmissionPolicyBinding')
    expect(run.stdout).toContain('policyName: trustctl-workload-is-not-privileged')
    expect(run.stderr).toMatch(/^\d+ checks as ValidatingAdmissionPolicy: /)
  })
})
