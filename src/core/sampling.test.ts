import { describe, expect, it } from 'vitest'
import { drawSample, sampleSize } from './sampling.js'

const population = Array.from({ length: 300 }, (_, i) => `change-${i}`)

describe('Type 2 sampling', () => {
  it('sizes the sample by control frequency, never beyond the population', () => {
    expect(sampleSize('annual', 1)).toBe(1)
    expect(sampleSize('quarterly', 4)).toBe(2)
    expect(sampleSize('weekly', 52, 'higher')).toBe(15)
    expect(sampleSize('daily', 250)).toBe(25)
    expect(sampleSize('per-event', 10)).toBe(10)
    expect(sampleSize('per-event', 5000, 'higher')).toBe(60)
  })

  it('draws the same sample for the same seed whatever the population order, another for another seed', () => {
    const a = drawSample(population, (m) => m, 25, 7)
    const b = drawSample([...population].reverse(), (m) => m, 25, 7)
    const c = drawSample(population, (m) => m, 25, 8)
    expect(a).toEqual(b)
    expect(new Set(a).size).toBe(25)
    expect(c).not.toEqual(a)
    expect(a.every((m) => population.includes(m))).toBe(true)
  })
})
