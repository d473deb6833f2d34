import { describe, expect, it } from 'vitest'
import { CatalogError } from '../errors.js'
import { fillTemplate, packageProse, packageTemplateKeys, parsePackageTemplate } from './templates.js'

const coverBody = (extra = '') => `Notes before the first key are for people editing the file.

## subtitle
{{organization}}: the
{{#type2}}design and operation{{/type2}}{{^type2}}design{{/type2}}

## status
DRAFT

## auditor-to-be-engaged
to be engaged
${extra}`

describe('parsePackageTemplate', () => {
  it('reads each ## key as paragraphs, joining the wrapped lines of each', () => {
    const parsed = parsePackageTemplate('cover', coverBody(), 'cover.md')
    expect(parsed.get('cover.subtitle')).toEqual([
      '{{organization}}: the {{#type2}}design and operation{{/type2}}{{^type2}}design{{/type2}}',
    ])
    expect([...parsed.keys()]).toEqual(packageTemplateKeys.cover.map((k) => `cover.${k}`))
  })

  it('names a missing key, an unknown key and an empty one', () => {
    const body = coverBody('\n## typo\ntext\n\n## status\n').replace(
      '## auditor-to-be-engaged\nto be engaged',
      '',
    )
    const problem = (() => {
      try {
        parsePackageTemplate('cover', body, 'catalog/package/cover.md')
      } catch (error) {
        return error
      }
      return undefined
    })()
    expect(problem).toBeInstanceOf(CatalogError)
    expect(String(problem)).toMatch(/cover\.md: missing ## auditor-to-be-engaged/)
    expect(String(problem)).toMatch(/## typo: not a key of the cover template/)
    expect(String(problem)).toMatch(/## status: defined twice/)
  })
})

describe('fillTemplate', () => {
  it('fills names and keeps a {{#flag}} section only when it is set, {{^flag}} only when not', () => {
    const template = 'We{{#type2}} operated{{/type2}}{{^type2}} designed{{/type2}} {{system}} ({{count}})'
    expect(fillTemplate(template, { type2: true, system: 'Acme', count: 3 }, 'x')).toBe(
      'We operated Acme (3)',
    )
    expect(fillTemplate(template, { type2: false, system: 'Acme', count: 0 }, 'x')).toBe(
      'We designed Acme (0)',
    )
  })

  it('refuses to leave a placeholder unfilled or to guess a flag', () => {
    expect(() => fillTemplate('{{sytem}}', { system: 'Acme' }, 'assertion.md')).toThrow(
      /assertion\.md: no value for \{\{sytem\}\}/,
    )
    expect(() => fillTemplate('{{#type2}}x{{/type2}}', { type2: 'yes' }, 'x')).toThrow(CatalogError)
  })
})

describe('packageProse', () => {
  it('fills a key with the shared values and the ones given, which win', () => {
    const templates = parsePackageTemplate('cover', coverBody(), 'cover.md')
    const t = packageProse(templates, { organization: 'Acme', type2: false })
    expect(t.say('cover.subtitle')).toBe('Acme: the design')
    expect(t.say('cover.subtitle', { organization: 'Beta', type2: true })).toBe(
      'Beta: the design and operation',
    )
  })
})
