import { describe, expect, it } from 'vitest'
import { cleanText, prune } from './normalise.js'

describe('cleanText', () => {
  it.each([
    ['one line with single spaces', 'one line with single spaces'],
    ['  padded  ', 'padded'],
    ['two  spaces and\ta tab', 'two spaces and a tab'],
    ['lines\r\njoined\n\non one', 'lines joined on one'],
    ['no\u00a0break space', 'no break space'],
  ])('puts %j on one line with single spaces', (text, expected) => {
    expect(cleanText(text)).toBe(expected)
  })

  it('masks a credential and bounds the length', () => {
    expect(cleanText('login with DB_PASSWORD=hunter2hunter2 then')).toBe(
      'login with DB_PASSWORD=[REDACTED] then',
    )
    expect(cleanText('x'.repeat(400), 10)).toBe(`${'x'.repeat(9)}…`)
    expect(cleanText(undefined)).toBeUndefined()
    expect(cleanText(null)).toBeUndefined()
  })
})

describe('prune', () => {
  it('keeps every defined key in order and drops the undefined ones', () => {
    const pruned = prune({ a: 1, b: undefined, c: null, d: '', e: false })
    expect(pruned).toEqual({ a: 1, c: null, d: '', e: false })
    expect(Object.keys(pruned)).toEqual(['a', 'c', 'd', 'e'])
    expect('b' in pruned).toBe(false)
  })
})
