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

// The writer before it took native JSON.stringify's fast path, kept here as the oracle the new one
// must match byte for byte: every stored hash was made with it.
const oracleByKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
function oracleIsIndex(key: string): boolean {
  const c = key.charCodeAt(0)
  return c >= 48 && c <= 57 && /^(?:0|[1-9]\d*)$/.test(key) && Number(key) < 4294967295
}
function oracleKeyOrder(value: object): string[] {
  const keys = Object.keys(value)
  if (!keys.some(oracleIsIndex)) return keys.sort(oracleByKey)
  const indices = keys.filter(oracleIsIndex)
  const names = keys.filter((k) => !oracleIsIndex(k))
  return [...indices.sort((a, b) => Number(a) - Number(b)), ...names.sort(oracleByKey)]
}
function oracleBytesOf(value: unknown, embed?: ReadonlyMap<unknown, Buffer>): Buffer {
  const chunks: Buffer[] = []
  let text = ''
  const flush = (): void => {
    if (text.length === 0) return
    chunks.push(Buffer.from(text, 'utf8'))
    text = ''
  }
  const resolve = (v: unknown, key: string): unknown =>
    v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function'
      ? (v as { toJSON: (k: string) => unknown }).toJSON(key)
      : v
  const write = (v: unknown, inArray: boolean): void => {
    if (embed !== undefined) {
      const spliced = embed.get(v)
      if (spliced !== undefined) {
        flush()
        chunks.push(spliced)
        return
      }
    }
    if (v === null || typeof v !== 'object') {
      const s = JSON.stringify(v)
      text += s === undefined ? (inArray ? 'null' : '') : s
      return
    }
    if (Array.isArray(v)) {
      text += '['
      for (let i = 0; i < v.length; i++) {
        if (i > 0) text += ','
        write(resolve(v[i], String(i)), true)
      }
      text += ']'
      return
    }
    text += '{'
    let first = true
    for (const k of oracleKeyOrder(v)) {
      const item = resolve((v as Record<string, unknown>)[k], k)
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue
      text += `${first ? '' : ','}${JSON.stringify(k)}:`
      first = false
      write(item, false)
    }
    text += '}'
  }
  write(resolve(value, ''), false)
  flush()
  return Buffer.concat(chunks)
}
function oracleJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v
    const keys = Object.keys(v)
    for (let i = 1; i < keys.length; i++)
      if ((keys[i - 1] as string) > (keys[i] as string))
        return Object.fromEntries(Object.entries(v).sort(([a], [b]) => oracleByKey(a, b)))
    return v
  })
}

/** A small seeded generator (mulberry32), so a failing case can be replayed from its seed. */
function randomSource(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const fuzzKeys = [
  'a',
  'b',
  'z',
  'A',
  'é',
  '',
  ' x',
  '10',
  '2',
  '0',
  '01',
  '-1',
  '1e3',
  '4294967295',
  '4294967294',
  'a"b',
  '🎉',
  '__proto__',
  'toString',
  'kind',
  'name',
  'status',
  'message',
  'subject',
]
const fuzzStrings = ['', 'plain', 'ünïcödé ✓', '🎉 "q" \\ \n\t\u0000', '\ud800 lone', 'x'.repeat(40)]

/** A random JSON-like value: unsorted keys, index keys, unicode, undefined, toJSON, Dates, -0, NaN. */
function randomValue(next: () => number, depth: number): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T
  const r = next()
  if (depth <= 0 || r < 0.35) {
    return pick<unknown>([
      null,
      true,
      false,
      0,
      -0,
      1.5,
      -1e21,
      1e-7,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      undefined,
      () => 1,
      Symbol('s'),
      ...fuzzStrings,
      Math.floor(next() * 1e6),
    ])
  }
  if (r < 0.55) return Array.from({ length: Math.floor(next() * 5) }, () => randomValue(next, depth - 1))
  if (r < 0.6) return new Date(Date.UTC(2026, 0, 1 + Math.floor(next() * 300)))
  if (r < 0.65) {
    // Pure, as Date's is: the writers may call a toJSON in a different order (or twice, when the fast
    // path hands a value back), which only a toJSON with side effects could tell.
    const inner = randomValue(next, depth - 1)
    const withKey = next() < 0.5
    return { toJSON: (key: string) => (withKey ? { key, inner } : inner) }
  }
  const out: Record<string, unknown> = {}
  const n = Math.floor(next() * 6)
  for (let i = 0; i < n; i++) {
    const key = pick(fuzzKeys)
    const v = randomValue(next, depth - 1)
    if (key === '__proto__')
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true })
    else out[key] = v
  }
  return out
}

describe('the fast canonical writer against the writer it replaced', () => {
  it('writes thousands of random values to the same bytes and text', () => {
    for (let seed = 1; seed <= 3000; seed++) {
      // toJSON results draw from the generator, so each writer gets its own copy of the value.
      const make = () => randomValue(randomSource(seed), 5)
      const expected = oracleBytesOf(make())
      const got = canonicalBytesOf(make())
      expect(got.toString('utf8'), `seed ${seed}`).toBe(expected.toString('utf8'))
      expect(got.equals(expected), `seed ${seed}`).toBe(true)
      expect(canonicalJson(make()), `seed ${seed}`).toBe(oracleJson(make()))
    }
  })

  it('writes values it hands back to the level-by-level writer exactly as before', () => {
    const odd = [
      { boxed: new String('ab'), n: new Number(3), b: new Boolean(false) },
      new Map([['a', 1]]),
      { toJSON: () => ({ toJSON: () => 'inner', z: 1, a: 2 }) },
      [{ toJSON: () => ({ toJSON: () => 'inner', z: 1, a: 2 }) }],
      { list: { toJSON: () => Object.assign([2, 1], { toJSON: () => 'inner' }) } },
      Object.assign(Object.create(null), { b: 1, a: 2 }),
      new Uint8Array([3, 1, 2]),
    ]
    for (const value of odd) {
      expect(canonicalBytesOf(value).toString('utf8')).toBe(oracleBytesOf(value).toString('utf8'))
      expect(canonicalJson(value)).toBe(oracleJson(value))
    }
  })

  it('gives the same bytes for large values cut into chunks, and splices embedded bytes', () => {
    const next = randomSource(7)
    const findings = Array.from({ length: 12_000 }, (_, i) => ({
      check: `kubernetes/check-${i % 40}`,
      severity: 'high',
      status: i % 3 === 0 ? 'fail' : 'pass',
      subject: { kind: 'Deployment', name: `svc-${i}`, file: `k8s/${i}.yaml`, namespace: 'ns', line: i },
      message: `container ✓ ${'x'.repeat(i % 50)} runs as non-root`,
      controls: ['CC6.1', 'CC7.2'],
      criteria: ['CC6.1'],
      extra: i % 500 === 0 ? randomValue(next, 4) : undefined,
    }))
    const big = {
      title: 'model',
      findings,
      text: 'y'.repeat(3 << 20),
      nested: { list: findings.slice(0, 5000) },
    }
    expect(canonicalBytesOf(big).equals(oracleBytesOf(big))).toBe(true)
    expect(canonicalJson(big)).toBe(oracleJson(big))
    const embed = new Map<unknown, Buffer>([
      [findings, Buffer.from('"spliced"')],
      [findings[3], Buffer.from('3')],
    ])
    expect(canonicalBytesOf(big, embed).equals(oracleBytesOf(big, embed))).toBe(true)
    expect(canonicalBytesOf(findings, embed).equals(oracleBytesOf(findings, embed))).toBe(true)
  })
})
