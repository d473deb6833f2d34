import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import yaml from 'js-yaml'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { referenceFile } from '../../../test/reference-data.js'
import { canonicalJson } from '../../core/canonical-json.js'
import type { ScanEvidence } from './importer.js'
import { importReport } from './scan-report.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const samples = referenceFile('samples')
const now = new Date('2026-06-30T00:00:00Z')

// Golden expectations are written by reading each report, not by recording the importer's output.
const golden = z.object({
  sample: z.string().optional(),
  fixture: z.string().optional(),
  target: z.string().optional(),
  reports: z.array(z.record(z.string(), z.unknown())),
  kinds: z.record(z.string(), z.number()),
  severities: z.record(z.string(), z.number()).optional(),
  fixAvailable: z.record(z.string(), z.number()).optional(),
  statuses: z.record(z.string(), z.number()).optional(),
  levels: z.record(z.string(), z.number()).optional(),
  findings: z.array(z.record(z.string(), z.unknown())),
})

const goldenDir = path.join(here, 'testdata', 'golden')
const cases = (await readdir(goldenDir)).filter((f) => f.endsWith('.yaml')).sort()

function tally(
  items: readonly ScanEvidence[],
  key: (item: ScanEvidence) => string | undefined,
): Record<string, number> {
  const out: Record<string, number> = {}
  for (const item of items) {
    const k = key(item)
    if (k !== undefined) out[k] = (out[k] ?? 0) + 1
  }
  return out
}

/** Every credential value the raw report holds, which must not reach the evidence in clear. */
function secretsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) secretsIn(v, out)
  else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      if (['Secret', 'Raw', 'RawV2'].includes(key) && typeof v === 'string' && v.length >= 8) out.push(v)
      else if (key === 'Match' && typeof v === 'string' && !v.includes('****')) out.push(v)
      else secretsIn(v, out)
    }
  }
  return out
}

describe.each(cases)('golden %s', (name) => {
  it('imports as the report says', async () => {
    const expected = golden.parse(yaml.load(await readFile(path.join(goldenDir, name), 'utf8')))
    const file = expected.sample
      ? path.join(samples, expected.sample)
      : path.join(here, 'testdata', expected.fixture ?? '')
    const { evidence } = await importReport(file, { file: 'report.json', now, target: expected.target })
    const reports = evidence.filter((e) => e.kind === 'scan.report')
    expect(reports).toMatchObject(expected.reports)
    expect(tally(evidence, (e) => e.kind)).toEqual(expected.kinds)
    const findings = evidence.filter((e) => e.kind !== 'scan.report' && e.kind !== 'scan.component')
    if (expected.severities)
      expect(tally(findings, (e) => ('severity' in e ? e.severity : undefined))).toEqual(expected.severities)
    if (expected.fixAvailable)
      expect(
        tally(evidence, (e) =>
          e.kind === 'scan.vulnerability' ? String(e.fixAvailable ?? 'unknown') : undefined,
        ),
      ).toEqual(expected.fixAvailable)
    if (expected.statuses)
      expect(tally(evidence, (e) => (e.kind === 'scan.misconfiguration' ? e.status : undefined))).toEqual(
        expected.statuses,
      )
    if (expected.levels)
      expect(tally(evidence, (e) => (e.kind === 'scan.code-finding' ? e.level : undefined))).toEqual(
        expected.levels,
      )
    for (const want of expected.findings) {
      const match = evidence.find((e) =>
        Object.entries(want).every(([k, v]) =>
          k !== 'name' && k !== 'ruleId' ? true : (e as unknown as Record<string, unknown>)[k] === v,
        ),
      )
      expect(match, JSON.stringify(want)).toBeDefined()
      expect(match).toMatchObject(want)
    }
    const raw = await readFile(file, 'utf8')
    const parsed = file.endsWith('.ndjson')
      ? raw
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l))
      : JSON.parse(raw)
    const stored = JSON.stringify(evidence)
    for (const secret of secretsIn(parsed)) expect(stored).not.toContain(secret)
    for (const item of evidence) expect(item.file).toBe('report.json')
    // Trivy's and SARIF's findings are built in canonical key order, so hashing shares them uncopied.
    if (/^(trivy|sarif)-/.test(name))
      for (const item of findings) expect(JSON.stringify(item)).toBe(canonicalJson(item))
  })
})
