import { describe, expect, it } from 'vitest'
import { importSarif, plainResult, resultSchema } from './sarif.js'
import { importTrivy, plainVulnerability, vulnerabilitySchema } from './trivy.js'

/**
 * The importers' fast path checks items by hand and uses zod only when one fails. A hand check that
 * accepted what the schema refuses would let a malformed report through unreported, so every variant
 * here must get the same answer from both, and a bad item still gets zod's message naming its field.
 */

/** The value with `path` set to `value` (a copy). */
function withField(base: Record<string, unknown>, path: string[], value: unknown): unknown {
  const copy = structuredClone(base)
  let at: Record<string, unknown> = copy
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>
  at[path.at(-1) as string] = value
  return copy
}

const odd = [undefined, null, 'text', '', 0, 3.5, true, [], {}, ['a'], { x: 1 }]

const sarifResult = {
  ruleId: 'R1',
  ruleIndex: 1,
  rule: { id: 'R1', index: 1, toolComponent: { index: 0 } },
  level: 'error',
  kind: 'fail',
  message: { text: 'a message' },
  locations: [{ physicalLocation: { artifactLocation: { uri: 'a.ts' }, region: { startLine: 3 } } }],
  suppressions: [{ status: 'accepted' }],
  baselineState: 'new',
  properties: { 'security-severity': '7.5' },
}
const sarifPaths = [
  ['ruleId'],
  ['ruleIndex'],
  ['rule'],
  ['rule', 'id'],
  ['rule', 'index'],
  ['rule', 'toolComponent'],
  ['rule', 'toolComponent', 'index'],
  ['level'],
  ['kind'],
  ['message'],
  ['message', 'text'],
  ['locations'],
  ['locations', '0'],
  ['locations', '0', 'physicalLocation'],
  ['locations', '0', 'physicalLocation', 'artifactLocation'],
  ['locations', '0', 'physicalLocation', 'artifactLocation', 'uri'],
  ['locations', '0', 'physicalLocation', 'region'],
  ['locations', '0', 'physicalLocation', 'region', 'startLine'],
  ['suppressions'],
  ['suppressions', '0'],
  ['suppressions', '0', 'status'],
  ['baselineState'],
  ['properties'],
]

const trivyVulnerability = {
  VulnerabilityID: 'CVE-2026-1',
  PkgName: 'openssl',
  PkgIdentifier: { PURL: 'pkg:apk/alpine/openssl@3.0.0' },
  InstalledVersion: '3.0.0',
  FixedVersion: '3.0.1',
  Status: 'fixed',
  Severity: 'HIGH',
  Title: 'a title',
  CVSS: { nvd: { V3Score: 7.5, V2Score: 5 } },
  PublishedDate: '2026-01-01T00:00:00Z',
}
const trivyPaths = [
  ['VulnerabilityID'],
  ['PkgName'],
  ['PkgIdentifier'],
  ['PkgIdentifier', 'PURL'],
  ['InstalledVersion'],
  ['FixedVersion'],
  ['Status'],
  ['Severity'],
  ['Title'],
  ['CVSS'],
  ['CVSS', 'nvd'],
  ['CVSS', 'nvd', 'V3Score'],
  ['CVSS', 'nvd', 'V2Score'],
  ['PublishedDate'],
]

describe('the hand checks of the importers fast path', () => {
  it('accept a whole valid item', () => {
    expect(plainResult(sarifResult)).toBe(true)
    expect(plainVulnerability(trivyVulnerability)).toBe(true)
  })

  it.each([
    ['SARIF result', sarifResult, sarifPaths, plainResult, resultSchema],
    ['Trivy vulnerability', trivyVulnerability, trivyPaths, plainVulnerability, vulnerabilitySchema],
  ] as const)('accept a %s variant only where zod does', (_name, base, paths, check, schema) => {
    let refused = 0
    for (const path of paths) {
      for (const value of [...odd, 'warning']) {
        const variant = withField(base, [...path], value)
        const zodAccepts = schema.safeParse(variant).success
        // Never wider than the schema; narrower only costs the slow path.
        if (check(variant)) expect(zodAccepts, `${path.join('.')} = ${JSON.stringify(value)}`).toBe(true)
        if (!zodAccepts) refused++
      }
    }
    expect(refused).toBeGreaterThan(paths.length)
    expect(check(null)).toBe(false)
    expect(check([])).toBe(false)
  })

  it('still name the bad field through zod when one item is wrong', () => {
    const now = new Date('2026-11-30T00:00:00Z')
    const sarif = {
      version: '2.1.0',
      runs: [{ tool: { driver: { name: 'x' } }, results: [sarifResult, { ...sarifResult, level: 'loud' }] }],
    }
    expect(() => importSarif(sarif, { file: 'code.sarif', now })).toThrow(/runs\[0\]\.results\[1\]\.level/)
    const trivy = {
      SchemaVersion: 2,
      Results: [
        { Target: 't', Vulnerabilities: [trivyVulnerability, { ...trivyVulnerability, PkgName: 7 }] },
      ],
    }
    expect(() => importTrivy(trivy, { file: 'trivy.json', now })).toThrow(
      /Results\[0\]\.Vulnerabilities\[1\]\.PkgName/,
    )
  })

  it('refuse results and vulnerabilities that are not a list, as zod does, and take null or none for none', () => {
    const now = new Date('2026-11-30T00:00:00Z')
    const sarif = (results: unknown) => ({
      version: '2.1.0',
      runs: [{ tool: { driver: { name: 'x' } }, results }],
    })
    const trivy = (Vulnerabilities: unknown) => ({
      SchemaVersion: 2,
      Results: [{ Target: 't', Vulnerabilities }],
    })
    for (const notAList of [{ 0: sarifResult }, 'x', 7]) {
      expect(() => importSarif(sarif(notAList), { file: 'code.sarif', now })).toThrow(/runs\[0\]\.results/)
      expect(() => importTrivy(trivy(notAList), { file: 'trivy.json', now })).toThrow(
        /Results\[0\]\.Vulnerabilities/,
      )
    }
    for (const none of [null, undefined, []]) {
      expect(importSarif(sarif(none), { file: 'code.sarif', now }).map((e) => e.kind)).toEqual([
        'scan.report',
      ])
      expect(importTrivy(trivy(none), { file: 'trivy.json', now }).map((e) => e.kind)).toEqual([
        'scan.report',
      ])
    }
  })
})
