import { describe, expect, it } from 'vitest'
import type { AssessmentModel, ControlResult, CriterionResult, Gap } from './assessment.js'
import type { FindingStatus } from './check.js'
import type { Config } from './config.js'
import {
  configuredOwners,
  indexModel,
  planRemediation,
  projectReadiness,
  rankGaps,
  readinessProjector,
  startHere,
  unknownGapFilterValues,
} from './plan.js'

const control = (
  id: string,
  criteria: string[],
  status: ControlResult['status'],
  tests: [string, FindingStatus][],
): ControlResult =>
  ({
    id,
    criteria,
    status,
    tests: tests.map(([check, testStatus]) => ({ check, status: testStatus })),
    manualEvidence: [],
  }) as unknown as ControlResult

const criterion = (id: string, controls: string[], status: CriterionResult['status'], readiness: number) =>
  ({ id, category: 'security', series: 'CC', title: id, status, readiness, controls }) as CriterionResult

const gap = (id: string): Gap =>
  ({ id, severity: 'medium', criteria: ['CC1'], owner: 'o', ownerRole: 'o' }) as unknown as Gap

/**
 * CC1 has A (no evidence) and B (partial); CC2 has C (pass); CC3 has only D (no evidence). Closing
 * A's test and justifying A change the same control to different statuses (pass, not applicable),
 * which must not share a projection; justifying D takes CC3 out of the applicable criteria, which
 * moves readiness but no points. E's two tests without evidence make it pass only together: with
 * one closed, the other one's projection must start from the closed one.
 */
const model = {
  controls: [
    control('A', ['CC1'], 'no-evidence', [['x/one', 'no-evidence']]),
    control('B', ['CC1'], 'partial', [
      ['x/two', 'pass'],
      ['x/four', 'no-evidence'],
    ]),
    control('C', ['CC2'], 'pass', [['x/three', 'pass']]),
    control('D', ['CC3'], 'no-evidence', [['x/five', 'no-evidence']]),
    control('E', ['CC4'], 'no-evidence', [
      ['x/six', 'no-evidence'],
      ['x/seven', 'no-evidence'],
    ]),
  ],
  criteria: [
    criterion('CC1', ['A', 'B'], 'partial', 25),
    criterion('CC2', ['C'], 'ready', 100),
    criterion('CC3', ['D'], 'not-ready', 0),
    criterion('CC4', ['E'], 'not-ready', 0),
  ],
  gaps: [
    gap('test-without-evidence:x/one'),
    gap('not-applicable-without-justification:A'),
    gap('test-without-evidence:x/four'),
    gap('not-applicable-without-justification:D'),
    gap('test-without-evidence:x/five'),
    gap('test-without-evidence:x/six'),
    gap('test-without-evidence:x/seven'),
    gap('policy-not-approved:access'),
  ],
} as unknown as AssessmentModel

