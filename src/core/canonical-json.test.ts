import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { canonicalBytesOf, canonicalJson, contentHash } from './canonical-json.js'
import { canonicalBytes } from './ledger.js'

// The chunked writer must give exactly the bytes the ledger has always hashed, or every stored run
// would read as altered and every cached parse as changed.

const samples: unknown[] = [
  null,
  0,
  -1.5e-7,
  'plain',
  'ünïcödé ✓ 🎉 "quoted" \\ \n\t\u0000',
  [],
  {},
  [1, 'two', null, undefined, () => 3, { b: 1, a: 2 }],
  { z: 1, a: { y: [3, { d: undefined, c: Number.NaN }], x: Number.POSITIVE_INFINITY }, m: undefined },
  { date: new Date('2026-06-12T10:00:00Z'), nested: { toJSON: () => ({ b: 2, a: 1 }) } },
  { gone: { toJSON: () => undefined }, kept: true },
  { é: 1, e: 2, E: 3, '10': 4, '9': 5, '': 6 },
  // Digit-led keys that are not array indices sort as names, not numbers.
  { '01': 1, '4294967295': 2, '4294967294': 3, '1e3': 4, '-1': 5, '2': 6, b: 7 },
  // The same key spelled in objects of different shapes, and a key that needs escaping.
  [
    { 'a"b': 1, z: { 'a"b': 2 } },
    { z: 3, 'a"b': 4, y: 5 },
  ],
]

describe('canonicalBytesOf', () => {
  it.each(samples.map((s, i) => [i, s] as const))('writes sample %i as canonicalJson does', (_, value) => {
    expect(canonicalBytesOf(value).toString('utf8')).toBe(canonicalJson(value))
  })

  it.each(samples.map((s, i) => [i, s] as const))(
    'canonicalBytes of sample %i is canonicalJson too',
    (_, value) => {
      expect(canonicalBytes(value).toString('utf8')).toBe(canonicalJson(value))
      expect(contentHash(value)).toBe(createHash('sha256').update(canonicalJson(value)).digest('hex'))
    },
  )

  it('gives the same bytes for a value larger than one chunk, with multi-byte text at the cuts', () => {
    const findings = Array.from({ length: 30_000 }, (_, i) => ({
      status: i % 3 === 0 ? 'fail' : 'pass',
      subject: { name: `svc-${i}`, kind: 'Deployment', namespace: `team-${i % 7}` },
      message: `container ✓ ${'x'.repeat(i % 50)} runs as non-root`,
    }))
    const bytes = canonicalBytesOf({ findings })
    expect(bytes.length).toBeGreaterThan(2 << 20)
    expect(bytes.equals(Buffer.from(canonicalJson({ findings }), 'utf8'))).toBe(true)
  })

  it('splices bytes made earlier for a value, and the splice shows in the output', () => {
    const findings = [{ b: 1, a: 'x' }]
    const made = canonicalBytesOf(findings)
    const model = { title: 't', findings, after: [findings[0]] }
    expect(canonicalBytesOf(model, new Map([[findings, made]])).toString()).toBe(canonicalJson(model))
    // A splice that differs from the value is written as given: the writer does not re-serialize.
    const other = canonicalBytesOf(model, new Map([[findings, Buffer.from('[]')]])).toString()
    expect(other).toBe('{"after":[{"a":"x","b":1}],"findings":[],"title":"t"}')
  })
})

describe('canonicalJson', () => {
  // The serialization every stored blob was hashed with: each object rebuilt from its sorted entries.
  const rebuilt = (value: unknown): string =>
    JSON.stringify(value, (_key, v: unknown) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return v
      return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    })
  const inOrder = [
    { a: 1, b: { c: [1, { d: 2, e: 3 }], f: 'g' } },
    { '1': 'x', '2': 'y', a: 1 },
    { '10': 1, '9': 2 },
    { A: 1, a: 2, é: 3 },
  ]

  it.each([...samples, ...inOrder].map((s, i) => [i, s] as const))(
    'writes sample %i exactly as rebuilding every object from sorted entries does',
    (_, value) => {
      expect(canonicalJson(value)).toBe(rebuilt(value))
    },
  )

  it('writes keys in order however the object was built', () => {
    expect(canonicalJson({ b: 1, a: { d: 1, c: 2 } })).toBe('{"a":{"c":2,"d":1},"b":1}')
    expect(canonicalJson({ a: { c: 2, d: 1 }, b: 1 })).toBe('{"a":{"c":2,"d":1},"b":1}')
  })
})
