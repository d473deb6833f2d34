import { describe, expect, it } from 'vitest'
import { importSarif } from './sarif.js'

const now = new Date('2026-06-30T00:00:00Z')

function coverage(run: Record<string, unknown>): unknown {
  const items = importSarif(
    { version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, ...run }] },
    {
      file: 'code.sarif',
      now,
    },
  )
  return items.find((item) => item.kind === 'scan.report')
}

describe('a SARIF run covers code only when its analysis finished', () => {
  it('covers code with an empty results array: the tool found nothing', () => {
    expect(coverage({ results: [] })).toMatchObject({ covers: ['code'] })
    expect(coverage({ results: [], invocations: [{ executionSuccessful: true }] })).toMatchObject({
      covers: ['code'],
    })
  })

  it('covers nothing without a results array, null or absent: the tool did not run or could not tell', () => {
    expect(coverage({})).toMatchObject({ covers: [] })
    expect(coverage({ results: null })).toMatchObject({ covers: [] })
  })

  it('covers nothing when an invocation failed', () => {
    expect(coverage({ results: [], invocations: [{ executionSuccessful: false }] })).toMatchObject({
      covers: [],
    })
  })
})
