import { ConfigError } from './errors.js'
import { sha256 } from './ledger.js'

/** One member of a population: an evidence record as the ledger holds it. */
export interface PopulationMember {
  /** The evidence subject (`git.change:abc123`). */
  id: string
  evidenceKind: string
  contentHash: string
  source: string
  collectedAt: string
  effectiveAt: string
  seq: number
  runId: number
}

/**
 * The full population of a control over a period, with what proves it complete: the query that
 * selected it, where it came from, when it was extracted, how many members, and a hash over them.
 */
export interface Population {
  control: string
  from: string
  to: string
  query: string
  sources: string[]
  extractedAt: string
  /** The ledger it was extracted from: its last record, so the extraction can be redone and compared. */
  chainHead: { seq: number; hash: string }
  count: number
  /** SHA-256 over the members' content hashes, sorted: equal populations give equal hashes. */
  hash: string
  members: PopulationMember[]
}

/** Distinct members (one per content), in ledger order; the first time an item was recorded counts. */
export function buildPopulation(
  input: Omit<Population, 'count' | 'hash' | 'members' | 'sources'>,
  records: Iterable<PopulationMember>,
): Population {
  const byContent = new Map<string, PopulationMember>()
  for (const member of records)
    if (!byContent.has(member.contentHash)) byContent.set(member.contentHash, member)
  const members = [...byContent.values()].sort((a, b) => a.seq - b.seq)
  const hash = sha256(
    members
      .map((m) => m.contentHash)
      .sort()
      .join('\n'),
  )
  const sources = [...new Set(members.map((m) => m.source))].sort()
  return { ...input, sources, count: members.length, hash, members }
}

/** The evidence kind of an evidence record id (`k8s.workload:prod/api` → `k8s.workload`). */
export const evidenceKindOf = (recordId: string): string =>
  recordId.slice(0, Math.max(0, recordId.indexOf(':')))

/** A command-line date: YYYY-MM-DD and a real calendar day, or a ConfigError naming the flag. */
export function parseIsoDate(value: string, flag: string): string {
  const parsed = new Date(`${value}T00:00:00Z`)
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
    Number.isNaN(parsed.getTime()) ||
    parsed.toISOString().slice(0, 10) !== value
  )
    throw new ConfigError(`${flag}: '${value}' is not a date written YYYY-MM-DD`)
  return value
}
