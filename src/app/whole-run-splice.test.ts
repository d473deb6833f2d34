import { describe, expect, it } from 'vitest'
import { canonicalBytesOf } from '../core/canonical-json.js'
import { isHashList, type ReusableRun, repeatedModel, splicedContent, unchangedContent } from './whole-run.js'

// A repeated run records the stored model with its generatedAt, configHash and inputs replaced. The
// stored bytes are spliced rather than the 2 MB model serialised again: the result must be the bytes
// JSON.stringify gives the replaced model, and only top-level members may ever be cut.

const replaced = (stored: Record<string, unknown>, values: Record<string, unknown>): Buffer =>
  Buffer.from(JSON.stringify({ ...stored, ...values }))

const values = {
  generatedAt: '2026-12-02T12:00:00.000Z',
  configHash: 'b'.repeat(64),
  inputs: [{ file: 'deploy/api.yaml', reused: true }],
}

describe('splicing a stored model', () => {
  it('writes the bytes JSON.stringify writes for the model with its top-level values replaced', () => {
    const stored = {
      asOf: '2026-11-30',
      configHash: 'a'.repeat(64),
      gaps: [{ id: 'g1', title: 'A "quoted" gap \\ with a backslash' }],
      generatedAt: '2026-12-01T12:00:00.000Z',
      inputs: [{ file: 'deploy/api.yaml' }],
      summary: { readiness: 1 },
    }
    const bytes = canonicalBytesOf(stored)
    const spliced = splicedContent(bytes, JSON.parse(bytes.toString('utf8')), values)
    expect(spliced?.toString('utf8')).toBe(replaced(stored, values).toString('utf8'))
  })

  it('never cuts a member of a nested object or the text of a string that looks like one', () => {
    const generatedAt = '2026-12-01T12:00:00.000Z'
    const stored = {
      // The same members, with the same values, one level down and inside a string.
      checks: [{ configHash: 'a'.repeat(64), generatedAt, inputs: [{ file: 'deploy/api.yaml' }] }],
      configHash: 'a'.repeat(64),
      generatedAt,
      inputs: [{ file: 'deploy/api.yaml' }],
      note: `"generatedAt":"${generatedAt}","inputs":[{"file":"deploy/api.yaml"}]`,
    }
    const bytes = canonicalBytesOf(stored)
    const spliced = splicedContent(bytes, JSON.parse(bytes.toString('utf8')), values)
    expect(spliced?.toString('utf8')).toBe(replaced(stored, values).toString('utf8'))
    const again = JSON.parse(spliced?.toString('utf8') ?? '')
    expect(again.checks[0].generatedAt).toBe(generatedAt)
    expect(again.note).toBe(stored.note)
  })

  it('gives up (the model is then written whole) when a member is missing or not where it should be', () => {
    const stored = { configHash: 'a'.repeat(64), generatedAt: '2026-12-01T12:00:00.000Z' }
    const bytes = canonicalBytesOf(stored)
    expect(splicedContent(bytes, JSON.parse(bytes.toString('utf8')), values)).toBeUndefined()
    // A member with others both before and after it (not found from either end): nothing is cut.
    const between = { a: 1, configHash: 'a'.repeat(64), d: 2, generatedAt: 'x', h: 3, inputs: [], z: 4 }
    const middle = canonicalBytesOf(between)
    expect(splicedContent(middle, JSON.parse(middle.toString('utf8')), values)).toBeUndefined()
    // Bytes that do not hold the parsed value as JSON.stringify writes it (spaced): nothing is cut.
    const spaced = Buffer.from(JSON.stringify({ ...stored, inputs: [] }, null, 1))
    expect(splicedContent(spaced, JSON.parse(spaced.toString('utf8')), values)).toBeUndefined()
  })
})

// A repeated run records the earlier run's evidence list as it is only when the bytes are exactly what
// JSON.stringify (and the canonical writer) writes for a list of hashes; anything else is read through
// the list's schema, and a list that fails it is never repeated.
describe('an evidence list recorded again as it is', () => {
  const hash = (c: string): string => c.repeat(64)
  const bytes = (text: string): Uint8Array => Buffer.from(text)

  it('is one JSON.stringify and the canonical writer write for a list of SHA-256 hex hashes', () => {
    for (const evidence of [[], [hash('a')], [hash('0'), hash('f'), hash('9')]]) {
      expect(isHashList(bytes(JSON.stringify({ evidence })))).toBe(true)
      expect(canonicalBytesOf({ evidence }).equals(Buffer.from(JSON.stringify({ evidence })))).toBe(true)
    }
  })

  it('is nothing else: other spacing, keys, case, lengths or values', () => {
    for (const text of [
      `{"evidence": ["${hash('a')}"]}`,
      `{"evidence":["${hash('a')}"],"more":1}`,
      `{"evidence":["${hash('A')}"]}`,
      `{"evidence":["${'a'.repeat(63)}"]}`,
      `{"evidence":["${'a'.repeat(65)}"]}`,
      `{"evidence":["${hash('a')}",]}`,
      `{"evidence":["${hash('a')}";"${hash('b')}"]}`,
      `{"evidence":["${hash('a')}","${hash('b')}x]}`,
      `{"evidence":["${hash('a')}","${hash('g')}"]}`,
      `{"evidence":[1]}`,
      `{"evidence":["${hash('a')}"]}\n`,
      `{"list":["${hash('a')}"]}`,
    ])
      expect(isHashList(bytes(text)), text).toBe(false)
  })
})

