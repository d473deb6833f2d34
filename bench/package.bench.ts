// `npm run bench`: the whole SOC 2 package (PDF, HTML, Markdown, OSCAL, SARIF, JUnit, XLSX, CSV)
// for a synthetic assessment of 120 controls and 100,000 findings. Target: under 10 s, peak RSS
// under 1 GB. Each part is also timed alone, the PDF first among them.
import os from 'node:os'
import { catalogRoot } from '../src/catalog/load-catalog.js'
import { loadPackageTemplates } from '../src/catalog/load-package-templates.js'
import type { AssessmentModel, ControlResult, CriterionResult, Gap } from '../src/core/assessment.js'
import type { Finding, FindingStatus, Severity } from '../src/core/check.js'
import { parseConfig } from '../src/core/config.js'
import { buildPackage } from '../src/core/package/build-package.js'
import { packageManifest, packageParts, renderPackageFiles } from '../src/reports/package/package-files.js'
import { timeMedian } from './median.js'

const runs = Number(process.env.BENCH_RUNS ?? 3)
const controlCount = Number(process.env.BENCH_CONTROLS ?? 120)
const findingCount = Number(process.env.BENCH_FINDINGS ?? 100_000)

const median = (label: string, fn: () => Promise<unknown> | unknown): Promise<number> =>
  timeMedian(label, runs, fn)

/** An assessment shaped like a large real one: 3 checks per control, 1 in 20 findings failing. */
function syntheticModel(): AssessmentModel {
  const series = ['CC1', 'CC2', 'CC3', 'CC4', 'CC5', 'CC6', 'CC7', 'CC8', 'CC9', 'A1', 'C1']
  const criteria: CriterionResult[] = series.flatMap((s) =>
    [1, 2, 3].map((n) => ({
      id: `${s}.${n}`,
      category: s.startsWith('A')
        ? ('availability' as const)
        : s.startsWith('C1')
          ? ('confidentiality' as const)
          : ('security' as const),
      series: s,
      title: `Criterion ${s}.${n}: what the organization must achieve`,
      status: 'partial' as const,
      readiness: 50,
      controls: [],
    })),
  )
  const checks: AssessmentModel['checks'] = []
  const controls: ControlResult[] = []
  for (let i = 0; i < controlCount; i++) {
    const tests = [0, 1, 2].map((t) => {
      const id = `bench/check-${i}-${t}`
      checks.push({
        id,
        title: `Configuration rule ${i}.${t} holds`,
        severity: 'high',
        description: 'What the rule inspects and why.',
        remediation: 'How to fix it. Then re-run.',
      })
      return {
        check: id,
        title: `Configuration rule ${i}.${t} holds`,
        status: 'fail' as FindingStatus,
        population: 0,
        exceptions: 0,
        conclusion: 'Exceptions noted',
      }
    })
    const criteriaOf = [criteria[i % criteria.length], criteria[(i * 7 + 3) % criteria.length]].filter(
      (c): c is CriterionResult => c !== undefined,
    )
    for (const c of criteriaOf) c.controls.push(`family${i % 12}.control-${i}`)
    controls.push({
      id: `family${i % 12}.control-${i}`,
      title: `Control ${i} keeps the system within its commitments`,
      statement:
        'The control statement as management wrote it, long enough to wrap onto two lines in the document.',
      analogy: {
        traditional: 'A traditional control an auditor knows well.',
        cloudNative: 'How the cloud-native practice meets it.',
      },
      auditorQuestions: [
        { question: 'How do you know it works?', answer: 'The automated test runs on every change.' },
        { question: 'Who reviews the exceptions?', answer: 'The control owner, weekly.' },
      ],
      family: `family${i % 12}`,
      type: 'preventive',
      ownerRole: 'platform',
      owner: 'Platform Lead <platform@example.com>',
      status: i % 3 === 0 ? 'pass' : 'fail',
      criteria: criteriaOf.map((c) => c.id),
      tests,
      manualEvidence: [
        {
          id: `review-${i}`,
          title: 'Quarterly review of the control by its owner',
          every: 'P3M',
          status: 'current',
          lastDate: '2026-10-01',
          dueDate: '2027-01-01',
          by: 'Owner',
          reference: `GRC-${i}`,
        },
      ],
    })
  }
  const findings: AssessmentModel['findings'] = []
  const severities: Severity[] = ['critical', 'high', 'medium', 'low']
  for (let i = 0; i < findingCount; i++) {
    const control = controls[i % controls.length] as ControlResult
    const test = control.tests[i % 3] as ControlResult['tests'][number]
    const status: FindingStatus = i % 20 === 0 ? 'fail' : 'pass'
    test.population++
    if (status === 'fail') test.exceptions++
    const finding: Finding = {
      check: test.check,
      status,
      severity: severities[i % 4] as Severity,
      subject: {
        kind: 'Deployment',
        name: `workload-${i}`,
        namespace: `team-${i % 50}`,
        file: `deploy/team-${i % 50}/manifests-${i % 400}.yaml`,
        line: (i % 300) + 1,
      },
      message: status === 'fail' ? 'the rule does not hold: a container may run as root' : 'the rule holds',
    }
    findings.push({ ...finding, controls: [control.id], criteria: control.criteria })
  }
  const gaps: Gap[] = controls
    .filter((c) => c.status === 'fail')
    .map((c) => ({
      id: `failing-test:${c.id}`,
      type: 'failing-test',
      severity: 'high',
      title: `Not met: ${c.title}`,
      criteria: c.criteria,
      controls: [c.id],
      ownerRole: 'platform',
      owner: c.owner,
      dueDate: '2026-12-31',
      remediation: 'Fix the configuration. Then re-run the assessment.',
    }))
  const zero = { pass: 0, fail: 0, partial: 0, 'no-evidence': 0, error: 0, 'not-applicable': 0 }
  return {
    schemaVersion: 1,
    tool: { name: 'trustctl', version: 'bench' },
    generatedAt: '2026-11-30T12:00:00.000Z',
    configHash: '0'.repeat(64),
    organization: 'Bench Corp',
    system: { name: 'Bench Platform', description: 'A synthetic system for the package benchmark.' },
    asOf: '2026-11-30',
    scope: {
      categories: ['security', 'availability', 'confidentiality'],
      criteria: criteria.map((c) => c.id),
      notApplicable: [],
    },
    checks,
    findings,
    controls,
    criteria,
    gaps,
    exceptions: [],
    errors: [],
    inputs: Array.from({ length: 400 }, (_, i) => ({
      file: `deploy/team-${i % 50}/manifests-${i}.yaml`,
      collector: 'kubernetes',
      sha256: i.toString(16).padStart(64, 'a'),
      bytes: 1000,
      items: 250,
    })),
    summary: {
      criteria: criteria.length,
      controls: controls.length,
      controlsByStatus: {
        ...zero,
        pass: controls.filter((c) => c.status === 'pass').length,
        fail: controls.filter((c) => c.status === 'fail').length,
      },
      controlsPassingByTest: 0,
      tests: { passed: 0, failed: 0, noEvidence: 0, errors: 0, notApplicable: 0 },
      findingsByStatus: {
        pass: findingCount - Math.ceil(findingCount / 20),
        fail: Math.ceil(findingCount / 20),
        'not-applicable': 0,
        'no-evidence': 0,
        error: 0,
      },
      gaps: gaps.length,
      gapsBySeverity: { critical: 0, high: gaps.length, medium: 0, low: 0, info: 0 },
      readiness: 33,
      inputErrors: 0,
    },
  }
}

