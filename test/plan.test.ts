import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AssessmentModel, Gap } from '../src/core/assessment.js'
import { projectReadiness, type RemediationPlan, rankGaps } from '../src/core/plan.js'
import { trustctl } from './cli-harness.js'
import { deployment, smallEstate } from './small-estate.js'

let estate: Awaited<ReturnType<typeof smallEstate>>
beforeAll(async () => {
  estate = await smallEstate('plan')
})
afterAll(() => estate.cleanup())

const gapsJson = async (...flags: string[]): Promise<Gap[]> => {
  const run = await trustctl(estate.dir, 'gaps', '--format', 'json', ...flags)
  expect(run.stderr).toBe('')
  return JSON.parse(run.stdout) as Gap[]
}

describe('start here', () => {
  it('ends the assess summary with the gaps that unblock the most, grouped by owner', async () => {
    const run = await trustctl(estate.dir, 'assess')
    const [, startHere] = run.stdout.split('Start here')
    expect(startHere).toBeDefined()
    // Owner lines at two spaces, gaps under them at four, each with its criteria and gain.
    expect(startHere).toMatch(/\n {2}\S+\n {4}\[(CRITICAL|HIGH|MEDIUM|LOW)\] /)
    expect(startHere).toMatch(/readiness \+\d+/)
    expect(startHere?.match(/^ {4}\[/gm)?.length).toBeLessThanOrEqual(5)
  })
})

describe('gaps: grouped and filtered', () => {
  it('filters by owner, criterion and severity, keeping the JSON shape', async () => {
    const all = await gapsJson()
    expect(all.length).toBeGreaterThan(10)
    const engineering = await gapsJson('--owner', 'Engineering')
    expect(engineering.length).toBeGreaterThan(0)
    expect(engineering.length).toBeLessThan(all.length)
    for (const g of engineering) expect([g.owner, g.ownerRole]).toContain('engineering')
    const cc63 = await gapsJson('--criterion', 'cc6.3')
    expect(cc63.length).toBeGreaterThan(0)
    for (const g of cc63) expect(g.criteria).toContain('CC6.3')
    expect(cc63.map((g) => g.id)).toContain('failing-test:kubernetes/workload-runs-as-non-root')
    const both = await gapsJson('--owner', 'engineering', '--criterion', 'CC6.3', '--severity', 'high')
    expect(both.every((g) => g.criteria.includes('CC6.3') && g.ownerRole === 'engineering')).toBe(true)
    expect(both.every((g) => g.severity === 'high' || g.severity === 'critical')).toBe(true)
    expect(Object.keys(all[0] ?? {})).toEqual(expect.arrayContaining(['id', 'severity', 'criteria', 'owner']))
    // A mistyped filter is a usage error naming the value meant, never an empty "No gaps." list.
    const typo = await trustctl(estate.dir, 'gaps', '--owner', 'enginering', '--criterion', 'CC6.33')
    expect(typo.code).toBe(2)
    expect(typo.stderr).toContain(
      `--owner: 'enginering' is no owner role, configured owner or gap owner (did you mean "engineering"?)`,
    )
    expect(typo.stderr).toContain(`--criterion: 'CC6.33' is not a criterion id (did you mean "CC6.3"?)`)
  })

  it('keeps the n gaps that bring the most with --top', async () => {
    const top = await gapsJson('--top', '3')
    expect(top).toHaveLength(3)
    expect((await trustctl(estate.dir, 'gaps', '--top', 'zero')).code).toBe(2)
  })

  it('groups the text by owner, then by criterion', async () => {
    const text = (await trustctl(estate.dir, 'gaps', '--owner', 'engineering')).stdout
    expect(text).toMatch(/^engineering \(\d+ gaps?\)\n {2}CC\d\.\d+\n {4}\[/)
    expect(text).not.toMatch(/^security \(/m)
  })
})

describe('trustctl plan', () => {
  it('orders every gap into cycles with readiness rising, or lists it as not reflected in readiness', async () => {
    const run = await trustctl(estate.dir, 'plan', '--format', 'json', '--per-cycle', '4')
    const plan = JSON.parse(run.stdout) as RemediationPlan
    const all = await gapsJson()
    expect(plan.cycles.length).toBeGreaterThan(1)
    let previous = plan.readiness
    for (const cycle of plan.cycles) {
      expect(cycle.gaps.length).toBeLessThanOrEqual(4)
      expect(cycle.readiness).toBeGreaterThanOrEqual(previous)
      previous = cycle.readiness
    }
    expect(plan.cycles[0]?.readiness).toBeGreaterThan(plan.readiness)
    const planned = [
      ...plan.cycles.flatMap((c) => c.gaps.map((r) => r.gap.id)),
      ...plan.unprojected.map((g) => g.id),
    ]
    expect(planned.sort()).toEqual(all.map((g) => g.id).sort())
    expect(plan.later).toEqual([])
    const text = (await trustctl(estate.dir, 'plan', '--cycles', '2')).stdout
    expect(text).toMatch(/^Now: \d+% ready/)
    expect(text).toMatch(/Cycle 2: \d+ gaps → \d+% ready/)
    expect(text).not.toContain('Cycle 3:')
    // Gaps past the limit are later work, not work the projection says changes nothing.
    expect(text).toMatch(/Later cycles: \d+ more gaps/)
    expect(text).not.toContain('Not reflected in readiness')
  })

  it('ranks each gap by what projecting it alone on top of the closed ones gives', async () => {
    const model = JSON.parse(
      (await trustctl(estate.dir, 'assess', '--format', 'json')).stdout,
    ) as AssessmentModel
    const applicable = Math.max(1, model.criteria.filter((c) => c.status !== 'not-applicable').length)
    // From nothing closed, and from a third of the gaps closed (as plan's later cycles rank).
    for (const closed of [[], model.gaps.filter((_, i) => i % 3 === 0)]) {
      const base = projectReadiness(model, closed)
      const ranked = rankGaps(model, model.gaps, closed)
      expect(ranked).toHaveLength(model.gaps.length)
      for (const r of ranked) {
        const after = projectReadiness(model, [...closed, r.gap])
        expect({ id: r.gap.id, gain: r.gain, unblocks: r.unblocks }).toEqual({
          id: r.gap.id,
          gain: (after.points - base.points) / applicable,
          unblocks: after.criteriaReady - base.criteriaReady,
        })
      }
      // The comparison covers gaps that move readiness, not only ones that change nothing.
      expect(ranked.filter((r) => r.gain > 0).length).toBeGreaterThan(2)
    }
  })

  it('projects exactly the readiness that fixing the gaps produces', async () => {
    const before = JSON.parse(
      (await trustctl(estate.dir, 'assess', '--format', 'json')).stdout,
    ) as AssessmentModel
    const ids = [
      'failing-test:kubernetes/workload-runs-as-non-root',
      'failing-test:kubernetes/namespace-has-default-deny-network-policy',
    ]
    const gaps = before.gaps.filter((g) => ids.includes(g.id))
    expect(gaps).toHaveLength(2)
    // Ranking re-rolls only what each gap touches: it must rank as projecting the whole model does.
    for (const closed of [[], gaps.slice(0, 1)]) {
      const base = projectReadiness(before, closed)
      const applicable = before.criteria.filter((c) => c.status !== 'not-applicable').length
      const whole = new Map(
        before.gaps.map((gap) => {
          const after = projectReadiness(before, [...closed, gap])
          return [
            gap.id,
            [(after.points - base.points) / applicable, after.criteriaReady - base.criteriaReady],
          ]
        }),
      )
      const ranked = rankGaps(before, before.gaps, closed)
      expect(ranked).toHaveLength(before.gaps.length)
      for (const r of ranked) expect([r.gain, r.unblocks]).toEqual(whole.get(r.gap.id))
      expect(ranked.some((r) => r.gain > 0)).toBe(true)
    }
    const projected = projectReadiness(before, gaps)
    const points = (m: AssessmentModel): number =>
      m.criteria.reduce((sum, c) => sum + (c.status === 'not-applicable' ? 0 : c.readiness), 0)
    expect(projectReadiness(before, []).readiness).toBe(before.summary.readiness)
    expect(projectReadiness(before, []).points).toBe(points(before))
    // Closing them moves some criteria: the test is not comparing two unchanged figures.
    expect(projected.points).toBeGreaterThan(points(before))
    // Fix both for real and assess again: the projection must be what the evaluation grants.
    writeFileSync(path.join(estate.dir, 'deploy', 'api.yaml'), deployment('api', true))
    writeFileSync(
      path.join(estate.dir, 'deploy', 'default-deny.yaml'),
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: default-deny, namespace: prod }\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n',
    )
    const after = JSON.parse(
      (await trustctl(estate.dir, 'assess', '--format', 'json')).stdout,
    ) as AssessmentModel
    for (const id of ids) expect(after.gaps.map((g) => g.id)).not.toContain(id)
    expect(projected.points).toBe(points(after))
    expect(projected.readiness).toBe(after.summary.readiness)
    expect(projected.criteriaReady).toBe(after.criteria.filter((c) => c.status === 'ready').length)
  })
})
