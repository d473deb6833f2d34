import { describe, expect, it } from 'vitest'
import { commonSampleOf, frequencyOfCycle } from './defaults.js'

describe('the frequency word of a manual review cycle', () => {
  // The package prints "(<word>, every <cycle>)": the word must not claim a review runs more often
  // than its cycle says, as "quarterly, every 6 months" did for the catalog's twenty P6M items.
  it('names each cycle the catalog uses by what it is', () => {
    expect(['P1M', 'P3M', 'P6M', 'P1Y', 'P12M'].map(frequencyOfCycle)).toEqual([
      'monthly',
      'quarterly',
      'semi-annual',
      'annual',
      'annual',
    ])
  })

  it('rounds a cycle between two words to the more frequent one', () => {
    expect(['P2M', 'P4M', 'P9M', 'P2W', 'P3D'].map(frequencyOfCycle)).toEqual([
      'monthly',
      'quarterly',
      'semi-annual',
      'weekly',
      'daily',
    ])
  })

  it('gives the sample commonly drawn for each word', () => {
    expect(commonSampleOf('annual')).toBe('1 time')
    expect(commonSampleOf('semi-annual')).toBe('1 to 2 times')
    expect(commonSampleOf('quarterly')).toBe('2 times')
    expect(commonSampleOf('monthly')).toBe('2 to 5 times')
    expect(commonSampleOf('per-event')).toBe('25 to 60 times')
  })
})
