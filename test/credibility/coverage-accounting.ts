import { expect } from 'vitest'
import type { assessCoverage } from '../../src/core/coverage.js'

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
