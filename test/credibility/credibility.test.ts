/**
 * The credibility suite: estates written the way real teams write them (Helm output, Terraform plans
 * of several versions, CDK-synthesized CloudFormation, pipelines that build several images), each with
 * the misconfigurations planted in it listed in its `manifest.yaml`. Every check runs with its default
 * parameters, as `trustctl init` leaves them. The suite holds trustctl to three things: no planted
 * problem is ever judged pass (a false pass is the worst defect), the share found (recall) is printed
 * per estate and may not fall, and coverage lists every resource no check examined.
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import yaml from 'js-yaml'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { Finding } from '../../src/core/check.js'
import { assessSources, expectEveryResourceAccountedFor } from './coverage-accounting.js'

const estatesRoot = path.join(import.meta.dirname, 'estates')

const subject = {
  kind: z.string(),
  name: z.string().optional(),
  nameContains: z.string().optional(),
  nameStartsWith: z.string().optional(),
}
const manifestSchema = z.strictObject({
  style: z.string(),
  sources: z.array(z.looseObject({ type: z.string() })),
  planted: z.array(
    z
      .strictObject({ check: z.string().nullable(), ...subject, what: z.string() })
      .refine(
        (p) => [p.name, p.nameContains, p.nameStartsWith].filter((n) => n !== undefined).length === 1,
        'give exactly one of name, nameContains, nameStartsWith',
      ),
  ),
  notAssessed: z.array(z.strictObject({ kind: z.string(), name: z.string() })),
})
type Planted = z.infer<typeof manifestSchema>['planted'][number]

/**
 * The lowest recall each estate has reached: the suite fails if a change finds less. Raise it when
 * a new check finds more; never lower it to make a change pass.
 */
const recallFloor: Record<string, number> = {
  'helm-storefront': 1,
  'terraform-0.15-legacy': 1,
  'terraform-1.5-platform': 1,
  'cdk-analytics': 1,
  'pipelines-payments': 1,
  'terraform-source-multicloud': 1,
}

const names = (planted: Planted, finding: Finding): boolean =>
  finding.subject.kind === planted.kind &&
  (planted.name === undefined || finding.subject.name === planted.name) &&
  (planted.nameContains === undefined || finding.subject.name.includes(planted.nameContains)) &&
  (planted.nameStartsWith === undefined || finding.subject.name.startsWith(planted.nameStartsWith))

async function assessEstate(estate: string) {
  const root = path.join(estatesRoot, estate)
  const manifest = manifestSchema.parse(yaml.load(readFileSync(path.join(root, 'manifest.yaml'), 'utf8')))
  const { collection, findings, coverage } = await assessSources(root, manifest.sources)
  const verdicts = manifest.planted.map((planted) => {
    const statuses =
      planted.check === null
        ? []
        : findings.filter((f) => f.check === planted.check && names(planted, f)).map((f) => f.status)
    return { planted, statuses, found: statuses.includes('fail') }
  })
  return { manifest, collection, findings, coverage, verdicts }
}

const estates = readdirSync(estatesRoot, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort()

describe.each(estates)('credibility estate %s', (estate) => {
  it('reads the estate without errors', async () => {
    const { collection } = await assessEstate(estate)
    expect(collection.errors).toEqual([])
    expect(collection.evidence.length).toBeGreaterThan(3)
  })

  it('judges no planted problem pass, and finds at least its recall floor', async () => {
    const { manifest, verdicts } = await assessEstate(estate)
    const falsePasses = verdicts
      .filter((v) => v.statuses.includes('pass'))
      .map(
        (v) =>
          `${v.planted.check} ${v.planted.kind}/${v.planted.name ?? v.planted.nameContains}: ${v.planted.what}`,
      )
    expect(falsePasses).toEqual([])
    const found = verdicts.filter((v) => v.found).length
    const recall = found / verdicts.length
    const missed = verdicts
      .filter((v) => !v.found)
      .map(
        (v) =>
          `  missed: ${v.planted.what} (${v.planted.check ?? 'no check covers it'}: ${v.statuses.join(', ') || 'no finding'})`,
      )
    console.log(
      `recall ${estate} (${manifest.style}): ${found}/${verdicts.length} = ${(recall * 100).toFixed(0)}%\n${missed.join('\n')}`,
    )
    expect(recall).toBeGreaterThanOrEqual(recallFloor[estate] ?? 1)
  })

  it('lists every resource no check examined in coverage, with its type, file and reason', async () => {
    const { manifest, coverage } = await assessEstate(estate)
    expectEveryResourceAccountedFor(estate, coverage, manifest.notAssessed)
  })
})
