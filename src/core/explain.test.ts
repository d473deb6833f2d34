import { describe, expect, it } from 'vitest'
import type { Catalog, Control, Criterion } from './catalog.js'
import type { Check } from './check.js'
import { NotFoundError } from './errors.js'
import { explain } from './explain.js'

const criterion = (id: string): Criterion =>
  ({ id, category: 'security', series: 'CC', title: `Criterion ${id}` }) as unknown as Criterion

const catalog = {
  criteria: new Map([
    ['CC6.1', criterion('CC6.1')],
    ['CC6.6', criterion('CC6.6')],
  ]),
  controls: [
    {
      id: 'access.production-access-restricted',
      title: 'Production access is limited',
      satisfies: { soc2: ['CC6.1'] },
      testedBy: [],
    } as unknown as Control,
  ],
} as unknown as Catalog

const check = (id: string): Check =>
  ({ id, title: id, description: '', remediation: '', severity: 'high', reads: [] }) as unknown as Check

const sources = {
  catalog,
  checks: [check('kubernetes/workload-is-not-privileged'), check('kubernetes/workload-runs-as-non-root')],
}

function refusal(id: string): NotFoundError {
  try {
    explain(id, sources)
  } catch (error) {
    if (error instanceof NotFoundError) return error
    throw error
  }
  throw new Error(`explain(${id}) answered`)
}

describe('explain an id that is not one', () => {
  // A new user's first `explain` is often a typo: the refusal names the id probably meant.
  it('offers the nearest check, control or criterion id', () => {
    expect(refusal('kubernetes/workload-is-not-priviliged').message).toBe(
      `'kubernetes/workload-is-not-priviliged' is not a criterion, control or check id (did you mean "kubernetes/workload-is-not-privileged"?)`,
    )
    expect(refusal('access.production-acess-restricted').message).toContain(
      '(did you mean "access.production-access-restricted"?)',
    )
    expect(refusal('CC6.66').message).toContain('(did you mean "CC6.6"?)')
  })

  it('offers nothing when no id is close', () => {
    expect(refusal('nothing-like-any-id-at-all').message).toBe(
      `'nothing-like-any-id-at-all' is not a criterion, control or check id`,
    )
  })
})
