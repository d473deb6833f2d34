import { describe, expect, it } from 'vitest'
import { jsonDepth, maxJsonDepth } from './json-depth.js'

const nested = (levels: number): unknown => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`)

describe('jsonDepth', () => {
  it('measures nesting of objects and arrays', () => {
    expect(jsonDepth(3)).toBe(0)
    expect(jsonDepth([])).toBe(1)
    expect(jsonDepth({ a: [{ b: 1 }], c: 'x' })).toBe(3)
  })

  it('measures a 10,000-deep value without overflowing and stops past the limit', () => {
    expect(jsonDepth(nested(10_000))).toBe(maxJsonDepth + 1)
    expect(jsonDepth(nested(10_000), 20_000)).toBe(10_000)
  })
})
