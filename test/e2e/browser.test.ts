import { describe, expect, it } from 'vitest'
import { browserUnavailable } from './browser.js'

describe('browserUnavailable', () => {
  const missing = '/nonexistent/chromium'

  it('lets a laptop without Chromium skip, saying what to install', () => {
    expect(browserUnavailable({}, missing)).toMatch(
      /\/nonexistent\/chromium is missing: install Debian's chromium/,
    )
  })

  it('fails in CI when Chromium is missing', () => {
    expect(() => browserUnavailable({ CI: '1' }, missing)).toThrow(/is missing/)
  })

  it('says nothing when the browser is there', () => {
    expect(browserUnavailable({ CI: '1' }, process.execPath)).toBeUndefined()
  })
})
