import { createHmac } from 'node:crypto'
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { referenceFile } from '../../../test/reference-data.js'
import { collectSources, validateSources } from '../registry.js'

const samples = referenceFile('samples')
const now = new Date('2026-06-30T00:00:00Z')

async function folderWith(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'scan-report-'))
  await mkdir(path.join(root, 'scans'), { recursive: true })
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(root, 'scans', name), text)
  return root
}

const collect = (root: string, source: Record<string, unknown> = {}) =>
  collectSources([{ type: 'scan-report', path: 'scans', ...source }], { root, now, env: {} })

describe('scan-report collector', () => {
  it('imports every report in a folder, detecting each tool by its shape', async () => {
    const root = await folderWith({})
    for (const sample of [
      'trivy/npm.json',
      'grype/amazon.json',
      'sarif/sarif_input.sarif',
      'cyclonedx/syft-scan-alpine-container.json',
    ])
      await copyFile(path.join(samples, sample), path.join(root, 'scans', path.basename(sample)))
    const collection = await collect(root)
    expect(collection.errors).toEqual([])
    const reports = collection.evidence.filter((e) => e.kind === 'scan.report')
    expect(reports.map((r) => (r.kind === 'scan.report' ? r.format : '')).sort()).toEqual([
      'cyclonedx',
      'grype',
      'sarif',
      'trivy',
    ])
    expect(collection.inputs.map((i) => i.file)).toContain('scans/npm.json')
    expect(collection.inputs.every((i) => /^[0-9a-f]{64}$/.test(i.sha256))).toBe(true)
  })

  it('hands each report it read, named as its evidence names it, to the secret screen', async () => {
    const trivy = await readFile(path.join(samples, 'trivy/npm.json'), 'utf8')
    const root = await folderWith({ 'a.json': trivy, 'b-truncated.json': trivy.slice(0, 2000) })
    const screened: { file: string; bytes: number; text: string }[] = []
    const collection = await collectSources([{ type: 'scan-report', path: 'scans' }], {
      root,
      now,
      env: {},
      screenText: (file, bytes, text) => screened.push({ file, bytes: bytes.length, text }),
    })
    // Every file, the one that fails to parse too: its error is masked with the same secrets.
    expect(screened.map((s) => s.file)).toEqual(['scans/a.json', 'scans/b-truncated.json'])
    expect(screened[0]?.text).toBe(trivy)
    expect(screened[0]?.bytes).toBe(Buffer.byteLength(trivy))
    const files = new Set([...collection.evidence, ...collection.errors].map((e) => e.file))
    expect([...files].sort()).toEqual(screened.map((s) => s.file))
  })

  it('names the file and the place of a truncated report, and still imports the others', async () => {
    const trivy = await readFile(path.join(samples, 'trivy/npm.json'), 'utf8')
    const cut = trivy.slice(0, 2000)
    const root = await folderWith({ 'a-truncated.json': cut, 'b-good.json': trivy })
    const collection = await collect(root)
    expect(collection.errors).toHaveLength(1)
    const lines = cut.split('\n')
    expect(collection.errors[0]?.file).toBe('scans/a-truncated.json')
    expect(collection.errors[0]?.message).toContain(
      `scans/a-truncated.json: not valid JSON at line ${lines.length}`,
    )
    expect(collection.errors[0]?.message).toContain('truncated')
    expect(collection.evidence.filter((e) => e.kind === 'scan.vulnerability')).toHaveLength(1)
  })

  it('names the line and column of a syntax error inside a report', async () => {
    const root = await folderWith({ 'bad.json': '{\n  "SchemaVersion": 2,\n  "Results": [,]\n}\n' })
    const collection = await collect(root)
    expect(collection.errors[0]?.message).toMatch(/scans\/bad\.json: not valid JSON at line 3, column 15/)
  })

  it('rejects an unknown schema version with the file and the version', async () => {
    const root = await folderWith({
      'trivy-v3.json': JSON.stringify({ SchemaVersion: 3, ArtifactName: 'api', Results: [] }),
      'old-trivy.json': JSON.stringify([
        { Target: 'alpine (alpine 3.10)', Type: 'alpine', Vulnerabilities: [] },
      ]),
      'sarif-2.0.json': JSON.stringify({ version: '2.0.0', runs: [] }),
      'bom.json': JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.1', components: [] }),
      'grype.json': await readFile(path.join(samples, 'grype/amazon.json'), 'utf8'),
    })
    const collection = await collect(root)
    const messages = collection.errors.map((e) => e.message).sort()
    expect(messages).toEqual([
      'scans/bom.json: unsupported CycloneDX spec version "1.1" (trustctl reads 1.2, 1.3, 1.4, 1.5, 1.6)',
      'scans/old-trivy.json: unsupported Trivy schema version: the report has no SchemaVersion (Trivy before 0.20)',
      'scans/sarif-2.0.json: unsupported SARIF version "2.0.0" (trustctl reads SARIF 2.1.0)',
      'scans/trivy-v3.json: unsupported Trivy schema version 3 (trustctl reads version 2)',
    ])
    expect(collection.errors.find((e) => e.file === 'scans/old-trivy.json')?.hint).toContain('trivy image')
    expect(collection.evidence.filter((e) => e.kind === 'scan.report')).toHaveLength(1)
  })

  it('leaves the scan tests incomplete when a report could not be read, never passing the others alone', async () => {
    const { evaluateCheck, unreadKinds } = await import('../../core/engine.js')
    const { groupEvidence } = await import('../../core/evidence.js')
    const { default: critical } = await import(
      '../../../checks/scan/no-fixable-critical-vulnerabilities/check.js'
    )
    const root = await folderWith({
      'api.json': JSON.stringify({
        SchemaVersion: 2,
        ArtifactName: 'ghcr.io/acme/api:1.4.2',
        ArtifactType: 'container_image',
        Results: [{ Target: 'ghcr.io/acme/api:1.4.2 (alpine 3.20.3)', Class: 'os-pkgs', Type: 'alpine' }],
      }),
      // Trivy before 0.20: the worker's critical vulnerability is in a report trustctl cannot read.
      'worker.json': JSON.stringify([
        {
          Target: 'ghcr.io/acme/worker:2.0.1 (debian 10.13)',
          Type: 'debian',
          Vulnerabilities: [
            {
              VulnerabilityID: 'CVE-2023-4911',
              PkgName: 'libc6',
              FixedVersion: '2.28-10+deb10u2',
              Severity: 'CRITICAL',
            },
          ],
        },
      ]),
    })
    const collection = await collect(root)
    const findings = evaluateCheck(
      { check: critical, params: {} },
      groupEvidence(collection.evidence),
      unreadKinds(collection.errors),
    )
    expect(findings.map((f) => f.status).sort()).toEqual(['no-evidence', 'pass'])
    expect(findings.find((f) => f.status === 'no-evidence')?.message).toContain('scans/worker.json')
  })

  it('names the JSON path of a field that is not what the tool writes', async () => {
    const root = await folderWith({
      'grype.json': JSON.stringify({
        matches: [{ vulnerability: { id: 7 }, artifact: { name: 'x', version: '1' } }],
        descriptor: {},
      }),
    })
    const collection = await collect(root)
    expect(collection.errors[0]?.message).toMatch(
      /scans\/grype\.json: not a Grype report as expected: matches\[0\]\.vulnerability\.id: /,
    )
  })

  it('asks for a format when it cannot tell the tool, and reads empty gitleaks reports by name or format', async () => {
    const root = await folderWith({
      'results.json': '[]',
      'gitleaks.json': '[]',
      'other.json': '{"hello": 1}',
    })
    const collection = await collect(root)
    expect(collection.errors.map((e) => e.file).sort()).toEqual(['scans/other.json', 'scans/results.json'])
    expect(collection.errors[0]?.hint).toContain('format:')
    const report = collection.evidence.find((e) => e.kind === 'scan.report')
    expect(report).toMatchObject({ format: 'gitleaks', covers: ['secret'], counts: { secrets: 0 } })

    const explicit = await collectSources(
      [{ type: 'scan-report', path: 'scans/results.json', format: 'gitleaks', target: 'acme/api' }],
      {
        root,
        now,
        env: {},
      },
    )
    expect(explicit.errors).toEqual([])
    expect(explicit.evidence[0]).toMatchObject({ kind: 'scan.report', name: 'acme/api', format: 'gitleaks' })
  })

  it('fingerprints secrets under the store salt as the secrets scanner does, never keeping them', async () => {
    const secret = 'xoxb-0000000000-0000000000000-EXAMPLE-not-a-real-token'
    const root = await folderWith({
      'gitleaks.json': JSON.stringify([
        { RuleID: 'slack-bot-token', File: '.env', StartLine: 2, Secret: secret, Match: `TOKEN=${secret}` },
      ]),
    })
    const collection = await collectSources([{ type: 'scan-report', path: 'scans' }], {
      root,
      now,
      env: {},
      fingerprintSalt: 'store-salt',
    })
    const expected = createHmac('sha256', 'store-salt').update(secret).digest('hex').slice(0, 32)
    expect(collection.evidence[1]).toMatchObject({
      kind: 'scan.secret-finding',
      secretFingerprint: expected,
      preview: `xoxb…(${secret.length})`,
    })
    expect(JSON.stringify(collection.evidence)).not.toContain(secret.slice(5))
  })

  it('reports a missing path against the source entry', async () => {
    const root = await folderWith({})
    const collection = await collectSources([{ type: 'scan-report', path: 'nowhere' }], {
      root,
      now,
      env: {},
    })
    expect(collection.errors).toEqual([
      {
        file: 'nowhere',
        message: 'sources[0].path: no such file or folder',
        kinds: expect.arrayContaining(['scan.report', 'scan.vulnerability']),
      },
    ])
  })

  it('validates its settings strictly', () => {
    expect(() =>
      validateSources([{ type: 'scan-report', path: 'x', fromat: 'trivy' }], 'trustctl.yaml'),
    ).toThrow(/sources\[0\]/)
    expect(() =>
      validateSources([{ type: 'scan-report', path: 'x', format: 'snyk' }], 'trustctl.yaml'),
    ).toThrow(/sources\[0\]\.format/)
    expect(() =>
      validateSources([{ type: 'scan-report', path: 'x', format: 'prowler' }], 'trustctl.yaml'),
    ).not.toThrow()
  })
})