// From the second repeat on, the stored model already holds this run's configHash and its inputs
// marked reused: its bytes are recorded again as they are, nothing serialised or cut in.
describe('a stored model whose replaced values are already the stored ones', () => {
  const input = {
    bytes: 10,
    collector: 'kubernetes',
    file: 'deploy/api.yaml',
    items: 1,
    sha256: 'c'.repeat(64),
  }
  const stored = (inputs: unknown[], configHash: string) => ({
    asOf: '2026-11-30',
    configHash,
    findingsParts: { count: 0, parts: [] },
    inputs,
    schemaVersion: 1,
    summary: { readiness: 1 },
  })
  /** The earlier run, as reusableRun reads it from its record (the content holds no generatedAt). */
  const earlier = (content: Record<string, unknown>): ReusableRun => {
    const { findingsParts: _parts, ...model } = content
    return {
      runId: 1,
      checks: 0,
      model: { ...model, generatedAt: '2026-12-01T00:00:00.000Z' } as unknown as ReusableRun['model'],
      content,
      modelBytes: canonicalBytesOf(content),
      findingsParts: { count: 0, parts: [] },
      findingsBytes: [],
      findingsList: undefined,
      evidence: [],
    }
  }

  it('gives the stored bytes themselves only when every value is the stored one', () => {
    const content = stored([{ ...input, reused: true }], 'a'.repeat(64))
    const bytes = canonicalBytesOf(content)
    const same = unchangedContent(bytes, content, { configHash: 'a'.repeat(64), inputs: content.inputs })
    expect(same?.equals(bytes)).toBe(true)
    expect(
      unchangedContent(bytes, content, { configHash: 'b'.repeat(64), inputs: content.inputs }),
    ).toBeUndefined()
    expect(unchangedContent(bytes, content, { configHash: 'a'.repeat(64), inputs: [input] })).toBeUndefined()
    expect(unchangedContent(bytes, content, { generatedAt: 'x' })).toBeUndefined()
  })

  it('records the bytes a spliced or whole model would hold: the same as the earlier run, or with the new values', () => {
    const configHash = 'a'.repeat(64)
    // A repeat of a run that evaluated: its inputs become reused, so the content is spliced.
    const first = repeatedModel(earlier(stored([input], configHash)), '2026-12-02T00:00:00.000Z', configHash)
    const firstExpected = canonicalBytesOf({ ...stored([{ ...input, reused: true }], configHash) })
    expect(first.content.equals(firstExpected)).toBe(true)
    // A repeat of that repeat: nothing to replace, the earlier bytes recorded as they are.
    const again = earlier(JSON.parse(first.content.toString('utf8')))
    const second = repeatedModel(again, '2026-12-03T00:00:00.000Z', configHash)
    expect(second.content.equals(again.modelBytes)).toBe(true)
    // Under another config: the new hash is cut in.
    const moved = repeatedModel(again, '2026-12-03T00:00:00.000Z', 'd'.repeat(64))
    expect(moved.content.equals(canonicalBytesOf(stored([{ ...input, reused: true }], 'd'.repeat(64))))).toBe(
      true,
    )
  })

  it('shows every input marked reused with its keys in canonical order, however the stored one had them', () => {
    const configHash = 'a'.repeat(64)
    const { sha256, ...rest } = input
    // Marked already, but its keys out of order (not a layout trustctl writes): marked and sorted again.
    const unsorted = { sha256, reused: true, ...rest }
    for (const inputs of [[input], [{ ...input, reused: true }], [unsorted]]) {
      const { shown } = repeatedModel(
        earlier(stored(inputs, configHash)),
        '2026-12-02T00:00:00.000Z',
        configHash,
      )
      expect(shown.inputs).toEqual([{ ...input, reused: true }])
      expect(Object.keys(shown.inputs[0] ?? {})).toEqual(Object.keys({ ...input, reused: true }).sort())
    }
  })
})
