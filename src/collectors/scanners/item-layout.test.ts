import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { referenceFile } from '../../../test/reference-data.js'
import { canonicalBytesOf } from '../../core/canonical-json.js'
import { importSarif } from './sarif.js'
import { importTrivy } from './trivy.js'

/**
 * Trivy's vulnerabilities and SARIF's results are built key by key (10k of them on a large report),
 * no longer as a literal copied without its empty keys: each item must still hold no key without a
 * value, and its keys, nested ones too, in canonical order (the canonical writer then records it as
 * it is). Values worked out once per distinct input (a severity word, a publication date, a rule's
 * score) must never leak from one item into another.
 */

const now = new Date('2026-11-30T00:00:00Z')

/** Every object in a value: own keys sorted, none holding undefined. */
function layoutProblems(value: unknown, at = '$', out: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) layoutProblems(value[i], `${at}[${i}]`, out)
  } else if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value)
    if (keys.join('\n') !== [...keys].sort().join('\n')) out.push(`${at}: keys out of order`)
    for (const key of keys) {
      const v = (value as Record<string, unknown>)[key]
      if (v === undefined) out.push(`${at}.${key}: undefined`)
      else layoutProblems(v, `${at}.${key}`, out)
    }
  }
  return out
}

async function reports(folder: string, pattern: RegExp): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true })
  return entries
    .filter((e) => e.isFile() && pattern.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort()
}

describe('imported items', () => {
  it('hold no empty key and keep canonical key order, on the real Trivy and SARIF samples', async () => {
    const samples = referenceFile('samples')
    const trivy = await reports(path.join(samples, 'trivy'), /\.json$/)
    const sarif = await reports(samples, /\.sarif$/)
    expect(trivy.length).toBeGreaterThan(0)
    expect(sarif.length).toBeGreaterThan(0)
    let findings = 0
    for (const [files, importer] of [
      [trivy, importTrivy],
      [sarif, importSarif],
    ] as const) {
      for (const file of files) {
        const document: unknown = JSON.parse(await readFile(file, 'utf8'))
        for (const item of importer(document, { file: path.basename(file), now })) {
          if (item.kind === 'scan.report') continue
          findings++
          expect(layoutProblems(item), `${file}: ${item.name}`).toEqual([])
          // Canonical order means the canonical bytes are the item written as it is.
          expect(canonicalBytesOf(item).toString('utf8')).toBe(JSON.stringify(item))
        }
      }
    }
    expect(findings).toBeGreaterThan(100)
  })

  it('give each Trivy vulnerability its own optional fields, whatever the ones before it had', () => {
    const base = { VulnerabilityID: 'CVE-1', PkgName: 'p', InstalledVersion: '1.0' }
    const items = importTrivy(
      {
        SchemaVersion: 2,
        Results: [
          {
            Target: 't',
            Type: 'npm',
            Vulnerabilities: [
              {
                ...base,
                FixedVersion: '1.1, 1.2,1.3',
                Severity: 'HIGH',
                PublishedDate: '2026-11-20T00:00:00Z',
                Title: 'first',
                PkgIdentifier: { PURL: 'pkg:npm/p@1.0' },
                CVSS: { nvd: { V3Score: 9.8 } },
              },
              { ...base, VulnerabilityID: 'CVE-2', Status: 'unknown' },
              { ...base, VulnerabilityID: 'CVE-3', Severity: 'HIGH', PublishedDate: '2026-11-20T00:00:00Z' },
              { ...base, VulnerabilityID: 'CVE-4', Severity: 'Moderate', PublishedDate: 'soon' },
            ],
          },
        ],
      },
      { file: 'trivy.json', now },
    )
    const [first, second, third, fourth] = items.filter((i) => i.kind === 'scan.vulnerability')
    for (const item of items)
      if (item.kind !== 'scan.report') expect(layoutProblems(item), item.name).toEqual([])
    expect(first).toEqual({
      ageDays: 10,
      cvssScore: 9.8,
      file: 'trivy.json',
      fixAvailable: true,
      fixedVersions: ['1.1', '1.2', '1.3'],
      kind: 'scan.vulnerability',
      name: 'CVE-1 p@1.0',
      package: { name: 'p', purl: 'pkg:npm/p@1.0', type: 'npm', version: '1.0' },
      publishedAt: '2026-11-20T00:00:00Z',
      resourceKind: 'Vulnerability',
      ruleId: 'CVE-1',
      severity: 'high',
      // The report names no artifact: its file is the target.
      target: 'trivy.json',
      title: 'first',
      tool: 'trivy',
      toolSeverity: 'HIGH',
    })
    expect(Object.keys(second ?? {})).toEqual([
      'file',
      'fixedVersions',
      'kind',
      'name',
      'package',
      'resourceKind',
      'ruleId',
      'severity',
      'target',
      'tool',
    ])
    expect(second).toMatchObject({
      fixedVersions: [],
      severity: 'unknown',
      package: { name: 'p', type: 'npm' },
    })
    expect(third).toMatchObject({ ageDays: 10, severity: 'high', fixAvailable: false })
    expect(fourth).toMatchObject({ severity: 'medium', publishedAt: 'soon', toolSeverity: 'Moderate' })
    expect(fourth).not.toHaveProperty('ageDays')
  })

  it("score each SARIF result by its own security-severity first, then by its rule's", () => {
    const items = importSarif(
      {
        version: '2.1.0',
        runs: [
          {
            tool: {
              driver: {
                name: 'Tool',
                rules: [
                  { id: 'R0', properties: { 'security-severity': '9.1' } },
                  { id: 'R1', defaultConfiguration: { level: 'note' } },
                ],
              },
            },
            results: [
              { ruleIndex: 0, level: 'warning', message: { text: 'a' } },
              { ruleIndex: 0, level: 'warning', properties: { 'security-severity': '2.0' } },
              { ruleIndex: 0, level: 'warning', properties: null },
              { ruleIndex: 1, locations: [{ physicalLocation: { artifactLocation: { uri: 'a.ts' } } }] },
              { ruleIndex: 1, properties: { 'security-severity': '7.0' } },
              { ruleIndex: 0, level: 'error', properties: { 'security-severity': 'n/a' } },
            ],
          },
        ],
      },
      { file: 'code.sarif', now },
    )
    const findings = items.filter((i) => i.kind === 'scan.code-finding')
    for (const item of items)
      if (item.kind !== 'scan.report') expect(layoutProblems(item), item.name).toEqual([])
    expect(findings.map((f) => [f.severity, f.toolSeverity])).toEqual([
      ['critical', 'warning (security-severity 9.1)'],
      ['low', 'warning (security-severity 2)'],
      ['critical', 'warning (security-severity 9.1)'],
      ['low', 'note'],
      ['high', 'note (security-severity 7)'],
      ['critical', 'error (security-severity 9.1)'],
    ])
    expect(findings[3]).toMatchObject({ location: { path: 'a.ts' }, name: 'R1 a.ts', message: 'R1' })
    expect(findings[3]?.location).not.toHaveProperty('line')
    expect(findings[0]).not.toHaveProperty('location')
  })
})
