import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildCheckManifest, loadChecks } from '../../checks/load-checks.js'
import { config, deployment } from '../../test/rerun-estate.js'
import { loadCatalog } from '../catalog/load-catalog.js'
import { canonicalBytes, sha256 } from '../core/ledger.js'
import { runEvidence, verifyStore } from '../store/ledger-operations.js'
import { SqliteStore } from '../store/sqlite/sqlite-store.js'
import { loadConfig } from './load-config.js'
import { type Library, runAssessment, storeFile } from './run-assessment.js'

// Each check the engine evaluates first calls `beforeCheck` (a test sees the store as the checks do).
const seen: { beforeCheck: (() => void) | undefined } = { beforeCheck: undefined }
vi.mock('../core/engine.js', async (original) => {
  const engine = await original<typeof import('../core/engine.js')>()
  return {
    ...engine,
    evaluateCheck: (...args: Parameters<typeof engine.evaluateCheck>) => {
      seen.beforeCheck?.()
      return engine.evaluateCheck(...args)
    },
  }
})

// A run records each item as it was assessed, whether its bytes were made while parsing (Kubernetes
// items: the parse cache hands them on) or again (a Dockerfile, whose copies are annotated after every
// file is read), and whether the caller keeps the evidence or lets it go once written (`assess`).

let library: Library
const dirs: string[] = []
beforeAll(async () => {
  const checks = await loadChecks(undefined, { defer: true, manifest: await buildCheckManifest() })
  library = { checks, catalog: await loadCatalog(checks) }
}, 120_000)
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** A repository with a Deployment and a Dockerfile that copies a file holding a credential. */
function estate(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-run-evidence-'))
  dirs.push(dir)
  mkdirSync(path.join(dir, 'deploy'))
  writeFileSync(path.join(dir, 'deploy', 'api.yaml'), deployment(2))
  writeFileSync(path.join(dir, 'deploy', 'Dockerfile'), 'FROM node:22\nCOPY settings.properties /app/\n')
  writeFileSync(path.join(dir, 'deploy', 'settings.properties'), 'aws_access_key_id=AKIAQWERTYUIOPASDFGH\n')
  writeFileSync(path.join(dir, 'trustctl.yaml'), config())
  return dir
}

async function assess(dir: string, keepEvidence: boolean) {
  const run = await runAssessment(
    await loadConfig(undefined, dir),
    library,
    new Date('2026-12-01T12:00:00Z'),
    { env: { TRUSTCTL_SIGNING_KEY: path.join(dir, 'signing-key.pem') }, notify: () => undefined },
    { keepEvidence },
  )
  const store = new SqliteStore(storeFile(await loadConfig(undefined, dir)))
  try {
    return { run, recorded: await runEvidence(store, run.runId), verified: (await verifyStore(store)).ok }
  } finally {
    await store.close()
  }
}

