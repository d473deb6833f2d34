import { describe, expect, it } from 'vitest'
import { closestNames, didYouMean, editDistance } from './did-you-mean.js'

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3)
    expect(editDistance('', 'abc')).toBe(3)
    expect(editDistance('owners', 'owners')).toBe(0)
    expect(editDistance('ownres', 'owners')).toBe(2)
  })
})

describe('closestNames', () => {
  const keys = ['organization', 'owners', 'scope', 'sources', 'system', 'store']
  it('offers the nearest names, closest first', () => {
    expect(closestNames('sorces', keys)).toEqual(['sources'])
    expect(closestNames('stoe', keys)).toEqual(['store'])
    expect(closestNames('sxore', ['score', 'store'])).toEqual(['score', 'store'])
    expect(closestNames('organisation', keys)).toEqual(['organization'])
  })
  it('offers nothing for a name far from every known one', () => {
    expect(closestNames('retention', keys)).toEqual([])
    expect(didYouMean('retention', keys)).toBe('')
  })
  it('finds an id typed without its folder', () => {
    expect(closestNames('workload-is-not-privileged', ['kubernetes/workload-is-not-privileged'])).toEqual([
      'kubernetes/workload-is-not-privileged',
    ])
  })
  it('phrases the suggestion', () => {
    expect(didYouMean('ownres', keys)).toBe(' (did you mean "owners"?)')
  })
})
