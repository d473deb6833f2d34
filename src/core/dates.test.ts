import { describe, expect, it } from 'vitest'
import { addDays, addDuration, describeDuration } from './dates.js'

describe('addDuration', () => {
  it.each([
    ['2026-01-31', 'P1M', '2026-02-28'],
    ['2024-01-31', 'P1M', '2024-02-29'],
    ['2026-11-30', 'P3M', '2027-02-28'],
    ['2025-10-14', 'P1Y', '2026-10-14'],
    ['2024-02-29', 'P1Y', '2025-02-28'],
    ['2026-12-25', 'P2W', '2027-01-08'],
    ['2026-03-01', 'P1Y2M10D', '2027-05-11'],
  ])('%s + %s = %s', (date, duration, expected) => {
    expect(addDuration(date, duration)).toBe(expected)
  })

  it('adds days across a year end and refuses what is not a duration', () => {
    expect(addDays('2026-12-20', 14)).toBe('2027-01-03')
    expect(() => addDuration('2026-01-01', '3 months')).toThrow(RangeError)
  })
})

describe('describeDuration', () => {
  it.each([
    ['P1M', 'monthly'],
    ['P3M', 'quarterly'],
    ['P1Y', 'yearly'],
    ['P2W', 'every 2 weeks'],
    ['P1Y6M', 'every 1 year 6 months'],
  ])('%s is %s', (duration, words) => {
    expect(describeDuration(duration)).toBe(words)
  })
})