describe('the evidence a run records', () => {
  it('is every item as assessed, annotated or not, by the hash of its bytes now', async () => {
    const { run, recorded, verified } = await assess(estate(), true)
    const kinds = run.evidence.map((item) => item.kind)
    expect(kinds).toContain('k8s.workload')
    expect(kinds).toContain('container.dockerfile')
    const dockerfile = run.evidence.find((item) => item.kind === 'container.dockerfile')
    expect(JSON.stringify(dockerfile)).toContain('secretsInSource')
    expect(recorded.map((e) => e.hash)).toEqual(run.evidence.map((item) => sha256(canonicalBytes(item))))
    expect(recorded.map((e) => e.item)).toEqual(run.evidence)
    expect(verified).toBe(true)
  }, 60_000)

  it('is the same when the caller lets the items go once written', async () => {
    const kept = await assess(estate(), true)
    const letGo = await assess(estate(), false)
    expect(letGo.run.evidence).toEqual([])
    expect(letGo.recorded.map((e) => e.hash)).toEqual(kept.recorded.map((e) => e.hash))
    expect(letGo.run.model.findings).toEqual(kept.run.model.findings)
    expect(letGo.verified).toBe(true)
  }, 60_000)

  it('is in the store before the checks run, so that none of it is held beside the findings', async () => {
    const dir = estate()
    const file = storeFile(await loadConfig(undefined, dir))
    let stored: number | undefined
    seen.beforeCheck = () => {
      if (stored !== undefined) return
      const db = new Database(file, { readonly: true })
      try {
        const row = db.prepare("SELECT count(*) AS n FROM ledger_record WHERE kind = 'evidence'").get() as {
          n: number
        }
        stored = row.n
      } finally {
        db.close()
      }
    }
    try {
      const { run, recorded } = await assess(dir, false)
      expect(run.checkResults.evaluated).toBeGreaterThan(0)
      expect(recorded.length).toBeGreaterThan(0)
      expect(stored).toBe(recorded.length)
    } finally {
      seen.beforeCheck = undefined
    }
  }, 60_000)

  it('masks the secrets a scanner report holds in the findings it records, each by its canonical hash', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-run-evidence-scan-'))
    dirs.push(dir)
    mkdirSync(path.join(dir, 'scans'))
    // Planted fakes: a token in a title (a credential shape) and a key whose value reappears in a
    // message with no shape of its own (masked because the report's own text gives it away).
    const token = `ghp_${'Zx9Yw8Vu7T'.repeat(4)}`
    const awsSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYz9q8Lr2Wt1'
    const vulnerability = (i: number, title: string) => ({
      VulnerabilityID: `CVE-2026-${1000 + i}`,
      PkgName: `pkg-${i}`,
      InstalledVersion: '1.0.0',
      FixedVersion: '1.0.1',
      Severity: 'HIGH',
      Title: title,
      Description: i === 0 ? `aws_secret_access_key = ${awsSecret}` : 'A flaw.',
      PublishedDate: '2026-01-01T00:00:00Z',
    })
    const report = {
      SchemaVersion: 2,
      ArtifactName: 'ghcr.io/acme/api:1.8.0',
      ArtifactType: 'container_image',
      Results: [
        {
          Target: 'ghcr.io/acme/api:1.8.0 (alpine 3.20.3)',
          Class: 'os-pkgs',
          Type: 'alpine',
          Vulnerabilities: [
            vulnerability(0, `leaks ${token} in logs`),
            vulnerability(1, 'a plain title'),
            vulnerability(2, 'another plain title'),
          ],
        },
        {
          Target: 'deploy/api.yaml',
          Class: 'config',
          Misconfigurations: [
            {
              ID: 'KSV001',
              Title: 'Secret in env',
              Message: `env holds ${awsSecret}`,
              Severity: 'HIGH',
              Status: 'FAIL',
            },
          ],
        },
      ],
    }
    writeFileSync(path.join(dir, 'scans', 'trivy.json'), JSON.stringify(report, null, 2))
    writeFileSync(
      path.join(dir, 'trustctl.yaml'),
      config().replace('  - path: deploy', '  - { type: scan-report, path: scans }'),
    )
    const { run, recorded, verified } = await assess(dir, true)
    const findings = run.evidence.filter(
      (item) => item.kind.startsWith('scan.') && item.kind !== 'scan.report',
    )
    expect(findings).toHaveLength(4)
    const stored = JSON.stringify(recorded.map((e) => e.item))
    expect(stored).not.toContain(token)
    expect(stored).not.toContain(awsSecret)
    expect(JSON.stringify(findings)).toContain('leaks [REDACTED] in logs')
    expect(JSON.stringify(findings)).toContain('env holds [REDACTED]')
    // Masked items and items written as they are alike: each recorded under its canonical bytes' hash.
    expect(recorded.map((e) => e.hash)).toEqual(run.evidence.map((item) => sha256(canonicalBytes(item))))
    expect(recorded.map((e) => e.item)).toEqual(run.evidence)
    expect(verified).toBe(true)
  }, 60_000)
})
