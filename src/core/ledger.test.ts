import { describe, expect, it } from 'vitest'
import { canonicalBytes, chainRecords, genesisHash, type LedgerEntry, recordHash, sha256 } from './ledger.js'

const entry = (name: string): LedgerEntry => ({
  kind: 'evidence',
  id: `container.dockerfile:${name}`,
  source: `${name}/Dockerfile`,
  collector: 'dockerfile',
  collectorVersion: '1',
  collectedAt: '2026-12-06T00:00:00.000Z',
  effectiveAt: '2026-12-06T00:00:00.000Z',
  content: canonicalBytes({ kind: 'container.dockerfile', name }),
})

describe('chainRecords', () => {
  const head = { seq: 0, hash: genesisHash }
  const entries = [entry('a'), entry('b'), entry('a')]

  it('chains each record to the one before, its hash over its fields and its content hash over its bytes', () => {
    const { records, blobs } = chainRecords(head, 1, entries)
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3])
    expect(records[0]?.prevHash).toBe(genesisHash)
    expect(records[1]?.prevHash).toBe(records[0]?.hash)
    for (const [i, r] of records.entries()) {
      expect(r.contentHash).toBe(sha256(entries[i]?.content ?? ''))
      expect(r.blobRef).toBe(`sha256:${r.contentHash}`)
      const { hash, ...fields } = r
      expect(hash).toBe(recordHash(fields))
      expect(blobs[i]?.ref).toBe(r.blobRef)
    }
  })

  it('writes the same records when the caller hands over the content hashes it already computed', () => {
    const hashes = entries.map((e) => sha256(e.content))
    expect(chainRecords(head, 1, entries, hashes)).toEqual(chainRecords(head, 1, entries))
  })

  it('takes the content hash an entry carries instead of hashing its bytes again', () => {
    const carried = entries.map((e) => ({ ...e, contentHash: sha256(e.content) }))
    expect(chainRecords(head, 1, carried)).toEqual(chainRecords(head, 1, entries))
    // Trusted as given: a wrong one is bound into the record, where verify finds the blob does not match.
    const wrong = chainRecords(head, 1, [{ ...entry('a'), contentHash: sha256('other') }])
    expect(wrong.records[0]?.contentHash).toBe(sha256('other'))
  })

  it('refuses a list of content hashes that does not match the entries one to one', () => {
    expect(() => chainRecords(head, 1, entries, [sha256('x')])).toThrow(/1 content hashes for 3 entries/)
  })
})
