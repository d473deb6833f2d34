import { createHash } from 'node:crypto'

/** JSON with object keys sorted at every level, so equal content always serializes to equal bytes. */
export function canonicalJson(value: unknown): string {
  // The sorted view of the value (see sortedView) serializes natively to the same text the replacer
  // gives, several times faster; a value the view does not cover is written through the replacer.
  const outer = spliced
  spliced = undefined
  try {
    const view = sortedView(resolve(value, ''), Number.POSITIVE_INFINITY)
    return view === unsupported ? JSON.stringify(value, sortedKeys) : JSON.stringify(view)
  } finally {
    spliced = outer
  }
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
function sortKeys(keys: string[]): string[] {
  if (!keys.some(isIndex)) return keys.sort(byKey)
  const indices = keys.filter(isIndex)
  const names = keys.filter((k) => !isIndex(k))
  return [...indices.sort((a, b) => Number(a) - Number(b)), ...names.sort(byKey)]
}

/**
 * Key lists met out of order, with their sorted order, by first key. A model has a few shapes (a
 * finding, its subject) repeated a million times: matching a list against one seen before costs a
 * few identity comparisons of interned names, sorting it again a few dozen string comparisons.
 */
const sortedOrders = new Map<string, { keys: string[]; order: string[] }[]>()
let sortedOrderCount = 0

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** `keys` (an object's own keys, as Object.keys lists them) in canonical order; `keys` itself if in it. */
function canonicalOrder(keys: string[]): string[] {
  let sorted = true
  for (let i = 1; i < keys.length; i++)
    if ((keys[i - 1] as string) > (keys[i] as string)) {
      sorted = false
      break
    }
  // Object.keys lists array indices first in numeric order, which is their canonical place, so a
  // list sorted as strings is canonical; one that only looks unsorted ("2" before "10") is sorted below.
  if (sorted) return keys
  const first = keys[0] as string
  const known = sortedOrders.get(first)
  if (known !== undefined) for (const shape of known) if (sameKeys(shape.keys, keys)) return shape.order
  const order = sortKeys([...keys])
  // Bounded: keys that are data (a map of file names) must not grow the process for ever.
  if (sortedOrderCount < 1_000 && keys.length <= 64) {
    sortedOrderCount++
    if (known === undefined) sortedOrders.set(first, [{ keys, order }])
    else known.push({ keys, order })
  }
  return order
}

/** The order canonicalBytesOf's level-by-level writer takes an object's keys in. */
function keyOrder(value: object): string[] {
  return canonicalOrder(Object.keys(value))
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

// JSON.stringify's rules: toJSON first; undefined, functions and symbols are left out of objects
// and become null in arrays; numbers that are not finite become null.
function resolve(v: unknown, key: string): unknown {
  return v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function'
    ? (v as { toJSON: (k: string) => unknown }).toJSON(key)
    : v
}

/** resolve for an array element: the index is spelled as a key only for a toJSON to receive. */
function resolveAt(array: readonly unknown[], index: number): unknown {
  const v: unknown = array[index]
  return v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function'
    ? (v as { toJSON: (k: string) => unknown }).toJSON(String(index))
    : v
}

/** sortedView's answer for a value it does not cover: the caller writes it level by level. */
const unsupported: unique symbol = Symbol('unsupported')
/** sortedView's answer for a value whose text would pass its size budget. */
const tooLarge: unique symbol = Symbol('too large')

/** What sortedView has left of its size budget, in estimated characters (one walk at a time). */
let budget = 0
/** The estimated text length of the last view sortedView made. */
let viewChars = 0
/** Values that canonicalBytesOf splices in as bytes made earlier: sortedView must not cover them. */
let spliced: ReadonlyMap<unknown, Buffer> | undefined

/**
 * A value that native JSON.stringify writes as canonical text: `value` itself when every object in it
 * already has its keys in canonical order (no copy), else a copy of the objects that are not, built
 * with their keys inserted in canonical order (the language then lists them in that order, indices
 * first, just as canonicalJson's rebuilt objects), sharing every part that is. toJSON is applied as
 * JSON.stringify would, so the view holds its results.
 *
 * Returns `unsupported` for what native JSON.stringify would write differently from the
 * level-by-level writer: boxed primitives and other objects of foreign prototypes, a toJSON result
 * with a toJSON of its own, a spliced value. Returns `tooLarge` once the estimated text passes
 * `limit` characters, so no single string grows past about a chunk.
 */
function sortedView(value: unknown, limit: number): unknown {
  // Saved and restored: a toJSON may serialize canonically itself, inside this walk.
  const outer = budget
  budget = limit
  const view = viewOf(value)
  viewChars = limit - budget
  budget = outer
  return view
}

function viewOf(v: unknown): unknown {
  if (v === null || typeof v !== 'object') {
    budget -= typeof v === 'string' ? v.length + 2 : 8
    return budget < 0 ? tooLarge : v
  }
  if (spliced?.has(v)) return unsupported
  // Values reach here after toJSON: a toJSON still there belongs to a toJSON's result, which
  // JSON.stringify does not call again, but native JSON.stringify of the view would.
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return unsupported
  if (Array.isArray(v)) return arrayView(v)
  const proto: unknown = Object.getPrototypeOf(v)
  if (proto !== Object.prototype && proto !== null) return unsupported
  return objectView(v as Record<string, unknown>)
}

function arrayView(v: unknown[]): unknown {
  budget -= 2 + v.length
  let copy: unknown[] | undefined
  for (let i = 0; i < v.length; i++) {
    const item: unknown = v[i]
    const resolved = resolveAt(v, i)
    const view = viewOf(resolved)
    if (view === unsupported || view === tooLarge) return view
    if (view !== item) {
      copy ??= v.slice()
      copy[i] = view
    }
  }
  return copy ?? v
}

function objectView(v: Record<string, unknown>): unknown {
  const keys = Object.keys(v)
  const order = canonicalOrder(keys)
  budget -= 2
  let copy: Record<string, unknown> | undefined
  if (order !== keys) copy = {}
  for (let i = 0; i < order.length; i++) {
    const key = order[i] as string
    const item = v[key]
    const resolved = resolve(item, key)
    const view = viewOf(resolved)
    if (view === unsupported || view === tooLarge) return view
    budget -= key.length + 4
    if (view !== item && copy === undefined) {
      // The keys before this one were in order and unchanged: copy them over first.
      copy = {}
      for (let j = 0; j < i; j++) copyKey(copy, order[j] as string, v[order[j] as string])
    }
    if (copy !== undefined) copyKey(copy, key, view)
  }
  return copy ?? v
}

function copyKey(copy: Record<string, unknown>, key: string, value: unknown): void {
  // An own "__proto__" key (JSON.parse makes one) is data: plain assignment would set the prototype.
  if (key === '__proto__')
    Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true })
  else copy[key] = value
}

/**
 * The bytes of `canonicalJson(value)`, built without one string of the whole: text is turned into
 * bytes a megabyte at a time. For a model of a million findings that is the difference between
 * holding the model once and holding it three times over. `embed` splices bytes already made for a
 * value (by reference, e.g. the findings inside the model) in place of serializing it again.
 *
 * Objects of up to about a chunk of text are written by native JSON.stringify from their sorted view
 * (sortedView), arrays in batches of elements of about a chunk; larger objects are taken apart key by
 * key, and what the view does not cover is written by this level-by-level writer, which follows
 * JSON.stringify's rules itself.
 */
export function canonicalBytesOf(value: unknown, embed?: ReadonlyMap<unknown, Buffer>): Buffer {
  if (embed === undefined) {
    // Most values (an evidence item, a run record) are one small view: no writer to set up.
    const whole = smallView(resolve(value, ''))
    if (whole !== unsupported && whole !== tooLarge) return Buffer.from(JSON.stringify(whole) ?? '', 'utf8')
  }
  return writeCanonical(value, embed)
}

/** Arrays this long are written in batches (writeArray) without first trying them whole. */
const longArray = 1024

/** The sorted view of a value of up to a chunk of text, for one native JSON.stringify. */
function smallView(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return unsupported
  if (Array.isArray(value) && value.length > longArray) return tooLarge
  return sortedView(value, chunkChars)
}

function writeCanonical(value: unknown, embed: ReadonlyMap<unknown, Buffer> | undefined): Buffer {
  const chunks: Buffer[] = []
  // One growing string, cut into bytes at object and array ends once past a megabyte: appending to
  // it is cheaper than a list of small parts joined later (measured on a 10k-object model: 1.5x).
  let text = ''
  const flush = (): void => {
    if (text.length === 0) return
    chunks.push(Buffer.from(text, 'utf8'))
    text = ''
  }
  const write = (v: unknown, inArray: boolean): void => {
    if (embed !== undefined) {
      const made = embed.get(v)
      if (made !== undefined) {
        flush()
        chunks.push(made)
        return
      }
    }
    if (v === null || typeof v !== 'object') {
      const s = JSON.stringify(v)
      text += s === undefined ? (inArray ? 'null' : '') : s
      return
    }
    if (Array.isArray(v)) {
      writeArray(v)
      return
    }
    const view = sortedView(v, chunkChars)
    if (view !== unsupported && view !== tooLarge) {
      text += JSON.stringify(view)
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
  // An array is written in batches of elements of up to about a chunk of text, each batch by one
  // native JSON.stringify of the elements' views: the joining is native too, and its bytes are taken
  // without the brackets rather than cutting the text (a copy of a megabyte).
  const writeArray = (v: readonly unknown[]): void => {
    text += '['
    let batch: unknown[] = []
    let batchChars = 0
    let written = 0
    const writeBatch = (): void => {
      if (batch.length === 0) return
      const bytes = Buffer.from(JSON.stringify(batch), 'utf8')
      if (written > 0) text += ','
      flush()
      chunks.push(bytes.subarray(1, bytes.length - 1))
      written += batch.length
      batch = []
      batchChars = 0
    }
    for (let i = 0; i < v.length; i++) {
      const item = resolveAt(v, i)
      const view = sortedView(item, chunkChars)
      if (view !== unsupported && view !== tooLarge) {
        batch.push(view)
        batchChars += viewChars
        if (batchChars >= chunkChars) writeBatch()
        continue
      }
      writeBatch()
      if (written > 0) text += ','
      write(item, true)
      written++
    }
    writeBatch()
    text += ']'
    if (text.length >= chunkChars) flush()
  }
  const outer = spliced
  spliced = embed
  try {
    write(resolve(value, ''), false)
  } finally {
    spliced = outer
  }
  flush()
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)
}
