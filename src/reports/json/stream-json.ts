import type { AssessmentModel } from '../../core/assessment.js'
import { type FindingsView, unmadeFindings } from '../../core/findings-columns.js'

/**
 * The JSON result a piece at a time: exactly the text of `JSON.stringify(model, null, 2)` and a line
 * end, without ever holding it whole. The findings are most of it (a 100k-object estate has ~880k of
 * them, ~500 MB of text): they are read from the model's columns (findings-columns.ts) a batch at a
 * time, so neither the text nor all the finding objects exist at once. Every other top-level list
 * (gaps, controls, inputs…) is written an element at a time.
 *
 * The pieces are JSON.stringify's own output, cut from a holder object that puts the value at its
 * depth, never a serialiser of our own: the escaping, number formatting, indentation and dropping of
 * undefined members stay the engine's. A value with a `toJSON` is handed to the engine under its own
 * key (or index), so it is called as JSON.stringify calls it.
 */
export function* jsonChunks(
  model: AssessmentModel,
  /** Findings per piece; the tests make it small to cut a few findings into many batches. */
  batchSize = defaultBatchSize,
): Generator<string> {
  if (!isPlainObject(model)) {
    yield `${JSON.stringify(model, null, 2)}\n`
    return
  }
  let written = 0
  for (const key of Object.keys(model)) {
    // Findings not made into objects yet are read through their view (columns, stored parts):
    // reading `model.findings` would make every one of them.
    const unmade = key === 'findings' ? unmadeFindings(model) : undefined
    const value = unmade ?? (model as unknown as Record<string, unknown>)[key]
    const pieces =
      unmade !== undefined
        ? arrayMember(key, unmade, batchSize)
        : isPlainArray(value)
          ? arrayMember(key, value, key === 'findings' ? batchSize : otherListBatch)
          : plainMember(key, value)
    let first = true
    for (const piece of pieces) {
      if (first) yield written++ === 0 ? '{\n' : ',\n'
      first = false
      yield piece
    }
  }
  yield written === 0 ? '{}\n' : '\n}\n'
}

/** Findings per piece: ~5 MB of text, 10k finding objects alive at once (of ~880k at 100k objects). */
const defaultBatchSize = 10_000

/**
 * Elements per piece of the other lists: one. Their elements differ widely in size (a gap lists every
 * subject it covers: 6 MB for one gap at 100k objects, 25 MB for the 411 gaps), and these lists are
 * short (hundreds to thousands), so an element at a time bounds the text held at no cost worth having.
 */
const otherListBatch = 1

/** One space-indentation level of the output (the `2` of JSON.stringify(model, null, 2)). */
const indent = '  '

/**
 * A member of the model as JSON.stringify writes it at the first level: `  "key": value`, or nothing
 * when the value is dropped (undefined, a function). Serialised as the one member of a holder object,
 * so a `toJSON` gets its key and the value is indented for its depth by the engine itself.
 */
function* plainMember(key: string, value: unknown): Generator<string> {
  const text = JSON.stringify({ [key]: value }, null, 2)
  // `{}` when dropped; else `{\n  "key": …\n}`, of which the member is all but the braces' lines.
  if (text !== '{}') yield text.slice(2, -2)
}

/** A list the writer cuts into batches: an array, or the view a model's findings are read through. */
type Batchable = Pick<FindingsView, 'length'> & { slice(start: number, end: number): unknown[] }

/**
 * A list JSON.stringify writes as a plain array, so it may be cut into batches: a real array without a
 * `toJSON` of its own. Anything else (a typed array is written as an object) is handed to the engine whole.
 */
function isPlainArray(value: unknown): value is unknown[] {
  return Array.isArray(value) && !hasToJson(value)
}

/**
 * `  "key": [` then its elements a batch at a time, `,\n` between them, then `  ]`; `  "key": []`
 * when it is empty.
 */
function* arrayMember(key: string, list: Batchable, batchSize: number): Generator<string> {
  const head = `${indent}${JSON.stringify(key)}: [`
  if (list.length === 0) {
    yield `${head}]`
    return
  }
  yield `${head}\n`
  for (let start = 0; start < list.length; start += batchSize) {
    if (start > 0) yield ',\n'
    yield elementsText(key, list.slice(start, start + batchSize), start)
  }
  yield `\n${indent}]`
}

/**
 * The elements of a slice (at `offset` in the whole list) as JSON.stringify writes them inside the
 * model's member `key`: at depth two, joined by `,\n`. Written as that member of a holder, so the
 * engine indents them for their depth itself. An element with a `toJSON` would be called with its
 * index in the slice, not in the list: those (none in a model, which holds plain data) go one by one.
 */
function elementsText(key: string, slice: readonly unknown[], offset: number): string {
  if (slice.some(hasToJson)) return slice.map((element, i) => elementText(element, offset + i)).join(',\n')
  // `{\n  "key": [\n` + the elements + `\n  ]\n}`: the slice is never empty.
  const text = JSON.stringify({ [key]: slice }, null, 2)
  return text.slice(`{\n${indent}${JSON.stringify(key)}: [\n`.length, -`\n${indent}]\n}`.length)
}

/** One element at depth two, its `toJSON` called with its index in the whole list, as JSON.stringify calls it. */
function elementText(element: unknown, index: number): string {
  const key = JSON.stringify(String(index))
  // As the one member of an object at depth one, the value is indented as the element would be.
  const text = JSON.stringify({ list: { [index]: element } }, null, 2)
  // An array writes `null` where an object drops the member (undefined, a function).
  const dropped = `{\n${indent}"list": {}\n}`
  if (text === dropped) return `${indent}${indent}null`
  return `${indent}${indent}${text.slice(`{\n${indent}"list": {\n${indent}${indent}${key}: `.length, -`\n${indent}}\n}`.length)}`
}

/** Whether JSON.stringify calls a `toJSON` of the value: an object's, or a BigInt's (BigInt.prototype). */
function hasToJson(value: unknown): boolean {
  if (typeof value === 'bigint') return typeof (Object(value) as { toJSON?: unknown }).toJSON === 'function'
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  )
}

/**
 * A model JSON.stringify writes as a plain object, member by member: not an array, no `toJSON`, and
 * with the members Object.keys lists (a Proxy could answer differently; a model is never one).
 */
function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || hasToJson(value)) return false
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}
