import { describe, expect, it } from 'vitest'
import { findSyntaxError, parseJson } from './parse-json.js'

describe('findSyntaxError', () => {
  it.each([
    ['{"a": [1, 2,]}', 12],
    ['{"a" 1}', 5],
    ['[1, 2', 5],
    ['{"a": "unterminated', 19],
    ['{"a": tru}', 6],
    ['{"a": 1} x', 9],
  ])('%s breaks at %i', (text, offset) => {
    expect(findSyntaxError(text)).toBe(offset)
  })

  it('finds no error in valid JSON (the offset is the end)', () => {
    const text = '[{"a": {"b": [null, false, -1.5e3, "\\u00e9", "c\\"d"]}}, {}]'
    expect(findSyntaxError(text)).toBe(text.length)
  })
})

describe('parseJson', () => {
  it('names the file, line and column, and says when the file ends early', () => {
    expect(() => parseJson('{\n  "a": [1,\n', 'r.json')).toThrow(
      /^r\.json: not valid JSON at line 3, column 1 \(the file ends early: truncated\?\)/,
    )
    expect(() => parseJson('{\n  "a": 1,,\n}', 'r.json')).toThrow(
      /^r\.json: not valid JSON at line 2, column 10:/,
    )
  })
})
