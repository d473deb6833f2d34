import { describe, expect, it } from 'vitest'
import { canonicalBytes, chainRecords, genesisHash, type LedgerRecord, recordHash } from './ledger.js'
import { LedgerVerifier } from './ledger-verify.js'

const at = '2026-12-06T00:00:00.000Z'
const content = canonicalBytes({ kind: 'container.dockerfile', name: 'a' })
const {
  records: [original],
} = chainRecords({ seq: 0, hash: genesisHash }, 1, [
  {
    kind: 'evidence',
    id: 'container.dockerfile:a',
    source: 'a/Dockerfile',
    collector: 'dockerfile',
    collectorVersion: '1',
    collectedAt: at,
    effectiveAt: at,
    content,
  },
])

/** The record with other fields, re-hashed as a forger would, so only the blob-reference rule sees it. */
function forged(fields: Record<string, unknown>): LedgerRecord {
  const record = { ...(original as LedgerRecord), ...fields } as LedgerRecord
  return { ...record, hash: recordHash(record) }
}

const blobRefProblems = (record: LedgerRecord): string[] => {
  const verifier = new LedgerVerifier()
  verifier.add(record, content)
  return verifier
    .finish()
    .problems.filter((p) => p.message.includes('does not match its content hash'))
    .map((p) => p.message)
}

describe('LedgerVerifier: the blob reference must be sha256:<content hash>', () => {
  it('passes the reference the ledger writes', () => {
    expect(blobRefProblems(original as LedgerRecord)).toEqual([])
  })

  it.each([
    ['another algorithm', (hash: string) => `sha512:${hash}`],
    ['no prefix', (hash: string) => hash],
    ['a character more', (hash: string) => `sha256:${hash}0`],
    ['a character less', (hash: string) => `sha256:${hash.slice(1)}`],
    ['another hash', (hash: string) => `sha256:${hash.slice(0, -1)}${hash.endsWith('0') ? '1' : '0'}`],
    ['the prefix twice', (hash: string) => `sha256:sha256:${hash}`],
    ['the prefix twice, cut to length', (hash: string) => `sha256:sha256:${hash.slice(7)}`],
  ])('reports a reference with %s', (_, edit) => {
    const record = forged({ blobRef: edit((original as LedgerRecord).contentHash) })
    expect(blobRefProblems(record)).toEqual([
      `record 1 (evidence container.dockerfile:a): blob reference ${record.blobRef} does not match its content hash`,
    ])
  })

  it('compares fields of another JSON type as their text, as it always has', () => {
    expect(blobRefProblems(forged({ contentHash: 12, blobRef: 'sha256:12' }))).toEqual([])
    expect(blobRefProblems(forged({ contentHash: 12, blobRef: 'sha256:13' }))).toHaveLength(1)
    expect(blobRefProblems(forged({ contentHash: null, blobRef: 'sha256:null' }))).toEqual([])
  })
})
