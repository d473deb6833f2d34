import { describe, expect, it } from 'vitest'
import { escapeHtml, escapeXml } from './escape-markup.js'

describe('escapeXml', () => {
  it('escapes the five XML specials and drops characters XML 1.0 forbids', () => {
    expect(escapeXml(`a<b>&"c's\u0007`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;s')
    expect(escapeXml(42)).toBe('42')
  })
})

describe('escapeHtml', () => {
  it('escapes the HTML specials, the apostrophe as a numeric reference', () => {
    expect(escapeHtml(`<a href="x">Tom's & co</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom&#39;s &amp; co&lt;/a&gt;',
    )
  })
})
