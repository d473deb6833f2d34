import { createHash } from 'node:crypto'

/** JSON with object keys sorted at every level, so equal content always serializes to equal bytes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, sortedKeys)
}

/**
 * The replacer of canonicalJson: an object whose own keys are not in order is rebuilt from its sorted
 * entries. One already in order (most evidence: collectors build it that way) is returned as it is,
 * which serializes to the same text without a copy of every object (a million records a run).
 */
function sortedKeys(_key: string, v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v
  const keys = Object.keys(v)
  for (let i = 1; i < keys.length; i++)
    if ((keys[i - 1] as string) > (keys[i] as string))
      return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  return v
}

/** SHA-256 of the canonical serialization: the content hash of evidence and results. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex')
}

/** How much text a canonical writer gathers before it turns it into bytes. */
const chunkChars = 1 << 20

const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

const arrayIndex = /^(?:0|[1-9]\d*)$/
/**
 * The order canonicalJson writes keys in: the object it builds from sorted entries lists keys that are
 * array indices first, in numeric order (the language's rule for own keys), then the others sorted.
 */
function keyOrder(value: object): string[] {
  const keys = Object.keys(value)
  const indices = keys.filter((k) => arrayIndex.test(k) && Number(k) < 4294967295)
  if (indices.length === 0) return keys.sort(byKey)
  const names = keys.filter((k) => !(arrayIndex.test(k) && Number(k) < 4294967295))
  return [...indices.sort((a, b) => Number(a) - Number(b)), ...names.sort(byKey)]
}

/**
 * The bytes of `canonicalJson(value)`, built without the sorted copy of every object the replacer
 * makes and without one string of the whole: text is turned into bytes a megabyte at a time. For a
 * model of a million findings that is the difference between holding the model once and holding it
 * three times over. `embed` splices bytes already made for a value (by reference, e.g. the findings
 * inside the model) in place of serializing it again.
 */
export function canonicalBytesOf(value: unknown, embed?: ReadonlyMap<unknown, Buffer>): Buffer {
  const chunks: Buffer[] = []
  let text: string[] = []
  let pending = 0
  const put = (s: string): void => {
    text.push(s)
    pending += s.length
    if (pending >= chunkChars) flush()
  }
  const flush = (): void => {
    if (pending === 0) return
    chunks.push(Buffer.from(text.join(''), 'utf8'))
    text = []
    pending = 0
  }
  // JSON.stringify's rules: toJSON first; undefined, functions and symbols are left out of objects
  // and become null in arrays; numbers that are not finite become null.
  const resolve = (v: unknown, key: string): unknown =>
    v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function'
      ? (v as { toJSON: (k: string) => unknown }).toJSON(key)
      : v
  const write = (v: unknown, inArray: boolean): void => {
    const spliced = embed?.get(v)
    if (spliced !== undefined) {
      flush()
      chunks.push(spliced)
      return
    }
    if (v === null || typeof v !== 'object') {
      const s = JSON.stringify(v)
      put(s === undefined ? (inArray ? 'null' : '') : s)
      return
    }
    if (Array.isArray(v)) {
      put('[')
      for (let i = 0; i < v.length; i++) {
        if (i > 0) put(',')
        write(resolve(v[i], String(i)), true)
      }
      put(']')
      return
    }
    put('{')
    let first = true
    for (const k of keyOrder(v)) {
      const item = resolve((v as Record<string, unknown>)[k], k)
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue
      put(first ? `${JSON.stringify(k)}:` : `,${JSON.stringify(k)}:`)
      first = false
      write(item, false)
    }
    put('}')
  }
  write(resolve(value, ''), false)
  flush()
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)
}
