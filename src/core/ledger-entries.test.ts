import { describe, expect, it } from 'vitest'
import type { AssessmentModel } from './assessment.js'
import { sha256 } from './ledger.js'
import { findingsEntry, findingsPartOf, findingsPerRecord } from './ledger-entries.js'

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
})
