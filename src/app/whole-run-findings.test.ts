import { describe, expect, it } from 'vitest'
import type { AssessmentModel } from '../core/assessment.js'
import { canonicalBytesOf } from '../core/canonical-json.js'
import { findingsView, unmadeFindings } from '../core/findings-columns.js'
import { findingsPartBytes } from '../core/findings-part.js'
import { jsonChunks } from '../reports/json/stream-json.js'
import { type ReusableRun, repeatedModel } from './whole-run.js'

type ModelFinding = AssessmentModel['findings'][number]

const findings: ModelFinding[] = Array.from({ length: 25 }, (_, i) => ({
  check: i < 12 ? 'kubernetes/workload-runs-as-non-root' : 'kubernetes/network-policy',
  severity: i < 12 ? 'high' : 'medium',
  status: i % 4 === 0 ? 'fail' : 'pass',
  subject: { kind: 'Deployment', name: `svc-${i}`, namespace: 'shop', file: `deploy/svc-${i}.yaml`, line: 1 },
  message: `finding ${i} é`,
  controls: ['workload.non-root'],
  criteria: ['CC6.1'],
}))

/** An earlier run to repeat, its findings in parts of 10, 10 and 5 (a part's bytes as recorded). */
function reusable(counts = [10, 10, 5]): ReusableRun {
  const model = {
    asOf: '2026-11-30',
    configHash: 'old',
    generatedAt: '2026-11-30T00:00:00.000Z',
    inputs: [],
    schemaVersion: 1,
    summary: { findingsByStatus: { fail: 7, pass: 18 } },
  }
  const parts = counts.map((count, i) => ({ id: `findings:${i}`, contentHash: `h${i}`, count }))
  const findingsParts = { count: 25, parts }
  const content = { ...model, findingsParts }
  // The parts as recorded: 10, 10 and 5 findings, whatever the model says of them.
  const findingsBytes = [0, 10, 20].map((start) => findingsPartBytes(findings.slice(start, start + 10)))
  return {
    runId: 1,
    checks: 2,
    model: model as unknown as ReusableRun['model'],
    content,
    modelBytes: canonicalBytesOf(content),
    findingsParts,
    findingsBytes,
    findingsList: undefined,
    evidence: [],
  }
}

/** Whether the findings are still read from their parts: reading `model.findings` makes them a list. */
const unmade = (model: object): boolean => unmadeFindings(model) !== undefined

describe('the findings of a repeated run', () => {
  it('are read from the stored parts a part at a time, by the JSON result too, never all made', () => {
    const { shown } = repeatedModel(reusable(), '2026-12-01T00:00:00.000Z', 'new')
    expect(unmade(shown)).toBe(true)
    const view = findingsView(shown)
    expect(view.length).toBe(25)
    // Across the parts' edges, and from the end as a list's slice reads it.
    expect(view.slice(8, 23)).toEqual(findings.slice(8, 23))
    expect(view.slice(-3, 25)).toEqual(findings.slice(-3))
    const text = [...jsonChunks(shown, 7)].join('')
    expect(unmade(shown)).toBe(true)
    // Read whole, they are the findings of the parts, in the model's key order.
    expect(shown.findings).toEqual(findings)
    expect(unmade(shown)).toBe(false)
    expect(text).toBe(`${JSON.stringify(shown, null, 2)}\n`)
    expect(Object.keys(shown)).toEqual([...Object.keys(shown)].sort())
  })

  it('fail when a part does not hold the findings the signed model lists for it', () => {
    const { shown } = repeatedModel(reusable([10, 9, 6]), '2026-12-01T00:00:00.000Z', 'new')
    expect(findingsView(shown).slice(0, 10)).toEqual(findings.slice(0, 10))
    expect(() => findingsView(shown).slice(10, 20)).toThrow(/findings:1 does not hold the 9 findings/)
    expect(() => shown.findings).toThrow(/does not hold/)
  })
})
