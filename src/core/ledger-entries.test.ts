import { describe, expect, it } from 'vitest'
import type { AssessmentModel } from './assessment.js'
import { FindingsColumns } from './findings-columns.js'
import { canonicalBytes, sha256 } from './ledger.js'
import {
  assessmentEntry,
  findingsEntry,
  findingsPartOf,
  findingsPerRecord,
  modelOfRecord,
  runEvidenceEntry,
} from './ledger-entries.js'

type ModelFinding = AssessmentModel['findings'][number]

const context = { toolVersion: '1.0.0', collectedAt: '2026-11-30T00:00:00.000Z' }
const subject = { kind: 'Deployment', name: 'api', file: 'deploy/api.yaml' }
const findings: ModelFinding[] = Array.from({ length: findingsPerRecord + 3 }, (_, i) => ({
  check: `c${i % 7}`,
  severity: 'high',
  status: i % 3 === 0 ? 'fail' : 'pass',
  subject,
  message: `m${i % 5}`,
  controls: ['x'],
  criteria: ['CC6.1'],
}))

describe('findings records', () => {
  it('carry the hash of their content, which their part lists', () => {
    for (const index of [0, 1]) {
      const entry = findingsEntry(findings, index, { asOf: '2026-11-30' }, context)
      // Hashed once when made: the ledger records it and the model lists the part by it.
      expect(entry.contentHash).toBe(sha256(entry.content))
      expect(findingsPartOf(entry, 3)).toEqual({
        id: `findings:${index}`,
        contentHash: sha256(entry.content),
        count: 3,
      })
    }
  })

  it('list a part made without a hash by the hash of its content', () => {
    const { contentHash: _hash, ...entry } = findingsEntry(findings, 1, { asOf: '2026-11-30' }, context)
    expect(findingsPartOf(entry, 3).contentHash).toBe(sha256(entry.content))
  })

  it("are the same made from a model's findings columns as from its list", () => {
    const columns = new FindingsColumns()
    for (const finding of findings) columns.push(finding)
    for (const index of [0, 1]) {
      const { content, ...fromList } = findingsEntry(findings, index, { asOf: '2026-11-30' }, context)
      const { content: made, ...fromColumns } = findingsEntry(columns, index, { asOf: '2026-11-30' }, context)
      expect(fromColumns).toEqual(fromList)
      expect(Buffer.compare(made, content)).toBe(0)
    }
  })
})

describe('the assessment record', () => {
  const model = { schemaVersion: 1, asOf: '2026-11-30', generatedAt: context.collectedAt, gaps: [] }
  const parts = { count: 0, parts: [] }

  it('holds everything of the model but its findings, which it does not read, and its time', () => {
    const plain = assessmentEntry({ ...model, findings: [] } as unknown as AssessmentModel, parts, context)
    // A model whose findings are still columns (findings-columns.ts) is recorded without making them.
    const unread = Object.defineProperty({ ...model }, 'findings', {
      get: () => {
        throw new Error('the findings were read')
      },
      enumerable: true,
    }) as unknown as AssessmentModel
    expect(assessmentEntry(unread, parts, context)).toEqual(plain)
    const { generatedAt: _time, ...timeless } = model
    expect(JSON.parse(Buffer.from(plain.content).toString('utf8'))).toEqual({
      ...timeless,
      findingsParts: parts,
    })
    // The time is the record's, so it is read back from there.
    expect(plain.collectedAt).toBe(model.generatedAt)
  })

  it('is byte for byte the same for the same model generated at another time', () => {
    const later = { toolVersion: context.toolVersion, collectedAt: '2026-12-01T00:00:00.000Z' }
    const entry = (at: typeof context) =>
      assessmentEntry(
        { ...model, generatedAt: at.collectedAt, findings: [] } as unknown as AssessmentModel,
        parts,
        at,
      )
    expect(Buffer.compare(entry(later).content, entry(context).content)).toBe(0)
    expect(entry(later).collectedAt).toBe(later.collectedAt)
  })

  it('is not made for a model generated at another time than the record says', () => {
    const other = {
      ...model,
      generatedAt: '2026-12-01T00:00:00.000Z',
      findings: [],
    } as unknown as AssessmentModel
    expect(() => assessmentEntry(other, parts, context)).toThrow(/generated at 2026-12-01/)
  })
})

describe('a model read from its assessment record', () => {
  const record = { collectedAt: '2026-12-02T12:00:00.000Z' }

  it("takes the record's time when the content has none, where the canonical layout puts the key", () => {
    const read = modelOfRecord(record, { asOf: '2026-11-30', gaps: [], schemaVersion: 1 })
    expect(read.generatedAt).toBe(record.collectedAt)
    expect(Object.keys(read)).toEqual(['asOf', 'gaps', 'generatedAt', 'schemaVersion'])
    expect(Object.keys(modelOfRecord(record, { asOf: 'x' }))).toEqual(['asOf', 'generatedAt'])
  })

  it('keeps its own time when it was recorded with one (a ledger written before)', () => {
    const old = { asOf: '2026-11-30', generatedAt: '2026-11-30T08:00:00.000Z', schemaVersion: 1 }
    expect(modelOfRecord(record, old)).toEqual(old)
    expect(modelOfRecord(record, old).generatedAt).toBe('2026-11-30T08:00:00.000Z')
  })
})

describe('the run-evidence list', () => {
  const context = { collectedAt: '2026-12-07T09:00:00.000Z', toolVersion: '0.1.0' }
  const hashes = [sha256('a'), sha256('b'), sha256('a')]

  it('is written canonically without the canonical writer, and bytes given are kept as they are', () => {
    const listed = runEvidenceEntry(hashes, context)
    expect(Buffer.from(listed.content).equals(canonicalBytes({ evidence: hashes }))).toBe(true)
    const bytes = Buffer.from(listed.content)
    expect(runEvidenceEntry(bytes, context).content).toBe(bytes)
    expect(runEvidenceEntry([], context).content.toString()).toBe('{"evidence":[]}')
  })
})
