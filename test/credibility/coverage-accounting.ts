import { expect } from 'vitest'
import { loadChecks } from '../../checks/load-checks.js'
import { collectSources, type SourceEntry } from '../../src/collectors/registry.js'
import { assessCoverage } from '../../src/core/coverage.js'
import { evaluateChecks, unreadKinds } from '../../src/core/engine.js'
import { groupEvidence } from '../../src/core/evidence.js'

const checks = await loadChecks()
const runs = checks.map((check) => ({ check, params: check.params.parse({}) as Record<string, unknown> }))

/** The ids of every check and rule, for the suites that name checks. */
export const checkIds = new Set(checks.map((c) => c.id))

/** Collects an estate's sources and runs every check with its defaults, as a first `assess` would. */
export async function assessSources(root: string, sources: readonly unknown[]) {
  const collection = await collectSources(sources as SourceEntry[], {
    root,
    now: new Date('2026-06-30T00:00:00Z'),
    env: {},
  })
  const findings = evaluateChecks(runs, groupEvidence(collection.evidence), unreadKinds(collection.errors))
  return { collection, findings, coverage: assessCoverage(collection.evidence, findings, checks) }
}

type Coverage = ReturnType<typeof assessCoverage>
interface Listed {
  kind: string
  name: string
  file: string
  reason: string
}

/**
 * Holds an estate's coverage to the auditor's completeness question: every resource is assessed or
 * listed as not assessed with its file and reason, and each resource the estate's list says no check
 * examines is among them. Prints the figure the credibility README quotes.
 */
export function expectEveryResourceAccountedFor(
  estate: string,
  coverage: Coverage,
  wanted: readonly Partial<Listed>[],
): void {
  const listed: Listed[] = coverage.byType.flatMap((t) =>
    t.notAssessedResources.map((r) => ({
      kind: t.resourceKind,
      name: r.name,
      file: r.file,
      reason: r.reason,
    })),
  )
  for (const want of wanted)
    expect(listed, `${want.kind} ${want.name}`).toContainEqual(expect.objectContaining(want))
  expect(coverage.assessed + listed.length).toBe(coverage.resources)
  for (const entry of listed) {
    expect(entry.file).not.toBe('')
    expect(entry.reason).not.toBe('')
  }
  console.log(
    `coverage ${estate}: ${coverage.assessed}/${coverage.resources} assessed; not assessed: ${listed.map((l) => `${l.kind} ${l.name}`).join(', ') || 'none'}`,
  )
}
