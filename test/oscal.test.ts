import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Ajv, type ValidateFunction } from 'ajv'
import formats from 'ajv-formats'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/app/load-config.js'
import { collectAndAssess, loadLibrary } from '../src/app/run-assessment.js'
import { buildPackage } from '../src/core/package/build-package.js'
import type { PackageModel } from '../src/core/package/model.js'
import {
  type OscalVersion,
  renderOscalAssessmentResults,
  renderOscalPoam,
  renderOscalSsp,
  uuidFor,
} from '../src/reports/oscal/render-oscal.js'
import { renderSarif, sarifLocation } from '../src/reports/sarif/render-sarif.js'
import { copyDemo } from './cli-harness.js'
import { referenceData } from './reference-data.js'

const shared = referenceData

/** Compiles an official schema. OSCAL's are draft-07 with Unicode property escapes (Ajv's `u` flag). */
function validator(file: string): ValidateFunction {
  const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
  // SARIF's schema is draft-04, which names its id `id`; the rest of it reads the same in draft-07.
  if (typeof schema.id === 'string') {
    schema.$id = schema.id
    delete schema.id
  }
  delete schema.$schema
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: true })
  // ajv-formats is CommonJS: under NodeNext its default import is the module object.
  formats.default(ajv)
  return ajv.compile(schema)
}

function errors(validate: ValidateFunction): string {
  return JSON.stringify(validate.errors?.slice(0, 5), null, 1)
}

/** The same package as made by a trustctl whose package.json names a home page. */
function withInformationUri(pkg: PackageModel, informationUri: string): PackageModel {
  return { ...pkg, assessment: { ...pkg.assessment, tool: { ...pkg.assessment.tool, informationUri } } }
}

