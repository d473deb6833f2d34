import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseDocument } from 'yaml'
import { quickConfigValue } from './config-yaml.js'
import { renderInitConfig } from './init-template.js'

/** What trustctl.yaml meant before the quick read: the `yaml` package's document as plain values. */
const documentValue = (text: string): unknown => parseDocument(text).toJS({ maxAliasCount: 1000 })

const root = path.resolve(import.meta.dirname, '..', '..')

describe('the quick read of trustctl.yaml', () => {
  it('reads every scalar as the yaml package does (YAML 1.2 core, not 1.1)', () => {
    const text = `
nulls: [~, null, Null, NULL, '', "null"]
empty:
bools: [true, True, TRUE, false, False, FALSE, yes, no, on, off, y, n]
ints: [0, -0, +12, 012, 0o17, 0x1F, 0o8, 0b101, 1_000, 99999999999999999999]
floats: [1.5, -.5, +1., 1e3, 1.5E-2, .inf, -.Inf, +.INF, .nan, .NaN, 1.2.3, 1e, '1.5']
dates: [2026-12-06, 2026-12-06T10:00:00Z, 12:30:00]
strings: [P3M, "quoted: yes", 'single ''q''', plain text here, reports/**, '**/x']
block: |
  line one
  line two
folded: >-
  one
  two
nested: { a: [1, { b: c }], "k y": v }
anchored: &s scalar text # a comment with ! and *stars and &amps
again: *s
1: numeric key
true: bool key
`
    const quick = quickConfigValue(text)
    expect(quick).not.toBeUndefined()
    expect(quick).toEqual(documentValue(text))
    // Not trivially equal: the cases js-yaml's own schema reads differently are present.
    expect((quick as { dates: unknown[] }).dates[0]).toBe('2026-12-06')
    expect((quick as { ints: unknown[] }).ints).toContain('1_000')
    expect((quick as { bools: unknown[] }).bools).toContain('yes')
  })

  it('reads the file init writes and the example as the yaml package does', () => {
    const files = [
      readFileSync(path.join(root, 'examples', 'acme-saas', 'trustctl.yaml'), 'utf8'),
      renderInitConfig({
        organization: 'Bench Co',
        systemName: 'Shop',
        description: 'Orders & payments: the "shop" API',
        categories: ['security', 'availability'],
        asOf: '2026-12-06',
        sources: [{ path: 'deploy', found: 'Kubernetes manifests' }, { path: 'Dockerfile' }],
        toRender: [{ file: 'charts/api/Chart.yaml', hint: 'helm template charts/api' }],
        secrets: true,
        secretsHistory: false,
        gitHistory: true,
        providers: [{ name: 'GitHub', model: 'saas', services: ['repositories', 'actions'] }],
        owners: { security: 'Jane Doe' },
        allowedRegistries: ['ghcr.io/example'],
        package: {
          services: ['Hosted shop'],
          commitments: ['99.9% uptime'],
          management: { name: 'J D', title: 'CEO' },
        },
        ledgerKey: 'a'.repeat(64),
      }),
    ]
    for (const text of files) {
      const quick = quickConfigValue(text)
      expect(quick).not.toBeUndefined()
      expect(quick).toEqual(documentValue(text))
    }
  })

  it('leaves to the yaml package what it reads differently or refuses with a message', () => {
    const left = [
      'a: &x [1, 2]\nb: *x\n', // aliases: the yaml package limits their expansion
      'a: &x { k: v }\nb: [*x, *x]\n',
      '%YAML 1.1\n---\na: yes\n', // a directive changes the schema
      'a: !!binary aGk=\n', // tags
      'a: 1\na: 2\n', // a duplicate key: the yaml package's error names its line
      '~: x\n', // a null key: "" there, "null" in js-yaml
      'a: [1, 2\n', // a syntax error
      '---\na: 1\n---\nb: 2\n', // two documents
      '__proto__: { a: 1 }\n',
    ]
    for (const text of left)
      expect({ text, quick: quickConfigValue(text) }).toEqual({ text, quick: undefined })
  })
})
