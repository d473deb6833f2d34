/**
 * Recall on a CloudFormation estate in a style this team did not choose: `unseen/cfngoat/template.yaml`
 * rewrites bridgecrewio/cfngoat, the deliberately vulnerable stack Checkov is demonstrated on, with
 * our own names and values but its resource types, intrinsic functions, planted misconfigurations and
 * correct settings (see SOURCE.md). `expected.yaml` lists each problem planted (resource, the concept
 * as Checkov names it, and the trustctl check that judges it); the test holds trustctl to ≥ 90% of
 * them found and none judged pass, and to coverage that accounts for every resource of the template.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import yaml from 'js-yaml'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { loadChecks } from '../../checks/load-checks.js'
import { collectSources } from '../../src/collectors/registry.js'
import { parseTemplate } from '../../src/collectors/terraform/read-cloudformation.js'
import { assessCoverage } from '../../src/core/coverage.js'
import { evaluateChecks, unreadKinds } from '../../src/core/engine.js'
import { groupEvidence } from '../../src/core/evidence.js'

const expectedSchema = z.strictObject({
  template: z.string(),
  planted: z.array(
    z.strictObject({
      resource: z.string(),
      concept: z.string(),
      /** The trustctl check or rule that judges it; null when none does (counted as missed). */
      check: z.string().nullable(),
    }),
  ),
})

const folder = path.join(import.meta.dirname, 'unseen', 'cfngoat')
const expected = expectedSchema.parse(yaml.load(readFileSync(path.join(folder, 'expected.yaml'), 'utf8')))
// The committed rewrite by default, so the suite always runs; CFNGOAT_TEMPLATE points at another
// template with the same logical ids (a local copy of upstream renamed to match, say).
const template = process.env.CFNGOAT_TEMPLATE ?? path.join(folder, expected.template)

describe('unseen CloudFormation estate: cfngoat style', async () => {
  const checks = await loadChecks()
  const runs = checks.map((check) => ({ check, params: check.params.parse({}) as Record<string, unknown> }))
  const collection = await collectSources(
    [
      { type: 'cloudformation', path: path.basename(template) },
      // As a repository holding the template is scanned: cfngoat plants keys in user data and Lambda variables.
      { type: 'secrets', path: '.' },
    ],
    {
      root: path.dirname(template),
      now: new Date('2026-06-30T00:00:00Z'),
      env: {},
    },
  )
  const findings = evaluateChecks(runs, groupEvidence(collection.evidence), unreadKinds(collection.errors))
  const verdicts = expected.planted.map((p) => {
    const statuses = findings
      .filter(
        (f) =>
          f.check === p.check &&
          (f.subject.name === p.resource ||
            f.subject.name.startsWith(`${p.resource}/`) ||
            f.subject.name.startsWith(`${p.resource}:`)),
      )
      .map((f) => f.status)
    return { ...p, statuses, found: statuses.includes('fail') }
  })

  it('reads the template without errors', () => {
    expect(collection.errors).toEqual([])
  })

  it('judges no planted problem pass', () => {
    const falsePasses = verdicts.filter((v) => v.statuses.includes('pass'))
    expect(falsePasses.map((v) => `${v.resource}: ${v.concept} (${v.check})`)).toEqual([])
  })

  it('finds at least 90% of the planted problems', () => {
    const found = verdicts.filter((v) => v.found).length
    const missed = verdicts.filter((v) => !v.found)
    console.log(
      `recall cfngoat: ${found}/${verdicts.length} = ${Math.round((100 * found) / verdicts.length)}%` +
        (missed.length === 0
          ? ''
          : `\n  missed: ${missed.map((m) => `${m.resource} ${m.concept} (${m.check ?? 'no check'}: ${m.statuses.join(',') || 'no finding'})`).join('\n          ')}`),
    )
    expect(found / verdicts.length).toBeGreaterThanOrEqual(0.9)
  })

  it('accounts for every resource of the template in coverage, with a reason for what it did not examine', () => {
    const coverage = assessCoverage(collection.evidence, findings, checks)
    const resources = Object.keys(parseTemplate(readFileSync(template, 'utf8')).Resources as object)
    const listed = new Set(collection.evidence.filter((e) => e.kind === 'iac.resource').map((e) => e.name))
    expect(resources.filter((r) => !listed.has(r))).toEqual([])
    for (const group of coverage.byType)
      for (const r of group.notAssessedResources)
        expect(r.reason, `${group.resourceKind} ${r.name}`).not.toBe('')
    const notAssessed = coverage.byType.flatMap((g) =>
      g.notAssessedResources.map((r) => `${g.resourceKind} ${r.name}`),
    )
    console.log(
      `coverage cfngoat: ${coverage.assessed}/${coverage.resources} assessed; not assessed: ${notAssessed.join(', ')}`,
    )
  })
})