describe('OSCAL and SARIF outputs of the package', () => {
  const demo = copyDemo()
  let pkg: PackageModel
  beforeAll(async () => {
    const loaded = await loadConfig(undefined, demo.dir)
    const library = await loadLibrary()
    const { model, collection } = await collectAndAssess(
      loaded,
      library,
      process.env,
      new Date('2026-11-28T12:00:00Z'),
    )
    pkg = buildPackage({
      model,
      config: loaded.config,
      evidence: collection.evidence,
      engagement: { type: 1, asOf: loaded.config.scope.asOf },
      catalog: library.catalog,
    })
  }, 120_000)
  afterAll(() => demo.cleanup())

  const documents: [string, string, (p: PackageModel, v: OscalVersion) => string][] = [
    ['ssp', 'system-security-plan', renderOscalSsp],
    ['assessment-results', 'assessment-results', renderOscalAssessmentResults],
    ['poam', 'plan-of-action-and-milestones', renderOscalPoam],
  ]
  for (const version of ['1.2.1', '1.1.3'] as const)
    for (const [schema, root, render] of documents)
      it(`writes a ${root} valid against the official OSCAL ${version} schema`, () => {
        const validate = validator(path.join(shared, 'oscal', version, `oscal_${schema}_schema.json`))
        const document = JSON.parse(render(pkg, version)) as Record<string, Record<string, unknown>>
        expect(validate(document), errors(validate)).toBe(true)
        expect(document[root]?.metadata).toMatchObject({ 'oscal-version': version })
        // The validator is not vacuous: the same document without its uuid is rejected.
        delete document[root]?.uuid
        expect(validate(document)).toBe(false)
      })

  it('ties the SSP, findings, risks and POA&M items to the criteria and gaps', () => {
    const ssp = JSON.parse(renderOscalSsp(pkg, '1.2.1'))['system-security-plan']
    const ids = ssp['control-implementation']['implemented-requirements'].map(
      (r: { 'control-id': string }) => r['control-id'],
    )
    expect(ids).toEqual(pkg.assessment.criteria.map((c) => c.id.toLowerCase()))
    const components = ssp['system-implementation'].components.map((c: { title: string }) => c.title)
    for (const provider of pkg.subserviceOrganizations) expect(components).toContain(provider.name)
    const result = JSON.parse(renderOscalAssessmentResults(pkg, '1.2.1'))['assessment-results'].results[0]
    const notSatisfied = result.findings.filter(
      (f: { target: { status: { state: string } } }) => f.target.status.state === 'not-satisfied',
    )
    expect(notSatisfied.length).toBeGreaterThan(0)
    const riskIds = new Set(result.risks.map((r: { uuid: string }) => r.uuid))
    for (const f of result.findings)
      for (const r of f['related-risks'] ?? []) expect(riskIds.has(r['risk-uuid'])).toBe(true)
    const poam = JSON.parse(renderOscalPoam(pkg, '1.2.1'))['plan-of-action-and-milestones']
    expect(poam['poam-items']).toHaveLength(pkg.gaps.length)
  })

  it('gives the same UUIDs on every run (name-based, version 5)', () => {
    expect(renderOscalSsp(pkg)).toBe(renderOscalSsp(pkg))
    expect(uuidFor('a', 'b')).toBe(uuidFor('a', 'b'))
    expect(uuidFor('a', 'b')).not.toBe(uuidFor('a', 'c'))
    expect(uuidFor('x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  it('writes SARIF 2.1.0 valid against the official schema, a result per failing subject', () => {
    const validate = validator(path.join(shared, 'schemas', 'sarif-schema-2.1.0.json'))
    const sarif = JSON.parse(renderSarif(pkg))
    expect(validate(sarif), errors(validate)).toBe(true)
    const failing = pkg.assessment.findings.filter((f) => f.status === 'fail').length
    const results = sarif.runs[0].results as { suppressions?: unknown[] }[]
    expect(results.filter((r) => r.suppressions === undefined)).toHaveLength(failing)
    sarif.runs[0].results[0].level = 'fatal'
    expect(validate(sarif)).toBe(false)
  })

  // The two rules of Microsoft's SARIF Multitool the SARIF used to break, asserted directly.
  it('gives every result a region where it names a file (SARIF2017)', () => {
    const sarif = JSON.parse(renderSarif(pkg))
    const run = sarif.runs[0]
    const results = run.results as { locations: Record<string, { region?: { startLine: number } }>[] }[]
    expect(results.length).toBeGreaterThan(0)
    for (const result of results) {
      expect(result.locations).toHaveLength(1)
      const [location] = result.locations
      if (location?.physicalLocation !== undefined)
        expect(location.physicalLocation.region?.startLine).toBeGreaterThanOrEqual(1)
      else expect(location?.logicalLocations).toBeDefined()
    }
  })

  // SARIF2005: the tool's informationUri comes from package.json (homepage/repository), never a guess.
  it('names the tool an informationUri only when the assessment carries a real one', () => {
    const bare = JSON.parse(renderSarif(pkg)).runs[0].tool.driver
    expect(pkg.assessment.tool.informationUri).toBeUndefined()
    expect(bare).not.toHaveProperty('informationUri')
    const withHome = withInformationUri(pkg, 'https://example.org/trustctl')
    const named = JSON.parse(renderSarif(withHome))
    expect(named.runs[0].tool.driver.informationUri).toBe('https://example.org/trustctl')
    const validate = validator(path.join(shared, 'schemas', 'sarif-schema-2.1.0.json'))
    expect(validate(named), errors(validate)).toBe(true)
  })

  it('puts a finding without a line on line 1 of its file, and one without a file on a logical location only', () => {
    expect(sarifLocation('deploy/api.yaml', undefined, 'prod/api')).toEqual({
      physicalLocation: { artifactLocation: { uri: 'deploy/api.yaml' }, region: { startLine: 1 } },
      logicalLocations: [{ name: 'prod/api', kind: 'resource' }],
    })
    expect(sarifLocation('deploy/api.yaml', 12, 'prod/api')).toMatchObject({
      physicalLocation: { region: { startLine: 12 } },
    })
    expect(sarifLocation('', undefined, 'arn:aws:s3:::logs')).toEqual({
      logicalLocations: [{ name: 'arn:aws:s3:::logs', kind: 'resource' }],
    })
  })

  // Microsoft's SARIF Multitool (a devDependency; a self-contained .NET program for this platform) is a
  // real SARIF consumer. TRUSTCTL_SARIF_MULTITOOL may point at another copy. Where its platform package
  // is not installed the test is skipped, except in CI, where it must run.
  const bundled = path.resolve(import.meta.dirname, '..', 'node_modules', '.bin', 'sarif-multitool')
  const multitool =
    process.env.TRUSTCTL_SARIF_MULTITOOL ??
    (existsSync(bundled) || process.env.CI !== undefined ? bundled : undefined)
  function multitoolProblems(model: PackageModel): string[] {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-sarif-'))
    try {
      const input = path.join(dir, 'results.sarif')
      const output = path.join(dir, 'validation.sarif')
      writeFileSync(input, renderSarif(model))
      execFileSync(multitool ?? '', ['validate', input, '--output', output], { stdio: 'pipe' })
      const log = JSON.parse(readFileSync(output, 'utf8')) as {
        runs: { results?: { ruleId: string; level?: string; message: { text?: string } }[] }[]
      }
      return log.runs
        .flatMap((r) => r.results ?? [])
        .filter((r) => (r.level ?? 'warning') === 'error' || (r.level ?? 'warning') === 'warning')
        .map((r) => `${r.ruleId}: ${r.message.text ?? ''}`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  it.skipIf(multitool === undefined)('is clean under the SARIF Multitool: no error or warning', () => {
    expect(multitoolProblems(withInformationUri(pkg, 'https://example.org/trustctl'))).toEqual([])
  })
  // Without a home page in package.json the field is left out (SARIF allows it); the Multitool then
  // says exactly that and nothing else, so setting `homepage` is all a release needs.
  it.skipIf(multitool === undefined)(
    'without a home page, the Multitool notes only the missing informationUri',
    () => {
      const problems = multitoolProblems(pkg)
      expect(problems.map((p) => p.split(':')[0])).toEqual(['SARIF2005'])
    },
  )
})
