import type { Control } from './catalog.js'
import { sha256 } from './ledger.js'

/**
 * Sample sizes for testing a control over a Type 2 period, by how often the control operates. These
 * follow common audit practice (no standard mandates a number): the `typical` size for a control of
 * ordinary risk, `upper` when the risk is higher or a deviation was already seen. Auditors decide;
 * these are where the conversation starts.
 */
export const sampleSizes: Record<
  Control['frequency'],
  { occurrencesPerYear: string; typical: number; upper: number }
> = {
  annual: { occurrencesPerYear: '1', typical: 1, upper: 1 },
  quarterly: { occurrencesPerYear: '4', typical: 2, upper: 2 },
  monthly: { occurrencesPerYear: '12', typical: 2, upper: 5 },
  weekly: { occurrencesPerYear: '52', typical: 5, upper: 15 },
  daily: { occurrencesPerYear: 'about 250', typical: 25, upper: 40 },
  // Many times a day or on every event (each pull request, each deploy, each hire).
  'per-event': { occurrencesPerYear: 'more than 250', typical: 25, upper: 60 },
  // An automated control is usually tested once per configuration, relying on change management
  // over the period; a sample like an event-driven control's is drawn when that reliance is not taken.
  continuous: { occurrencesPerYear: 'more than 250', typical: 25, upper: 60 },
}

export type SampleRisk = 'normal' | 'higher'

/** How many items to draw: never more than the population holds. */
export function sampleSize(
  frequency: Control['frequency'],
  population: number,
  risk: SampleRisk = 'normal',
): number {
  const row = sampleSizes[frequency]
  return Math.min(population, risk === 'higher' ? row.upper : row.typical)
}

/**
 * Draws `size` members reproducibly: the same population (in any order) and seed always give the
 * same sample. Members are ranked by SHA-256 of seed and member id, so anyone can redo the draw.
 */
export function drawSample<T>(
  population: readonly T[],
  idOf: (member: T) => string,
  size: number,
  seed: number,
): T[] {
  return population
    .map((member) => ({ member, rank: sha256(`${seed}:${idOf(member)}`) }))
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0))
    .slice(0, Math.max(0, size))
    .map((r) => r.member)
}