describe('readinessProjector', () => {
  it('projects each gap as projecting the whole model with it closed does', () => {
    const closedSets = [[], [model.gaps[2]], [model.gaps[0], model.gaps[4]], [model.gaps[5]]] as Gap[][]
    for (const closed of closedSets) {
      const projected = readinessProjector(model, closed)
      expect(projected()).toEqual(projectReadiness(model, closed))
      // Twice over: the second pass answers from what the first one kept.
      for (const _ of [1, 2])
        for (const one of model.gaps)
          expect(projected(one)).toEqual(projectReadiness(model, [...closed, one]))
    }
  })

  it('answers the same from one index shared across closed sets, as a plan shares it', () => {
    const shared = indexModel(model)
    const closedSets = [
      [model.gaps[5]],
      [],
      [model.gaps[0], model.gaps[1]],
      [model.gaps[3], model.gaps[6]],
    ] as Gap[][]
    for (const closed of closedSets) {
      const projected = readinessProjector(model, closed, shared)
      expect(projected()).toEqual(projectReadiness(model, closed))
      for (const one of model.gaps) expect(projected(one)).toEqual(projectReadiness(model, [...closed, one]))
    }
  })

  it('gives each plan cycle the readiness of projecting everything closed so far afresh', () => {
    for (const perCycle of [1, 2, 3]) {
      const plan = planRemediation(model, { perCycle })
      const closed: Gap[] = []
      expect(plan.cycles.length).toBeGreaterThan(1)
      for (const cycle of plan.cycles) {
        closed.push(...cycle.gaps.map((r) => r.gap))
        const fresh = projectReadiness(model, closed)
        expect([cycle.readiness, cycle.criteriaReady]).toEqual([fresh.readiness, fresh.criteriaReady])
      }
    }
  })

  it('tells apart gaps that change one control to different statuses', () => {
    const projected = readinessProjector(model, [])
    expect(projected(model.gaps[0]).points).toBe(75 + 100 + 0)
    expect(projected(model.gaps[1]).points).toBe(50 + 100 + 0)
    const ranked = rankGaps(model, model.gaps)
    expect(ranked[0]?.gap.id).toBe('test-without-evidence:x/five')
  })
})

describe('start here', () => {
  it("puts a critical gap first, though closing it unblocks less than the ranking's top", () => {
    const critical = { ...gap('failing-test:x/one'), severity: 'critical', owner: 'engineering' } as Gap
    const withCritical = { ...model, gaps: [...model.gaps, critical] } as AssessmentModel
    expect(rankGaps(withCritical, withCritical.gaps)[0]?.gap.id).not.toBe(critical.id)
    const groups = startHere(withCritical, 3)
    expect(groups[0]?.owner).toBe('engineering')
    expect(groups.flatMap((g) => g.gaps.map((r) => r.gap.id))).toEqual([
      critical.id,
      ...rankGaps(model, model.gaps)
        .slice(0, 2)
        .map((r) => r.gap.id),
    ])
  })
})

describe('gap filter values that name nothing', () => {
  const known = {
    owners: ['platform', 'security', 'Tomás Ortega <tomas@example.com>'],
    criteria: ['CC6.1', 'CC6.6', 'CC7.2'],
  }

  // A typo matched no gap and printed "No gaps.", an all-clear the estate does not have.
  it('refuses a mistyped owner or criterion, naming the one probably meant', () => {
    expect(unknownGapFilterValues({ owner: 'platfrom', criterion: 'CC6.66' }, known)).toEqual([
      `--owner: 'platfrom' is no owner role, configured owner or gap owner (did you mean "platform"?)`,
      `--criterion: 'CC6.66' is not a criterion id (did you mean "CC6.6"?)`,
    ])
  })

  it('accepts known names in any case, whether or not a gap has them', () => {
    expect(
      unknownGapFilterValues({ owner: 'TOMÁS ORTEGA <tomas@example.com>', criterion: 'cc7.2' }, known),
    ).toEqual([])
    expect(unknownGapFilterValues({ minimum: 'high' }, known)).toEqual([])
  })

  it("knows every owner trustctl.yaml names, a control's, a vendor's or a risk's with no gap today", () => {
    const owners = configuredOwners({
      owners: { security: 'Ana <ana@example.com>' },
      controls: { 'access.reviews-performed': { owner: 'alice' } },
      vendors: [{ name: 'Acme Mail', owner: 'bob' } as Config['vendors'][number]],
      risks: [{ owner: 'carol' } as Config['risks'][number]],
    })
    for (const owner of ['security', 'Ana <ana@example.com>', 'alice', 'bob', 'carol'])
      expect(unknownGapFilterValues({ owner }, { owners, criteria: [] })).toEqual([])
    expect(unknownGapFilterValues({ owner: 'alic' }, { owners, criteria: [] })).toEqual([
      `--owner: 'alic' is no owner role, configured owner or gap owner (did you mean "alice"?)`,
    ])
  })
})
