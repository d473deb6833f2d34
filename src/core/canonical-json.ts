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
  return createHash('sha256').update(canonicalBytesOf(value)).digest('hex')
}

/** How much text a canonical writer gathers before it turns it into bytes. */
const chunkChars = 1 << 20

const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

const arrayIndex = /^(?:0|[1-9]\d*)$/
/** An array index as the language orders own keys (first character tested before the expression). */
function isIndex(key: string): boolean {
  const c = key.charCodeAt(0)
  return c >= 48 && c <= 57 && arrayIndex.test(key) && Number(key) < 4294967295
}

/**
 * The order canonicalJson writes keys in: the object it builds from sorted entries lists keys that are
 * array indices first, in numeric order (the language's rule for own keys), then the others sorted.
 */
function keyOrder(value: object): string[] {
  const keys = Object.keys(value)
  if (!keys.some(isIndex)) return keys.sort(byKey)
  const indices = keys.filter(isIndex)
  const names = keys.filter((k) => !isIndex(k))
  return [...indices.sort((a, b) => Number(a) - Number(b)), ...names.sort(byKey)]
}

/** `"key":` for the keys met so far: a model repeats a few hundred names a million times. */
const keyTexts = new Map<string, string>()
function keyText(key: string): string {
  let text = keyTexts.get(key)
  if (text === undefined) {
    text = `${JSON.stringify(key)}:`
    // Bounded: keys that are data (a map of file names) must not grow the process for ever.
    if (keyTexts.size < 10_000) keyTexts.set(key, text)
  }
  return text
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
  // One growing string, cut into bytes at object and array ends once past a megabyte: appending to
  // it is cheaper than a list of small parts joined later (measured on a 10k-object model: 1.5x).
  let text = ''
  const flush = (): void => {
    if (text.length === 0) return
    chunks.push(Buffer.from(text, 'utf8'))
    text = ''
  }
  // JSON.stringify's rules: toJSON first; undefined, functions and symbols are left out of objects
  // and become null in arrays; numbers that are not finite become null.
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
      if (text.length >= chunkChars) flush()
      return
    }
    text += '{'
    let first = true
    for (const k of keyOrder(v)) {
      const item = resolve((v as Record<string, unknown>)[k], k)
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue
      text += first ? keyText(k) : `,${keyText(k)}`
      first = false
      write(item, false)
    }
    text += '}'
    if (text.length >= chunkChars) flush()
  }
  write(resolve(value, ''), false)
  flush()
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)
}
