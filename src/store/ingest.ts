import { type EvidenceItem, parseEvidence } from '../core/evidence.js'
import { canonicalBytes, type LedgerEntry, sha256 } from '../core/ledger.js'
import type { AssessmentStore } from '../core/store.js'

/** One input of a run: a file or API response, its bytes' hash, and how to parse it when needed. */
export interface LedgerInput {
  /** Where it was read (a path, an API address). */
  source: string
  collector: string
  collectorVersion: string
  /** SHA-256 of the input's bytes. */
  sha256: string
  /** Parses the input into evidence entries; called only when this input was never recorded before. */
  parse: () => LedgerEntry[]
}

export interface IngestResult {
  inputs: number
  /** Inputs whose content was already in the ledger: not parsed again. */
  reused: number
  records: number
  /** Cache entries no sealed evidence-set record vouches for: ignored, their inputs parsed afresh. */
  ignoredCacheEntries: number
}

/** The cache key of an input: its bytes and the collector (and version) that read them. */
export const inputCacheKey = (
  input: Pick<LedgerInput, 'sha256' | 'collector' | 'collectorVersion'>,
): string => `input:${input.collector}@${input.collectorVersion}:${input.sha256}`

/**
 * Records a run's inputs incrementally. An input seen before (same bytes, same collector version) is
 * not parsed again: the run records one evidence-set record pointing at the evidence already in the
 * ledger. A new input is parsed, its evidence recorded, then its evidence set, then it is remembered.
 */
export async function ingestInputs(
  store: AssessmentStore,
  runId: number,
  inputs: readonly LedgerInput[],
  context: { collectedAt: string; sliceSize?: number },
): Promise<IngestResult> {
  const slice = context.sliceSize ?? 50_000
  let pending: LedgerEntry[] = []
  // The SHA-256 of each pending entry's content, computed once: listed in its evidence set and
  // reused as the record's content hash (chainRecords then does not hash the content again).
  let pendingHashes: string[] = []
  const remember: { key: string; ref: string }[] = []
  const result: IngestResult = { inputs: inputs.length, reused: 0, records: 0, ignoredCacheEntries: 0 }
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return
    result.records += (await store.append(runId, pending, pendingHashes)).length
    pending = []
    pendingHashes = []
    // Remembered only once its records are committed: a crash never leaves a cache entry for nothing.
    await store.remember(remember.splice(0).map(({ key, ref }) => ({ key, blobRef: ref })))
  }
  // Cache lookups go in batches, one statement each, and only through the chain (see chainedCache).
  const lookupBatch = 1000
  let known = new Map<string, { blobRef: string; bytes: Uint8Array }>()
  for (const [index, input] of inputs.entries()) {
    if (index % lookupBatch === 0) {
      const batch = await store.chainedCache(
        inputs.slice(index, index + lookupBatch).map((i) => ({ key: inputCacheKey(i), id: i.source })),
      )
      known = batch.found
      result.ignoredCacheEntries += batch.ignored
    }
    const key = inputCacheKey(input)
    const cached = known.get(key)
    const setEntry = (content: Buffer): LedgerEntry => ({
      kind: 'evidence-set',
      id: input.source,
      source: input.source,
      collector: input.collector,
      collectorVersion: input.collectorVersion,
      collectedAt: context.collectedAt,
      effectiveAt: context.collectedAt,
      content,
    })
    if (cached !== undefined) {
      result.reused += 1
      // The cache re-hashed these bytes against their address (chainedCache): the address is their hash.
      pending.push(setEntry(Buffer.from(cached.bytes)))
      pendingHashes.push(cached.blobRef.slice('sha256:'.length))
      if (pending.length >= slice) await flush()
      continue
    }
    const entries = input.parse()
    const hashes = entries.map((e) => sha256(e.content))
    const content = canonicalBytes({
      input: input.sha256,
      collector: input.collector,
      collectorVersion: input.collectorVersion,
      evidence: hashes,
    })
    const setHash = sha256(content)
    for (const entry of entries) pending.push(entry)
    pending.push(setEntry(content))
    for (const hash of hashes) pendingHashes.push(hash)
    pendingHashes.push(setHash)
    remember.push({ key, ref: `sha256:${setHash}` })
    if (pending.length >= slice) await flush()
  }
  await flush()
  return result
}

/**
 * The evidence an evidence set lists, read back from the ledger (for a run that reused inputs) and
 * parsed with the evidence registry: a blob that is not evidence of a known kind is refused by name.
 */
export async function evidenceOfSet(store: AssessmentStore, setBlob: Uint8Array): Promise<EvidenceItem[]> {
  const set = JSON.parse(Buffer.from(setBlob).toString('utf8')) as { evidence: string[] }
  const out: EvidenceItem[] = []
  for (const hash of set.evidence) {
    const blob = await store.blob(`sha256:${hash}`)
    if (blob !== undefined)
      out.push(parseEvidence(JSON.parse(Buffer.from(blob).toString('utf8')), `evidence blob ${hash}`))
  }
  return out
}