const model = syntheticModel()
// Parsed like trustctl.yaml, so the settings stay valid whatever defaults the schema grows.
const settings = parseConfig(
  {
    version: 1,
    organization: 'Bench Corp',
    system: { name: 'Bench Platform' },
    scope: { categories: ['security', 'availability', 'confidentiality'], asOf: '2026-11-30' },
    owners: { platform: 'Platform Lead' },
    providers: [{ name: 'Cloud Provider', model: 'iaas', services: ['Compute', 'Database'] }],
  },
  'bench',
)
console.log(
  `trustctl package bench: ${controlCount} controls, ${findingCount} findings, node ${process.version}, ${os.cpus().length} cores`,
)
let peakRss = process.memoryUsage().rss
const sample = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
}, 20)
const templates = await loadPackageTemplates(catalogRoot())
const build = () =>
  buildPackage({
    model,
    config: settings,
    templates,
    evidence: [],
    engagement: { type: 1, asOf: '2026-11-30' },
  })
await median('build the package model', build)
const pkg = build()
for (const part of packageParts) await median(`render ${part.name}`, () => part.render(pkg))
let pages = 0
const full = await median('full package (model + every format + manifest)', async () => {
  const files = await renderPackageFiles(build())
  packageManifest(pkg, files)
  const pdf = files.find((f) => f.path.endsWith('.pdf'))
  pages = (pdf?.content.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length
})
clearInterval(sample)
peakRss = Math.max(peakRss, process.memoryUsage().rss)
console.log(`  PDF pages: ${pages}`)
console.log(
  `  peak RSS ${(peakRss / 1e6).toFixed(0)} MB (target < 1000 MB); full package ${(full / 1000).toFixed(1)} s (target < 10 s)`,
)
