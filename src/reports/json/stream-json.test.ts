import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyDemo } from '../../../test/cli-harness.js'
import { loadConfig } from '../../app/load-config.js'
import { collectAndAssess, loadLibrary } from '../../app/run-assessment.js'
import type { AssessmentModel } from '../../core/assessment.js'
import { FindingsColumns, lazyFindings } from '../../core/findings-columns.js'
import { renderJson } from './render-json.js'
import { jsonChunks } from './stream-json.js'

type ModelFinding = AssessmentModel['findings'][number]

/** What the writer must give, byte for byte: what `assess --format json` has always printed. */
const expected = (model: unknown): string => `${JSON.stringify(model, null, 2)}\n`

const streamed = (model: unknown, batchSize?: number): string =>
  [...jsonChunks(model as AssessmentModel, batchSize)].join('')

/** Whether a model's findings are still columns: the getter lazyFindings put there was never read. */
const findingsUnmade = (model: object): boolean =>
  Object.getOwnPropertyDescriptor(model, 'findings')?.get !== undefined

const mapping = { controls: ['workload.non-root'], criteria: ['CC6.1'] }
const finding = (i: number, status: ModelFinding['status'] = 'pass'): ModelFinding => ({
  check: i % 3 === 0 ? 'kubernetes/workload-runs-as-non-root' : 'kubernetes/network-policy',
  severity: i % 3 === 0 ? 'high' : 'medium',
  status,
  subject: {
    kind: 'Deployment',
    name: `svc-${i} ✓ "quoted"\n`,
    namespace: 'shop',
    file: 'deploy/a.yaml',
    line: i,
  },
  message: `finding ${i}: \u0000\u001f\u2028 é 😀 \ud800`,
  ...mapping,
})

/** A model of `count` findings held as columns, as assess() hands it (findings-columns.ts). */
function columnsModel(count: number, failing: ReadonlySet<number> = new Set()): AssessmentModel {
  const columns = new FindingsColumns()
  for (let i = 0; i < count; i++) columns.push(finding(i, failing.has(i) ? 'fail' : 'pass'))
  const model = {
    schemaVersion: 1,
    tool: { name: 'trustctl', version: 'test' },
    generatedAt: '2026-12-01T00:00:00.000Z',
    findings: [] as ModelFinding[],
    gaps: [{ id: 'g1', affected: ['a', 'b'] }],
    errors: [],
    summary: { findingsByStatus: { pass: count - failing.size, fail: failing.size } },
  }
  return lazyFindings(model as unknown as AssessmentModel, columns)
}

describe('the streamed JSON result', () => {
  it('is JSON.stringify(model, null, 2) and a line end for text of every kind', () => {
    const nested = {
      schemaVersion: 1,
      'key with "quotes" and \\ and é': 'value\twith\ttabs',
      unicode: 'é ü 中文 😀 \u2028\u2029 lone \udc00 surrogate',
      control: '\u0000\u0001\u0008\u000b\u001f\u007f',
      numbers: [0, -0, 1.5, 1e21, 5e-7, Number.NaN, Number.POSITIVE_INFINITY, -1],
      nested: [[[]], [{}], [[1, [2, [3, []]]]], { a: { b: { c: [] } } }],
      empties: { list: [], object: {}, string: '' },
      // A hole (written as null): [1, , 3].
      sparse: Object.assign(new Array<number>(3), { 0: 1, 2: 3 }),
      dropped: undefined,
      fn: () => 1,
      inArray: [undefined, () => 1, Symbol('s'), null, true, false],
      optional: { kept: 1, gone: undefined },
      date: new Date('2026-12-01T00:00:00Z'),
      boxed: [Object(1), Object('s'), Object(false)],
      // Findings are cut into batches of the size asked: elements of every kind across the cuts.
      findings: [[], {}, undefined, [[1, []]], 'é\u0000\n', () => 1, null, { a: [{}], b: undefined }],
      gaps: [],
      last: 'end',
    }
    for (const batchSize of [1, 2, 3, 10_000]) expect(streamed(nested, batchSize)).toBe(expected(nested))
  })

  it('calls toJSON with the key JSON.stringify passes, in the model and in a list cut into batches', () => {
    const keyed = { toJSON: (key: string) => `member ${key}` }
    const model = {
      member: keyed,
      list: [1, keyed, { toJSON: (key: string) => ({ at: key }) }, keyed, { toJSON: () => undefined }],
      findings: [keyed, keyed, keyed],
    }
    for (const batchSize of [1, 2, 4, 10_000]) expect(streamed(model, batchSize)).toBe(expected(model))
    // A BigInt is written only through a toJSON, which JSON.stringify calls with its key too.
    const prototype = BigInt.prototype as unknown as { toJSON?: (key: string) => string }
    prototype.toJSON = function (this: bigint, key: string) {
      return `${this} at ${key}`
    }
    try {
      const big = { findings: [1n, 2n, 3n], n: 4n }
      for (const batchSize of [1, 2, 10_000]) expect(streamed(big, batchSize)).toBe(expected(big))
    } finally {
      delete prototype.toJSON
    }
  })

  it('hands a model JSON.stringify would not write member by member to JSON.stringify whole', () => {
    const odd = [
      {},
      { gone: undefined },
      { toJSON: () => ({ instead: [1, 2] }) },
      Object.assign(Object.create({ inherited: 1 }), { own: [1] }),
      { typed: new Uint8Array([1, 2]), list: Object.assign([1, 2], { toJSON: () => 'list' }) },
    ]
    for (const model of odd) expect(streamed(model, 1)).toBe(expected(model))
  })

  it("writes a model's findings from their columns, in batches, without making them all", () => {
    for (const [count, batchSize] of [
      [0, 10],
      [1, 10],
      [7, 3],
      [9, 3],
      [25, 10_000],
    ] as const) {
      const model = columnsModel(count)
      const text = streamed(model, batchSize)
      expect(findingsUnmade(model)).toBe(true)
      // The same model once its findings are read (JSON.stringify reads them).
      expect(text).toBe(expected(model))
    }
  })

  it('leaves the findings unmade when the whole text is rendered (renderJson)', () => {
    const model = columnsModel(5)
    const text = renderJson(model)
    expect(findingsUnmade(model)).toBe(true)
    expect(text).toBe(expected(model))
  })

  describe('on the demo estate', () => {
    let demo: ReturnType<typeof copyDemo>
    let model: AssessmentModel
    beforeAll(async () => {
      demo = copyDemo()
      const loaded = await loadConfig(undefined, demo.dir)
      model = (await collectAndAssess(loaded, await loadLibrary(), {}, new Date('2026-12-01T12:00:00Z')))
        .model
    }, 120_000)
    afterAll(() => demo?.cleanup())

    it('is what JSON.stringify writes, its findings read from their columns', () => {
      expect(findingsUnmade(model)).toBe(true)
      const texts = [7, 10_000].map((batchSize) => streamed(model, batchSize))
      expect(findingsUnmade(model)).toBe(true)
      const whole = expected(model)
      expect(model.findings.length).toBeGreaterThan(20)
      for (const text of texts) expect(text).toBe(whole)
    })
  })
})
