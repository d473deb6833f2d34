import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import yaml from 'js-yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checksRoot, listCheckFolders } from '../checks/load-checks.js'
import { loadConfig } from '../src/app/load-config.js'
import { collectConfiguredSources } from '../src/app/run-assessment.js'
import { collectSources, type SourceEntry } from '../src/collectors/registry.js'
import { importReport } from '../src/collectors/scanners/scan-report.js'
import { templateEvidence } from '../src/collectors/terraform/read-cloudformation.js'
import type { ValidationIssue } from '../src/core/errors.js'
import { type EvidenceItem, evidenceIssues, evidenceKinds } from '../src/core/evidence.js'
import { canonicalBytes } from '../src/core/ledger.js'
import { copyDemo } from './cli-harness.js'
import { referenceFile } from './reference-data.js'

/**
 * The registry must accept every evidence item trustctl's collectors produce: the demo estate, every
 * check case, and the collectors' own test data. Each item is checked twice: as the collector built it
 * (in memory) and as it travels (canonical JSON, as pushed and stored), where absent fields are gone.
 */

const now = new Date('2026-06-30T00:00:00Z')
const collectors = path.resolve(import.meta.dirname, '..', 'src', 'collectors')
const samples = referenceFile('samples')

/** The issues of every item, with the item's origin, kind and name in front of the path. */
function registryIssues(origin: string, items: readonly EvidenceItem[]): ValidationIssue[] {
  return items.flatMap((item, i) => {
    const where = `${origin}[${i}] ${item.kind} ${item.name}`
    const travelled: unknown = JSON.parse(Buffer.from(canonicalBytes(item)).toString('utf8'))
    return [...evidenceIssues(item, where), ...evidenceIssues(travelled, `${where} (as JSON)`)]
  })
}

/** Evidence of the check cases, read as cases.test.ts reads them. */
async function checkCaseEvidence(): Promise<{ origin: string; evidence: EvidenceItem[] }[]> {
  const out: { origin: string; evidence: EvidenceItem[] }[] = []
  for (const folder of await listCheckFolders()) {
    const casesDir = path.join(checksRoot, folder, 'cases')
    const cases = await readdir(casesDir, { withFileTypes: true }).catch(() => [])
    for (const entry of cases.filter((c) => c.isDirectory())) {
      const caseDir = path.join(casesDir, entry.name)
      const expected = yaml.load(await readFile(path.join(caseDir, 'expected.yaml'), 'utf8')) as {
        sources?: SourceEntry[]
        now?: string
      }
      const sources = expected.sources ?? [{ path: '.', type: 'auto', exclude: ['expected.yaml'] }]
      const collection = await collectSources(sources, {
        root: caseDir,
        now: new Date(expected.now ?? now.toISOString()),
        env: {},
      })
      out.push({ origin: `${folder}/cases/${entry.name}`, evidence: collection.evidence })
    }
  }
  return out
}

describe('the evidence registry accepts everything the collectors produce', () => {
  const demo = copyDemo()
  afterAll(() => demo.cleanup())
  let demoEvidence: EvidenceItem[] = []
  let cases: { origin: string; evidence: EvidenceItem[] }[] = []
  beforeAll(async () => {
    const loaded = await loadConfig(undefined, demo.dir)
    demoEvidence = (await collectConfiguredSources(loaded, {}, new Date('2026-11-28T12:00:00Z'))).evidence
    cases = await checkCaseEvidence()
  }, 240_000)

  it('the demo estate, every item of every kind it has', () => {
    expect(demoEvidence.length).toBeGreaterThan(100)
    // The demo covers most kinds: a kind missing here is covered by the cases and fixtures below.
    expect(new Set(demoEvidence.map((e) => e.kind)).size).toBeGreaterThan(20)
    expect(registryIssues('demo', demoEvidence)).toEqual([])
  })

  it('every check case', () => {
    expect(cases.length).toBeGreaterThan(100)
    expect(cases.flatMap((c) => registryIssues(c.origin, c.evidence))).toEqual([])
  })

  it("the collectors' test data: Kubernetes, Terraform, CloudFormation, GitHub exports, scanner reports", async () => {
    const root = collectors
    const collected = await collectSources(
      [
        { type: 'kubernetes', path: 'kubernetes/testdata' },
        { type: 'terraform-plan', path: 'terraform/testdata/acme-plan.json' },
        { type: 'github-json', path: 'github/testdata/acme', organization: 'acme-analytics' },
      ],
      { root, now, env: {} },
    )
    // The podinfo-style fixture holds a chart and an overlay: each is reported once, as it must be.
    expect(collected.errors.map((e) => e.file)).toEqual([
      'kubernetes/testdata/podinfo/charts/podinfo/Chart.yaml',
      'kubernetes/testdata/podinfo/deploy/webapp/kustomization.yaml',
    ])
    const template = await readFile(path.join(collectors, 'terraform/testdata/reporting-stack.yaml'), 'utf8')
    const cloudFormation = templateEvidence(template, 'stack.yaml')
    const goldenDir = path.join(collectors, 'scanners/testdata/golden')
    const scans: EvidenceItem[] = []
    for (const name of (await readdir(goldenDir)).filter((f) => f.endsWith('.yaml')).sort()) {
      const golden = yaml.load(await readFile(path.join(goldenDir, name), 'utf8')) as {
        sample?: string
        fixture?: string
        target?: string
      }
      const file = golden.sample
        ? path.join(samples, golden.sample)
        : path.join(collectors, 'scanners/testdata', golden.fixture ?? '')
      const options = {
        file: 'report.json',
        now,
        ...(golden.target === undefined ? {} : { target: golden.target }),
      }
      scans.push(...(await importReport(file, options)).evidence)
    }
    const all = [...collected.evidence, ...cloudFormation, ...scans]
    expect(registryIssues('fixtures', all)).toEqual([])
  }, 120_000)

  it('between them, every kind of the registry', () => {
    const seen = new Set(demoEvidence.map((e) => e.kind))
    for (const c of cases) for (const e of c.evidence) seen.add(e.kind)
    expect(evidenceKinds.filter((k) => !seen.has(k))).toEqual([])
  })
})
